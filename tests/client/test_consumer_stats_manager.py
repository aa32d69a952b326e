"""ConsumerStatsManager: the rates GET_CONSUMER_RUNNING_INFO's statusTable reports (A2.4, B5.6.1)."""
from __future__ import annotations

from rocketmq_ref.client.stat.consumer_stats_manager import ConsumerStatsManager
from rocketmq_ref.common import fastjson


def _sample_all(m: ConsumerStatsManager, now_ms: int) -> None:
    for s in m._sets():
        s.sampling_in_seconds(now_ms)
        s.sampling_in_minutes(now_ms)


def test_consume_status_gives_pull_and_consume_rates_per_topic_and_group():
    m = ConsumerStatsManager()
    m.on_pull_found("g", "T", 40, 32)
    m.on_pull_found("g", "T", 20, 0)  # all filtered out: an RT, no messages
    m.on_consume_result("g", "T", 30, 32)  # ack index 29: two failed
    m.on_consume_result("g", "T", 0, 8)  # RECONSUME_LATER
    m.inc_consume_rt("g", "T", 5)
    m.inc_consume_rt("g", "T", 15)
    m.on_pull_found("other", "T", 999, 999)
    _sample_all(m, 1_000_000)
    cs = m.consume_status("g", "T")
    assert cs.pull_rt == 30.0 and cs.pull_tps == 3.2
    assert cs.consume_rt == 10.0
    assert cs.consume_ok_tps == 3.0 and cs.consume_failed_tps == 1.0
    assert cs.consume_failed_msgs == 10
    assert fastjson.loads(cs.encode())["consumeOKTPS"] == 3.0


def test_orderly_results_count_success_and_suspend_only():
    m = ConsumerStatsManager()
    for status in ("SUCCESS", "SUSPEND_CURRENT_QUEUE_A_MOMENT", "COMMIT", "ROLLBACK"):
        m.on_orderly_result("g", "T", status, 10)
    _sample_all(m, 50_000)
    cs = m.consume_status("g", "T")
    assert cs.consume_ok_tps == 1.0 and cs.consume_failed_tps == 1.0


def test_consume_rt_falls_back_to_the_hour_when_the_minute_is_quiet():
    m = ConsumerStatsManager()
    m.inc_consume_rt("g", "T", 12)
    _sample_all(m, 0)
    for t in range(1, 8):  # a quiet minute of 10 s samples
        m.topic_and_group_consume_rt.sampling_in_seconds(t * 10_000)
    assert m.consume_status("g", "T").consume_rt == 12.0


def test_status_table_has_every_subscribed_topic_even_without_traffic():
    table = ConsumerStatsManager().status_table("g", ["A", "B"])
    assert sorted(table) == ["A", "B"] and table["A"].pull_tps == 0.0
