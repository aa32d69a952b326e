"""``NettyRemotingClient``: the asyncio client every producer, consumer, broker and tool uses to
talk to name servers and brokers (Java ``remoting/netty/NettyRemotingClient``; book A4.3.1,
A13.4.3).

    client = NettyRemotingClient(NettyClientConfig())
    client.start()
    client.update_name_server_address_list(["127.0.0.1:9876"])
    resp = client.invoke_sync(None, request, 3000)          # None: "a name server"
    resp = client.invoke_sync("127.0.0.1:10911", request, 3000)
    client.invoke_async(addr, request, 3000, callback)      # callback(response_future)
    resp = await client.invoke(addr, request, 3000)         # asyncio callers
    client.invoke_oneway(addr, request, 3000)
    client.shutdown()

Design the other modules rely on:

* The client owns an asyncio loop in a daemon thread (Netty's event loop group) unless given a
  running loop (``loop=``; then ``start()`` may be called from that loop).
* ``invoke_sync`` blocks the calling thread and is thread-safe (never call it on the loop: asyncio
  code awaits ``invoke``).  ``invoke_async`` runs ``callback(ResponseFuture)`` on the callback
  executor; the future's ``response_command`` is None on failure and ``cause`` says why.
* One connection per address, created on first use (``connect_timeout_millis``), dropped when it
  closes and re-created by the next invoke: that is the reconnect.
* The opaque -> ``ResponseFuture`` table is scanned every second; async and awaitable invokes also
  fail exactly at their timeout; a sync invoke that times out closes its channel when
  ``client_close_socket_if_timeout`` (Java's default).
* In-flight limits: ``client_async_semaphore_value`` and ``client_oneway_semaphore_value`` (65535);
  past them ``RemotingTooMuchRequestException``.
* Name servers: ``update_name_server_address_list``; ``addr=None`` picks one (round-robin from a
  random start, sticky while its connection lives) and fails over to the next on connect failure.
* ``register_processor`` handles requests the server sends on our connection
  (NOTIFY_CONSUMER_IDS_CHANGED, CHECK_TRANSACTION_STATE, ...), exactly as on the server.
* Errors: ``RemotingConnectException``, ``RemotingTimeoutException``,
  ``RemotingSendRequestException``, ``RemotingTooMuchRequestException``.
* Every outbound request is a CLIENT span named by its request code (see ``remoting_abstract``).
* ``use_tls``: connections are TLS, set up by ``tls_helper`` from ``tls_config`` (else the
  ``tls.*`` environment); a failed handshake is a ``RemotingConnectException``.
"""
from __future__ import annotations

import asyncio
import logging
import random
import socket
import ssl
from typing import Any, Callable

from rocketmq_ref.remoting.channel_event_listener import ChannelEventListener
from rocketmq_ref.remoting.exception import (RemotingConnectException,
                                             RemotingSendRequestException)
from rocketmq_ref.remoting.helper import string2_socket_address
from rocketmq_ref.remoting.netty.configs import NettyClientConfig
from rocketmq_ref.remoting.netty.remoting_abstract import NettyRemotingAbstract
from rocketmq_ref.remoting.netty.remoting_channel import RemotingChannel
from rocketmq_ref.remoting.netty.response_future import ResponseFuture
from rocketmq_ref.remoting.netty.tls_helper import build_ssl_context
from rocketmq_ref.remoting.netty.tls_system_config import TlsSystemConfig
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

log = logging.getLogger("rocketmq_ref.remoting")


