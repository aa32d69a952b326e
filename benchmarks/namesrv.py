"""GET_ROUTEINFO_BY_TOPIC against a real ``mqnamesrv`` process: requests per second and p50/p99
latency with 100 topics, 10 registered brokers (every topic on every broker) and 16 client
connections, each sending one request at a time (closed loop). Both JSON forms are measured: the
standard JSON of clients >= 4.9.4 and the fastjson form of older ones.

    .venv/bin/python benchmarks/namesrv.py [--seconds 5] [--connections 16]

The client is a bare asyncio frame pump (pre-encoded requests, responses only split, not parsed)
so the figure is the name server's, not the client's. Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import struct
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rocketmq_ref.common.data_version import DataVersion  # noqa: E402
from rocketmq_ref.common.protocol.body.register_broker_body import RegisterBrokerBody  # noqa: E402
from rocketmq_ref.common.protocol.body.topic_config_serialize_wrapper import \
    TopicConfigSerializeWrapper  # noqa: E402
from rocketmq_ref.common.topic_config import TopicConfig  # noqa: E402
from tests.support.processes import ProcessFactory, free_port  # noqa: E402

TOPICS = 100
BROKERS = 10


def frame(code: int, ext: dict, body: bytes = b"", version: int = 409, opaque: int = 0) -> bytes:
    header = json.dumps({"code": code, "extFields": ext, "flag": 0, "language": "JAVA",
                         "opaque": opaque, "serializeTypeCurrentRPC": "JSON",
                         "version": version}).encode()
    return struct.pack(">ii", 4 + len(header) + len(body), len(header)) + header + body


async def read_frame(reader: asyncio.StreamReader) -> tuple[dict, bytes]:
    (length,) = struct.unpack(">i", await reader.readexactly(4))
    data = await reader.readexactly(length)
    hlen = struct.unpack_from(">i", data)[0] & 0xFFFFFF
    return json.loads(data[4:4 + hlen]), data[4 + hlen:]


async def register_brokers(port: int) -> list[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    """10 masters, each with all 100 topics; the connections stay open (closing one drops it)."""
    conns = []
    for b in range(BROKERS):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        table = {f"BenchTopic{t}": TopicConfig(f"BenchTopic{t}", 8, 8, 6) for t in range(TOPICS)}
        body = RegisterBrokerBody(TopicConfigSerializeWrapper(table, DataVersion(1, 1)),
                                  []).encode()
        addr = f"127.0.0.1:{20000 + b * 10}"
        writer.write(frame(103, {"brokerName": f"broker-{b}", "brokerAddr": addr,
                                 "clusterName": "BenchCluster", "haServerAddr": addr,
                                 "brokerId": "0",
                                 "bodyCrc32": str(zlib.crc32(body) & 0x7FFFFFFF)}, body))
        header, _ = await read_frame(reader)
        assert header["code"] == 0, header
        conns.append((reader, writer))
    return conns


async def client(port: int, index: int, version: int, stop_at: float,
                 latencies: list[float], sizes: list[int]) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    requests = [frame(105, {"topic": f"BenchTopic{t}"}, version=version, opaque=index)
                for t in range(TOPICS)]
    n = 0
    perf = time.perf_counter
    try:
        while perf() < stop_at:
            req = requests[(n + index) % TOPICS]
            t0 = perf()
            writer.write(req)
            (length,) = struct.unpack(">i", await reader.readexactly(4))
            data = await reader.readexactly(length)
            latencies.append(perf() - t0)
            if n == 0:
                hlen = struct.unpack_from(">i", data)[0] & 0xFFFFFF
                header = json.loads(data[4:4 + hlen])
                assert header["code"] == 0, header
                sizes.append(length - 4 - hlen)
            n += 1
    finally:
        writer.close()
    return n


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (Linux), so the cost per request survives a busy machine."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(sorted_values: list[float], p: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p))]


async def run(port: int, pid: int, seconds: float, connections: int) -> None:
    brokers = await register_brokers(port)
    try:
        for label, version in (("standard JSON (version 409)", 409),
                               ("fastjson form (version 121)", 121)):
            # warm up, then measure
            await asyncio.gather(*(client(port, i, version, time.perf_counter() + 0.5, [], [])
                                   for i in range(connections)))
            latencies: list[float] = []
            sizes: list[int] = []
            cpu0 = cpu_seconds(pid)
            start = time.perf_counter()
            counts = await asyncio.gather(*(client(port, i, version, start + seconds, latencies,
                                                   sizes) for i in range(connections)))
            elapsed = time.perf_counter() - start
            cpu = cpu_seconds(pid) - cpu0
            latencies.sort()
            print(f"GET_ROUTEINFO_BY_TOPIC, {label}: {sum(counts) / elapsed:,.0f} requests/s "
                  f"over {connections} connections; latency p50 "
                  f"{percentile(latencies, 0.5) * 1e3:.2f} ms, p99 "
                  f"{percentile(latencies, 0.99) * 1e3:.2f} ms; name server CPU "
                  f"{cpu / sum(counts) * 1e6:.0f} us/request; body {sizes[0]} bytes")
    finally:
        for _, writer in brokers:
            writer.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--connections", type=int, default=16)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-namesrv-") as tmp, ProcessFactory(tmp) as f:
        port = free_port()
        proc = f.start("rocketmq_ref.namesrv.namesrv_startup",
                ["-l", str(port), "-o", "bindAddress=127.0.0.1",
                 "-o", f"kvConfigPath={tmp}/kvConfig.json"],
                name="namesrv", ready_line="The Name Server boot success", ready_port=port)
        print(f"mqnamesrv on 127.0.0.1:{port}: {TOPICS} topics x {BROKERS} brokers registered, "
              f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
        asyncio.run(run(port, proc.pid, args.seconds, args.connections))


if __name__ == "__main__":
    main()
