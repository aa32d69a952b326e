"""``benchmark producer``: sending threads measuring TPS and RT (Java
``example.benchmark.Producer``; books A7.5, B9.7).

Every second a snapshot of the counters is taken; every 10 s the last 10 snapshots give the
``Current Time: ... Send TPS: ...`` line.  With ``-q`` the run stops after that many messages and
prints ``[Complete] Send Total: ...``.  p50/p99 (since the start) follow the Java fields.
"""
from __future__ import annotations

import random
import string
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from rocketmq_ref.client.exception import MQBrokerException, MQClientException
from rocketmq_ref.common.utilall import time_millis_to_human_string2
from rocketmq_ref.remoting.exception import RemotingException
from rocketmq_ref.tools.benchmark import options as opts
from rocketmq_ref.tools.benchmark.options import setting
from rocketmq_ref.tools.benchmark.stats import BenchmarkStats, Reporter

# -y flow control: at most this many async sends in flight.  Java waits while its async sender queue
# holds more than 10000 tasks; at this client's rate (about 1k msg/s on 2 cores) that many in flight
# would wait past the 3 s send timeout and count as failures, so the bound is smaller.
MAX_LENGTH_ASYNC_QUEUE = 256


@dataclass
class ProducerSettings(opts.BenchmarkSettings):
    """The options of Java ``Producer.main`` past the shared ones, in the order it reads them."""

    message_size: int = setting("s", "messageSize", "Message Size, Default: 128", 128)
    key_enable: bool = setting("k", "keyEnable", "Message Key Enable, Default: false", False)
    property_size: int = setting("p", "propertySize", "Property Size, Default: 0", 0)
    tag_count: int = setting("l", "tagCount", "Tag count, Default: 0", 0)
    message_num: int = setting("q", "messageQuantity", "Send message quantity, Default: 0, running forever",
                               0)
    delay_enable: bool = setting("d", "delayEnable", "Delay message Enable, Default: false", False)
    delay_level: int = setting("e", "delayLevel", "Delay message level, Default: 1", 1)
    async_enable: bool = setting("y", "asyncEnable", "Enable async produce, Default: false", False)
    thread_count: int = setting("w", "threadCount", "Thread count, Default: 64", 64,
                                unless=("async_enable", 1))


class StatsBenchmarkProducer(BenchmarkStats):
    """Java ``StatsBenchmarkProducer``: counters, max RT, and the RT histogram."""

    SNAPSHOT = ("send_request_success_count", "send_request_failed_count",
                "receive_response_success_count", "receive_response_failed_count",
                "send_message_success_time_total", "send_message_success_count")

    def __init__(self) -> None:
        super().__init__()
        self.send_request_success_count = 0
        self.send_request_failed_count = 0
        self.receive_response_success_count = 0
        self.receive_response_failed_count = 0
        self.send_message_success_time_total = 0.0
        self.send_message_max_rt = 0.0
        self.send_message_success_count = 0  # messages (a batch counts its size)

    def success(self, begin: float, messages: int = 1) -> None:
        rt = (time.monotonic() - begin) * 1000.0
        self.latency.record(rt)
        with self._lock:
            self.send_request_success_count += 1
            self.receive_response_success_count += 1
            self.send_message_success_count += messages
            self.send_message_success_time_total += rt
            if rt > self.send_message_max_rt:
                self.send_message_max_rt = rt

    def failed(self, response: bool = False) -> None:
        with self._lock:
            if response:
                self.receive_response_failed_count += 1
            else:
                self.send_request_failed_count += 1

    def window(self, snapshots: list[tuple]) -> str:
        begin, end = snapshots[0], snapshots[-1]
        elapsed = max(end[0] - begin[0], 1e-6)
        sent = end[3] - begin[3]
        average_rt = (end[5] - begin[5]) / sent if sent else 0.0
        return (f"Send TPS: {int(sent / elapsed * 1000)} Max RT(ms): {int(self.send_message_max_rt)} "
                f"Average RT(ms): {average_rt:7.3f} Send Failed: {end[2]} Response Failed: {end[4]}")

    def total(self, end: tuple) -> int:
        return self.send_request_success_count + self.send_request_failed_count

    def current_time(self) -> str:
        return time_millis_to_human_string2(int(time.time() * 1000))


def random_body(size: int) -> bytes:
    return "".join(random.choices(string.ascii_letters + string.digits, k=size)).encode()


