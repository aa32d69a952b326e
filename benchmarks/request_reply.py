"""Request/reply round trips against a real ``mqnamesrv`` + ``mqbroker`` pair: requests per second and
p50/p99 latency of ``DefaultMQProducer.request`` answered by a push consumer in the same process (1
and 4 requesting threads), next to plain sync sends of the same body for comparison.

    .venv/bin/python benchmarks/request_reply.py [--seconds 3] [--size 128]

A round trip is: request send (SEND_MESSAGE_V2), the consumer's pull (long polling), the listener's
reply send (SEND_REPLY_MESSAGE_V2), the broker's PUSH_REPLY_MESSAGE_TO_CLIENT and the future's wake-up.
Prints figures; asserts nothing.  Tracing is off (API only), as in production without an SDK.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus,  # noqa: E402
                                          ConsumeFromWhere, DefaultMQPushConsumer)
from rocketmq_ref.client.producer import DefaultMQProducer  # noqa: E402
from rocketmq_ref.client.utils.message_util import MessageUtil  # noqa: E402
from rocketmq_ref.common.message import Message  # noqa: E402
from tests.broker.support import broker_props, start_broker, start_namesrv  # noqa: E402
from tests.support.processes import ProcessFactory  # noqa: E402

TOPIC = "BenchRequest"
PLAIN_TOPIC = "BenchPlainSend"  # nobody consumes it: the plain sends get no reply


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else 0.0


def run_threads(fn, seconds: float, threads: int) -> tuple[int, list[float], float]:
    """Call ``fn`` in a loop on ``threads`` threads for ``seconds``; count, latencies (ms), wall."""
    latencies: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker() -> None:
        mine = []
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            fn()
            mine.append((time.perf_counter() - t0) * 1000)
        with lock:
            latencies.extend(mine)

    begin = time.monotonic()
    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return len(latencies), latencies, time.monotonic() - begin


def line(label: str, count: int, latencies: list[float], wall: float) -> str:
    return (f"{label:34} {count / wall:8.0f} /s   p50 {pct(latencies, 0.5):6.2f} ms   "
            f"p99 {pct(latencies, 0.99):6.2f} ms   ({count} in {wall:.1f} s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--size", type=int, default=128)
    args = ap.parse_args()
    body = b"q" * args.size
    with tempfile.TemporaryDirectory(prefix="bench-request-") as tmp:
        factory = ProcessFactory(Path(tmp))
        clients: list = []
        try:
            ns = start_namesrv(factory, Path(tmp))
            start_broker(factory, Path(tmp), broker_props(Path(tmp), ns.addr))
            reply_producer = DefaultMQProducer("bench_reply_pg")
            reply_producer.set_namesrv_addr(ns.addr)
            reply_producer.start()
            clients.append(reply_producer)
            reply_producer.create_topic("TBW102", TOPIC, 4)
            deadline = time.monotonic() + 30
            while not reply_producer.fetch_publish_message_queues(TOPIC) and time.monotonic() < deadline:
                time.sleep(0.1)

            def answer(msgs, context):
                for m in msgs:
                    reply_producer.send(MessageUtil.create_reply_message(m, bytes(m.body)))
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

            replier = DefaultMQPushConsumer("bench_reply_cg")
            replier.set_namesrv_addr(ns.addr)
            replier.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET)
            replier.subscribe(TOPIC, "*")
            replier.register_message_listener(answer)
            replier.start()
            clients.insert(0, replier)
            table = replier.default_mq_push_consumer_impl.rebalance_impl.process_queue_table
            while len([mq for mq in list(table) if mq.topic == TOPIC]) < 4 and time.monotonic() < deadline:
                time.sleep(0.1)
            requester = DefaultMQProducer("bench_request_pg")
            requester.set_namesrv_addr(ns.addr)
            requester.start()
            clients.insert(0, requester)
            for _ in range(50):  # warm up: routes, connections, the consumer's pulls
                requester.request(Message(TOPIC, body), 5000)
            print(f"request/reply, {args.size}-byte bodies, {args.seconds:.0f} s each, "
                  f"{os.cpu_count()} cores")
            for threads in (1, 4):
                count, lat, wall = run_threads(lambda: requester.request(Message(TOPIC, body), 5000),
                                               args.seconds, threads)
                print(line(f"request (reply), {threads} thread(s)", count, lat, wall))
            requester.send(Message(PLAIN_TOPIC, body))  # route (auto-created), not timed
            count, lat, wall = run_threads(lambda: requester.send(Message(PLAIN_TOPIC, body)),
                                           args.seconds, 1)
            print(line("plain sync send, 1 thread", count, lat, wall))
        finally:
            for c in clients:
                c.shutdown()
            factory.close()


if __name__ == "__main__":
    main()
