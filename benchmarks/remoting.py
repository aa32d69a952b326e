"""Remoting benchmark: codec cost per command and loopback round trips per second (book A4.3).

    python benchmarks/remoting.py [--seconds 2] [--window 64]

Prints, for a 1 KiB body over one connection on 127.0.0.1:
  * encode / decode cost per command, JSON and ROCKETMQ headers (a SEND_MESSAGE_V2 header);
  * round trips/s against our NettyRemotingServer with our NettyRemotingClient, synchronous
    (one request at a time) and pipelined (``--window`` requests in flight), in the same run as a
    bare asyncio echo server and client with the same length-prefixed framing (the Python ceiling),
    and the ratio;
  * like with like: three servers driven by one and the same client (our codec on a bare asyncio
    protocol) and sending the same answer bytes -- a bare loop answering a prebuilt response frame,
    the bare loop with our codec, and ours -- so that only the server differs.  (The rows above
    compare whole stacks: the bare echo's client sends a prebuilt frame and decodes nothing, and
    the echo answers with the request's own bytes.)
  * what ``asyncio.BufferedProtocol`` buys over ``Protocol.data_received`` on the server side.
Servers run in a child process (the client keeps its own core); they are stopped by their pid.
No tracing SDK is installed here, as in production without an exporter.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import os
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rocketmq_ref.common.protocol.header import SendMessageRequestHeaderV2  # noqa: E402
from rocketmq_ref.common.protocol.request_code import RequestCode  # noqa: E402
from rocketmq_ref.remoting.netty.frame_codec import NettyDecoder  # noqa: E402
from rocketmq_ref.remoting.protocol import RemotingCommand, SerializeType  # noqa: E402

BODY = b"x" * 1024
CODE = RequestCode.SEND_MESSAGE_V2


def send_request(stype: SerializeType = SerializeType.JSON) -> RemotingCommand:
    header = SendMessageRequestHeaderV2(
        a="bench_producer_group", b="BenchTopic", c="TBW102", d=4, e=3, f=0, g=1795546255979, h=0,
        i="UNIQ_KEY\x01FD0000000000000000000000000000026B044E0E2F2A7A7DAA6B0000\x02WAIT\x01true"
          "\x02TAGS\x01TagA", j=0, k=False, m=False, n="broker-a")
    cmd = RemotingCommand.create_request_command(CODE, header, body=BODY)
    cmd.serialize_type_current_rpc = stype
    return cmd


# ----------------------------------------------------------------------------- codec
def bench_codec() -> None:
    """Encode and decode cost per command, best of five passes (the machine may be shared)."""
    print("codec (SEND_MESSAGE_V2 header, 1 KiB body), per command, best of 5:")
    n = 4000
    for stype in (SerializeType.JSON, SerializeType.ROCKETMQ):
        enc = dec = hdr = 1e9
        for _ in range(5):
            cmds = [send_request(stype) for _ in range(n)]
            t0 = time.perf_counter()
            frames = [c.encode() for c in cmds]
            enc = min(enc, (time.perf_counter() - t0) / n)
            blob = b"".join(frames)
            t0 = time.perf_counter()
            got = NettyDecoder().feed(blob)
            dec = min(dec, (time.perf_counter() - t0) / n)
            assert len(got) == n
            t0 = time.perf_counter()
            for c in got:
                c.decode_command_custom_header(SendMessageRequestHeaderV2)
            hdr = min(hdr, (time.perf_counter() - t0) / n)
        print(f"  {stype.name:8s} encode {enc * 1e6:6.2f} us   split+decode {dec * 1e6:6.2f} us   "
              f"custom header decode {hdr * 1e6:6.2f} us   frame {len(frames[0])} bytes")


def bench_receive_path() -> None:
    """What BufferedProtocol buys on the receive path, without the network: the same stream read
    in 64 KiB pieces either straight into the decoder's buffer (``get_buffer``/``buffer_updated``,
    what the kernel's ``recv_into`` does) or as one new ``bytes`` per read handed to ``feed``
    (``Protocol.data_received``)."""
    stream = b"".join(send_request().encode() for _ in range(20000))
    src = memoryview(stream)
    piece = 64 * 1024

    def buffered() -> int:
        dec, n, pos = NettyDecoder(), 0, 0
        while pos < len(src):
            room = dec.get_buffer(-1)
            k = min(len(room), piece, len(src) - pos)
            room[:k] = src[pos:pos + k]
            del room
            pos += k
            n += len(dec.buffer_updated(k))
        return n

    def plain() -> int:
        dec, n = NettyDecoder(), 0
        for pos in range(0, len(stream), piece):
            n += len(dec.feed(stream[pos:pos + piece]))  # a new bytes object per read
        return n

    best: dict[str, float] = {}
    for name, fn in (("BufferedProtocol", buffered), ("data_received", plain)) * 5:
        t0 = time.perf_counter()
        assert fn() == 20000
        best[name] = min(best.get(name, 1e9), (time.perf_counter() - t0) / 20000 * 1e6)
    print(f"receive path per command (split + decode, 64 KiB reads): BufferedProtocol "
          f"{best['BufferedProtocol']:.2f} us, data_received {best['data_received']:.2f} us")


# ----------------------------------------------------------------------------- servers (child)
class BareEcho(asyncio.BufferedProtocol):
    """Length-prefixed frames echoed back as they came: the least a Python server can do."""

    def __init__(self) -> None:
        self.buf = bytearray(256 * 1024)
        self.start = self.end = 0

    def connection_made(self, transport):  # type: ignore[override]
        self.transport = transport

    def get_buffer(self, sizehint):
        if self.start == self.end:
            self.start = self.end = 0
        elif len(self.buf) - self.end < 65536:
            pending = self.end - self.start
            self.buf[:pending] = self.buf[self.start:self.end]
            self.start, self.end = 0, pending
        return memoryview(self.buf)[self.end:]

    def buffer_updated(self, nbytes):
        self.end += nbytes
        buf, start, end = self.buf, self.start, self.end
        out = []
        while end - start >= 4:
            (length,) = struct.unpack_from(">i", buf, start)
            if end - start < 4 + length:
                break
            out.append(bytes(buf[start:start + 4 + length]))
            start += 4 + length
        self.start = start
        if out:
            self.transport.write(b"".join(out))


class BareAnswer(BareEcho):
    """The bare loop answering each request with the same prebuilt response frame our servers send
    (code 0, response flag, the 1 KiB body; opaque 0): what the client reads is then the same bytes
    whichever server answers, so client-side costs are alike (the client matches answers in
    order, not by opaque)."""

    def buffer_updated(self, nbytes):
        self.end += nbytes
        buf, start, end = self.buf, self.start, self.end
        n = 0
        while end - start >= 4:
            (length,) = struct.unpack_from(">i", buf, start)
            if end - start < 4 + length:
                break
            start += 4 + length
            n += 1
        self.start = start
        if n:
            self.transport.write(_ANSWER * n)


def _answer_frame() -> bytes:
    resp = RemotingCommand.create_response_command(0, None)
    resp.body = BODY
    return resp.encode()


_ANSWER = _answer_frame()


class CodecEcho(BareEcho):
    """The same loop with our codec: every request decoded, every response built and encoded --
    the ceiling for a server that speaks the protocol, without the remoting machinery."""

    def __init__(self) -> None:
        super().__init__()
        self.decoder = NettyDecoder()

    def get_buffer(self, sizehint):
        return self.decoder.get_buffer(sizehint)

    def buffer_updated(self, nbytes):
        out = []
        for req in self.decoder.buffer_updated(nbytes):
            resp = RemotingCommand.create_response_command(0, None)
            resp.body = req.body
            resp.opaque = req.opaque
            out.append(resp.encode())
        if out:
            self.transport.write(b"".join(out))


class AsyncEcho:
    async def async_process_request(self, ctx, request):
        resp = RemotingCommand.create_response_command(0, None)
        resp.body = request.body
        return resp


class BlockingEcho:
    def process_request(self, ctx, request):
        resp = RemotingCommand.create_response_command(0, None)
        resp.body = request.body
        return resp


def serve(kind: str) -> None:
    from rocketmq_ref.remoting.netty.configs import NettyServerConfig
    from rocketmq_ref.remoting.netty.remoting_server import NettyRemotingServer

    async def main() -> None:
        loop = asyncio.get_running_loop()
        if kind in ("bare", "answer", "codec"):
            server = await loop.create_server(
                {"bare": BareEcho, "answer": BareAnswer, "codec": CodecEcho}[kind], "127.0.0.1", 0)
            port = server.sockets[0].getsockname()[1]
        else:
            rs = NettyRemotingServer(NettyServerConfig(listen_port=0, bind_address="127.0.0.1"),
                                     loop=loop)
            if kind == "plain":
                rs._new_channel = lambda: _plain_channel(rs)  # Protocol.data_received instead
            rs.register_processor(CODE, AsyncEcho())
            rs.register_processor(CODE + 1, BlockingEcho())
            await rs.start_async()
            port = rs.local_listen_port()
        print(port, flush=True)
        await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes our stdin

    asyncio.run(main())


def _plain_channel(owner):
    """A RemotingChannel that receives through ``data_received`` (one ``bytes`` per read, copied
    into the decoder) -- to measure what BufferedProtocol saves."""
    from rocketmq_ref.remoting.netty.remoting_channel import RemotingChannel

    class PlainChannel(asyncio.Protocol):
        pass

    for name, value in vars(RemotingChannel).items():
        if name not in ("__dict__", "__weakref__", "get_buffer", "buffer_updated", "__doc__"):
            setattr(PlainChannel, name, value)

    def data_received(self, data):
        self.last_active = time.monotonic()
        for cmd in self.decoder.feed(data):
            self.owner.process_message_received(self, cmd)

    PlainChannel.data_received = data_received
    return PlainChannel(owner, owner.frame_max_length, owner.high_water_mark)


class ChildServer:
    def __init__(self, kind: str) -> None:
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve", kind],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline())

    def stop(self) -> None:
        self.proc.stdin.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ----------------------------------------------------------------------------- bare client
class BareClient(asyncio.BufferedProtocol):
    def __init__(self) -> None:
        self.buf = bytearray(256 * 1024)
        self.start = self.end = 0
        self.waiters: collections.deque[asyncio.Future] = collections.deque()

    def connection_made(self, transport):  # type: ignore[override]
        self.transport = transport

    get_buffer = BareEcho.get_buffer

    def buffer_updated(self, nbytes):
        self.end += nbytes
        buf, start, end = self.buf, self.start, self.end
        while end - start >= 4:
            (length,) = struct.unpack_from(">i", buf, start)
            if end - start < 4 + length:
                break
            self.waiters.popleft().set_result(bytes(buf[start:start + 4 + length]))
            start += 4 + length
        self.start = start

    async def call(self, frame: bytes) -> bytes:
        fut = asyncio.get_running_loop().create_future()
        self.waiters.append(fut)
        self.transport.write(frame)
        return await fut


class CodecClient(BareClient):
    """The bare client plus our codec: requests encoded per call, responses decoded."""

    def __init__(self) -> None:
        super().__init__()
        self.decoder = NettyDecoder()

    def get_buffer(self, sizehint):
        return self.decoder.get_buffer(sizehint)

    def buffer_updated(self, nbytes):
        for resp in self.decoder.buffer_updated(nbytes):
            self.waiters.popleft().set_result(resp)

    async def call_command(self) -> RemotingCommand:
        return await self.call(send_request().encode())


async def _workers(n: int, seconds: float, one) -> int:
    count = 0
    stop = time.perf_counter() + seconds

    async def worker():
        nonlocal count
        while time.perf_counter() < stop:
            await one()
            count += 1

    await asyncio.gather(*[worker() for _ in range(n)])
    return count


def _cpu_ticks(pid: int) -> int:
    """utime + stime of a process in clock ticks (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


_TICK = os.sysconf("SC_CLK_TCK")


class Measure:
    """Round trips/s plus CPU microseconds per round trip in this process and in the server."""

    def __init__(self, server_pid: int) -> None:
        self.server_pid = server_pid

    def __enter__(self) -> "Measure":
        self.t0 = time.perf_counter()
        self.c0 = time.process_time()
        self.s0 = _cpu_ticks(self.server_pid)
        return self

    def done(self, n: int) -> tuple[float, float, float]:
        wall = time.perf_counter() - self.t0
        client_cpu = time.process_time() - self.c0
        server_cpu = (_cpu_ticks(self.server_pid) - self.s0) / _TICK
        return n / wall, client_cpu / n * 1e6, server_cpu / n * 1e6

    def __exit__(self, *exc: object) -> None:
        pass


def run_bare(child: "ChildServer", window: int, seconds: float, codec: bool = False
             ) -> tuple[float, float, float]:
    async def main():
        loop = asyncio.get_running_loop()
        _, proto = await loop.create_connection(CodecClient if codec else BareClient,
                                                "127.0.0.1", child.port)
        frame = send_request().encode()

        async def one():
            if codec:
                await proto.call_command()
            else:
                await proto.call(frame)

        await _workers(window, 0.1, one)  # warm up
        with Measure(child.proc.pid) as m:
            r = m.done(await _workers(window, seconds, one))
        proto.transport.close()
        return r

    return asyncio.run(main())


class OursClient:
    def __init__(self, child: "ChildServer", code: int) -> None:
        from rocketmq_ref.remoting.netty.remoting_client import NettyRemotingClient
        self.child = child
        self.code = code
        self.client = NettyRemotingClient()
        self.client.start()
        self.addr = f"127.0.0.1:{child.port}"
        for _ in range(100):
            self.client.invoke_sync(self.addr, self.request(), 3000)

    def request(self) -> RemotingCommand:
        req = send_request()
        req.code = self.code
        return req

    def run_async(self, window: int, seconds: float) -> tuple[float, float, float]:
        client, addr = self.client, self.addr

        async def one():
            resp = await client.invoke(addr, self.request(), 3000)
            assert resp.code == 0, resp

        async def main():
            with Measure(self.child.proc.pid) as m:
                return m.done(await _workers(window, seconds, one))

        return asyncio.run_coroutine_threadsafe(main(), client.loop).result()

    def run_thread(self, seconds: float) -> tuple[float, float, float]:
        n = 0
        with Measure(self.child.proc.pid) as m:
            stop = time.perf_counter() + seconds
            while time.perf_counter() < stop:
                self.client.invoke_sync(self.addr, self.request(), 3000)
                n += 1
            return m.done(n)

    def close(self) -> None:
        self.client.shutdown()


def _median(rows: list[tuple[float, float, float]]) -> tuple[float, ...]:
    return tuple(sorted(col)[len(col) // 2] for col in zip(*rows))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--serve")
    ap.add_argument("--seconds", type=float, default=1.0, help="length of one measurement")
    ap.add_argument("--rounds", type=int, default=3, help="alternating rounds; medians are shown")
    ap.add_argument("--window", type=int, default=64)
    args = ap.parse_args()
    if args.serve:
        serve(args.serve)
        return
    bench_codec()
    bench_receive_path()
    children = {kind: ChildServer(kind) for kind in ("bare", "answer", "codec", "ours", "plain")}
    clients: dict[str, OursClient] = {}
    try:
        clients["ours, async processor"] = OursClient(children["ours"], CODE)
        clients["ours, thread-pool processor"] = OursClient(children["ours"], CODE + 1)
        clients["ours, data_received server"] = OursClient(children["plain"], CODE)
        rows: dict[tuple[str, str], list] = collections.defaultdict(list)
        # alternate the configurations so that the machine's load drifts over all of them alike
        for _ in range(args.rounds):
            for mode, window in (("sync", 1), ("pipelined", args.window)):
                rows[("bare", mode)].append(run_bare(children["bare"], window, args.seconds))
                rows[("codec", mode)].append(run_bare(children["codec"], window, args.seconds,
                                                      codec=True))
                # like with like: one client (our codec on a bare asyncio protocol) for all three
                for kind in ("answer", "codec", "ours"):
                    rows[("same:" + kind, mode)].append(run_bare(children[kind], window,
                                                                 args.seconds, codec=True))
                for label, oc in clients.items():
                    rows[(label, mode)].append(oc.run_async(window, args.seconds))
            for label, oc in clients.items():
                rows[(label, "thread")].append(oc.run_thread(args.seconds))
    finally:
        for oc in clients.values():
            oc.close()
        for child in children.values():
            child.stop()
    med = {k: _median(v) for k, v in rows.items()}
    print(f"\nround trips/s, 1 KiB body, one connection, median of {args.rounds} alternating "
          f"rounds of {args.seconds:g} s, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}; CPU us per round trip in the client / server process, and "
          "bare's CPU per round trip over ours:")
    for mode, title in (("sync", "sync (one request at a time, awaited)"),
                        ("pipelined", f"pipelined ({args.window} in flight)")):
        bare = med[("bare", mode)]
        print(f"  {title}")
        print(f"    {'bare asyncio echo, same framing':34s} {bare[0]:8.0f}          "
              f"cpu {bare[1]:6.1f} / {bare[2]:6.1f}")
        rows_out = [("bare asyncio + our codec", med[("codec", mode)])]
        rows_out += [(label, med[(label, mode)]) for label in clients]
        for label, r in rows_out:
            # the CPU ratio is what the throughput ratio becomes once both are CPU-bound; it does
            # not depend on what else the machine is running, the round trips/s do
            print(f"    {label:34s} {r[0]:8.0f} ({r[0] / bare[0]:4.0%})   "
                  f"cpu {r[1]:6.1f} / {r[2]:6.1f}   cpu ratio {(bare[1] + bare[2]) / (r[1] + r[2]):4.0%}")
    print("  the same client for every server (our codec on a bare asyncio protocol: encodes each "
          "request, decodes each answer) and the same answer bytes, so only the server differs:")
    for mode, title in (("sync", "sync"), ("pipelined", f"pipelined ({args.window} in flight)")):
        bare = med[("same:answer", mode)]
        for kind, label in (("answer", "bare asyncio, fixed answer"),
                            ("codec", "bare asyncio + our codec"),
                            ("ours", "ours, async processor")):
            r = med[("same:" + kind, mode)]
            print(f"    {title:22s} {label:26s} {r[0]:8.0f} ({r[0] / bare[0]:4.0%})   server cpu "
                  f"{r[2]:6.1f} us ({bare[2] / r[2]:4.0%})")
    print("  invoke_sync from a plain thread (blocking callers)")
    for label in clients:
        r = med[(label, "thread")]
        print(f"    {label:34s} {r[0]:8.0f}          cpu {r[1]:6.1f} / {r[2]:6.1f}")
    ours = med[("ours, async processor", "pipelined")]
    plain = med[("ours, data_received server", "pipelined")]
    print(f"\nBufferedProtocol vs data_received, server CPU per round trip (pipelined): "
          f"{ours[2]:.1f} vs {plain[2]:.1f} us ({ours[2] / plain[2] - 1:+.0%})")


if __name__ == "__main__":
    main()
