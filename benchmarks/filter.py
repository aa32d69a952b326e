"""SQL92 filter costs (books A7.1.3, B5.8): compiling a selector, evaluating it on a property map,
matching stored records (properties decoded from the record bytes, as a pull does), the bloom
positions of a filter, and the bit-map check of a consume-queue ext unit.

    .venv/bin/python benchmarks/filter.py [--n 200000]

Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rocketmq_ref.broker.filter.consumer_filter_manager import ConsumerFilterManager  # noqa: E402
from rocketmq_ref.common.message.message import MessageExt  # noqa: E402
from rocketmq_ref.common.message.message_decoder import encode  # noqa: E402
from rocketmq_ref.common.protocol.heartbeat import SubscriptionData  # noqa: E402
from rocketmq_ref.filter.expression_message_filter import ExpressionMessageFilter  # noqa: E402
from rocketmq_ref.filter.selector_parser import SelectorParser  # noqa: E402
from rocketmq_ref.filter.util.bloom_filter import BitsArray  # noqa: E402
from rocketmq_ref.store.consume_queue_ext import CqExtUnit  # noqa: E402

SQL = "a > 5 AND b = 'x' AND (c IN ('p', 'q') OR d IS NULL)"


def rate(label: str, n: int, fn) -> None:
    start = time.perf_counter()
    fn(n)
    elapsed = time.perf_counter() - start
    print(f"{label:<48} {n / elapsed:>12,.0f} /s   {elapsed / n * 1e6:8.2f} us each")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200_000)
    n = ap.parse_args().n

    def compile_uncached(k: int) -> None:
        for i in range(k):
            SelectorParser.parse(f"a > {i} AND b = 'x' AND (c IN ('p', 'q') OR d IS NULL)")

    rate("compile (uncached, lark LALR)", max(n // 100, 100), compile_uncached)
    expr = SelectorParser.parse(SQL)
    props = {"a": "7", "b": "x", "c": "p", "TAGS": "T", "KEYS": "k1", "UNIQ_KEY": "0A0B0C0D"}

    def evaluate(k: int) -> None:
        for _ in range(k):
            expr.evaluate(props)

    rate("evaluate on a property map", n, evaluate)
    manager = ConsumerFilterManager(None)
    manager.register_one("T", "g", SQL, "SQL92", 1)
    f = ExpressionMessageFilter(SubscriptionData(topic="T", sub_string=SQL, expression_type="SQL92"),
                                manager.get("T", "g"), manager)
    record = memoryview(encode(MessageExt("T", b"x" * 128, properties=props, born_host=("127.0.0.1", 1),
                                          store_host=("127.0.0.1", 2))))

    def by_commit_log(k: int) -> None:
        for _ in range(k):
            f.is_matched_by_commit_log(record, None)

    rate("is_matched_by_commit_log (decode + evaluate)", n, by_commit_log)
    bloom = manager.bloom_filter

    def positions(k: int) -> None:
        for i in range(k):
            bloom.calc_bit_positions(f"group{i}#T")

    rate("bloom positions (murmur3-128, pure Python)", max(n // 10, 100), positions)
    bits = BitsArray(bloom.m)
    bloom.hash_to(manager.get("T", "g").bloom_filter_data, bits)
    unit = CqExtUnit(0, int(time.time() * 1000) + 60_000, bytes(bits.bytes))

    def by_bit_map(k: int) -> None:
        for _ in range(k):
            f.is_matched_by_consume_queue(0, unit)

    rate("is_matched_by_consume_queue (bit map hit)", n, by_bit_map)


if __name__ == "__main__":
    main()
