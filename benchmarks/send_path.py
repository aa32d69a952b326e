"""Send-path benchmark: the broker's CPU per 1 KiB send under N concurrent senders, tracing off
and on (book B3.4.4, A4.3).

    python benchmarks/send_path.py [--senders 16] [--seconds 3] [--rounds 3] [--rocketmq-header]

``mqbroker`` runs in a child process; N senders, each one request in flight on its own connection
(what N sending threads of a Java producer do with sync sends), write raw SEND_MESSAGE_V2 frames
(a 1 KiB body, the header a Java 4.9 producer sends) and read the responses.  The figure is the
broker process's own CPU (utime + stime from /proc/<pid>/stat) over the messages it answered:
frame split, header decode, the send processor, the store append, the response encode, plus the
reput/dispatch and flush threads that follow.  Two brokers, one with no tracing SDK and one with
the SDK and a batch exporter to a file (``ROCKETMQ_REF_TRACE_FILE``), are measured in alternating
rounds (the machine's load drifts over both alike); medians are printed with the ratios.
The senders run in this process, on the same machine: throughput is bounded by both.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rocketmq_ref.common.message.message_decoder import message_properties2string  # noqa: E402
from rocketmq_ref.common.protocol.header.send_message_request_header_v2 import (  # noqa: E402
    SendMessageRequestHeaderV2)
from rocketmq_ref.common.protocol.request_code import RequestCode  # noqa: E402
from rocketmq_ref.remoting.protocol.language_code import SerializeType  # noqa: E402
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from broker import _free_port_block  # noqa: E402  (benchmarks/broker.py)
from remoting import _TICK, BareEcho, _cpu_ticks  # noqa: E402  (benchmarks/remoting.py)

BODY = b"x" * 1024
TOPIC = "BenchTopic"
_unpack_len = struct.Struct(">i").unpack_from


def send_frame(sender: int, stype: SerializeType) -> bytes:
    """A SEND_MESSAGE_V2 request as a Java 4.9 producer sends it (properties with UNIQ_KEY, WAIT,
    TAGS; queue chosen by the producer)."""
    props = message_properties2string({"UNIQ_KEY": f"7F00000100002A9F00000000{sender:08X}",
                                       "WAIT": "true", "TAGS": "TagA"})
    header = SendMessageRequestHeaderV2(a="bench_pg", b=TOPIC, c="TBW102", d=4, e=sender % 4, f=0,
                                        g=int(time.time() * 1000), h=0, i=props, j=0, k=False,
                                        m=False, n="bench")
    cmd = RemotingCommand.create_request_command(RequestCode.SEND_MESSAGE_V2, header, BODY)
    cmd.serialize_type_current_rpc = stype
    return cmd.encode()


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process (Linux /proc), in seconds."""
    return _cpu_ticks(pid) / _TICK


class Broker:
    """An ``mqbroker`` child process in a temp dir, stopped by its pid."""

    def __init__(self, tracing: bool) -> None:
        self.root = tempfile.mkdtemp(prefix="bench-send-path-")
        self.port = _free_port_block()
        conf = os.path.join(self.root, "broker.conf")
        with open(conf, "w") as f:
            f.write(f"brokerName=bench\nlistenPort={self.port}\nbrokerIP1=127.0.0.1\n"
                    f"storePathRootDir={self.root}/store\nmappedFileSizeCommitLog=1073741824\n")
        env = dict(os.environ,
                   PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        for k in [k for k in env if k.startswith("OTEL_") or k.startswith("ROCKETMQ_REF_TRACE")]:
            del env[k]
        if tracing:
            env["ROCKETMQ_REF_TRACE_FILE"] = os.path.join(self.root, "trace.jsonl")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rocketmq_ref.broker.broker_startup", "-c", conf,
             "--log-dir", self.root], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        assert self.proc.stdout is not None
        deadline = time.monotonic() + 60
        line = self.proc.stdout.readline().decode()
        while "boot success" not in line:
            if not line or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("broker did not start")
            line = self.proc.stdout.readline().decode()

    def cpu(self) -> float:
        return _cpu_seconds(self.proc.pid)

    def trace_bytes(self) -> int:
        path = os.path.join(self.root, "trace.jsonl")
        return os.path.getsize(path) if os.path.exists(path) else 0

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


