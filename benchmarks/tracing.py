"""Cost of a span: the bare OpenTelemetry no-op, our helper with no SDK, and our helper with the SDK
and a batch exporter.  Prints ns per span; run with `make bench` or directly."""
from __future__ import annotations

import os
import subprocess
import sys
import time

N = int(os.environ.get("BENCH_SPANS", "200000"))

CHILD = r'''
import sys, time
from opentelemetry import trace
mode = sys.argv[1]; n = int(sys.argv[2])
if mode == "sdk":
    from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
    from rocketmq_ref.common.tracing_setup import configure_tracing
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    class Drop(SpanExporter):
        def export(self, spans): return SpanExportResult.SUCCESS
    provider = configure_tracing("bench", batch=True)
    provider.add_span_processor(BatchSpanProcessor(Drop(), max_queue_size=65536))
from rocketmq_ref.common.tracing import traced, span
tracer = trace.get_tracer("bare")

def bare():
    with tracer.start_as_current_span("CommitLog.put_message"):
        pass

@traced("org.apache.rocketmq.store.CommitLog#putMessage", books=("B4.3",))
def decorated():
    pass

def block():
    with span("CommitLog.put_message", java="org.apache.rocketmq.store.CommitLog#putMessage", books=("B4.3",)):
        pass

def empty():
    pass

for name, fn in (("empty call", empty), ("bare otel no-op", bare), ("helper @traced", decorated),
                 ("helper with span()", block)):
    if mode == "sdk" and name == "bare otel no-op":
        continue
    for _ in range(2000):
        fn()
    t0 = time.perf_counter_ns()
    for _ in range(n):
        fn()
    dt = (time.perf_counter_ns() - t0) / n
    print(f"{mode:6s} {name:22s} {dt:8.0f} ns/span")
if mode == "sdk":
    provider.shutdown()
'''


def main() -> None:
    print(f"tracing cost, {N} spans each (lower is better)")
    for mode in ("no-sdk", "sdk"):
        n = N if mode == "no-sdk" else N // 4
        out = subprocess.run([sys.executable, "-c", CHILD, mode, str(n)], check=True,
                             capture_output=True, text=True).stdout
        sys.stdout.write(out)


if __name__ == "__main__":
    t = time.perf_counter()
    main()
    print(f"({time.perf_counter() - t:.1f} s)")
