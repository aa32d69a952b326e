"""``HandshakeHandler``: the server side of TLS, one look at the first byte of each new connection
(Java ``NettyRemotingServer.HandshakeHandler``; book A4.3.1, A13.4.3).

A Netty pipeline can insert an SslHandler in front of bytes it has already read; asyncio cannot, so
the byte is peeked (``MSG_PEEK``) before any transport owns the socket: 0x16 (a TLS handshake
record) makes a TLS transport (``connect_accepted_socket(ssl=...)``), anything else a plain one --
or, in ENFORCING mode, closes the connection.  That is the whole cost, once per connection, and
only on a server that has TLS configured; after it, frames flow exactly as on a plain server.
A failed handshake (garbage, wrong protocol, a peer that vanishes) closes only that connection.
"""
from __future__ import annotations

import asyncio
import logging
import socket
import ssl
from typing import Callable

from rocketmq_ref.remoting.helper import parse_socket_address
from rocketmq_ref.remoting.netty.tls_mode import TlsMode

log = logging.getLogger("rocketmq_ref.remoting")

HANDSHAKE_MAGIC_CODE = 0x16


class HandshakeHandler:
    """A listening socket whose connections go through the first-byte check; ``sockets`` and
    ``close()`` stand in for the ``asyncio.Server`` a plain server keeps."""

    def __init__(self, loop: asyncio.AbstractEventLoop, sock: socket.socket,
                 protocol_factory: Callable[[], asyncio.BaseProtocol], ssl_context: ssl.SSLContext,
                 tls_mode: TlsMode, handshake_timeout: float, first_byte_timeout: float) -> None:
        self.loop = loop
        self.sockets = [sock]
        self.protocol_factory = protocol_factory
        self.ssl_context = ssl_context
        self.tls_mode = tls_mode
        self.handshake_timeout = handshake_timeout
        self.first_byte_timeout = first_byte_timeout
        self._pending: set[asyncio.Task] = set()
        self._accept_task = loop.create_task(self._accept_loop(), name="HandshakeHandler.accept")

    @classmethod
    async def listen(cls, loop: asyncio.AbstractEventLoop, host: str, port: int, backlog: int,
                     protocol_factory: Callable[[], asyncio.BaseProtocol],
                     ssl_context: ssl.SSLContext, tls_mode: TlsMode, handshake_timeout: float,
                     first_byte_timeout: float) -> "HandshakeHandler":
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.create_server((host, port), family=family, backlog=backlog)
        sock.setblocking(False)
        return cls(loop, sock, protocol_factory, ssl_context, tls_mode, handshake_timeout,
                   first_byte_timeout)

    async def _accept_loop(self) -> None:
        sock = self.sockets[0]
        while True:
            try:
                conn, _ = await self.loop.sock_accept(sock)
            except asyncio.CancelledError:
                raise
            except OSError as e:  # EMFILE and the like: keep listening, as Netty does
                log.warning("accept failed: %s", e)
                await asyncio.sleep(0.1)
                continue
            conn.setblocking(False)
            task = self.loop.create_task(self._handshake(conn))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def _peek_first_byte(self, conn: socket.socket) -> bytes:
        fd = conn.fileno()
        ready = self.loop.create_future()
        self.loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
        try:
            await asyncio.wait_for(ready, self.first_byte_timeout)
        finally:
            self.loop.remove_reader(fd)
        return conn.recv(1, socket.MSG_PEEK)

    async def _handshake(self, conn: socket.socket) -> None:
        """Java ``HandshakeHandler.channelRead0``: TLS, plain or closed, by the first byte."""
        peer = "?"
        try:
            peer = parse_socket_address(conn.getpeername())
            first = await self._peek_first_byte(conn)
            if not first:
                conn.close()  # closed before saying anything
                return
            if first[0] == HANDSHAKE_MAGIC_CODE:
                await self.loop.connect_accepted_socket(
                    self.protocol_factory, conn, ssl=self.ssl_context,
                    ssl_handshake_timeout=self.handshake_timeout)
                log.debug("TLS connection established with %s", peer)
            elif self.tls_mode is TlsMode.ENFORCING:
                conn.close()
                log.warning("Clients intend to establish an insecure connection while this server "
                            "is running in SSL enforcing mode: closed %s", peer)
            else:
                await self.loop.connect_accepted_socket(self.protocol_factory, conn)
        except asyncio.CancelledError:
            conn.close()
            raise
        except Exception as e:  # noqa: BLE001 - one bad peer never takes the server down
            conn.close()
            log.warning("TLS handshake with %s failed, connection closed: %s: %s", peer,
                        type(e).__name__, e)

    def close(self) -> None:
        """Stop accepting and drop connections still in their handshake."""
        self._accept_task.cancel()
        for task in list(self._pending):
            task.cancel()
        # closed once the accept has been withdrawn from the selector
        self._accept_task.add_done_callback(lambda _: [s.close() for s in self.sockets])
