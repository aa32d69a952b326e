"""``benchmark batchproducer``: sending threads that send batches of ``-b`` messages (Java
``example.benchmark.BatchProducer``; books A7.5, B9.7).  ``-q`` (not in Java) bounds the run in
messages and ends it with a ``[Complete]`` line."""
from __future__ import annotations

import random
import sys
import time
from typing import Any, Callable

from rocketmq_ref.client.producer.send_result import SendStatus
from rocketmq_ref.tools.benchmark import options as opts
from rocketmq_ref.tools.benchmark.producer import (StatsBenchmarkProducer, benchmark_producer, drive,
                                                   random_body, split_quantity)
from rocketmq_ref.tools.command.sub_command import Option, ParseException

OPTIONS = [
    Option("w", "threadCount", True, "Thread count, Default: 64"),
    Option("s", "messageSize", True, "Message Size, Default: 128"),
    Option("b", "batchSize", True, "Batch Size, Default: 16"),
    Option("k", "keyEnable", True, "Message Key Enable, Default: false"),
    Option("t", "topic", True, "Topic name, Default: BenchmarkTest"),
    Option("l", "tagCount", True, "Tag count, Default: 0"),
    Option("m", "msgTraceEnable", True, "Message Trace Enable, Default: false"),
    Option("a", "aclEnable", True, "Acl Enable, Default: false"),
    Option("p", "propertySize", True, "Property Size, Default: 0"),
    Option("q", "messageQuantity", True,
           "Send message quantity, Default: 0, running forever (not in Java)"),
]


class StatsBenchmarkBatchProducer(StatsBenchmarkProducer):
    """Java ``StatsBenchmarkBatchProducer``: requests and messages counted apart."""

    def __init__(self) -> None:
        super().__init__()
        self.send_message_failed_count = 0

    def failed_batch(self, messages: int) -> None:
        with self._lock:
            self.send_request_failed_count += 1
            self.send_message_failed_count += messages

    def create_snapshot(self) -> tuple:
        with self._lock:
            return (time.monotonic() * 1000.0, self.send_request_success_count,
                    self.send_request_failed_count, self.send_message_success_count,
                    self.send_message_failed_count, self.send_message_success_time_total)


def batch_line(stats: StatsBenchmarkBatchProducer) -> Callable[[list[tuple], bool], str]:
    def line(snapshots: list[tuple], done: bool) -> str:
        begin, end = snapshots[0], snapshots[-1]
        elapsed = max(end[0] - begin[0], 1e-6)
        requests, messages = end[1] - begin[1], end[3] - begin[3]
        tail = (f"Send TPS: {int(requests / elapsed * 1000)} Send MPS: "
                f"{int(messages / elapsed * 1000)} Max RT(ms): {int(stats.send_message_max_rt)} "
                f"Average RT(ms): {(end[5] - begin[5]) / requests if requests else 0.0:7.3f} "
                f"Average Message RT(ms): {(end[5] - begin[5]) / messages if messages else 0.0:7.3f} "
                f"Send Failed: {end[2]} Send Message Failed: {end[4]}{stats.latency.describe()}")
        if done:
            total = stats.send_message_success_count + stats.send_message_failed_count
            return f"[Complete] Send Total: {total} {tail}"
        return f"Current Time: {int(time.time() * 1000)} {tail}"
    return line


def run(argv: list[str]) -> int:
    cl = opts.parse("batchproducer", OPTIONS, argv)
    if cl is None:
        return 0 if argv and argv[0] in ("-h", "--help") else 1
    try:
        opts.refuse_unsupported(cl)
        namesrv = opts.namesrv(cl)
        topic = opts.value(cl, "t", "BenchmarkTest")
        thread_count = opts.value(cl, "w", 64, int)
        message_size = opts.value(cl, "s", 128, int)
        batch_size = opts.value(cl, "b", 16, int)
        key_enable = opts.value(cl, "k", False, opts.java_bool)
        property_size = opts.value(cl, "p", 0, int)
        tag_count = opts.value(cl, "l", 0, int)
        trace_enable = opts.value(cl, "m", False, opts.java_bool)
        acl_enable = opts.value(cl, "a", False, opts.java_bool)
        quantity = opts.value(cl, "q", 0, int)
        if batch_size <= 0:
            raise ParseException("-b: the batch size must be positive")
    except ParseException as e:
        print(f"benchmark batchproducer: {e}", file=sys.stderr)
        return 1
    print(f"topic: {topic} threadCount: {thread_count} messageSize: {message_size} batchSize: "
          f"{batch_size} keyEnable: {str(key_enable).lower()} propertySize: {property_size} "
          f"tagCount: {tag_count} traceEnable: {str(trace_enable).lower()} aclEnable: "
          f"{str(acl_enable).lower()}", flush=True)

    from rocketmq_ref.common.message import Message

    body = random_body(message_size)
    stats = StatsBenchmarkBatchProducer()
    producer = benchmark_producer("benchmark_batch_producer", namesrv)
    # -q counts messages; each sending thread sends whole batches
    batches = split_quantity((quantity + batch_size - 1) // batch_size if quantity else 0,
                             thread_count)

    def send() -> None:
        msgs = [Message(topic, body) for _ in range(batch_size)]
        begin = time.monotonic()
        for msg in msgs:
            if key_enable:
                msg.keys = str(int(time.time()))
            if tag_count > 0:
                msg.tags = f"tag{stats.send_message_success_count % tag_count}"
            if property_size > 0:
                start = random.randrange(100)
                for i in range(0, property_size, 16):
                    msg.put_user_property(f"prop{i}", f"hello{start + i}")
        try:
            result: Any = producer.send(msgs)
        except Exception:  # noqa: BLE001 - Java counts every failure of a batch the same way
            stats.failed_batch(len(msgs))
            return
        if result is not None and result.send_status is SendStatus.SEND_OK:
            stats.success(begin, len(msgs))
        else:
            stats.failed_batch(len(msgs))

    return drive(producer, stats, send, batches, quantity, batch_line(stats))
