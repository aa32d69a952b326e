"""StatsItem / StatsItemSet / MomentStatsItemSet: snapshots and TPS as Java computes them (A2.4)."""
from __future__ import annotations

import logging

from rocketmq_ref.common.stats.moment_stats_item import MomentStatsItemSet
from rocketmq_ref.common.stats.stats_item import RTStatsItem, StatsItem, compute_stats_data
from rocketmq_ref.common.stats.stats_item_set import StatsItemSet


def test_first_sample_has_a_zero_sample_one_period_before_so_the_first_window_has_a_rate():
    item = StatsItem("TOPIC_PUT_NUMS", "T")
    item.add(50, 5)
    item.sampling_in_seconds(now_ms=100_000)
    ss = item.get_stats_data_in_minute()
    assert (ss.sum, ss.times) == (50, 5)
    assert ss.tps == 5.0  # 50 over the 10 s since the implicit zero sample
    assert ss.avgpt == 10.0


def test_minute_window_keeps_seven_samples_and_forgets_older_traffic():
    item = StatsItem("TOPIC_PUT_NUMS", "T")
    t = 0
    item.add(600)  # all before the first sample
    item.sampling_in_seconds(now_ms=t)
    for _ in range(6):  # one minute of quiet
        t += 10_000
        item.sampling_in_seconds(now_ms=t)
    assert len(item.cs_list_minute) == 7
    assert item.get_stats_data_in_minute().sum == 0 and item.get_stats_data_in_minute().tps == 0.0
    item.add(120, 12)
    t += 10_000
    item.sampling_in_seconds(now_ms=t)
    ss = item.get_stats_data_in_minute()
    assert ss.sum == 120 and ss.times == 12
    assert ss.tps == 2.0  # 120 over the 60 s the seven samples span


def test_hour_and_day_windows_sample_at_their_own_periods():
    item = StatsItem("GROUP_GET_NUMS", "T@g")
    item.add(3600)
    item.sampling_in_minutes(now_ms=10 * 60_000)
    assert item.get_stats_data_in_hour().tps == 6.0  # 3600 in the implicit 10 min before
    item.sampling_in_hour(now_ms=3_600_000)
    assert item.get_stats_data_in_day().sum == 3600 and item.get_stats_data_in_day().tps == 1.0
    for h in range(2, 30):
        item.sampling_in_hour(now_ms=h * 3_600_000)
    assert len(item.cs_list_day) == 25
    assert item.get_stats_data_in_day().sum == 0


def test_rt_item_averages_per_call_and_logs_times_and_avgrt(caplog):
    s = StatsItemSet("GROUP_GET_LATENCY")
    s.add_rt_value("0@T@g", 30, 1)
    s.add_rt_value("0@T@g", 10, 1)
    item = s.get_stats_item("0@T@g")
    assert isinstance(item, RTStatsItem)
    item.sampling_in_seconds(now_ms=50_000)
    assert item.get_stats_data_in_minute().avgpt == 20.0
    with caplog.at_level(logging.INFO, logger="rocketmq_ref.stats"):
        s.print_at_minutes()
    assert "[GROUP_GET_LATENCY] [0@T@g] Stats In One Minute, TIMES: 2 AVGRT: 20.00" in caplog.text


def test_set_answers_an_empty_snapshot_for_unknown_keys_and_deletes_by_prefix_infix_suffix():
    s = StatsItemSet("GROUP_GET_NUMS")
    assert s.get_stats_data_in_minute("nope").tps == 0.0 and s.get_stats_item("nope") is None
    for key in ("T@g1", "T@g2", "U@g1", "0@T@g1", "TT@g1"):
        s.add_value(key, 1, 1)
    s.del_value_by_prefix_key("T", "@")
    assert sorted(s.stats_item_table) == ["0@T@g1", "TT@g1", "U@g1"]
    s.del_value_by_infix_key("T", "@")
    assert sorted(s.stats_item_table) == ["TT@g1", "U@g1"]
    s.del_value_by_suffix_key("g1", "@")
    assert s.stats_item_table == {}


def test_set_sampling_reaches_every_item():
    s = StatsItemSet("TOPIC_PUT_NUMS")
    s.add_value("A", 10, 1)
    s.add_value("B", 20, 2)
    s.sampling_in_seconds(now_ms=10_000)
    assert s.get_stats_data_in_minute("A").tps == 1.0
    assert s.get_stats_data_in_minute("B").tps == 2.0


def test_scheduler_gets_samplers_and_log_lines():
    calls = []

    class Sched:
        def schedule_at_fixed_rate(self, fn, initial_ms, period_ms):
            calls.append((fn.__name__, initial_ms, period_ms))

    StatsItemSet("X", Sched())
    names = {c[0]: c[2] for c in calls}
    assert names["sampling_in_seconds"] == 10_000 and names["sampling_in_minutes"] == 600_000
    assert names["sampling_in_hour"] == 3_600_000 and names["print_at_minutes"] == 60_000
    assert all(initial >= 0 for _, initial, _ in calls)


def test_empty_list_snapshot_is_zero():
    from collections import deque
    ss = compute_stats_data(deque())
    assert (ss.sum, ss.tps, ss.times, ss.avgpt) == (0, 0.0, 0, 0.0)


def test_moment_set_keeps_the_last_value_and_deletes_by_topic_or_group():
    m = MomentStatsItemSet("GROUP_GET_FALL_SIZE")
    m.set_value("0@T@g", 5)
    m.set_value("0@T@g", 7)
    m.set_value("1@U@h", 9)
    assert m.get_and_create_stats_item("0@T@g").value == 7
    m.del_value_by_infix_key("T", "@")
    assert list(m.stats_item_table) == ["1@U@h"]
    m.del_value_by_suffix_key("h", "@")
    assert m.stats_item_table == {}
