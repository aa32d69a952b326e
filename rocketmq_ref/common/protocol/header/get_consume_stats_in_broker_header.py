"""``GetConsumeStatsInBrokerHeader``: GET_BROKER_CONSUME_STATS (317) (Java
``common/protocol/header/GetConsumeStatsInBrokerHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class GetConsumeStatsInBrokerHeader(CommandCustomHeader):
    is_order: bool = cf_not_null(False)
