"""``make demo``: a local cluster that sends, stores and consumes messages and records their traces.

One name server and one broker start in a temporary directory (no configuration needed), a producer
sends sample messages, a push consumer receives them, and every process writes its spans to one OTLP
JSON lines file.  The demo prints what happened and where the trace and the docs are, then stops
everything it started; Ctrl-C at any point does the same.  Book sections A1.3, A2.3.
"""
from __future__ import annotations

import argparse
import collections
import logging
import shutil
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from rocketmq_ref.tools import cluster

ROOT = Path(__file__).resolve().parents[2]


def _on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _log_to_file(path: Path) -> None:
    """Client logs go to a file, as the Java client writes ~/logs/rocketmqlogs/rocketmq_client.log."""
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(threadName)s %(name)s - %(message)s"))
    logger = logging.getLogger("rocketmq_ref")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


def run(count: int, trace_file: Path, timeout_s: float) -> int:
    from rocketmq_ref.common.otlp_json import read_spans
    from rocketmq_ref.common.tracing_setup import configure_tracing, shutdown_tracing

    if trace_file.exists():
        trace_file.unlink()
    trace_file.parent.mkdir(parents=True, exist_ok=True)
    client_log = trace_file.with_name("demo-client.log")
    _log_to_file(client_log)
    workdir = tempfile.mkdtemp(prefix="rocketmq-ref-demo-")
    state = cluster.plan(workdir, namesrv=1, masters=1)
    print(f"[demo] starting a name server and a broker in {workdir}")
    env = {"ROCKETMQ_REF_TRACE_FILE": str(trace_file)}
    producer = consumer = None
    try:
        cluster.start(state, env=env)
        for line in cluster.status_lines(state):
            print(f"[demo]   {line}")
        configure_tracing("demo-client", jsonl_path=str(trace_file))

        from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus, ConsumeFromWhere,
                                                  DefaultMQPushConsumer)
        from rocketmq_ref.client.producer import DefaultMQProducer
        from rocketmq_ref.common.message import Message

        topic, addr = "DemoTopic", state.namesrv_addr
        producer = DefaultMQProducer("demo_producer_group")
        producer.set_namesrv_addr(addr)
        producer.start()
        print(f"[demo] sending {count} messages to {topic} (auto-created from TBW102)")
        sent = {}
        for i in range(count):
            msg = Message(topic, "TagA" if i % 2 == 0 else "TagB", f"Hello RocketMQ {i}".encode(),
                          keys=f"demo-key-{i}")
            result = producer.send(msg)
            sent[result.msg_id] = i
            print(f"[demo]   {result.send_status.name} msgId={result.msg_id} "
                  f"queue={result.message_queue.queue_id} offset={result.queue_offset}")

        received: dict[str, int] = {}
        done = threading.Event()
        lock = threading.Lock()

        def listener(msgs, context):
            with lock:
                for m in msgs:
                    received.setdefault(m.msg_id, m.queue_offset)
                if len(received) >= count:
                    done.set()
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

        consumer = DefaultMQPushConsumer("demo_consumer_group")
        consumer.set_namesrv_addr(addr)
        consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
        consumer.subscribe(topic, "TagA || TagB")
        consumer.register_message_listener(listener)
        consumer.start()
        print("[demo] push consumer started; waiting for the messages")
        if not done.wait(timeout_s):
            print(f"[demo] FAILED: received {len(received)} of {count} within {timeout_s:.0f} s")
            return 1
        missing = set(sent) - set(received)
        print(f"[demo] received {len(received)} of {count} messages"
              + (f"; missing {sorted(missing)}" if missing else ""))
        if missing:
            return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip the clean-up
        for client in (consumer, producer):
            if client is not None:
                try:
                    client.shutdown()
                except Exception as e:  # shutting down must not hide the real outcome
                    print(f"[demo] shutdown of {type(client).__name__}: {e}")
        shutdown_tracing()
        stopped = cluster.stop(state)
        print(f"[demo] stopped {', '.join(stopped) if stopped else 'nothing'}")
        shutil.rmtree(workdir, ignore_errors=True)

    spans = read_spans(trace_file) if trace_file.exists() else []
    by_service = collections.Counter(s["service"] for s in spans)
    by_name = collections.Counter(s["name"] for s in spans)
    print(f"[demo] trace: {len(spans)} spans in {trace_file} "
          f"({', '.join(f'{k}: {v}' for k, v in sorted(by_service.items()))})")
    for name, n in by_name.most_common(12):
        print(f"[demo]   {n:5d}  {name}")
    print(f"[demo] client log: {client_log}")
    print(f"[demo] view it: python -m rocketmq_ref.tools.traceview {trace_file}")
    print("[demo] docs: make docs, then open docs/_build/html/index.html")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rocketmq_ref.tools.demo",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=16, help="messages to send (default 16)")
    parser.add_argument("--trace", default=str(ROOT / ".demo" / "demo.jsonl"),
                        help="where to write the trace (default .demo/demo.jsonl)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for delivery")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _on_sigterm)
    started = time.monotonic()
    try:
        code = run(args.count, Path(args.trace), args.timeout)
    except KeyboardInterrupt:
        print("[demo] interrupted; everything it started is stopped")
        return 130
    except cluster.ClusterError as e:
        print(f"[demo] FAILED: {e}")
        return 1
    print(f"[demo] {'done' if code == 0 else 'FAILED'} in {time.monotonic() - started:.1f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
