"""Netty's discard server, in asyncio: what the books build with Netty to introduce its concepts
(channel, pipeline of handlers, buffers, event loop), with Python's standard event loop.  A server
whose handler drops every byte it receives after printing it, and a client that connects, writes
three messages and closes.
"""
from __future__ import annotations

import asyncio

from rocketmq_ref.common.tracing import span
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough


class DiscardServerHandler(asyncio.BufferedProtocol):
    """Netty's ``ChannelInboundHandler`` + ``ByteBuf``: the loop reads into our buffer and calls
    ``buffer_updated`` with how much it wrote -- no ``bytes`` object per read."""

    def __init__(self, received: list[str]) -> None:
        self.buffer = bytearray(64 * 1024)
        self.received = received
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # channelActive
        self.transport = transport  # type: ignore[assignment]

    def get_buffer(self, sizehint: int) -> memoryview:
        return memoryview(self.buffer)

    def buffer_updated(self, nbytes: int) -> None:  # channelRead
        with span("DiscardServerHandler.buffer_updated", attributes={"bytes": nbytes}):
            data = bytes(self.buffer[:nbytes])  # A13.3.2: look at what arrived, then discard it
            self.received.append(data.decode("utf-8", "replace"))

    def connection_lost(self, exc: Exception | None) -> None:  # channelInactive
        self.transport = None


async def discard_round() -> list[str]:
    received: list[str] = []
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: DiscardServerHandler(received), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        for text in ("hello", "netty", "asyncio"):
            writer.write(f"{text}\n".encode())
            await writer.drain()
            await asyncio.sleep(0.05)  # one read per message, so the output shows three reads
        writer.close()
        await writer.wait_closed()
        for _ in range(100):  # bounded: wait for the server to have read everything
            if "".join(received).count("\n") >= 3:
                break
            await asyncio.sleep(0.01)
    finally:
        server.close()
        await server.wait_closed()
    return received


def scenario() -> dict[str, str]:
    received = asyncio.run(discard_round())
    text = "".join(received)
    assert text == "hello\nnetty\nasyncio\n", received
    return {"received": "".join(f"server read {len(r)} bytes: {r!r}\n" for r in received)}


WALKTHROUGH = Walkthrough(
    name="asyncio_discard",
    title="Netty's discard server in asyncio: channel, handler, buffer, event loop",
    sections=("A4.3.3", "A13.1", "A13.2", "A13.2.1", "A13.2.2", "A13.2.3", "A13.3", "A13.3.1",
              "A13.3.2", "A13.4.3"),
    scenario=scenario,
    stops=(Stop("DiscardServerHandler.buffer_updated", locals=("nbytes",)),),
    service="asyncio-discard",
)
