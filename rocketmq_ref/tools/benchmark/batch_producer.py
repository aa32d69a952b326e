"""``benchmark batchproducer``: sending threads that send batches of ``-b`` messages (Java
``example.benchmark.BatchProducer``; books A7.5, B9.7).  ``-q`` (not in Java) bounds the run in
messages and ends it with a ``[Complete]`` line."""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

from rocketmq_ref.client.producer.send_result import SendStatus
from rocketmq_ref.tools.benchmark import options as opts
from rocketmq_ref.tools.benchmark.options import setting
from rocketmq_ref.tools.benchmark.producer import (StatsBenchmarkProducer, benchmark_producer, drive,
                                                   random_body, split_quantity)
from rocketmq_ref.tools.benchmark.stats import BenchmarkStats
from rocketmq_ref.tools.command.sub_command import ParseException


@dataclass
class BatchProducerSettings(opts.BenchmarkSettings):
    """The options of Java ``BatchProducer.main`` past the shared ones, in its order, and ``-q``."""

    thread_count: int = setting("w", "threadCount", "Thread count, Default: 64", 64)
    message_size: int = setting("s", "messageSize", "Message Size, Default: 128", 128)
    batch_size: int = setting("b", "batchSize", "Batch Size, Default: 16", 16)
    key_enable: bool = setting("k", "keyEnable", "Message Key Enable, Default: false", False)
    property_size: int = setting("p", "propertySize", "Property Size, Default: 0", 0)
    tag_count: int = setting("l", "tagCount", "Tag count, Default: 0", 0)
    quantity: int = setting("q", "messageQuantity",
                            "Send message quantity, Default: 0, running forever (not in Java)", 0)

    def check(self) -> None:
        if self.batch_size <= 0:
            raise ParseException("-b: the batch size must be positive")


class StatsBenchmarkBatchProducer(StatsBenchmarkProducer):
    """Java ``StatsBenchmarkBatchProducer``: requests and messages counted apart."""

    SNAPSHOT = ("send_request_success_count", "send_request_failed_count", "send_message_success_count",
                "send_message_failed_count", "send_message_success_time_total")

    def __init__(self) -> None:
        super().__init__()
        self.send_message_failed_count = 0

    def failed_batch(self, messages: int) -> None:
        with self._lock:
            self.send_request_failed_count += 1
            self.send_message_failed_count += messages

    def window(self, snapshots: list[tuple]) -> str:
        begin, end = snapshots[0], snapshots[-1]
        elapsed = max(end[0] - begin[0], 1e-6)
        requests, messages = end[1] - begin[1], end[3] - begin[3]
        return (f"Send TPS: {int(requests / elapsed * 1000)} Send MPS: "
                f"{int(messages / elapsed * 1000)} Max RT(ms): {int(self.send_message_max_rt)} "
                f"Average RT(ms): {(end[5] - begin[5]) / requests if requests else 0.0:7.3f} "
                f"Average Message RT(ms): {(end[5] - begin[5]) / messages if messages else 0.0:7.3f} "
                f"Send Failed: {end[2]} Send Message Failed: {end[4]}")

    def total(self, end: tuple) -> int:
        return self.send_message_success_count + self.send_message_failed_count

    def current_time(self) -> str:  # Java's BatchProducer prints raw millis, its Producer a date
        return BenchmarkStats.current_time(self)


def run(argv: list[str]) -> int:
    cfg = opts.read("batchproducer", BatchProducerSettings, argv)
    if isinstance(cfg, int):
        return cfg
    print(f"topic: {cfg.topic} threadCount: {cfg.thread_count} messageSize: {cfg.message_size} "
          f"batchSize: {cfg.batch_size} keyEnable: {str(cfg.key_enable).lower()} propertySize: "
          f"{cfg.property_size} tagCount: {cfg.tag_count} traceEnable: {str(cfg.trace_enable).lower()} "
          f"aclEnable: {str(cfg.acl_enable).lower()}", flush=True)

    from rocketmq_ref.common.message import Message

    body = random_body(cfg.message_size)
    stats = StatsBenchmarkBatchProducer()
    producer = benchmark_producer("benchmark_batch_producer", cfg.namesrv)
    # -q counts messages; each sending thread sends whole batches
    batches = split_quantity((cfg.quantity + cfg.batch_size - 1) // cfg.batch_size if cfg.quantity else 0,
                             cfg.thread_count)

    def send() -> None:
        msgs = [Message(cfg.topic, body) for _ in range(cfg.batch_size)]
        begin = time.monotonic()
        for msg in msgs:
            if cfg.key_enable:
                msg.keys = str(int(time.time()))
            if cfg.tag_count > 0:
                msg.tags = f"tag{stats.send_message_success_count % cfg.tag_count}"
            if cfg.property_size > 0:
                start = random.randrange(100)
                for i in range(0, cfg.property_size, 16):
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

    return drive(producer, stats, send, batches, cfg.quantity)
