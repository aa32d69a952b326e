"""``ChannelEventListener``: connection events delivered on the ``NettyEventExecutor`` thread, never on
the event loop (Java ``remoting/ChannelEventListener``; book A4.3.1).  The broker uses them to drop
producers and consumers whose connection went away."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rocketmq_ref.remoting.netty.remoting_channel import RemotingChannel


class ChannelEventListener:
    def on_channel_connect(self, remote_addr: str, channel: "RemotingChannel") -> None:
        pass

    def on_channel_close(self, remote_addr: str, channel: "RemotingChannel") -> None:
        pass

    def on_channel_exception(self, remote_addr: str, channel: "RemotingChannel") -> None:
        pass

    def on_channel_idle(self, remote_addr: str, channel: "RemotingChannel") -> None:
        pass
