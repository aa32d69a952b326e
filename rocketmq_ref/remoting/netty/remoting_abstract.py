"""``NettyRemotingAbstract``: what server and client share -- dispatching requests to processors,
matching responses to the opaque table, the three invoke styles, RPC hooks, channel events, idle
close and the timeout scan (Java ``remoting/netty/NettyRemotingAbstract``; book A4.3.1, A13.4.1).

Threads.  All I/O runs on one asyncio loop (the Netty event loop): either a loop the owner runs in a
daemon thread of its own, or a running loop handed in.  Processors with ``process_request`` run on
their executor (a thread pool); processors with ``async def async_process_request`` run on the loop.
A blocking processor that sets ``run_on_loop = True`` is called on the loop too, with no executor
hand-off: Java always hands a request to the processor's pool, but in CPython the two thread
switches (submit, then ``call_soon_threadsafe`` for the answer) cost more CPU than a short
processor's own work; only processors that never wait long (an in-memory append) may ask for it.
Channel events go to the listener on the ``NettyEventExecutor`` thread; async callbacks run on the
callback executor.  Every public entry point may be called from any thread, except that the blocking
``invoke_sync`` refuses to run on the loop thread (it would deadlock): asyncio code awaits
``invoke`` instead.

Tracing.  Every outbound request gets a CLIENT span and every inbound one a SERVER span, named by the
request code (``SEND_MESSAGE_V2``) with the code, opaque, peer address and response code; the W3C
context travels in ``extFields`` (``traceparent``), so both sides join one trace.  With no tracing
SDK installed the spans are non-recording and nothing is added to the wire.
"""
from __future__ import annotations

import asyncio
import collections
import contextvars
import inspect
import logging
import threading
import time
from asyncio import events
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any, Callable

from rocketmq_ref.common.protocol.request_code import request_code_name
from rocketmq_ref.common.service_thread import ServiceThread
from rocketmq_ref.common.tracing import SpanKind, extract, inject, record_error, span
from rocketmq_ref.remoting.channel_event_listener import ChannelEventListener
from rocketmq_ref.remoting.exception import (RemotingCommandException, RemotingConnectException,
                                             RemotingException,
                                             RemotingSendRequestException,
                                             RemotingTimeoutException,
                                             RemotingTooMuchRequestException)
from rocketmq_ref.remoting.helper import exception_simple_desc
from rocketmq_ref.remoting.netty.remoting_channel import RemotingChannel, RequestContext
from rocketmq_ref.remoting.netty.response_future import ResponseFuture, SemaphoreReleaseOnlyOnce
from rocketmq_ref.remoting.netty.span_attributes import (ATTR_CODE, ATTR_ONEWAY, ATTR_OPAQUE,
                                                         ATTR_PEER, ATTR_SERIALIZE_TYPE)
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand
from rocketmq_ref.remoting.protocol.remoting_sys_response_code import RemotingSysResponseCode
from rocketmq_ref.remoting.rpc_hook import RPCHook

log = logging.getLogger("rocketmq_ref.remoting")

BOOKS = ("A4.3.1", "A13.4.1")
_JAVA = "org.apache.rocketmq.remoting.netty.NettyRemotingAbstract#"
_get_running_loop = events._get_running_loop
_get_ident = threading.get_ident

ProcessorPair = tuple[Any, Executor, int]  # processor, executor, one of the modes below
#: where a processor runs: on its executor, as a coroutine on the loop, or called on the loop
ON_EXECUTOR, ASYNC_ON_LOOP, BLOCKING_ON_LOOP = 0, 1, 2


class NettyEventType:
    CONNECT = "CONNECT"
    CLOSE = "CLOSE"
    IDLE = "IDLE"
    EXCEPTION = "EXCEPTION"