class Sender(asyncio.BufferedProtocol):
    """One sender: one request in flight, the next written when its response is read."""

    def __init__(self, frame: bytes) -> None:
        self.frame = frame
        self.buf = bytearray(256 * 1024)
        self.start = self.end = 0
        self.count = 0
        self.errors = 0
        self.first_error = b""
        self.stop_at = 0.0
        self.done: asyncio.Future | None = None

    def connection_made(self, transport):  # type: ignore[override]
        self.transport = transport

    get_buffer = BareEcho.get_buffer

    def buffer_updated(self, nbytes):
        self.end += nbytes
        while self.end - self.start >= 4:
            (length,) = _unpack_len(self.buf, self.start)
            if self.end - self.start < 4 + length:
                return
            # "code" is the first JSON key; a ROCKETMQ header has it as the first int16
            head = bytes(self.buf[self.start + 8:self.start + 20])
            if not (head.startswith(b'{"code":0,') or head[:2] == b"\x00\x00"):
                self.errors += 1
                if self.errors == 1:
                    self.first_error = bytes(self.buf[self.start + 8:self.start + 4 + length])
            self.start += 4 + length
            self.count += 1
            if time.perf_counter() < self.stop_at:
                self.transport.write(self.frame)
            elif self.done is not None and not self.done.done():
                self.done.set_result(None)

    def connection_lost(self, exc):
        if self.done is not None and not self.done.done():
            self.done.set_result(None)


async def _round(broker: Broker, senders: int, seconds: float, stype: SerializeType
                 ) -> tuple[int, int, float]:
    loop = asyncio.get_running_loop()
    protos = []
    for i in range(senders):
        _, p = await loop.create_connection(lambda i=i: Sender(send_frame(i, stype)),
                                            "127.0.0.1", broker.port)
        protos.append(p)

    async def run(duration: float) -> int:
        for p in protos:
            p.count = 0
            p.stop_at = time.perf_counter() + duration
            p.done = loop.create_future()
            p.transport.write(p.frame)
        await asyncio.wait_for(asyncio.gather(*[p.done for p in protos]), duration + 30)
        return sum(p.count for p in protos)

    await run(0.3)  # warm up: topic creation, first mapped file pages
    cpu0 = broker.cpu()
    n = await run(seconds)
    await asyncio.sleep(0.2)  # the reput/dispatch and the batch exporter that follow are part of it
    cpu = broker.cpu() - cpu0
    errors = sum(p.errors for p in protos)
    if errors:
        print("first error response:", next(p.first_error for p in protos if p.errors)[:300])
    for p in protos:
        p.transport.close()
    return n, errors, cpu


def measure(broker: Broker, senders: int, seconds: float, stype: SerializeType
            ) -> tuple[float, float]:
    """(messages/s, broker CPU us per message) for one round."""
    n, errors, cpu = asyncio.run(_round(broker, senders, seconds, stype))
    if errors:  # e.g. SYSTEM_BUSY while the page cache is busy: counted, but reported
        print(f"  ({errors} of {n} sends not answered SUCCESS)")
    return n / seconds, cpu / n * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--senders", type=int, default=16)
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rocketmq-header", action="store_true",
                    help="send ROCKETMQ-serialized headers instead of JSON")
    args = ap.parse_args()
    stype = SerializeType.ROCKETMQ if args.rocketmq_header else SerializeType.JSON
    brokers = {"off": Broker(False), "on": Broker(True)}
    rows: dict[str, list[tuple[float, float]]] = {"off": [], "on": []}
    try:
        for _ in range(args.rounds):
            for mode, b in brokers.items():
                rows[mode].append(measure(b, args.senders, args.seconds, stype))
        traced_bytes = brokers["on"].trace_bytes()
    finally:
        for b in brokers.values():
            b.stop()
    med = {m: tuple(sorted(c)[len(c) // 2] for c in zip(*r)) for m, r in rows.items()}
    print(f"send path, 1 KiB body, {stype.name} header, {args.senders} concurrent senders (one "
          f"request in flight each), median of {args.rounds} alternating rounds of "
          f"{args.seconds:g} s, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}:")
    for mode, title in (("off", "tracing off (no SDK)"),
                        ("on", "tracing on (SDK + batch exporter)")):
        rate, cpu = med[mode]
        print(f"  {title:36s} {rate:8.0f} msg/s   broker CPU {cpu:6.1f} us/message")
    (r_off, c_off), (r_on, c_on) = med["off"], med["on"]
    print(f"  tracing on / off: throughput {r_on / r_off:.0%}, CPU per message {c_on / c_off:.2f}x "
          f"(CPU-bound throughput ratio {c_off / c_on:.0%}); {traced_bytes / 1e6:.1f} MB of spans "
          "written")


if __name__ == "__main__":
    main()
