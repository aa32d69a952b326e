"""``benchmark consumer``: a push consumer measuring TPS, born-to-consume (B2C) and
store-to-consume (S2C) latency (Java ``example.benchmark.Consumer``; books A7.5, B9.7).

``-q`` (not in Java) stops after that many messages with a ``[Complete]`` line; p50/p99 are the B2C
latency since the start.
"""
from __future__ import annotations

import random
import sys
import threading
import time
from typing import Any

from rocketmq_ref.tools.benchmark import options as opts
from rocketmq_ref.tools.benchmark.latency import LatencyHistogram
from rocketmq_ref.tools.benchmark.producer import Reporter
from rocketmq_ref.tools.command.sub_command import Option, ParseException

OPTIONS = [
    Option("t", "topic", True, "Topic name, Default: BenchmarkTest"),
    Option("w", "threadCount", True, "Thread count, Default: 20"),
    Option("g", "group", True, "Consumer group name, Default: benchmark_consumer"),
    Option("p", "group prefix enable", True, "Is group prefix enable, Default: false"),
    Option("f", "filterType", True, "TAG, SQL92"),
    Option("e", "expression", True, "filter expression content file path.ie: ./test/expr"),
    Option("r", "fail rate", True, "consumer fail rate, default 0"),
    Option("m", "msgTraceEnable", True, "Message Trace Enable, Default: false"),
    Option("a", "aclEnable", True, "Acl Enable, Default: false"),
    Option("q", "messageQuantity", True,
           "Stop after this many messages, Default: 0, running forever (not in Java)"),
]