class NettyRemotingClient(NettyRemotingAbstract):
    def __init__(self, config: NettyClientConfig | None = None,
                 channel_event_listener: ChannelEventListener | None = None, *,
                 loop: asyncio.AbstractEventLoop | None = None, name: str = "NettyClient",
                 tls_config: TlsSystemConfig | None = None) -> None:
        self.config = config or NettyClientConfig()
        c = self.config
        super().__init__(name=name, oneway_permits=c.client_oneway_semaphore_value,
                         async_permits=c.client_async_semaphore_value,
                         public_executor_threads=c.client_callback_executor_threads,
                         frame_max_length=c.frame_max_length,
                         high_water_mark=c.write_buffer_high_water_mark,
                         idle_seconds=c.client_channel_max_idle_time_seconds,
                         channel_event_listener=channel_event_listener, loop=loop)
        self.channel_tables: dict[str, RemotingChannel] = {}
        self._connecting: dict[str, asyncio.Future] = {}
        self._namesrv_addr_list: list[str] = []
        self._namesrv_addr_choosed: str | None = None
        self._namesrv_index = random.randrange(999)
        # Java ``lockNamesrvChannel``: one caller at a time picks the name server, so two
        # callers cannot both walk the round-robin index onto the same dead address
        self._namesrv_channel_lock = asyncio.Lock()
        self._started = False
        self.ssl_context = None
        if c.use_tls:  # Java: buildSslContext(true) in the constructor
            self.ssl_context = build_ssl_context(True, tls_config or TlsSystemConfig.from_env())
            log.info("%s: SSL enabled for client", name)

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> None:
        """Start the loop thread (or adopt the given loop) and the timeout scan; thread-safe."""
        if self._started:
            return
        self._started = True
        self._namesrv_channel_lock = asyncio.Lock()  # a restarted client may run on a new loop
        self._start_loop()
        self._call_in_loop(self._start_services)

    def shutdown(self) -> None:
        """Close every connection and stop the threads (blocking; not from the loop thread)."""
        if not self._started:
            return
        self._started = False
        if not self.loop.is_closed():
            try:
                self._run_blocking(self._stop_services, 30)
            except RuntimeError:
                raise
            except Exception:
                log.exception("%s: shutdown failed", self.name)
        self.channel_tables.clear()
        self._stop_threads()

    async def shutdown_async(self) -> None:
        """``shutdown`` for a caller on the (given) loop the client runs on."""
        self._started = False
        await self._stop_services()
        self.channel_tables.clear()
        await asyncio.to_thread(self._stop_threads)

    # ------------------------------------------------------------------ name servers
    def update_name_server_address_list(self, addrs: list[str]) -> None:
        """Java ``updateNameServerAddressList``: replace the list when it changed; a chosen
        address no longer listed is dropped."""
        addrs = [a.strip() for a in addrs if a and a.strip()]
        if addrs and addrs != self._namesrv_addr_list:
            log.info("name server address updated. NEW : %s , OLD: %s", addrs,
                     self._namesrv_addr_list)
            self._namesrv_addr_list = list(addrs)
            if self._namesrv_addr_choosed not in addrs:
                self._namesrv_addr_choosed = None

    def get_name_server_address_list(self) -> list[str]:
        return list(self._namesrv_addr_list)

    def get_chosen_name_server(self) -> str | None:
        return self._namesrv_addr_choosed

    async def _get_and_create_nameserver_channel(self) -> RemotingChannel:
        """Java ``getAndCreateNameserverChannel``: the chosen name server while its channel lives,
        else the next address (round-robin) that accepts a connection."""
        ch = self._chosen_nameserver_channel()
        if ch is not None:
            return ch
        async with self._namesrv_channel_lock:
            ch = self._chosen_nameserver_channel()  # another caller may have chosen meanwhile
            if ch is not None:
                return ch
            addrs = self._namesrv_addr_list
            if not addrs:
                raise RemotingConnectException(None, RuntimeError("no name server address set"))
            errors = []
            for _ in range(len(addrs)):
                self._namesrv_index = (self._namesrv_index + 1) % len(addrs)
                new_addr = addrs[self._namesrv_index]
                self._namesrv_addr_choosed = new_addr
                try:
                    return await self._get_and_create_channel(new_addr)
                except RemotingConnectException as e:
                    log.warning("name server %s unreachable, trying the next: %s", new_addr, e)
                    errors.append(new_addr)
            raise RemotingConnectException(",".join(errors))

    def _chosen_nameserver_channel(self) -> RemotingChannel | None:
        chosen = self._namesrv_addr_choosed
        if chosen is None:
            return None
        ch = self.channel_tables.get(chosen)
        return ch if ch is not None and ch.is_active() else None

    # ------------------------------------------------------------------ channels (loop)
    async def _get_and_create_channel(self, addr: str | None) -> RemotingChannel:
        if addr is None:
            return await self._get_and_create_nameserver_channel()
        ch = self.channel_tables.get(addr)
        if ch is not None and ch.is_active():
            return ch
        return await self._create_channel(addr)

    async def _create_channel(self, addr: str) -> RemotingChannel:
        """Java ``createChannel``: one connect per address at a time; waits
        ``connect_timeout_millis``."""
        pending = self._connecting.get(addr)
        if pending is not None:
            return await asyncio.shield(pending)
        fut = self.loop.create_future()
        self._connecting[addr] = fut
        try:
            host, port = string2_socket_address(addr)
            if self.ssl_context is None:
                connecting = self.loop.create_connection(self._new_channel, host, port)
            else:
                connecting = self._create_tls_connection(host, port)
            _, ch = await asyncio.wait_for(connecting, self.config.connect_timeout_millis / 1000.0)
            sock = ch.transport.get_extra_info("socket") if ch.transport else None
            if sock is not None:
                c = self.config
                if c.client_socket_snd_buf_size:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, c.client_socket_snd_buf_size)
                if c.client_socket_rcv_buf_size:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, c.client_socket_rcv_buf_size)
            ch.attributes["addr"] = addr
            self.channel_tables[addr] = ch
            log.info("createChannel: connect remote host[%s] success", addr)
            fut.set_result(ch)
            return ch
        except Exception as e:
            err = e if isinstance(e, RemotingConnectException) else RemotingConnectException(
                addr, e if not isinstance(e, asyncio.TimeoutError) else TimeoutError(
                    f"no connection within {self.config.connect_timeout_millis} ms"))
            fut.set_exception(err)
            fut.exception()  # retrieved: nobody else may be waiting
            raise err from None
        finally:
            self._connecting.pop(addr, None)

    async def _create_tls_connection(self, host: str, port: int) -> tuple[Any, RemotingChannel]:
        try:
            return await self.loop.create_connection(
                self._new_channel, host, port, ssl=self.ssl_context,
                ssl_handshake_timeout=self.config.connect_timeout_millis / 1000.0)
        except ConnectionRefusedError:
            raise
        except (ssl.SSLError, ConnectionError) as e:  # a plain server closes on our ClientHello
            raise ConnectionError(f"TLS handshake failed (does the server accept TLS?): "
                                  f"{type(e).__name__}: {e}") from e

    def _new_channel(self) -> RemotingChannel:
        return RemotingChannel(self, self.frame_max_length, self.high_water_mark)

    def on_channel_inactive(self, channel: RemotingChannel, exc: Exception | None) -> None:
        addr = channel.attributes.get("addr")
        if addr is not None and self.channel_tables.get(addr) is channel:
            del self.channel_tables[addr]
        super().on_channel_inactive(channel, exc)

    def close_channel(self, addr: str | None = None, channel: RemotingChannel | None = None) -> None:
        """Java ``closeChannel``: close the connection to ``addr`` (or this channel), any thread."""
        ch = channel or (self.channel_tables.get(addr) if addr else None)
        if ch is not None:
            ch.close()

    def is_channel_writable(self, addr: str) -> bool:
        ch = self.channel_tables.get(addr)
        return ch is not None and ch.is_active()

    # ------------------------------------------------------------------ sending
    def _channel_nowait(self, target: Any) -> RemotingChannel | None:
        if isinstance(target, RemotingChannel):
            return target if target.is_active() else None
        if target is None:
            target = self._namesrv_addr_choosed
            if target is None:
                return None
        ch = self.channel_tables.get(target)
        return ch if ch is not None and ch.is_active() else None

    async def _channel_for(self, target: Any) -> RemotingChannel:
        if isinstance(target, RemotingChannel):
            return target
        return await self._get_and_create_channel(target)

    def _close_on_failure(self, rf: ResponseFuture) -> bool:
        return (isinstance(rf.cause, RemotingSendRequestException) or rf.cause is None
                and self.config.client_close_socket_if_timeout)

    def _check_started(self) -> None:
        if not self._started:
            raise RemotingSendRequestException(None, f"{self.name} is not started")

    def invoke_sync(self, addr: str | None, request: RemotingCommand,
                    timeout_ms: int) -> RemotingCommand:
        """Send and block for the response (Java ``invokeSync``); ``addr=None`` means a name
        server.  Raises ``RemotingConnectException``, ``RemotingTimeoutException`` or
        ``RemotingSendRequestException``."""
        self._check_started()
        self.do_before_rpc_hooks(addr, request)
        response, rf = self._invoke_sync(addr, request, timeout_ms)
        self.do_after_rpc_hooks(rf.addr or addr, request, response)
        return response

    async def invoke(self, addr: str | None, request: RemotingCommand,
                     timeout_ms: int) -> RemotingCommand:
        """The awaitable face of ``invoke_sync`` for asyncio callers (on any loop)."""
        self._check_started()
        hooks = self.rpc_hooks
        if hooks:
            self.do_before_rpc_hooks(addr, request)
        if self.in_loop_thread():
            response, rf = await self._invoke(addr, request, timeout_ms)
        else:  # another loop: run the round trip on ours, in the caller's context
            response, rf = await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(
                self._invoke(addr, request, timeout_ms), self.loop))
        if hooks:
            self.do_after_rpc_hooks(rf.addr or addr, request, response)
        return response

    def invoke_async(self, addr: str | None, request: RemotingCommand, timeout_ms: int,
                     callback: Callable[[ResponseFuture], Any]) -> None:
        """Send and return at once; ``callback(response_future)`` runs on the callback executor
        (Java ``invokeAsync``).  Raises ``RemotingTooMuchRequestException`` past the limit."""
        self._check_started()
        self.do_before_rpc_hooks(addr, request)
        after: Callable[[ResponseFuture], None] | None = None
        if self.rpc_hooks:
            def run_after_hooks(f: ResponseFuture) -> None:
                self.do_after_rpc_hooks(f.addr, request, f.response_command)
            after = run_after_hooks
        self._invoke_async(addr, request, timeout_ms, callback, after)

    def invoke_oneway(self, addr: str | None, request: RemotingCommand, timeout_ms: int) -> None:
        """Send without a response (flag bit 1; Java ``invokeOneway``)."""
        self._check_started()
        self.do_before_rpc_hooks(addr, request)
        self._invoke_oneway(addr, request, timeout_ms)