class NettyEventExecutor(ServiceThread):
    """Delivers channel events to the listener off the loop (Java ``NettyEventExecutor``, queue of
    at most 10000 events; more are dropped with a warning)."""

    MAX_SIZE = 10000

    def __init__(self, listener: ChannelEventListener, owner_name: str) -> None:
        super().__init__()
        self.listener = listener
        self._owner_name = owner_name
        self._queue: collections.deque[tuple[str, str, RemotingChannel]] = collections.deque()

    def get_service_name(self) -> str:
        return f"{self._owner_name}NettyEventExecutor"

    def put_netty_event(self, event_type: str, remote_addr: str, channel: RemotingChannel) -> None:
        if len(self._queue) >= self.MAX_SIZE:
            log.warning("event queue size [%d] over the limit, so drop this event %s %s",
                        len(self._queue), event_type, remote_addr)
            return
        self._queue.append((event_type, remote_addr, channel))
        self.wakeup()

    def run(self) -> None:
        listener = self.listener
        handlers = {NettyEventType.CONNECT: listener.on_channel_connect,
                    NettyEventType.CLOSE: listener.on_channel_close,
                    NettyEventType.IDLE: listener.on_channel_idle,
                    NettyEventType.EXCEPTION: listener.on_channel_exception}
        while not self.is_stopped() or self._queue:
            try:
                event_type, addr, channel = self._queue.popleft()
            except IndexError:
                if self.is_stopped():
                    break
                self.wait_for_running(3000)
                continue
            try:
                handlers[event_type](addr, channel)
            except Exception:
                log.exception("channel event listener failed on %s %s", event_type, addr)


class LoopRunner:
    """An asyncio loop running forever in a daemon thread (the Netty event loop group)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._ready = threading.Event()

    def start(self) -> None:
        self._thread.start()
        self._ready.wait()

    def _run(self) -> None:
        loop = self.loop
        asyncio.set_event_loop(loop)
        loop.call_soon(self._ready.set)
        try:
            loop.run_forever()
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for t in pending:
                t.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()

    def run(self, coro: Any, timeout: float | None = None) -> Any:
        """Run a coroutine on the loop and block for its result (never from the loop thread)."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            if threading.current_thread() is not self._thread:
                self._thread.join(timeout)