class StatsBenchmarkConsumer:
    """Java ``StatsBenchmarkConsumer`` plus the B2C histogram."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.receive_message_total_count = 0
        self.born2consumer_total_rt = 0
        self.store2consumer_total_rt = 0
        self.born2consumer_max_rt = 0
        self.store2consumer_max_rt = 0
        self.fail_count = 0
        self.latency = LatencyHistogram()

    def received(self, msg: Any, now_ms: int, failed: bool) -> None:
        b2c = now_ms - msg.born_timestamp
        s2c = now_ms - msg.store_timestamp
        self.latency.record(float(b2c))
        with self._lock:
            self.receive_message_total_count += 1
            self.born2consumer_total_rt += b2c
            self.store2consumer_total_rt += s2c
            self.born2consumer_max_rt = max(self.born2consumer_max_rt, b2c)
            self.store2consumer_max_rt = max(self.store2consumer_max_rt, s2c)
            if failed:
                self.fail_count += 1

    def create_snapshot(self) -> tuple:
        with self._lock:
            return (int(time.time() * 1000), self.receive_message_total_count,
                    self.born2consumer_total_rt, self.store2consumer_total_rt, self.fail_count)

    def take_max(self) -> tuple[int, int]:
        """The max RTs since the last line, reset like Java does."""
        with self._lock:
            b2c, s2c = self.born2consumer_max_rt, self.store2consumer_max_rt
            self.born2consumer_max_rt = self.store2consumer_max_rt = 0
            return b2c, s2c


def consumer_line(stats: StatsBenchmarkConsumer) -> Any:
    def line(snapshots: list[tuple], done: bool) -> str:
        begin, end = snapshots[0], snapshots[-1]
        n = end[1] - begin[1]
        tps = int(n / max(end[0] - begin[0], 1) * 1000)
        avg_b2c = (end[2] - begin[2]) / n if n else 0.0
        avg_s2c = (end[3] - begin[3]) / n if n else 0.0
        fail = end[4] - begin[4]
        if len(snapshots) > 2 or done:  # a printed line; a progress display leaves the max alone
            b2c_max, s2c_max = stats.take_max()
        else:
            b2c_max, s2c_max = stats.born2consumer_max_rt, stats.store2consumer_max_rt
        tail = (f"TPS: {tps} FAIL: {fail} AVG(B2C) RT(ms): {avg_b2c:7.3f} AVG(S2C) RT(ms): "
                f"{avg_s2c:7.3f} MAX(B2C) RT(ms): {b2c_max} MAX(S2C) RT(ms): {s2c_max}"
                f"{stats.latency.describe()}")
        if done:
            return f"[Complete] Receive Total: {end[1]} {tail}"
        return f"Current Time: {int(time.time() * 1000)} {tail}"
    return line


def run(argv: list[str]) -> int:
    cl = opts.parse("consumer", OPTIONS, argv)
    if cl is None:
        return 0 if argv and argv[0] in ("-h", "--help") else 1
    try:
        opts.refuse_unsupported(cl)
        namesrv = opts.namesrv(cl)
        topic = opts.value(cl, "t", "BenchmarkTest")
        thread_count = opts.value(cl, "w", 20, int)
        group = opts.value(cl, "g", "benchmark_consumer")
        suffix = opts.value(cl, "p", "false")
        filter_type = opts.value(cl, "f", None)
        expression = opts.value(cl, "e", None)
        fail_rate = opts.value(cl, "r", 0.0, float)
        trace_enable = opts.value(cl, "m", False, opts.java_bool)
        acl_enable = opts.value(cl, "a", False, opts.java_bool)
        quantity = opts.value(cl, "q", 0, int)
        if filter_type not in (None, "TAG", "SQL92"):
            raise ParseException(f"Not support filter type! {filter_type}")
    except ParseException as e:
        print(f"benchmark consumer: {e}", file=sys.stderr)
        return 1
    if suffix.lower() == "true":
        group = f"{group}_{int(time.time() * 1000) % 100}"
    print(f"topic: {topic}, threadCount {thread_count}, group: {group}, suffix: {suffix}, "
          f"filterType: {filter_type}, expression: {expression}, msgTraceEnable: "
          f"{str(trace_enable).lower()}, aclEnable: {str(acl_enable).lower()}", flush=True)

    from rocketmq_ref.client.consumer import ConsumeConcurrentlyStatus, DefaultMQPushConsumer
    from rocketmq_ref.client.consumer.message_selector import MessageSelector

    stats = StatsBenchmarkConsumer()
    done = threading.Event()

    def listener(msgs: list[Any], context: Any) -> ConsumeConcurrentlyStatus:
        failed = random.random() < fail_rate
        stats.received(msgs[0], int(time.time() * 1000), failed)
        if quantity and stats.receive_message_total_count >= quantity:
            done.set()
        return (ConsumeConcurrentlyStatus.RECONSUME_LATER if failed
                else ConsumeConcurrentlyStatus.CONSUME_SUCCESS)

    consumer = DefaultMQPushConsumer(group)
    consumer.set_namesrv_addr(namesrv)
    consumer.set_consume_thread_min(thread_count)
    consumer.set_consume_thread_max(thread_count)
    consumer.instance_name = str(int(time.time() * 1000))
    if filter_type is None or expression is None:
        consumer.subscribe(topic, "*")
    else:
        try:
            with open(expression, encoding="utf-8") as f:
                expr = f.read()
        except OSError as e:
            print(f"benchmark consumer: cannot read the expression file: {e}", file=sys.stderr)
            return 1
        print(f"Expression: {expr}")
        consumer.subscribe(topic, MessageSelector.by_tag(expr) if filter_type == "TAG"
                           else MessageSelector.by_sql(expr))
    consumer.register_message_listener(listener)
    try:
        consumer.start()
    except Exception as e:  # noqa: BLE001 - one line, no traceback
        print(f"benchmark consumer: cannot start: {e}", file=sys.stderr)
        return 1
    print("Consumer Started.", flush=True)
    reporter = Reporter(stats.create_snapshot, consumer_line(stats))
    reporter.start()
    interrupted = False
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        interrupted = True
    reporter.stop(complete=bool(quantity) and not interrupted)
    consumer.shutdown()
    return 130 if interrupted else 0
