"""BrokerStatsManager: Java's keys per table, the broker totals, and a sampler thread that stops
(A2.4, B9.7.2)."""
from __future__ import annotations

from rocketmq_ref.broker.stats.broker_stats import BrokerStats
from rocketmq_ref.broker.stats.broker_stats_manager import BrokerStatsManager
from tests.support.wait import wait_until


def test_keys_are_built_as_java_builds_them():
    m = BrokerStatsManager("DefaultCluster", enable_queue_stat=True)
    m.inc_topic_put_nums("T", 3, 1)
    m.inc_group_get_nums("g", "T", 2)
    m.inc_group_get_latency("g", "T", 1, 7)
    m.inc_queue_put_nums("T", 1, 3, 1)
    m.inc_queue_get_nums("g", "T", 1, 2)
    m.inc_send_back_nums("g", "T")
    m.record_disk_fall_behind_size("g", "T", 1, 100)
    assert m.get_stats_item("TOPIC_PUT_NUMS", "T").value == 3
    assert m.get_stats_item("GROUP_GET_NUMS", "T@g").value == 2
    assert m.get_stats_item("GROUP_GET_LATENCY", "1@T@g").times == 1
    assert m.get_stats_item("QUEUE_PUT_NUMS", "T@1").value == 3
    assert m.get_stats_item("QUEUE_GET_NUMS", "T@1@g").value == 2
    assert m.get_stats_item("SNDBCK_PUT_NUMS", "T@g").value == 1
    assert m.moment_stats_item_set_fall_size.stats_item_table["1@T@g"].value == 100
    assert m.get_stats_item("NO_SUCH_TABLE", "T") is None


def test_without_queue_stats_latency_is_per_topic_and_group_and_queue_tables_are_absent():
    m = BrokerStatsManager("DefaultCluster", enable_queue_stat=False)
    m.inc_group_get_latency("g", "T", 1, 7)
    m.inc_queue_put_nums("T", 1)
    assert m.get_stats_item("GROUP_GET_LATENCY", "T@g") is not None
    assert "QUEUE_PUT_NUMS" not in m.stats_table


def test_broker_totals_feed_the_daily_record():
    m = BrokerStatsManager("DefaultCluster")
    stats = BrokerStats(m)
    m.inc_broker_put_nums(5)
    m.inc_broker_get_nums(4)
    stats.record()
    m.inc_broker_put_nums(1)
    assert (stats.msg_put_total_today_morning, stats.get_msg_put_total_today_now()) == (5, 6)
    assert (stats.msg_get_total_today_morning, stats.get_msg_get_total_today_now()) == (4, 4)
    stats.record()
    assert stats.msg_put_total_yesterday_morning == 5


def test_tps_group_get_nums_reads_the_minute_window():
    m = BrokerStatsManager("DefaultCluster")
    m.inc_group_get_nums("g", "T", 50)
    assert m.tps_group_get_nums("g", "T") == 0.0  # nothing sampled yet
    m.stats_table["GROUP_GET_NUMS"].sampling_in_seconds(now_ms=10_000)
    assert m.tps_group_get_nums("g", "T") == 5.0


def test_start_samples_on_its_own_threads_and_shutdown_stops_them():
    m = BrokerStatsManager("DefaultCluster")
    m.inc_topic_put_nums("T", 1, 1)
    m.start()
    threads = [m._scheduled_executor_service._thread, m._commercial_executor._thread]
    m.start()  # a second start schedules nothing more
    try:
        assert [t.name for t in threads] == ["BrokerStatsThread", "CommercialStatsThread"]
        assert all(t.is_alive() for t in threads)
        item = m.get_stats_item("TOPIC_PUT_NUMS", "T")
        wait_until(lambda: len(item.cs_list_minute) >= 2, timeout=5, what="the first 10 s sample (at once)")
    finally:
        m.shutdown()
    assert not any(t.is_alive() for t in threads)
