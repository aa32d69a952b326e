"""Group membership events and their default handler (Java ``broker.client.ConsumerGroupEvent``,
``ConsumerIdsChangeListener``, ``DefaultConsumerIdsChangeListener``; B5.5): a CHANGE sends
NOTIFY_CONSUMER_IDS_CHANGED to every member so it rebalances at once."""
from __future__ import annotations

import enum
import logging
from typing import Any

log = logging.getLogger("rocketmq_ref.broker")


class ConsumerGroupEvent(enum.Enum):
    CHANGE = "CHANGE"
    UNREGISTER = "UNREGISTER"
    REGISTER = "REGISTER"


class ConsumerIdsChangeListener:
    def handle(self, event: ConsumerGroupEvent, group: str, *args: Any) -> None:
        raise NotImplementedError


class DefaultConsumerIdsChangeListener(ConsumerIdsChangeListener):
    def __init__(self, broker_controller: Any) -> None:
        self.broker_controller = broker_controller

    def handle(self, event: ConsumerGroupEvent, group: str, *args: Any) -> None:
        if event is ConsumerGroupEvent.CHANGE:
            if not args or not args[0]:
                return
            if self.broker_controller.broker_config.notify_consumer_ids_changed_enable:
                for channel in args[0]:
                    self.broker_controller.broker2client.notify_consumer_ids_changed(channel, group)
        elif event is ConsumerGroupEvent.UNREGISTER:
            self.broker_controller.consumer_filter_manager.un_register(group)
        elif event is ConsumerGroupEvent.REGISTER:
            # the SQL92 subscriptions of a heartbeat (tag ones are skipped by the manager)
            self.broker_controller.consumer_filter_manager.register(group, args[0] if args else ())
