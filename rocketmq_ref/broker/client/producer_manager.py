"""Producer groups and their channels (Java ``broker.client.ProducerManager``; A4.2): used for
producer connection lists and transaction check-backs; 120 s of silence expires a channel."""
from __future__ import annotations

import itertools
import logging
import threading
from typing import Any

from rocketmq_ref.broker.client.client_channel_info import ClientChannelInfo, now_ms, parse_channel_remote_addr
from rocketmq_ref.broker.client.consumer_manager import CHANNEL_EXPIRED_TIMEOUT, _close

log = logging.getLogger("rocketmq_ref.broker")


class ProducerManager:
    def __init__(self, channel_expired_timeout_ms: int = CHANNEL_EXPIRED_TIMEOUT) -> None:
        self.group_channel_table: dict[str, dict[Any, ClientChannelInfo]] = {}
        self.client_channel_table: dict[str, Any] = {}
        self.channel_expired_timeout = channel_expired_timeout_ms
        self._lock = threading.Lock()
        self._positive_counter = itertools.count()

    def get_group_channel_table(self) -> dict[str, dict[Any, ClientChannelInfo]]:
        return {g: dict(t) for g, t in list(self.group_channel_table.items())}

    def register_producer(self, group: str, client_channel_info: ClientChannelInfo) -> None:
        with self._lock:
            table = self.group_channel_table.setdefault(group, {})
            found = table.get(client_channel_info.channel)
            if found is None:
                table[client_channel_info.channel] = client_channel_info
                self.client_channel_table[client_channel_info.client_id] = client_channel_info.channel
                log.info("new producer connected, group: %s channel: %s", group, client_channel_info)
                found = client_channel_info
        found.last_update_timestamp = now_ms()

    def unregister_producer(self, group: str, client_channel_info: ClientChannelInfo) -> None:
        with self._lock:
            table = self.group_channel_table.get(group)
            if not table:
                return
            old = table.pop(client_channel_info.channel, None)
            self.client_channel_table.pop(client_channel_info.client_id, None)
            if old is not None:
                log.info("unregister a producer[%s] from groupChannelTable %s", group, client_channel_info)
            if not table:
                del self.group_channel_table[group]
                log.info("unregister a producer group[%s] from groupChannelTable", group)

    def scan_not_active_channel(self) -> None:
        now = now_ms()
        with self._lock:
            for group, table in list(self.group_channel_table.items()):
                for channel, info in list(table.items()):
                    if now - info.last_update_timestamp > self.channel_expired_timeout:
                        del table[channel]
                        self.client_channel_table.pop(info.client_id, None)
                        log.warning("SCAN: remove expired channel[%s] from ProducerManager groupChannelTable, "
                                    "producer group name: %s", parse_channel_remote_addr(channel), group)
                        _close(channel)
                if not table:
                    del self.group_channel_table[group]

    def do_channel_close_event(self, remote_addr: str, channel: Any) -> None:
        with self._lock:
            for group, table in list(self.group_channel_table.items()):
                info = table.pop(channel, None)
                if info is not None:
                    self.client_channel_table.pop(info.client_id, None)
                    log.info("NETTY EVENT: remove channel[%s][%s] from ProducerManager groupChannelTable, "
                             "producer group: %s", info, remote_addr, group)
                if not table:
                    del self.group_channel_table[group]

    def get_available_channel(self, group: str) -> Any | None:
        """One live channel of the group, round robin (transaction check-back)."""
        table = self.group_channel_table.get(group)
        if not table:
            return None
        channels = [c for c in list(table) if getattr(c, "is_active", lambda: True)()]
        if not channels:
            return None
        return channels[next(self._positive_counter) % len(channels)]

    def find_channel(self, client_id: str) -> Any | None:
        return self.client_channel_table.get(client_id)