def split_quantity(total: int, threads: int) -> list[int]:
    """Java: ``total / threads`` each, the remainder to the first; 0 means forever."""
    if total <= 0:
        return [0] * threads
    counts = [total // threads] * threads
    counts[0] += total % threads
    return [c for c in counts if c > 0]


def send_loop(send: Callable[[], None], stats: StatsBenchmarkProducer, limit: int,
              stop: threading.Event) -> None:
    """One sending thread (Java's ``Runnable`` in ``Producer.main``), errors counted as Java does."""
    num = 0
    while not stop.is_set():
        try:
            send()
        except MQBrokerException:
            stats.failed(response=True)
            stop.wait(3.0)
        except RemotingException:
            stats.failed()
            stop.wait(3.0)
        except MQClientException:
            stats.failed()
        except Exception:  # noqa: BLE001 - counted like Java's send failures, never a traceback
            stats.failed()
        num += 1
        if limit and num >= limit:
            return


def run(argv: list[str]) -> int:
    cfg = opts.read("producer", ProducerSettings, argv)
    if isinstance(cfg, int):
        return cfg
    print(f"topic: {cfg.topic} threadCount: {cfg.thread_count} messageSize: {cfg.message_size} "
          f"keyEnable: {str(cfg.key_enable).lower()} propertySize: {cfg.property_size} tagCount: "
          f"{cfg.tag_count} traceEnable: {str(cfg.trace_enable).lower()} aclEnable: "
          f"{str(cfg.acl_enable).lower()} messageQuantity: {cfg.message_num}\ndelayEnable: "
          f"{str(cfg.delay_enable).lower()} delayLevel: {cfg.delay_level}\nasyncEnable: "
          f"{str(cfg.async_enable).lower()}", flush=True)

    from rocketmq_ref.common.message import Message

    body = random_body(cfg.message_size)
    stats = StatsBenchmarkProducer()
    producer = benchmark_producer("benchmark_producer", cfg.namesrv)
    in_flight = threading.BoundedSemaphore(MAX_LENGTH_ASYNC_QUEUE)

    def build() -> Any:
        msg = Message(cfg.topic, body)
        if cfg.key_enable:
            msg.keys = str(int(time.time()))
        if cfg.delay_enable:
            msg.delay_time_level = cfg.delay_level
        if cfg.tag_count > 0:
            msg.tags = f"tag{int(time.time() * 1000) % cfg.tag_count}"
        if cfg.property_size > 0:
            i, start, size = 0, random.randrange(100), 0
            while size <= cfg.property_size:
                k1, v1, k2, v2 = f"prop{i}", f"hello{start}", f"prop{i + 1}", str(start)
                msg.put_user_property(k1, v1)
                msg.put_user_property(k2, v2)
                size += len(k1) + len(k2) + len(v1) + len(v2)
                i, start = i + 2, start + 2
        return msg

    def send() -> None:
        msg = build()
        begin = time.monotonic()
        if cfg.async_enable:
            in_flight.acquire()  # Java's flow control on the async sender queue

            def on_success(result: Any) -> None:
                in_flight.release()
                stats.success(begin)

            def on_exception(e: BaseException) -> None:
                in_flight.release()
                stats.failed()
            from rocketmq_ref.client.producer.send_result import FunctionSendCallback
            producer.send_async(msg, FunctionSendCallback(on_success, on_exception))
        else:
            producer.send(msg)
            stats.success(begin)

    return drive(producer, stats, send, split_quantity(cfg.message_num, cfg.thread_count),
                 cfg.message_num,
                 lambda: [in_flight.acquire() for _ in range(MAX_LENGTH_ASYNC_QUEUE)]
                 if cfg.async_enable else None)


def benchmark_producer(group: str, namesrv: str) -> Any:
    """The producer the benchmark tools send with: its own instance, bodies never compressed."""
    from rocketmq_ref.client.producer import DefaultMQProducer

    producer = DefaultMQProducer(group)
    producer.set_namesrv_addr(namesrv)
    producer.instance_name = str(int(time.time() * 1000))
    producer.set_compress_msg_body_over_howmuch(2**31 - 1)
    return producer


def drive(producer: Any, stats: StatsBenchmarkProducer, send: Callable[[], None], limits: list[int],
          message_num: int, drain: Callable[[], Any] | None = None) -> int:
    """Start the producer, the reporter and the sending threads; wait; print the result line."""
    try:
        producer.start()
    except Exception as e:  # noqa: BLE001 - one line, no traceback
        print(f"benchmark: cannot start the producer: {e}", file=sys.stderr)
        return 1
    stop = threading.Event()
    reporter = Reporter(stats)
    reporter.start()
    threads = [threading.Thread(target=send_loop, args=(send, stats, limit, stop),
                                name=f"BenchmarkSender-{i}", daemon=True)
               for i, limit in enumerate(limits)]
    for t in threads:
        t.start()
    interrupted = False
    try:
        for t in threads:
            while t.is_alive():
                t.join(0.5)
        if drain is not None:
            drain()
    except KeyboardInterrupt:
        interrupted = True
        stop.set()
    reporter.stop(complete=message_num > 0 and not interrupted)
    producer.shutdown()
    failed = stats.send_request_failed_count + stats.receive_response_failed_count
    return 130 if interrupted else (1 if failed else 0)
