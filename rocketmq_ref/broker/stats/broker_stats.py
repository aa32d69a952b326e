"""Put/get totals at yesterday's and today's midnight, for GET_BROKER_RUNTIME_INFO and
``mqadmin brokerStatus`` (Java ``broker.BrokerStats``; A2.4).  ``record()`` runs once a day."""
from __future__ import annotations

from typing import Any


class BrokerStats:
    def __init__(self, stats_manager: Any) -> None:
        self.stats_manager = stats_manager
        self.msg_put_total_yesterday_morning = 0
        self.msg_put_total_today_morning = 0
        self.msg_get_total_yesterday_morning = 0
        self.msg_get_total_today_morning = 0

    def record(self) -> None:
        self.msg_put_total_yesterday_morning = self.msg_put_total_today_morning
        self.msg_get_total_yesterday_morning = self.msg_get_total_today_morning
        self.msg_put_total_today_morning = self.stats_manager.broker_put_nums()
        self.msg_get_total_today_morning = self.stats_manager.broker_get_nums()

    def get_msg_put_total_today_now(self) -> int:
        return self.stats_manager.broker_put_nums()

    def get_msg_get_total_today_now(self) -> int:
        return self.stats_manager.broker_get_nums()
