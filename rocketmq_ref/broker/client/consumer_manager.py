"""Consumer groups by name, their channels and subscriptions (Java ``broker.client.ConsumerManager``;
A4.2, B5.5). Channels silent for 120 s are dropped by the housekeeping scan."""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from rocketmq_ref.broker.client.client_channel_info import ClientChannelInfo, now_ms, parse_channel_remote_addr
from rocketmq_ref.broker.client.consumer_group_info import ConsumerGroupInfo
from rocketmq_ref.broker.client.consumer_ids_change_listener import ConsumerGroupEvent, ConsumerIdsChangeListener

log = logging.getLogger("rocketmq_ref.broker")

CHANNEL_EXPIRED_TIMEOUT = 1000 * 120


class ConsumerManager:
    def __init__(self, consumer_ids_change_listener: ConsumerIdsChangeListener,
                 channel_expired_timeout_ms: int = CHANNEL_EXPIRED_TIMEOUT) -> None:
        self.consumer_table: dict[str, ConsumerGroupInfo] = {}
        self.consumer_ids_change_listener = consumer_ids_change_listener
        self.channel_expired_timeout = channel_expired_timeout_ms
        self._lock = threading.Lock()

    def find_channel(self, group: str, client_id: str) -> ClientChannelInfo | None:
        info = self.consumer_table.get(group)
        return info.find_channel(client_id) if info else None

    def find_subscription_data(self, group: str, topic: str) -> Any | None:
        info = self.consumer_table.get(group)
        return info.find_subscription_data(topic) if info else None

    def get_consumer_group_info(self, group: str) -> ConsumerGroupInfo | None:
        return self.consumer_table.get(group)

    def find_subscription_data_count(self, group: str) -> int:
        info = self.consumer_table.get(group)
        return len(info.subscription_table) if info else 0

    def do_channel_close_event(self, remote_addr: str, channel: Any) -> None:
        for group, info in list(self.consumer_table.items()):
            if info.do_channel_close_event(remote_addr, channel):
                self._after_member_left(group, info)

    def _after_member_left(self, group: str, info: ConsumerGroupInfo) -> None:
        if not info.channel_info_table:
            with self._lock:
                removed = self.consumer_table.pop(group, None) if self.consumer_table.get(group) is info else None
            if removed is not None:
                log.info("unregister consumer ok, no any connection, and remove consumer group, %s", group)
                self.consumer_ids_change_listener.handle(ConsumerGroupEvent.UNREGISTER, group)
        self.consumer_ids_change_listener.handle(ConsumerGroupEvent.CHANGE, group, info.get_all_channel())

    def register_consumer(self, group: str, client_channel_info: ClientChannelInfo, consume_type: Any,
                          message_model: Any, consume_from_where: Any, sub_list: Iterable[Any],
                          is_notify_consumer_ids_changed_enable: bool) -> bool:
        sub_list = list(sub_list)
        info = self.consumer_table.get(group)
        if info is None:
            with self._lock:
                info = self.consumer_table.setdefault(
                    group, ConsumerGroupInfo(group, consume_type, message_model, consume_from_where))
        r1 = info.update_channel(client_channel_info, consume_type, message_model, consume_from_where)
        r2 = info.update_subscription(sub_list)
        if (r1 or r2) and is_notify_consumer_ids_changed_enable:
            self.consumer_ids_change_listener.handle(ConsumerGroupEvent.CHANGE, group, info.get_all_channel())
        self.consumer_ids_change_listener.handle(ConsumerGroupEvent.REGISTER, group, sub_list)
        return r1 or r2

    def unregister_consumer(self, group: str, client_channel_info: ClientChannelInfo,
                            is_notify_consumer_ids_changed_enable: bool) -> None:
        info = self.consumer_table.get(group)
        if info is None:
            return
        info.unregister_channel(client_channel_info)
        if not info.channel_info_table:
            with self._lock:
                removed = self.consumer_table.pop(group, None)
            if removed is not None:
                log.info("unregister consumer ok, no any connection, and remove consumer group, %s", group)
                self.consumer_ids_change_listener.handle(ConsumerGroupEvent.UNREGISTER, group)
        if is_notify_consumer_ids_changed_enable:
            self.consumer_ids_change_listener.handle(ConsumerGroupEvent.CHANGE, group, info.get_all_channel())

    def scan_not_active_channel(self) -> None:
        """Drop channels not heard from for 120 s, close them, and tell the rest of the group."""
        now = now_ms()
        for group, info in list(self.consumer_table.items()):
            expired = [ci for ci in list(info.channel_info_table.values())
                       if now - ci.last_update_timestamp > self.channel_expired_timeout]
            for ci in expired:
                log.warning("SCAN: remove expired channel from ConsumerManager consumerTable. channel=%s, "
                            "consumerGroup=%s", parse_channel_remote_addr(ci.channel), group)
                _close(ci.channel)
                info.channel_info_table.pop(ci.channel, None)
            if expired:
                self._after_member_left(group, info)

    def query_topic_consume_by_who(self, topic: str) -> set[str]:
        return {group for group, info in list(self.consumer_table.items()) if topic in info.subscription_table}


def _close(channel: Any) -> None:
    close = getattr(channel, "close", None)
    if close is not None:
        try:
            close()
        except Exception:  # closing a dead channel must not stop the scan
            log.debug("closing expired channel failed", exc_info=True)
