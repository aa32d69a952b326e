"""Statistics benchmark: what the counters cost the send, pull and consume paths, and what one
sampling round costs the stats thread (A2.4, B9.7.2).

    python benchmarks/stats.py [--n 300000] [--keys 1000]

Prints, per call, in microseconds on this machine:
  * the broker's three put counters a send makes (TOPIC_PUT_NUMS, TOPIC_PUT_SIZE, BROKER_PUT_NUMS);
  * the four get counters a pull makes (GROUP_GET_NUMS / SIZE, BROKER_GET_NUMS, GROUP_GET_LATENCY);
  * the client's per-batch hooks (a FOUND pull, a consume result, a consume RT);
  * one 10 s sampling round over ``--keys`` topics and groups, and a minute snapshot read.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rocketmq_ref.broker.stats.broker_stats_manager import BrokerStatsManager  # noqa: E402
from rocketmq_ref.client.stat.consumer_stats_manager import ConsumerStatsManager  # noqa: E402


def per_call_us(fn, n: int) -> float:
    begin = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - begin) / n * 1e6


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=300_000, help="calls per measurement")
    p.add_argument("--keys", type=int, default=1000, help="topics (and as many groups) in the sampling round")
    args = p.parse_args()
    m = BrokerStatsManager("DefaultCluster")
    c = ConsumerStatsManager()

    def put() -> None:
        m.inc_topic_put_nums("BenchTopic", 1, 1)
        m.inc_topic_put_size("BenchTopic", 1024)
        m.inc_broker_put_nums(1)

    def pull() -> None:
        m.inc_group_get_nums("bench_cg", "BenchTopic", 32)
        m.inc_group_get_size("bench_cg", "BenchTopic", 32 * 1024)
        m.inc_broker_get_nums(32)
        m.inc_group_get_latency("bench_cg", "BenchTopic", 3, 1)

    def client() -> None:
        c.on_pull_found("bench_cg", "BenchTopic", 2, 32)
        c.on_consume_result("bench_cg", "BenchTopic", 32, 32)
        c.inc_consume_rt("bench_cg", "BenchTopic", 5)

    empty = per_call_us(lambda: None, args.n)
    print(f"loop overhead (subtracted)         {empty:8.3f} us")
    print(f"broker put counters per send       {per_call_us(put, args.n) - empty:8.3f} us")
    print(f"broker get counters per pull       {per_call_us(pull, args.n) - empty:8.3f} us")
    print(f"client hooks per pulled batch      {per_call_us(client, args.n) - empty:8.3f} us")

    for i in range(args.keys):
        m.inc_topic_put_nums(f"T{i}", 1, 1)
        m.inc_group_get_nums(f"g{i}", f"T{i}", 1)
    items = sum(len(t.stats_item_table) for t in m.stats_table.values())
    begin = time.perf_counter()
    for table in m.stats_table.values():
        table.sampling_in_seconds()
    round_ms = (time.perf_counter() - begin) * 1000
    print(f"one 10 s sampling round            {round_ms:8.3f} ms for {items} counters")
    read = per_call_us(lambda: m.stats_table["TOPIC_PUT_NUMS"].get_stats_data_in_minute("T1"), args.n // 10)
    print(f"minute snapshot (VIEW_BROKER_STATS_DATA's read) {read:8.3f} us")


if __name__ == "__main__":
    main()
