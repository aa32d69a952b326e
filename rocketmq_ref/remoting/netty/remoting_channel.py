"""``RemotingChannel``: one TCP connection, the asyncio stand-in for a Netty ``Channel`` with its
pipeline (decoder, encoder, idle handler, connection manager, handler); and ``RequestContext``, what
a processor gets for one request (book A4.3.3, A13.4.3).

The channel is an ``asyncio.BufferedProtocol``: the kernel reads straight into the decoder's buffer
(no per-read ``bytes`` object), frames are sliced with ``memoryview`` and only bodies are copied.
What that bought, measured by ``benchmarks/remoting.py`` on a shared 2-core machine: on the bare
receive path (split and decode, 64 KiB reads) under 10 % -- the JSON header decode dominates -- and
in server CPU per pipelined round trip between 0 and 30 % across runs (21 vs 31 us in the best one);
it stays because it costs nothing.  Writes are coalesced per loop turn when more are coming (see ``write_command``), which is
what lets a pipelined burst go out in one ``send()``.
Everything here runs on the event loop except the ``*_threadsafe``/``write_and_flush``/``invoke_*``
entry points, which any thread may call.
"""
from __future__ import annotations

import asyncio
import collections
import logging
import time
from typing import TYPE_CHECKING, Any, Callable

from rocketmq_ref.common.tracing import record_error
from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.netty.frame_codec import NettyDecoder
from rocketmq_ref.remoting.netty.span_attributes import ATTR_RESPONSE_CODE, ERROR_CODES
from rocketmq_ref.remoting.helper import parse_socket_address

if TYPE_CHECKING:
    from opentelemetry.trace import Span

    from rocketmq_ref.remoting.netty.remoting_abstract import NettyRemotingAbstract
    from rocketmq_ref.remoting.netty.response_future import ResponseFuture
    from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

log = logging.getLogger("rocketmq_ref.remoting")

_JOIN_BELOW = 64 * 1024  # bodies smaller than this are joined to the header: one send() call
_DEFAULT_HIGH_WATER = 64 * 1024 * 1024


