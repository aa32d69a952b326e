"""``NettyRemotingServer``: the asyncio TCP server of the name server and the broker (Java
``remoting/netty/NettyRemotingServer``; book A4.3.1, A13.4.3).

    server = NettyRemotingServer(NettyServerConfig(listen_port=0))
    server.register_processor(RequestCode.SEND_MESSAGE_V2, send_processor, send_executor)
    server.register_default_processor(admin_processor)
    server.start()                      # blocking, thread-safe; the loop runs in its own thread
    port = server.local_listen_port()
    ...
    server.shutdown()

Design the other modules rely on:

* ``start()`` / ``shutdown()`` block and are thread-safe.  Without a loop the server runs its own
  asyncio loop in a daemon thread; given a running loop (``loop=``) it serves on it, started with
  ``await start_async()`` from that loop (or ``start()`` from another thread).
* Processors are registered per request code with ``register_processor(code, processor,
  executor=None)`` plus a default processor.  ``process_request(ctx, request)`` runs on the
  processor's executor (a ``ThreadPoolExecutor``; ``BoundedThreadPoolExecutor`` gives Java's
  ``[OVERLOAD]`` answer when its queue is full), ``async def async_process_request(ctx, request)``
  on the loop.  ``reject_request()`` true answers SYSTEM_BUSY.  An unknown code gets
  REQUEST_CODE_NOT_SUPPORTED with a remark, a processor that raises gets SYSTEM_ERROR with the reason;
  the connection stays in both cases.
* ``ctx`` (``RequestContext``) carries the channel: its remote address, ``ctx.write_response(resp)``
  to answer later from any thread (long polling), and ``ctx.channel.invoke_sync / invoke_async /
  invoke_oneway / invoke`` to send requests to that client over its own connection
  (NOTIFY_CONSUMER_IDS_CHANGED, CHECK_TRANSACTION_STATE).
* A ``ChannelEventListener`` hears connect, close, idle and exception events on its own thread; a
  channel with no read and no write for ``server_channel_max_idle_time_seconds`` (120 s) is closed;
  a malformed frame closes only that connection, logged once; a peer that stops reading is cut off
  once ``write_buffer_high_water_mark`` bytes are queued for it, so it never blocks the others.
* RPC hooks run before each request is processed and before its response is written.
* Every inbound request is a SERVER span named by its request code (see ``remoting_abstract``).
* TLS (``tls_config``, else the ``tls.*`` environment; see ``tls_system_config``): with TLS
  configured and a mode other than DISABLED, new connections pass ``HandshakeHandler`` first;
  otherwise the server listens plain, exactly as without TLS.
"""
from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any, Callable

from rocketmq_ref.remoting.channel_event_listener import ChannelEventListener
from rocketmq_ref.remoting.netty.configs import NettyServerConfig
from rocketmq_ref.remoting.netty.remoting_abstract import NettyRemotingAbstract
from rocketmq_ref.remoting.netty.remoting_channel import RemotingChannel
from rocketmq_ref.remoting.netty.response_future import ResponseFuture
from rocketmq_ref.remoting.netty.tls_handshake_handler import HandshakeHandler
from rocketmq_ref.remoting.netty.tls_helper import build_ssl_context
from rocketmq_ref.remoting.netty.tls_mode import TlsMode
from rocketmq_ref.remoting.netty.tls_system_config import TlsSystemConfig
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

log = logging.getLogger("rocketmq_ref.remoting")


