"""BrokerHousekeepingService: a broker's connection closing removes its routes at once (Java
``org.apache.rocketmq.namesrv.routeinfo.BrokerHousekeepingService``; book B2.3.3).

The remoting server reports close, exception and idle events for every connection on its event
thread; each is ``RouteInfoManager.on_channel_destroy``, which ignores connections no broker
registered over (clients, tools).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rocketmq_ref.remoting.channel_event_listener import ChannelEventListener

if TYPE_CHECKING:
    from rocketmq_ref.namesrv.namesrv_controller import NamesrvController


class BrokerHousekeepingService(ChannelEventListener):
    def __init__(self, namesrv_controller: NamesrvController) -> None:
        self.namesrv_controller = namesrv_controller

    def on_channel_connect(self, remote_addr: str, channel: Any) -> None:
        pass

    def on_channel_close(self, remote_addr: str, channel: Any) -> None:
        self.namesrv_controller.route_info_manager.on_channel_destroy(
            remote_addr, channel, reason="channel closed")

    def on_channel_exception(self, remote_addr: str, channel: Any) -> None:
        self.namesrv_controller.route_info_manager.on_channel_destroy(
            remote_addr, channel, reason="channel exception")

    def on_channel_idle(self, remote_addr: str, channel: Any) -> None:
        self.namesrv_controller.route_info_manager.on_channel_destroy(
            remote_addr, channel, reason="channel idle")
