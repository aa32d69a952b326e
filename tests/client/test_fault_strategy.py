"""Queue selection: TopicPublishInfo round-robin, retries on another broker, latency fault mode."""
from __future__ import annotations

from rocketmq_ref.client.impl.factory.mq_client_instance import MQClientInstance
from rocketmq_ref.client.latency.latency_fault_tolerance import LatencyFaultToleranceImpl
from rocketmq_ref.client.latency.mq_fault_strategy import MQFaultStrategy
from rocketmq_ref.common.protocol.route import BrokerData, QueueData, TopicRouteData


def route() -> TopicRouteData:
    return TopicRouteData(
        queue_datas=[QueueData("broker-b", 4, 4, 6), QueueData("broker-a", 4, 4, 6),
                     QueueData("broker-r", 4, 4, 4)],  # read-only: never published to
        broker_datas=[BrokerData("c", "broker-a", {0: "127.0.0.1:1"}),
                      BrokerData("c", "broker-b", {0: "127.0.0.1:2"}),
                      BrokerData("c", "broker-r", {0: "127.0.0.1:3"})])


def test_publish_info_lists_writable_queues_by_broker_name():
    info = MQClientInstance.topic_route_data2_topic_publish_info("T", route())
    assert [(q.broker_name, q.queue_id) for q in info.message_queue_list] == \
        [("broker-a", i) for i in range(4)] + [("broker-b", i) for i in range(4)]
    assert info.get_queue_id_by_broker("broker-b") == 4
    assert info.get_queue_id_by_broker("broker-r") == -1


def test_brokers_without_a_master_are_not_published_to():
    r = route()
    r.broker_datas[1] = BrokerData("c", "broker-b", {1: "127.0.0.1:9"})
    info = MQClientInstance.topic_route_data2_topic_publish_info("T", r)
    assert {q.broker_name for q in info.message_queue_list} == {"broker-a"}


def test_order_topic_conf_builds_the_queues():
    r = route()
    r.order_topic_conf = "broker-a:2;broker-b:1"
    info = MQClientInstance.topic_route_data2_topic_publish_info("T", r)
    assert [(q.broker_name, q.queue_id) for q in info.message_queue_list] == \
        [("broker-a", 0), ("broker-a", 1), ("broker-b", 0)]
    assert info.order_topic


def test_round_robin_covers_every_queue_and_a_retry_avoids_the_last_broker():
    info = MQClientInstance.topic_route_data2_topic_publish_info("T", route())
    picked = [info.select_one_message_queue() for _ in range(8)]
    assert sorted(picked) == sorted(info.message_queue_list)
    for _ in range(20):
        assert info.select_one_message_queue("broker-a").broker_name == "broker-b"


def test_not_available_duration_follows_the_latency_table():
    s = MQFaultStrategy()
    assert [s.compute_not_available_duration(x) for x in (0, 49, 100, 549, 550, 1000, 2500, 3000,
                                                          15000, 30000)] == \
        [0, 0, 0, 0, 30000, 60000, 120000, 180000, 600000, 600000]


def test_fault_mode_skips_a_broker_in_penalty():
    s = MQFaultStrategy()
    s.set_send_latency_fault_enable(True)
    info = MQClientInstance.topic_route_data2_topic_publish_info("T", route())
    s.update_fault_item("broker-a", 5000, False)  # 180 s penalty
    s.update_fault_item("broker-b", 10, False)
    for _ in range(20):
        assert s.select_one_message_queue(info, None).broker_name == "broker-b"
    s.update_fault_item("broker-b", 0, True)  # an exception counts as 30 s latency: 600 s penalty
    # nobody available: pick one at least (the better half), never fail
    assert s.select_one_message_queue(info, None).broker_name in {"broker-a", "broker-b"}


def test_fault_mode_off_records_nothing():
    s = MQFaultStrategy()
    s.update_fault_item("broker-a", 99999, True)
    assert s.latency_fault_tolerance.is_available("broker-a")


def test_pick_one_at_least_prefers_available_then_lower_latency():
    t = LatencyFaultToleranceImpl()
    t.update_fault_item("slow", 900, 60000)
    t.update_fault_item("fast", 10, 60000)
    t.update_fault_item("ok", 2000, 0)
    t.update_fault_item("worst", 3000, 600000)
    assert {t.pick_one_at_least() for _ in range(10)} <= {"ok", "fast"}
