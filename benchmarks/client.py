"""The client against a real ``mqnamesrv`` + ``mqbroker`` pair: messages per second and p50/p99
latency of sync sends (1 and 4 sending threads), async sends (a window of 256 in flight), oneway
sends, batches of 32, then push-consumer throughput draining what was sent.

    .venv/bin/python benchmarks/client.py [--seconds 3] [--size 128]

Prints figures; asserts nothing.  Tracing is off (API only), as in production without an SDK.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus,  # noqa: E402
                                          ConsumeFromWhere, DefaultMQPushConsumer)
from rocketmq_ref.client.exception import MQBrokerException  # noqa: E402
from rocketmq_ref.client.producer import DefaultMQProducer, SendCallback  # noqa: E402
from rocketmq_ref.common.message import Message  # noqa: E402
from tests.broker.support import broker_props, start_broker, start_namesrv  # noqa: E402
from tests.support.processes import ProcessFactory  # noqa: E402


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))] if values else 0.0


errors: dict[int, int] = {}


def sync_sends(producer: DefaultMQProducer, topic: str, body: bytes, seconds: float,
               threads: int) -> tuple[int, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()
    errors.clear()
    stop = time.monotonic() + seconds

    def run() -> None:
        local = []
        while time.monotonic() < stop:
            t = time.perf_counter()
            try:
                producer.send(Message(topic, body=body))
            except MQBrokerException as e:  # SYSTEM_BUSY when the broker sheds load
                errors[e.response_code] = errors.get(e.response_code, 0) + 1
                continue
            local.append((time.perf_counter() - t) * 1000)
        with lock:
            latencies.extend(local)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return len(latencies), latencies


def async_sends(producer: DefaultMQProducer, topic: str, body: bytes, seconds: float,
                window: int) -> int:
    slots = threading.Semaphore(window)
    done = [0]
    lock = threading.Lock()

    class Cb(SendCallback):
        def on_success(self, r):
            with lock:
                done[0] += 1
            slots.release()

        def on_exception(self, e):
            code = getattr(e, "response_code", -1)
            errors[code] = errors.get(code, 0) + 1
            slots.release()

    cb = Cb()
    errors.clear()
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        slots.acquire()
        producer.send(Message(topic, body=body), cb)
    for _ in range(window):
        slots.acquire()
    return done[0]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--size", type=int, default=128)
    args = ap.parse_args()
    body = b"x" * args.size
    tmp = Path(tempfile.mkdtemp(prefix="bench-client-"))
    with ProcessFactory(tmp) as pf:
        ns = start_namesrv(pf, tmp)
        start_broker(pf, tmp, broker_props(tmp, ns.addr))
        producer = DefaultMQProducer("bench_pg")
        producer.set_namesrv_addr(ns.addr)
        producer.start()
        producer.send(Message("BenchClient", body=body))  # routes, connection
        total = 1
        print(f"message body {args.size} B, {args.seconds:.0f} s per figure, one broker")
        for threads in (1, 4):
            n, lat = sync_sends(producer, "BenchClient", body, args.seconds, threads)
            total += n
            print(f"sync send, {threads} thread(s): {n / args.seconds:8.0f} msg/s   "
                  f"p50 {statistics.median(lat):.2f} ms  p99 {pct(lat, 0.99):.2f} ms"
                  + (f"  broker refusals {errors}" if errors else ""))
        n = async_sends(producer, "BenchClient", body, args.seconds, 256)
        total += n
        print(f"async send, 256 in flight: {n / args.seconds:8.0f} msg/s"
              + (f"  broker refusals {errors}" if errors else ""))
        t = time.monotonic()
        n = 0
        while time.monotonic() - t < args.seconds:
            producer.send_oneway(Message("BenchClient", body=body))
            n += 1
        total += n
        print(f"oneway send:              {n / (time.monotonic() - t):8.0f} msg/s (written)")
        t = time.monotonic()
        n = 0
        while time.monotonic() - t < args.seconds:
            try:
                producer.send([Message("BenchClient", body=body) for _ in range(32)])
                n += 32
            except MQBrokerException:
                pass
        total += n
        print(f"batch send (32):          {n / (time.monotonic() - t):8.0f} msg/s")
        time.sleep(0.5)  # oneway sends still landing

        got = [0]
        lock = threading.Lock()

        def listener(msgs, ctx):
            with lock:
                got[0] += len(msgs)
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

        consumer = DefaultMQPushConsumer("bench_cg")
        consumer.set_namesrv_addr(ns.addr)
        consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
        consumer.subscribe("BenchClient", "*")
        consumer.register_message_listener(listener)
        t = time.monotonic()
        consumer.start()
        deadline = t + 120
        last, last_change = 0, time.monotonic()
        while time.monotonic() < deadline and time.monotonic() - last_change < 3:
            time.sleep(0.05)
            if got[0] != last:
                last, last_change = got[0], time.monotonic()
        elapsed = last_change - t
        print(f"push consume (drained {got[0]}; sent {total}, oneway ones unconfirmed): "
              f"{got[0] / elapsed:8.0f} msg/s including start-up and rebalance")
        consumer.shutdown()
        producer.shutdown()


if __name__ == "__main__":
    main()
