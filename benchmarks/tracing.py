"""Cost of tracing: one span, and the store's put/dispatch path, with no SDK, with a plain SDK
``TracerProvider`` and with the SDK as ``tracing_setup.configure_tracing`` sets it up (what entry
points install), exporting to nowhere or to an OTLP JSON-lines file.

    python benchmarks/tracing.py [--rounds 3] [--spans 20000] [--puts 20000] [--callgrind]

Figures are process CPU (every thread: the batch exporter's too; spans still queued are flushed
inside the measurement), the median of interleaved rounds, each configuration in its own process
(the global tracer provider can be set once).  ``--callgrind`` adds instruction counts per span
(``valgrind --tool=callgrind``, difference of two runs of N and 2N spans), which the machine's
load does not move.  Run it against another tree (``PYTHONPATH=<tree> python benchmarks/tracing.py``)
to compare before and after in the same way.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# configuration name -> how the child sets up tracing
CONFIGS = {
    "off": "no SDK (the helper's no-op)",
    "plain": "plain SDK TracerProvider + BatchSpanProcessor, spans dropped",
    "ours": "configure_tracing() + BatchSpanProcessor, spans dropped",
    "ours-jsonl": "configure_tracing(jsonl_path=...): OTLP JSON lines to a file",
}

CHILD = r'''
import os, sys, tempfile, time
config, what, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, sys.argv[4])
provider = None
if config != "off":
    from opentelemetry import trace
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

    class Drop(SpanExporter):
        def export(self, spans):
            return SpanExportResult.SUCCESS

    tmp = tempfile.mkdtemp(prefix="bench-tracing-")
    if config == "plain":
        from opentelemetry.sdk.trace import TracerProvider
        provider = TracerProvider()
        provider.add_span_processor(BatchSpanProcessor(Drop(), max_queue_size=1 << 16))
        trace.set_tracer_provider(provider)
    else:
        from rocketmq_ref.common.tracing_setup import configure_tracing
        if config == "ours":
            provider = configure_tracing("bench")
            provider.add_span_processor(BatchSpanProcessor(Drop(), max_queue_size=1 << 16))
        else:
            provider = configure_tracing("bench", jsonl_path=os.path.join(tmp, "t.jsonl"))
from rocketmq_ref.common.tracing import SpanKind, messaging_span, span, traced


@traced("org.apache.rocketmq.store.CommitLog#putMessage", books=("B4.3",))
def decorated():
    pass


def block():
    with span("CommitLog.put_message", java="org.apache.rocketmq.store.CommitLog#putMessage",
              books=("B4.3", "B4.8")):
        pass


def block_attrs():
    with span("CommitLog.put_message", java="org.apache.rocketmq.store.CommitLog#putMessage",
              books=("B4.3", "B4.8")) as s:
        if s.is_recording():
            s.set_attributes({"messaging.destination.name": "TopicTest",
                              "rocketmq_ref.store.queue_id": 3, "rocketmq_ref.store.encode_us": 12,
                              "rocketmq_ref.store.record_size": 1229})


def messaging():
    with messaging_span("send", "TopicTest", SpanKind.PRODUCER, java="x.DefaultMQProducer#send",
                        books=("B3.4.4",), attributes={"messaging.rocketmq.message.tag": "TagA"}):
        pass


def flush():
    if provider is not None:
        provider.force_flush()


if what == "spans":
    for name, fn in (("@traced", decorated), ("span()", block), ("span() + 4 attributes", block_attrs),
                     ("messaging_span()", messaging)):
        for _ in range(1000):
            fn()
        flush()
        c0 = time.process_time()
        for _ in range(n):
            fn()
        flush()
        print(f"{name}\t{(time.process_time() - c0) / n * 1e6:.2f}")
elif what.startswith("callgrind-"):
    for _ in range(n):
        block_attrs()
    flush()
else:  # the store: puts with dispatch paused, then the dispatch of them
    import logging, shutil
    logging.basicConfig(level=logging.ERROR)
    os.environ["BENCH_STORE_N"] = str(n)
    import store
    base = tempfile.mkdtemp(prefix="bench-tracing-store-")
    try:
        put, dispatch = store._put_and_dispatch_cpu(base, store._messages(256), n)
        c0 = time.process_time()
        flush()
        put += time.process_time() - c0
        print(f"put\t{put / n * 1e6:.2f}")
        print(f"dispatch\t{dispatch / n * 1e6:.2f}")
    finally:
        shutil.rmtree(base, ignore_errors=True)
if provider is not None:
    provider.shutdown()
'''


def _child(config: str, what: str, n: int) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, config, what, str(n), HERE], check=True,
                         capture_output=True, text=True).stdout
    return {k: float(v) for k, v in (line.split("\t") for line in out.splitlines() if "\t" in line)}


def _instructions(config: str, what: str, n: int) -> int:
    res = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                          sys.executable, "-c", CHILD, config, what, str(n), HERE],
                         capture_output=True, text=True, check=True)
    m = re.search(r"Collected : (\d+)", res.stderr)
    assert m, res.stderr[-500:]
    return int(m.group(1))


def _rounds(what: str, n: int, rounds: int) -> dict[str, dict[str, float]]:
    rows: dict[str, dict[str, list[float]]] = {c: {} for c in CONFIGS}
    for _ in range(rounds):
        for config in CONFIGS:
            for k, v in _child(config, what, n).items():
                rows[config].setdefault(k, []).append(v)
    return {c: {k: statistics.median(v) for k, v in r.items()} for c, r in rows.items()}


def timed(args: argparse.Namespace) -> None:
    spans = _rounds("spans", args.spans, args.rounds)
    print(f"\nCPU us per span ({args.spans} spans, export included):")
    names = list(spans["off"])
    print(f"  {'':24s}" + "".join(f"{c:>12s}" for c in CONFIGS))
    for name in names:
        print(f"  {name:24s}" + "".join(f"{spans[c][name]:12.1f}" for c in CONFIGS))

    puts = _rounds("store", args.puts, args.rounds)
    off = puts["off"]
    print(f"\nstore put path ({args.puts} async-flush puts of 1 KiB, then their dispatch; one span "
          "per put, one per reput round with an event per record), CPU us per message:")
    print(f"  {'':10s}{'put':>10s}{'dispatch':>10s}{'total':>10s}   throughput on/off (target >= 0.7)")
    for config in CONFIGS:
        row = puts[config]
        total = row["put"] + row["dispatch"]
        print(f"  {config:10s}{row['put']:10.1f}{row['dispatch']:10.1f}{total:10.1f}   "
              f"{(off['put'] + off['dispatch']) / total:5.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--spans", type=int, default=int(os.environ.get("BENCH_SPANS", "20000")))
    ap.add_argument("--puts", type=int, default=20000)
    ap.add_argument("--callgrind", action="store_true")
    ap.add_argument("--callgrind-only", action="store_true", help="skip the CPU-time parts")
    args = ap.parse_args()
    args.callgrind = args.callgrind or args.callgrind_only
    print(f"tracing cost, python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
          f"median of {args.rounds} interleaved rounds, process CPU")
    for config, title in CONFIGS.items():
        print(f"  {config:10s} = {title}")

    if not args.callgrind_only:
        timed(args)
    if args.callgrind:
        n = 2000
        print(f"\ncallgrind instructions per span() with 4 attributes (runs of {n} and {2 * n} "
              "spans, export included):")
        for config in ("plain", "ours", "ours-jsonl"):
            per = (_instructions(config, "callgrind-attrs", 2 * n)
                   - _instructions(config, "callgrind-attrs", n)) / n
            print(f"  {config:10s} {per:10,.0f}")


if __name__ == "__main__":
    t = time.perf_counter()
    main()
    print(f"({time.perf_counter() - t:.1f} s)")