class RemotingChannel(asyncio.BufferedProtocol):
    """One connection; ``remote_addr`` is ``ip:port`` of the peer."""

    def __init__(self, owner: "NettyRemotingAbstract", frame_max_length: int,
                 high_water_mark: int = 0) -> None:
        self.owner = owner
        self.loop = owner.loop
        self.decoder = NettyDecoder(frame_max_length)
        self.transport: asyncio.Transport | None = None
        self.remote_addr = ""
        self.local_addr = ""
        self.last_active = time.monotonic()
        self.closed = False
        self.attributes: dict[str, Any] = {}
        self._high_water = high_water_mark or _DEFAULT_HIGH_WATER
        self._close_waiter: asyncio.Future | None = None
        self._dropped = 0
        self._broken: memoryview | None = None
        self._in_read_burst = False
        self._pending: list[bytes] = []
        self._flush_scheduled = False
        self._from_threads: collections.deque[RemotingCommand] = collections.deque()
        self._drain_scheduled = False
        #: requests of this peer being processed on the loop (server side)
        self.inflight_requests = 0
        #: responses we are waiting for from this peer (client side)
        self.outstanding_responses = 0

    # ------------------------------------------------------------------ protocol callbacks
    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # type: ignore[override]
        self.transport = transport  # type: ignore[assignment]
        self.remote_addr = parse_socket_address(transport.get_extra_info("peername"))
        self.local_addr = parse_socket_address(transport.get_extra_info("sockname"))
        self.last_active = time.monotonic()
        self.owner.on_channel_active(self)

    def get_buffer(self, sizehint: int) -> memoryview:
        if self._broken is not None:  # a bad frame came: drain into scratch until closed
            return self._broken
        return self.decoder.get_buffer(sizehint)

    def buffer_updated(self, nbytes: int) -> None:
        if self._broken is not None:
            return
        self.last_active = time.monotonic()
        try:
            commands = self.decoder.buffer_updated(nbytes)
        except RemotingCommandException as e:
            self._broken = memoryview(bytearray(4096))
            self.owner.on_decode_error(self, e)
            return
        received = self.owner.process_message_received
        if len(commands) == 1:
            received(self, commands[0])
            return
        # a burst: answers written while it is being handled go out together at its end (Netty's
        # flush consolidation: flush on read complete)
        self._in_read_burst = True
        try:
            for cmd in commands:
                received(self, cmd)
        finally:
            self._in_read_burst = False
            if self._pending:
                self._flush()

    def eof_received(self) -> bool:
        return False  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.owner.on_channel_inactive(self, exc)
        w = self._close_waiter
        if w is not None and not w.done():
            w.set_result(None)

    # ------------------------------------------------------------------ writing (loop thread)
    # Writes are coalesced the way Netty's flush consolidation does it: a write that more writes
    # will soon follow (other requests of this peer still being processed, other responses
    # expected from it) joins a buffer flushed once at the next loop turn, so a pipelined burst
    # costs one send() instead of one per command; a lone write goes out at once.
    def write_command(self, cmd: "RemotingCommand", defer: bool = False) -> None:
        """Encode and write ``cmd`` (now, or at the next loop turn with ``defer``); raises if the
        channel is closed.  Must run on the loop."""
        t = self.transport
        if t is None or self.closed or t.is_closing():
            raise ConnectionError(f"channel to {self.remote_addr} is closed")
        body = cmd.body
        head = cmd.encode_header(len(body) if body else 0)
        pending = self._pending
        if defer or pending:
            pending.append(head)
            if body:
                pending.append(body)
            if not defer:
                self._flush()
            elif not self._flush_scheduled:
                self._flush_scheduled = True
                self.loop.call_soon(self._flush)
            return
        if body:
            if len(body) < _JOIN_BELOW:
                t.write(head + body)
            else:
                t.write(head)
                t.write(body)
        else:
            t.write(head)
        self._after_write(t)

    def _flush(self) -> None:
        self._flush_scheduled = False
        pending = self._pending
        if not pending:
            return
        data = pending[0] if len(pending) == 1 else b"".join(pending)
        pending.clear()
        t = self.transport
        if t is None or t.is_closing():
            return
        t.write(data)
        self._after_write(t)

    def _after_write(self, t: asyncio.Transport) -> None:
        self.last_active = time.monotonic()
        if t.get_write_buffer_size() > self._high_water:
            log.warning("aborting channel %s: %d bytes queued, the peer does not read",
                        self.remote_addr, t.get_write_buffer_size())
            t.abort()  # close() would wait for a flush that never comes

    # ------------------------------------------------------------------ any thread
    def in_loop(self) -> bool:
        return self.owner.in_loop_thread()

    def write_and_flush(self, cmd: "RemotingCommand") -> None:
        """Write from any thread; a closed channel drops the command (logged once).  Commands from
        other threads are handed over in batches: one loop wake-up for many responses."""
        if self.owner.in_loop_thread():
            self._write_logged(cmd, self._in_read_burst or self.inflight_requests > 1)
        else:
            self._from_threads.append(cmd)
            if not self._drain_scheduled:
                self._drain_scheduled = True
                try:
                    self.loop.call_soon_threadsafe(self._drain)
                except RuntimeError:  # the loop is closed: the channel is gone
                    self._drain_scheduled = False

    def _drain(self) -> None:
        self._drain_scheduled = False
        queue = self._from_threads
        while queue:
            self._write_logged(queue.popleft(), True)
        self._flush()

    def _write_logged(self, cmd: "RemotingCommand", defer: bool = False) -> None:
        try:
            self.write_command(cmd, defer)
        except Exception as e:
            self._dropped += 1
            if self._dropped == 1:  # once per channel: a closed peer may have many answers pending
                log.warning("write to %s failed, command dropped (code %d, opaque %d): %s",
                            self.remote_addr, cmd.code, cmd.opaque, e)

    def is_active(self) -> bool:
        t = self.transport
        return t is not None and not self.closed and not t.is_closing()

    def close(self) -> None:
        """Close from any thread (Java ``RemotingUtil.closeChannel``)."""
        if self.owner.in_loop_thread():
            if self.transport is not None and not self.transport.is_closing():
                self.transport.close()
        elif not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.close)

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    async def wait_closed(self) -> None:
        if self.closed:
            return
        if self._close_waiter is None:
            self._close_waiter = self.loop.create_future()
        await self._close_waiter

    # ------------------------------------------------------------------ requests over this channel
    def invoke_sync(self, request: "RemotingCommand", timeout_ms: int) -> "RemotingCommand":
        """Send a request to the peer and block for its response (a non-loop thread only)."""
        return self.owner.invoke_sync_impl(self, request, timeout_ms)

    async def invoke(self, request: "RemotingCommand", timeout_ms: int) -> "RemotingCommand":
        """Send a request to the peer and await its response (on the loop)."""
        return await self.owner.invoke_impl(self, request, timeout_ms)

    def invoke_async(self, request: "RemotingCommand", timeout_ms: int,
                     callback: Callable[["ResponseFuture"], Any]) -> None:
        self.owner.invoke_async_impl(self, request, timeout_ms, callback)

    def invoke_oneway(self, request: "RemotingCommand", timeout_ms: int) -> None:
        self.owner.invoke_oneway_impl(self, request, timeout_ms)

    def __repr__(self) -> str:
        return f"RemotingChannel({self.local_addr} -> {self.remote_addr}{', closed' if self.closed else ''})"


class RequestContext:
    """What a processor gets with one request: the channel it came on (``ctx.channel``: remote
    address, ``invoke_*`` to send requests back to the peer) and a way to answer it, now (return the
    response) or later from any thread (``write_response``; long polling).  ``span`` is the SERVER
    span of the request while the processor runs."""

    __slots__ = ("channel", "request", "span", "_done", "_owner")

    def __init__(self, owner: "NettyRemotingAbstract", channel: RemotingChannel,
                 request: "RemotingCommand", span: "Span") -> None:
        self._owner = owner
        self.channel = channel
        self.request = request
        self.span = span
        self._done = False

    @property
    def remote_addr(self) -> str:
        return self.channel.remote_addr

    def is_done(self) -> bool:
        return self._done

    def write_response(self, response: "RemotingCommand | None", run_hooks: bool = True) -> None:
        """Answer the request (any thread, once): opaque, response flag and serialize type are
        copied from the request and the RPC hooks' ``do_after_response`` run first.  Nothing is
        written for a oneway request or a None response."""
        if self._done:
            log.warning("second response to request opaque %d from %s ignored",
                        self.request.opaque, self.channel.remote_addr)
            return
        self._done = True
        request = self.request
        if run_hooks and self._owner.rpc_hooks:
            try:
                self._owner.do_after_rpc_hooks(self.channel.remote_addr, request, response)
            except Exception as e:
                log.warning("after-response hook failed for %s: %s", self.channel.remote_addr, e)
        if response is None or request.flag & 2:
            return
        response.opaque = request.opaque
        response.flag |= 1
        response.serialize_type_current_rpc = request.serialize_type_current_rpc
        s = self.span
        if s.is_recording():
            s.set_attribute(ATTR_RESPONSE_CODE, response.code)
            if response.code in ERROR_CODES:
                record_error(s, response.remark or f"response code {response.code}")
        self.channel.write_and_flush(response)
