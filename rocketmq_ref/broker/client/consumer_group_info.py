"""The live members and subscriptions of one consumer group (Java ``broker.client.ConsumerGroupInfo``;
A4.2, B5.5)."""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from typing import Any

from rocketmq_ref.broker.client.client_channel_info import ClientChannelInfo, now_ms

log = logging.getLogger("rocketmq_ref.broker")


class ConsumerGroupInfo:
    def __init__(self, group_name: str, consume_type: Any, message_model: Any, consume_from_where: Any) -> None:
        self.group_name = group_name
        self.subscription_table: dict[str, Any] = {}
        self.channel_info_table: dict[Any, ClientChannelInfo] = {}
        self.consume_type = consume_type
        self.message_model = message_model
        self.consume_from_where = consume_from_where
        self.last_update_timestamp = now_ms()
        self._lock = threading.Lock()

    def find_channel(self, client_id: str) -> ClientChannelInfo | None:
        for info in list(self.channel_info_table.values()):
            if info.client_id == client_id:
                return info
        return None

    def get_all_channel(self) -> list[Any]:
        return list(self.channel_info_table.keys())

    def get_all_client_id(self) -> list[str]:
        return [info.client_id for info in list(self.channel_info_table.values())]

    def unregister_channel(self, client_channel_info: ClientChannelInfo) -> bool:
        with self._lock:
            old = self.channel_info_table.pop(client_channel_info.channel, None)
        if old is not None:
            log.info("unregister a consumer[%s] from consumerGroupInfo %s", old.client_id, self.group_name)
        return old is not None

    def do_channel_close_event(self, remote_addr: str, channel: Any) -> bool:
        with self._lock:
            info = self.channel_info_table.pop(channel, None)
        if info is not None:
            log.warning("NETTY EVENT: remove not active channel[%s] from ConsumerGroupInfo groupChannelTable, "
                        "consumer group: %s", info, self.group_name)
            return True
        return False

    def update_channel(self, info_new: ClientChannelInfo, consume_type: Any, message_model: Any,
                       consume_from_where: Any) -> bool:
        """True when the channel is new to the group (a membership change)."""
        updated = False
        self.consume_type = consume_type
        self.message_model = message_model
        self.consume_from_where = consume_from_where
        with self._lock:
            info_old = self.channel_info_table.get(info_new.channel)
            if info_old is None:
                self.channel_info_table[info_new.channel] = info_new
                log.info("new consumer connected, group: %s %s %s channel: %s", self.group_name, consume_type,
                         message_model, info_new)
                updated = True
                info_old = info_new
            elif info_old.client_id != info_new.client_id:
                log.error("[BUG] consumer channel exist in broker, but clientId not equal. GROUP: %s OLD: %s "
                          "NEW: %s", self.group_name, info_old, info_new)
                self.channel_info_table[info_new.channel] = info_new
                info_old = info_new
        self.last_update_timestamp = now_ms()
        info_old.last_update_timestamp = self.last_update_timestamp
        return updated

    def update_subscription(self, sub_list: Iterable[Any]) -> bool:
        """True when a topic was added or removed; a newer subVersion replaces silently."""
        updated = False
        subs = list(sub_list)
        with self._lock:
            for sub in subs:
                old = self.subscription_table.get(sub.topic)
                if old is None:
                    self.subscription_table[sub.topic] = sub
                    updated = True
                    log.info("subscription changed, add new topic, group: %s %s", self.group_name, sub)
                elif sub.sub_version > old.sub_version:
                    self.subscription_table[sub.topic] = sub
            topics = {sub.topic for sub in subs}
            for old_topic in [t for t in self.subscription_table if t not in topics]:
                log.warning("subscription changed, group: %s remove topic %s", self.group_name, old_topic)
                del self.subscription_table[old_topic]
                updated = True
        self.last_update_timestamp = now_ms()
        return updated

    def get_subscribe_topics(self) -> set[str]:
        return set(self.subscription_table.keys())

    def find_subscription_data(self, topic: str) -> Any | None:
        return self.subscription_table.get(topic)
