"""Request processors (Java ``NettyRequestProcessor`` and ``AsyncNettyRequestProcessor``; book
A4.3.1, A13.4.1).

A processor is registered per request code.  Either

* ``process_request(ctx, request) -> RemotingCommand | None``, run on the processor's executor (a
  thread pool, like Java's per-processor executors), or
* ``async def async_process_request(ctx, request) -> RemotingCommand | None``, run on the event
  loop (long polling, fast paths).

Returning None writes nothing now: the processor keeps ``ctx`` and answers later with
``ctx.write_response(response)`` (long polling), or the request was oneway.
``reject_request()`` true answers SYSTEM_BUSY without running the processor.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rocketmq_ref.remoting.netty.remoting_channel import RequestContext
    from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand


class NettyRequestProcessor:
    def process_request(self, ctx: "RequestContext", request: "RemotingCommand"
                        ) -> "RemotingCommand | None":
        raise NotImplementedError

    def reject_request(self) -> bool:
        return False


class AsyncNettyRequestProcessor:
    async def async_process_request(self, ctx: "RequestContext", request: "RemotingCommand"
                                    ) -> "RemotingCommand | None":
        raise NotImplementedError

    def reject_request(self) -> bool:
        return False