class NettyRemotingAbstract:
    """Shared request/response machinery; see the module docstring for threads and tracing."""

    def __init__(self, *, name: str, oneway_permits: int, async_permits: int,
                 public_executor_threads: int, frame_max_length: int, high_water_mark: int,
                 idle_seconds: float, channel_event_listener: ChannelEventListener | None,
                 loop: asyncio.AbstractEventLoop | None) -> None:
        self.name = name
        self.loop: asyncio.AbstractEventLoop = loop  # type: ignore[assignment]  # set at start
        self._given_loop = loop
        self._runner: LoopRunner | None = None
        self.response_table: dict[int, ResponseFuture] = {}
        self.processor_table: dict[int, ProcessorPair] = {}
        self.default_request_processor: ProcessorPair | None = None
        self.rpc_hooks: list[RPCHook] = []
        self.semaphore_oneway = threading.BoundedSemaphore(oneway_permits)
        self.semaphore_async = threading.BoundedSemaphore(async_permits)
        self.public_executor = ThreadPoolExecutor(max_workers=max(public_executor_threads, 1),
                                                  thread_name_prefix=f"{name}PublicExecutor")
        self.frame_max_length = frame_max_length
        self.high_water_mark = high_water_mark
        self.idle_seconds = idle_seconds
        self.channel_event_listener = channel_event_listener
        self.netty_event_executor = (NettyEventExecutor(channel_event_listener, name)
                                     if channel_event_listener is not None else None)
        self.channels: set[RemotingChannel] = set()
        self._sweeper: asyncio.Task | None = None
        self._running = False
        #: seconds between scans of the response table (Java: 1 s)
        self.scan_interval = 1.0
        #: how long shutdown waits for processors still running on the public executor
        self.shutdown_join_seconds = 5.0
        self._loop_thread_id: int | None = None

    # ------------------------------------------------------------------ lifecycle helpers
    def _start_loop(self) -> None:
        """Use the given loop, or start our own in a daemon thread."""
        if self._given_loop is None:
            self._runner = LoopRunner(f"{self.name}EventLoop")
            self._runner.start()
            self.loop = self._runner.loop
        else:
            self.loop = self._given_loop

    def in_loop_thread(self) -> bool:
        """True on the thread running our loop (a thread-id compare: Python 3.11's
        ``get_running_loop`` makes a ``getpid`` system call each time)."""
        tid = self._loop_thread_id
        if tid is None:
            return _get_running_loop() is self.loop
        return tid == _get_ident()

    def _run_blocking(self, coro_fn: Callable[[], Any], timeout: float | None = None) -> Any:
        """Run ``coro_fn()`` on the loop and wait for it (from any thread but the loop's)."""
        if self.in_loop_thread():
            raise RuntimeError(f"{self.name}: this blocking call cannot run on its own event loop; "
                               "await the *_async variant instead")
        return asyncio.run_coroutine_threadsafe(coro_fn(), self.loop).result(timeout)

    def _start_services(self) -> None:
        """On the loop: the sweeper task and the event executor."""
        self._running = True
        self._loop_thread_id = _get_ident()
        if self.netty_event_executor is not None:
            self.netty_event_executor.start()
        self._sweeper = self.loop.create_task(self._sweep(), name=f"{self.name}ScanResponseTable")

    async def _stop_services(self) -> None:
        self._running = False
        if self._sweeper is not None:
            self._sweeper.cancel()
            try:
                await self._sweeper
            except asyncio.CancelledError:
                pass
            self._sweeper = None
        channels = list(self.channels)
        for ch in channels:
            ch.close()
        for ch in channels:
            try:
                await asyncio.wait_for(ch.wait_closed(), 2.0)
            except asyncio.TimeoutError:
                ch.abort()
        for rf in list(self.response_table.values()):
            self.response_table.pop(rf.opaque, None)
            rf.fail(RemotingSendRequestException(rf.addr, f"{self.name} shut down"))

    def _stop_threads(self) -> None:
        """Stop the event thread, the public executor (queued work dropped, running work given
        ``shutdown_join_seconds`` to end: a stuck processor must not hang the shutdown) and the
        loop."""
        join_seconds = self.shutdown_join_seconds
        if self.netty_event_executor is not None:
            self.netty_event_executor.shutdown()
        self.public_executor.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + join_seconds
        for t in list(getattr(self.public_executor, "_threads", ())):
            t.join(max(0.0, deadline - time.monotonic()))
            if t.is_alive():
                log.warning("%s: executor thread %s still busy after shutdown", self.name, t.name)
        if self._runner is not None:
            self._runner.stop()
            self._runner = None

    # ------------------------------------------------------------------ registration
    def register_processor(self, request_code: int, processor: Any,
                           executor: Executor | None = None) -> None:
        """Java ``registerProcessor``: ``processor`` handles ``request_code``; blocking processors run
        on ``executor`` (the public executor when None) unless they set ``run_on_loop``, async ones
        on the loop."""
        self.processor_table[int(request_code)] = self._pair(processor, executor)

    def register_default_processor(self, processor: Any, executor: Executor | None = None) -> None:
        """Java ``registerDefaultProcessor``: handles every code without its own processor."""
        self.default_request_processor = self._pair(processor, executor)

    def _pair(self, processor: Any, executor: Executor | None) -> ProcessorPair:
        is_async = inspect.iscoroutinefunction(getattr(processor, "async_process_request", None))
        if not is_async and not callable(getattr(processor, "process_request", None)):
            raise TypeError(f"{processor!r} has neither process_request nor async "
                            "async_process_request")
        if is_async:
            mode = ASYNC_ON_LOOP
        else:
            mode = BLOCKING_ON_LOOP if getattr(processor, "run_on_loop", False) is True else ON_EXECUTOR
        return processor, executor or self.public_executor, mode

    def get_processor_pair(self, request_code: int) -> ProcessorPair | None:
        return self.processor_table.get(request_code)

    def register_rpc_hook(self, hook: RPCHook) -> None:
        if hook is not None and hook not in self.rpc_hooks:
            self.rpc_hooks.append(hook)

    def clear_rpc_hook(self) -> None:
        self.rpc_hooks.clear()

    def do_before_rpc_hooks(self, addr: str | None, request: RemotingCommand) -> None:
        for hook in self.rpc_hooks:
            hook.do_before_request(addr, request)

    def do_after_rpc_hooks(self, addr: str | None, request: RemotingCommand,
                           response: RemotingCommand | None) -> None:
        for hook in self.rpc_hooks:
            hook.do_after_response(addr, request, response)

    def get_callback_executor(self) -> Executor:
        return self.public_executor

    # ------------------------------------------------------------------ channel events (loop)
    def on_channel_active(self, channel: RemotingChannel) -> None:
        self.channels.add(channel)
        log.debug("%s: channel active %s", self.name, channel.remote_addr)
        self._fire(NettyEventType.CONNECT, channel)

    def on_channel_inactive(self, channel: RemotingChannel, exc: Exception | None) -> None:
        self.channels.discard(channel)
        log.debug("%s: channel inactive %s (%s)", self.name, channel.remote_addr, exc)
        self.fail_fast(channel)
        if exc is not None:
            self._fire(NettyEventType.EXCEPTION, channel)
        self._fire(NettyEventType.CLOSE, channel)

    def on_decode_error(self, channel: RemotingChannel, error: RemotingCommandException) -> None:
        """A malformed frame: log it once, tell the listener, close only this channel."""
        log.warning("%s: malformed frame from %s, closing the channel: %s", self.name,
                    channel.remote_addr, error)
        self._fire(NettyEventType.EXCEPTION, channel)
        channel.close()

    def _fire(self, event_type: str, channel: RemotingChannel) -> None:
        if self.netty_event_executor is not None:
            self.netty_event_executor.put_netty_event(event_type, channel.remote_addr, channel)

    def fail_fast(self, channel: RemotingChannel) -> None:
        """Java ``failFast``: requests waiting on a closed channel fail now, not at their timeout."""
        # list() copies the table in one step: sync callers pop from it in their own threads
        for rf in [rf for rf in list(self.response_table.values()) if rf.channel is channel]:
            self.response_table.pop(rf.opaque, None)
            rf.fail(RemotingSendRequestException(
                channel.remote_addr, "connection closed before the response arrived"))

    async def _sweep(self) -> None:
        """Java's 1 s ``scanResponseTable`` timer plus the idle handler (close after
        ``idle_seconds`` with no read and no write)."""
        while True:
            await asyncio.sleep(max(0.01, min(self.scan_interval, self.idle_seconds / 4
                                              if self.idle_seconds > 0 else 1.0)))
            try:
                self.scan_response_table()
                self._close_idle_channels()
            except Exception:
                log.exception("%s: scan failed", self.name)

    def scan_response_table(self) -> None:
        """Java ``scanResponseTable``: fail the futures past their deadline with a timeout.  This is
        what times out async and awaitable invokes (to within the scan interval, as in Java), so
        the hot path keeps no timer per request; sync callers time out exactly, in their thread."""
        now = time.monotonic()
        expired = [rf for rf in list(self.response_table.values())
                   if rf.begin_timestamp + rf.timeout_ms / 1000.0 <= now]
        for rf in expired:
            self.response_table.pop(rf.opaque, None)
            log.warning("remove timeout request, opaque %d to %s", rf.opaque, rf.addr)
            rf.fail(RemotingTimeoutException(rf.addr, rf.timeout_ms))

    def _close_idle_channels(self) -> None:
        if self.idle_seconds <= 0:
            return
        deadline = time.monotonic() - self.idle_seconds
        for ch in [c for c in list(self.channels) if c.last_active < deadline]:
            log.warning("%s: IDLE exception [%s], closing the channel", self.name, ch.remote_addr)
            self._fire(NettyEventType.IDLE, ch)
            ch.close()

    # ------------------------------------------------------------------ inbound (loop)
    def process_message_received(self, channel: RemotingChannel, cmd: RemotingCommand) -> None:
        """Java ``processMessageReceived``: flag bit 0 tells a response from a request."""
        if cmd.flag & 1:
            self.process_response_command(channel, cmd)
        else:
            self.process_request_command(channel, cmd)

    def process_response_command(self, channel: RemotingChannel, cmd: RemotingCommand) -> None:
        rf = self.response_table.pop(cmd.opaque, None)
        if rf is None or (rf.channel is not None and rf.channel is not channel):
            if rf is not None:
                self.response_table[cmd.opaque] = rf
            log.warning("receive response, but not matched any request, %s, opaque %d, code %d",
                        channel.remote_addr, cmd.opaque, cmd.code)
            return
        rf.put_response(cmd)

    def process_request_command(self, channel: RemotingChannel, cmd: RemotingCommand) -> None:
        """Java ``processRequestCommand``: find the processor, run it where it belongs, answer
        REQUEST_CODE_NOT_SUPPORTED / SYSTEM_BUSY / SYSTEM_ERROR as Java (5.x for unknown codes)."""
        code = cmd.code
        pair = self.processor_table.get(code) or self.default_request_processor
        if pair is None:
            log.warning("%s: request type %d not supported, from %s", self.name, code,
                        channel.remote_addr)
            self._reply_directly(channel, cmd, RemotingSysResponseCode.REQUEST_CODE_NOT_SUPPORTED,
                                 f" request type {code} not supported")
            return
        processor, executor, mode = pair
        try:
            rejected = processor.reject_request()
        except Exception:
            rejected = False
        if rejected:
            self._reply_directly(channel, cmd, RemotingSysResponseCode.SYSTEM_BUSY,
                                 "[REJECTREQUEST]system busy, start flow control for a while")
            return
        if mode == BLOCKING_ON_LOOP:
            self._run_blocking_processor(channel, cmd, processor)
            return
        if mode == ASYNC_ON_LOOP:
            channel.inflight_requests += 1
            coro = self._run_async(channel, cmd, processor)
            if getattr(processor, "eager_start", True):
                self._start_eagerly(coro)
            else:
                self.loop.create_task(coro)
            return
        try:
            executor.submit(self._run_blocking_processor, channel, cmd, processor)
        except RuntimeError as e:  # queue full (RejectedExecutionException) or shut down
            log.warning("%s: too many requests and system thread pool busy (%s), %s",
                        self.name, e, channel.remote_addr)
            self._reply_directly(channel, cmd, RemotingSysResponseCode.SYSTEM_BUSY,
                                 "[OVERLOAD]system busy, start flow control for a while")

    @staticmethod
    def _server_span(cmd: RemotingCommand) -> Any:
        """The SERVER span of an inbound request, child of the context the peer sent along."""
        ext = cmd.ext_fields
        parent = extract(ext) if ext and "traceparent" in ext else None
        return span(request_code_name(cmd.code), kind=SpanKind.SERVER, context=parent,
                    java=_JAVA + "processRequestCommand", books=BOOKS, _depth=2)

    @staticmethod
    def _server_span_attributes(s: Any, channel: RemotingChannel, cmd: RemotingCommand) -> None:
        if s.is_recording():
            s.set_attributes({ATTR_CODE: cmd.code, ATTR_OPAQUE: cmd.opaque,
                              ATTR_PEER: channel.remote_addr, ATTR_ONEWAY: cmd.is_oneway_rpc(),
                              ATTR_SERIALIZE_TYPE: int(cmd.serialize_type_current_rpc)})

    def _reply_directly(self, channel: RemotingChannel, cmd: RemotingCommand, code: int,
                        remark: str) -> None:
        with self._server_span(cmd) as s:
            self._server_span_attributes(s, channel, cmd)
            record_error(s, remark)
            if not cmd.is_oneway_rpc():
                ctx = RequestContext(self, channel, cmd, s)
                ctx.write_response(RemotingCommand.create_response_command(code, remark),
                                   run_hooks=False)

    def _run_blocking_processor(self, channel: RemotingChannel, cmd: RemotingCommand,
                                processor: Any) -> None:
        """On the processor's executor thread (Java's ``RequestTask`` run), or on the loop for a
        ``run_on_loop`` processor."""
        with self._server_span(cmd) as s:
            ctx = self._request_context(channel, cmd, s)
            try:
                self._before(ctx)
                response = processor.process_request(ctx, cmd)
            except Exception as e:
                response = self._error_response(ctx, e)
            self._answer(ctx, response)

    async def _run_async(self, channel: RemotingChannel, cmd: RemotingCommand,
                         processor: Any) -> None:
        """On the loop (an ``async_process_request`` processor)."""
        try:
            with self._server_span(cmd) as s:
                ctx = self._request_context(channel, cmd, s)
                try:
                    self._before(ctx)
                    response = await processor.async_process_request(ctx, cmd)
                except Exception as e:
                    response = self._error_response(ctx, e)
                self._answer(ctx, response)
        finally:
            channel.inflight_requests -= 1

    def _start_eagerly(self, coro: Any) -> None:
        """Run an async processor at once, in a context of its own, the way Python 3.12's eager
        tasks do: a fast path (an in-memory lookup) finishes without ever suspending and costs
        no task and no extra loop turn; one that suspends goes on as a task.  Until its first
        suspension it has no current task (``asyncio.timeout()`` needs one: use ``wait_for``, or
        set ``eager_start = False`` on the processor)."""
        context = contextvars.copy_context()
        try:
            yielded = context.run(coro.send, None)
        except StopIteration:
            return
        self.loop.create_task(self._resume(coro, yielded), context=context)

    async def _resume(self, coro: Any, yielded: Any) -> None:
        """Drive a coroutine that ``_start_eagerly`` left suspended on ``yielded`` (what
        ``Task.__step`` does: wait for the future it yielded, then send it ``None``)."""
        while True:
            try:
                if yielded is None:  # a bare yield: asyncio.sleep(0)
                    await asyncio.sleep(0)
                elif getattr(yielded, "_asyncio_future_blocking", None):
                    yielded._asyncio_future_blocking = False
                    if not yielded.done():
                        waiter = self.loop.create_future()
                        yielded.add_done_callback(
                            lambda _f, w=waiter: w.done() or w.set_result(None))
                        await waiter
                else:
                    raise RuntimeError(f"async processor yielded {yielded!r}, not a future")
            except BaseException as exc:  # this task was cancelled, or a bad yield
                try:
                    yielded = coro.throw(exc)
                except StopIteration:
                    return
                continue
            try:
                yielded = coro.send(None)
            except StopIteration:
                return

    def _request_context(self, channel: RemotingChannel, cmd: RemotingCommand,
                         s: Any) -> RequestContext:
        self._server_span_attributes(s, channel, cmd)
        return RequestContext(self, channel, cmd, s)

    def _before(self, ctx: RequestContext) -> None:
        if self.rpc_hooks:
            self.do_before_rpc_hooks(ctx.channel.remote_addr, ctx.request)

    @staticmethod
    def _answer(ctx: RequestContext, response: RemotingCommand | None) -> None:
        """Write what the processor returned; None means it answers later (or it was oneway)."""
        if (response is not None or ctx.request.flag & 2) and not ctx._done:
            ctx.write_response(response)

    def _error_response(self, ctx: RequestContext, e: Exception) -> RemotingCommand | None:
        log.warning("%s: process request %d from %s failed: %s", self.name, ctx.request.code,
                    ctx.channel.remote_addr, e, exc_info=not isinstance(e, RemotingCommandException))
        record_error(ctx.span, e)
        if ctx._done:
            return None
        return RemotingCommand.create_response_command(RemotingSysResponseCode.SYSTEM_ERROR,
                                                       exception_simple_desc(e))

    # ------------------------------------------------------------------ outbound
    # A target is what a request goes to: a channel here; the client also takes an address
    # (``None`` meaning a name server) and overrides the two resolvers.
    def _channel_nowait(self, target: Any) -> RemotingChannel | None:
        return target if isinstance(target, RemotingChannel) and target.is_active() else None

    async def _channel_for(self, target: Any) -> RemotingChannel:
        if isinstance(target, RemotingChannel):
            return target
        raise RemotingSendRequestException(str(target), "not a channel")

    @staticmethod
    def _target_addr(target: Any) -> str | None:
        return target.remote_addr if isinstance(target, RemotingChannel) else target

    def _client_span(self, request: RemotingCommand, java: str) -> Any:
        return span(request_code_name(request.code), kind=SpanKind.CLIENT, java=_JAVA + java,
                    books=BOOKS, _depth=2)

    @staticmethod
    def _start_client_span(s: Any, request: RemotingCommand, addr: str | None,
                           oneway: bool = False) -> None:
        """Attributes of the CLIENT span; its W3C context goes into the request's ext fields."""
        if s.is_recording():
            s.set_attributes({ATTR_CODE: request.code, ATTR_OPAQUE: request.opaque,
                              ATTR_ONEWAY: oneway})
            if addr:
                s.set_attribute(ATTR_PEER, addr)
            if request.ext_fields is None:
                request.ext_fields = {}
            inject(request.ext_fields)

    def _send_on_channel(self, channel: RemotingChannel, request: RemotingCommand,
                         rf: ResponseFuture) -> None:
        """On the loop: register the future and write the request (Java ``invoke*Impl``)."""
        if rf.is_done():
            return  # the caller gave up while we were connecting
        rf.channel = channel
        if rf.addr is None:
            rf.addr = channel.remote_addr
            if rf.span is not None and rf.span.is_recording():
                rf.span.set_attribute(ATTR_PEER, channel.remote_addr)
        oneway = request.is_oneway_rpc()
        if not oneway:
            self.response_table[rf.opaque] = rf
            rf.counted = True
            channel.outstanding_responses += 1
        try:
            # more responses are on their way from this peer: coalesce with what follows
            channel.write_command(request, channel.outstanding_responses > 1)
        except Exception as e:
            self.response_table.pop(rf.opaque, None)
            log.warning("send a request command to channel <%s> failed: %s", channel.remote_addr, e)
            rf.fail(RemotingSendRequestException(channel.remote_addr, e))
            return
        rf.send_request_ok = True
        if oneway:
            rf._complete(None, None)

    def _send_to_target(self, target: Any, request: RemotingCommand, rf: ResponseFuture) -> None:
        """On the loop: write now when the channel is there, else connect first."""
        ch = self._channel_nowait(target)
        if ch is not None:
            self._send_on_channel(ch, request, rf)
        else:
            self.loop.create_task(self._connect_then_send(target, request, rf))

    async def _connect_then_send(self, target: Any, request: RemotingCommand,
                                 rf: ResponseFuture) -> None:
        try:
            ch = await self._channel_for(target)
        except Exception as e:
            if request.flag & 2:  # nobody waits for a oneway request: say that it was lost
                log.warning("oneway request %d to %s dropped: %s", request.code,
                            self._target_addr(target), e)
            rf.fail(e if isinstance(e, RemotingException) else
                    RemotingConnectException(self._target_addr(target), e))
            return
        self._send_on_channel(ch, request, rf)

    def _wait_sync(self, rf: ResponseFuture, timeout_ms: int) -> RemotingCommand:
        """Block the calling thread for the response of a sync future."""
        response = rf.wait_response(timeout_ms / 1000.0)
        if response is not None:
            return response
        if rf.cause is not None:
            raise rf.cause
        self.response_table.pop(rf.opaque, None)
        if rf.response_command is not None:  # arrived just now
            return rf.response_command
        exc = (RemotingTimeoutException(rf.addr, timeout_ms) if rf.send_request_ok
               else RemotingSendRequestException(rf.addr, f"not sent within {timeout_ms} ms"))
        self.loop.call_soon_threadsafe(rf.fail, exc)
        raise exc

    def _check_not_loop(self, what: str) -> None:
        if self.in_loop_thread():
            raise RuntimeError(f"{what} blocks and cannot run on the remoting event loop; "
                               "await invoke(...) instead")

    def _acquire(self, semaphore: threading.BoundedSemaphore, timeout_ms: int, what: str,
                 limit_name: str) -> SemaphoreReleaseOnlyOnce:
        """Java's ``tryAcquire(timeout)``: blocks a non-loop thread up to the timeout; on the loop
        only an immediate permit counts."""
        if self.in_loop_thread() or timeout_ms <= 0:
            ok = semaphore.acquire(blocking=False)
        else:
            ok = semaphore.acquire(timeout=timeout_ms / 1000.0)
        if not ok:
            raise RemotingTooMuchRequestException(
                f"{what} tryAcquire semaphore timeout, {timeout_ms}ms, all {limit_name} permits "
                "are in use")
        return SemaphoreReleaseOnlyOnce(semaphore)

    def _run_callback(self, fn: Callable[[], None]) -> None:
        try:
            self.get_callback_executor().submit(fn)
        except RuntimeError:
            fn()  # executor shut down: run here, as Java does when its executor rejects

    # ---- the three invoke styles (plus the awaitable one) over a target
    def _invoke_sync(self, target: Any, request: RemotingCommand, timeout_ms: int
                     ) -> tuple[RemotingCommand, ResponseFuture]:
        """Block the calling (non-loop) thread for the response."""
        self._check_not_loop("invoke_sync")
        addr = self._target_addr(target)
        with self._client_span(request, "invokeSyncImpl") as s:
            self._start_client_span(s, request, addr)
            rf = ResponseFuture(request.opaque, timeout_ms, addr=addr, span=s, sync=True)
            self.loop.call_soon_threadsafe(self._send_to_target, target, request, rf)
            try:
                return self._wait_sync(rf, timeout_ms), rf
            except RemotingException:
                if rf.channel is not None and self._close_on_failure(rf):
                    log.warning("invokeSync: %s failed, so close the channel %s", request.code,
                                rf.channel.remote_addr)
                    rf.channel.close()
                raise

    def _close_on_failure(self, rf: ResponseFuture) -> bool:
        return False

    async def _invoke(self, target: Any, request: RemotingCommand, timeout_ms: int
                      ) -> tuple[RemotingCommand, ResponseFuture]:
        """On the loop: send and await the response."""
        addr = self._target_addr(target)
        with self._client_span(request, "invokeAsyncImpl") as s:
            if s.is_recording():
                self._start_client_span(s, request, addr)
            rf = ResponseFuture(request.opaque, timeout_ms, addr=addr, span=s)
            await self._round_trip(target, request, rf)
            return rf.result_or_raise(), rf

    async def _round_trip(self, target: Any, request: RemotingCommand, rf: ResponseFuture) -> None:
        fut = rf._future = self.loop.create_future()
        ch = self._channel_nowait(target)
        if ch is None:
            try:
                ch = await self._channel_for(target)
            except Exception as e:
                rf.fail(e if isinstance(e, RemotingException) else
                        RemotingConnectException(self._target_addr(target), e))
                return
        self._send_on_channel(ch, request, rf)
        if not rf._done:
            try:
                await fut
            except asyncio.CancelledError:
                self.response_table.pop(rf.opaque, None)
                rf.fail(RemotingSendRequestException(rf.addr, "cancelled"))
                raise

    def _invoke_async(self, target: Any, request: RemotingCommand, timeout_ms: int,
                      callback: Callable[[ResponseFuture], Any],
                      after: Callable[[ResponseFuture], None] | None = None) -> None:
        """Send and return; ``callback(response_future)`` runs on the callback executor."""
        once = self._acquire(self.semaphore_async, timeout_ms, "invokeAsyncImpl", "async")
        coro = self._invoke_with_callback(target, request, timeout_ms, callback, once, after)
        if self.in_loop_thread():
            self.loop.create_task(coro)
        else:  # the task runs in the caller's context, so its span is a child of the caller's
            self.loop.call_soon_threadsafe(self.loop.create_task, coro,
                                           context=contextvars.copy_context())

    async def _invoke_with_callback(self, target: Any, request: RemotingCommand, timeout_ms: int,
                                    callback: Callable[[ResponseFuture], Any],
                                    once: SemaphoreReleaseOnlyOnce,
                                    after: Callable[[ResponseFuture], None] | None) -> None:
        addr = self._target_addr(target)
        with self._client_span(request, "invokeAsyncImpl") as s:
            self._start_client_span(s, request, addr)
            rf = ResponseFuture(request.opaque, timeout_ms, addr=addr, invoke_callback=callback,
                                once=once, span=s)
            rf._callback_runner = self._run_callback
            rf._after = after
            await self._round_trip(target, request, rf)
            if rf.cause is not None:
                record_error(s, rf.cause)

    def _invoke_oneway(self, target: Any, request: RemotingCommand, timeout_ms: int) -> None:
        """Send with flag bit 1; no response is expected (Java ``invokeOnewayImpl``)."""
        request.mark_oneway_rpc()
        once = self._acquire(self.semaphore_oneway, timeout_ms, "invokeOnewayImpl", "oneway")
        addr = self._target_addr(target)
        with self._client_span(request, "invokeOnewayImpl") as s:
            self._start_client_span(s, request, addr, oneway=True)
            rf = ResponseFuture(request.opaque, timeout_ms, addr=addr, once=once)
            self._call_in_loop(self._send_to_target, target, request, rf)

    def _call_in_loop(self, fn: Callable[..., Any], *args: Any) -> None:
        if self.in_loop_thread():
            fn(*args)
        else:
            self.loop.call_soon_threadsafe(fn, *args)

    # channel-based entry points (the server reaching a client over the client's connection)
    def invoke_sync_impl(self, channel: RemotingChannel, request: RemotingCommand,
                         timeout_ms: int) -> RemotingCommand:
        return self._invoke_sync(channel, request, timeout_ms)[0]

    async def invoke_impl(self, channel: RemotingChannel, request: RemotingCommand,
                          timeout_ms: int) -> RemotingCommand:
        return (await self._invoke(channel, request, timeout_ms))[0]

    def invoke_async_impl(self, channel: RemotingChannel, request: RemotingCommand,
                          timeout_ms: int, callback: Callable[[ResponseFuture], Any]) -> None:
        self._invoke_async(channel, request, timeout_ms, callback)

    def invoke_oneway_impl(self, channel: RemotingChannel, request: RemotingCommand,
                           timeout_ms: int) -> None:
        self._invoke_oneway(channel, request, timeout_ms)
