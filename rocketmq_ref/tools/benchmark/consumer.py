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
from dataclasses import dataclass
from typing import Any

from rocketmq_ref.tools.benchmark import options as opts
from rocketmq_ref.tools.benchmark.options import setting
from rocketmq_ref.tools.benchmark.stats import BenchmarkStats, Reporter
from rocketmq_ref.tools.command.sub_command import ParseException


@dataclass
class ConsumerSettings(opts.BenchmarkSettings):
    """The options of Java ``Consumer.main`` past the shared ones, in its order, and ``-q``."""

    thread_count: int = setting("w", "threadCount", "Thread count, Default: 20", 20)
    group: str = setting("g", "group", "Consumer group name, Default: benchmark_consumer",
                         "benchmark_consumer")
    suffix: str = setting("p", "group prefix enable", "Is group prefix enable, Default: false", "false")
    filter_type: str | None = setting("f", "filterType", "TAG, SQL92", None)
    expression: str | None = setting("e", "expression",
                                     "filter expression content file path.ie: ./test/expr", None)
    fail_rate: float = setting("r", "fail rate", "consumer fail rate, default 0", 0.0)
    quantity: int = setting("q", "messageQuantity",
                            "Stop after this many messages, Default: 0, running forever (not in Java)", 0)

    def check(self) -> None:
        if self.filter_type not in (None, "TAG", "SQL92"):
            raise ParseException(f"Not support filter type! {self.filter_type}")


class StatsBenchmarkConsumer(BenchmarkStats):
    """Java ``StatsBenchmarkConsumer`` plus the B2C histogram."""

    SNAPSHOT = ("receive_message_total_count", "born2consumer_total_rt", "store2consumer_total_rt",
                "fail_count")
    TOTAL = "Receive Total"

    def __init__(self) -> None:
        super().__init__()
        self.receive_message_total_count = 0
        self.born2consumer_total_rt = 0
        self.store2consumer_total_rt = 0
        self.born2consumer_max_rt = 0
        self.store2consumer_max_rt = 0
        self.fail_count = 0

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

    def take_max(self) -> tuple[int, int]:
        """The max RTs since the last line, reset like Java does."""
        with self._lock:
            b2c, s2c = self.born2consumer_max_rt, self.store2consumer_max_rt
            self.born2consumer_max_rt = self.store2consumer_max_rt = 0
            return b2c, s2c

    def window(self, snapshots: list[tuple]) -> str:
        begin, end = snapshots[0], snapshots[-1]
        n = end[1] - begin[1]
        tps = int(n / max(end[0] - begin[0], 1) * 1000)
        avg_b2c = (end[2] - begin[2]) / n if n else 0.0
        avg_s2c = (end[3] - begin[3]) / n if n else 0.0
        if len(snapshots) > 2:  # a printed line; a progress display leaves the max alone
            b2c_max, s2c_max = self.take_max()
        else:
            b2c_max, s2c_max = self.born2consumer_max_rt, self.store2consumer_max_rt
        return (f"TPS: {tps} FAIL: {end[4] - begin[4]} AVG(B2C) RT(ms): {avg_b2c:7.3f} AVG(S2C) RT(ms): "
                f"{avg_s2c:7.3f} MAX(B2C) RT(ms): {b2c_max} MAX(S2C) RT(ms): {s2c_max}")

    def total(self, end: tuple) -> int:
        return end[1]


def run(argv: list[str]) -> int:
    cfg = opts.read("consumer", ConsumerSettings, argv)
    if isinstance(cfg, int):
        return cfg
    group = cfg.group
    if cfg.suffix.lower() == "true":
        group = f"{group}_{int(time.time() * 1000) % 100}"
    print(f"topic: {cfg.topic}, threadCount {cfg.thread_count}, group: {group}, suffix: {cfg.suffix}, "
          f"filterType: {cfg.filter_type}, expression: {cfg.expression}, msgTraceEnable: "
          f"{str(cfg.trace_enable).lower()}, aclEnable: {str(cfg.acl_enable).lower()}", flush=True)

    from rocketmq_ref.client.consumer import ConsumeConcurrentlyStatus, DefaultMQPushConsumer
    from rocketmq_ref.client.consumer.message_selector import MessageSelector

    stats = StatsBenchmarkConsumer()
    done = threading.Event()

    def listener(msgs: list[Any], context: Any) -> ConsumeConcurrentlyStatus:
        failed = random.random() < cfg.fail_rate
        stats.received(msgs[0], int(time.time() * 1000), failed)
        if cfg.quantity and stats.receive_message_total_count >= cfg.quantity:
            done.set()
        return (ConsumeConcurrentlyStatus.RECONSUME_LATER if failed
                else ConsumeConcurrentlyStatus.CONSUME_SUCCESS)

    consumer = DefaultMQPushConsumer(group)
    consumer.set_namesrv_addr(cfg.namesrv)
    consumer.set_consume_thread_min(cfg.thread_count)
    consumer.set_consume_thread_max(cfg.thread_count)
    consumer.instance_name = str(int(time.time() * 1000))
    if cfg.filter_type is None or cfg.expression is None:
        consumer.subscribe(cfg.topic, "*")
    else:
        try:
            with open(cfg.expression, encoding="utf-8") as f:
                expr = f.read()
        except OSError as e:
            print(f"benchmark consumer: cannot read the expression file: {e}", file=sys.stderr)
            return 1
        print(f"Expression: {expr}")
        consumer.subscribe(cfg.topic, MessageSelector.by_tag(expr) if cfg.filter_type == "TAG"
                           else MessageSelector.by_sql(expr))
    consumer.register_message_listener(listener)
    try:
        consumer.start()
    except Exception as e:  # noqa: BLE001 - one line, no traceback
        print(f"benchmark consumer: cannot start: {e}", file=sys.stderr)
        return 1
    print("Consumer Started.", flush=True)
    reporter = Reporter(stats)
    reporter.start()
    interrupted = False
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        interrupted = True
    reporter.stop(complete=bool(cfg.quantity) and not interrupted)
    consumer.shutdown()
    return 130 if interrupted else 0