class NettyRemotingServer(NettyRemotingAbstract):
    def __init__(self, config: NettyServerConfig | None = None,
                 channel_event_listener: ChannelEventListener | None = None, *,
                 loop: asyncio.AbstractEventLoop | None = None, name: str = "NettyServer",
                 tls_config: TlsSystemConfig | None = None) -> None:
        self.config = config or NettyServerConfig()
        c = self.config
        super().__init__(name=name, oneway_permits=c.server_oneway_semaphore_value,
                         async_permits=c.server_async_semaphore_value,
                         public_executor_threads=c.server_callback_executor_threads or 4,
                         frame_max_length=c.frame_max_length,
                         high_water_mark=c.write_buffer_high_water_mark,
                         idle_seconds=c.server_channel_max_idle_time_seconds,
                         channel_event_listener=channel_event_listener, loop=loop)
        self._server: asyncio.base_events.Server | HandshakeHandler | None = None
        self._port = 0
        self.tls_config = tls_config or TlsSystemConfig.from_env()
        self.ssl_context = None
        self.load_ssl_context()

    def load_ssl_context(self) -> None:
        """Java ``loadSslContext``: the server's SSL context when TLS is configured and not
        DISABLED (a context that cannot be built fails the start: ENFORCING would refuse all)."""
        tls = self.tls_config
        if tls.configured and tls.tls_mode is not TlsMode.DISABLED:
            log.info("%s: Server is running in TLS %s mode", self.name, tls.tls_mode.value)
            self.ssl_context = build_ssl_context(False, tls)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Listen and serve; returns once the port is bound (raises if it cannot be)."""
        self._start_loop()
        try:
            self._run_blocking(self.start_async, 30)
        except BaseException:
            self._stop_threads()
            raise

    async def start_async(self) -> None:
        """``start`` for a caller already on the server's loop."""
        if self.loop is None:
            self.loop = asyncio.get_running_loop()
        c = self.config
        if self.ssl_context is not None:
            self._server = await HandshakeHandler.listen(
                self.loop, c.bind_address, c.listen_port, c.server_socket_backlog, self._new_channel,
                self.ssl_context, self.tls_config.tls_mode, handshake_timeout=10.0,
                first_byte_timeout=c.server_channel_max_idle_time_seconds)
        else:
            self._server = await self.loop.create_server(
                self._new_channel, host=c.bind_address, port=c.listen_port,
                backlog=c.server_socket_backlog, reuse_address=True)
        sock = self._server.sockets[0]
        if c.server_socket_snd_buf_size:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, c.server_socket_snd_buf_size)
        if c.server_socket_rcv_buf_size:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, c.server_socket_rcv_buf_size)
        self._port = sock.getsockname()[1]
        self._start_services()
        log.info("%s listening on %s:%d", self.name, c.bind_address, self._port)

    def _new_channel(self) -> RemotingChannel:
        return RemotingChannel(self, self.frame_max_length, self.high_water_mark)

    def shutdown(self) -> None:
        """Stop listening, close every channel, stop the threads (blocking, thread-safe)."""
        if self.loop is None:
            return
        if self._running and not self.loop.is_closed():
            try:
                self._run_blocking(self._shutdown_io, 30)
            except RuntimeError:
                raise
            except Exception:
                log.exception("%s: shutdown failed", self.name)
        self._stop_threads()

    async def shutdown_async(self) -> None:
        """``shutdown`` for a caller on the (given) loop the server runs on."""
        await self._shutdown_io()
        await asyncio.to_thread(self._stop_threads)

    async def _shutdown_io(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        await self._stop_services()

    def local_listen_port(self) -> int:
        """Java ``localListenPort``: the bound port (useful with ``listen_port=0``)."""
        return self._port

    # ------------------------------------------------------------------ server -> client requests
    def invoke_sync(self, channel: RemotingChannel, request: RemotingCommand,
                    timeout_ms: int) -> RemotingCommand:
        return self.invoke_sync_impl(channel, request, timeout_ms)

    async def invoke(self, channel: RemotingChannel, request: RemotingCommand,
                     timeout_ms: int) -> RemotingCommand:
        return await self.invoke_impl(channel, request, timeout_ms)

    def invoke_async(self, channel: RemotingChannel, request: RemotingCommand, timeout_ms: int,
                     callback: Callable[[ResponseFuture], Any]) -> None:
        self.invoke_async_impl(channel, request, timeout_ms, callback)

    def invoke_oneway(self, channel: RemotingChannel, request: RemotingCommand,
                      timeout_ms: int) -> None:
        self.invoke_oneway_impl(channel, request, timeout_ms)
