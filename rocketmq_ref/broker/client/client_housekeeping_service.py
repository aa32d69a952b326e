"""Drops clients whose connection closed, failed or went idle, and every 10 s those silent for 120 s
(Java ``broker.client.ClientHousekeepingService``; A4.2)."""
from __future__ import annotations

import logging
from typing import Any

from rocketmq_ref.common.service_thread import ServiceThread

log = logging.getLogger("rocketmq_ref.broker")

SCAN_INTERVAL_MS = 10 * 1000


class ClientHousekeepingService(ServiceThread):
    """A ``ChannelEventListener`` of the remoting server plus the periodic scan thread."""

    def __init__(self, broker_controller: Any, scan_interval_ms: int = SCAN_INTERVAL_MS) -> None:
        super().__init__()
        self.broker_controller = broker_controller
        self.scan_interval_ms = scan_interval_ms

    def get_service_name(self) -> str:
        return "ClientHousekeepingScheduledThread"

    def run(self) -> None:
        while not self.is_stopped():
            self.wait_for_running(self.scan_interval_ms)
            if self.is_stopped():
                break
            try:
                self.scan_exception_channel()
            except Exception:
                log.exception("Error occurred when scan not active client channels.")

    def scan_exception_channel(self) -> None:
        c = self.broker_controller
        c.producer_manager.scan_not_active_channel()
        c.consumer_manager.scan_not_active_channel()

    def _channel_gone(self, remote_addr: str, channel: Any) -> None:
        c = self.broker_controller
        c.producer_manager.do_channel_close_event(remote_addr, channel)
        c.consumer_manager.do_channel_close_event(remote_addr, channel)

    # ChannelEventListener
    def on_channel_connect(self, remote_addr: str, channel: Any) -> None:
        pass

    def on_channel_close(self, remote_addr: str, channel: Any) -> None:
        self._channel_gone(remote_addr, channel)

    def on_channel_exception(self, remote_addr: str, channel: Any) -> None:
        self._channel_gone(remote_addr, channel)

    def on_channel_idle(self, remote_addr: str, channel: Any) -> None:
        self._channel_gone(remote_addr, channel)
