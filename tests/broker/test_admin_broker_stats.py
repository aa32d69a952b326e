"""AdminBrokerProcessor's statistics and maintenance codes against an in-process broker (A2.4,
B9.7.2): VIEW_BROKER_STATS_DATA (315), GET_BROKER_CONSUME_STATS (317), QUERY_CONSUME_QUEUE (321),
GET_ALL_PRODUCER_INFO (328), CLEAN_UNUSED_TOPIC (316), CLEAN_EXPIRED_CONSUMEQUEUE (306),
DELETE_EXPIRED_COMMITLOG (329), INVOKE_BROKER_TO_GET_CONSUMER_STATUS (223), and UPDATE_AND_CREATE_TOPIC
registering with the name server before it answers."""
from __future__ import annotations

import json

import pytest

from rocketmq_ref.common.protocol.body.broker_stats_data import BrokerStatsData
from rocketmq_ref.common.protocol.body.consume_stats_list import ConsumeStatsList
from rocketmq_ref.common.protocol.body.producer_info import ProducerTableInfo
from rocketmq_ref.common.protocol.body.query_consume_queue_response_body import QueryConsumeQueueResponseBody
from rocketmq_ref.common.protocol.request_code import RequestCode as RC
from tests.support import wire
from tests.support.inproc import inproc_broker
from tests.support.wait import wait_until

TOPIC = "AdminStatsTopic"
GROUP = "admin_stats_cg"


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    with inproc_broker(tmp_path_factory.mktemp("admin-stats"), "broker-s") as pair:
        yield pair


@pytest.fixture(scope="module")
def traffic(node):
    """Three messages in queue 0, pulled by GROUP, whose offset is committed at 2."""
    namesrv, broker = node
    addr = broker.get_broker_addr()
    assert wire.create_topic(addr, TOPIC, 2)["code"] == 0
    with wire.WireConnection(addr) as c:
        for i in range(3):
            assert wire.send_v2(c, TOPIC, f"m{i}".encode(), group="admin_stats_pg")[0]["code"] == 0
        h, body = wire.pull_found(c, GROUP, TOPIC, 0)
        assert h["code"] == 0 and len(wire.decode_messages(body)) == 3
        h, _ = c.request(RC.UPDATE_CONSUMER_OFFSET, {"consumerGroup": GROUP, "topic": TOPIC, "queueId": 0,
                                                     "commitOffset": 2})
        assert h["code"] == 0
    return addr


def call(addr, code, ext=None):
    h, body = wire.call(addr, code, ext)
    return h, bytes(body or b"")


def test_update_topic_is_routable_when_the_answer_arrives(node):
    namesrv, broker = node
    addr = broker.get_broker_addr()
    assert wire.create_topic(addr, "RoutableAtOnce", 3)["code"] == 0
    ns_addr = f"127.0.0.1:{namesrv.local_listen_port()}"
    h, body = call(ns_addr, RC.GET_ROUTEINFO_BY_TOPIC, {"topic": "RoutableAtOnce"})
    assert h["code"] == 0, h
    assert [q["writeQueueNums"] for q in json.loads(body)["queueDatas"]] == [3]


def test_view_broker_stats_data_answers_the_sampled_windows(node, traffic):
    _, broker = node
    stats = broker.broker_stats_manager
    for table in stats.stats_table.values():  # the 10 s sampler's work, now
        table.sampling_in_seconds()
        table.sampling_in_minutes()
        table.sampling_in_hour()
    h, body = call(traffic, RC.VIEW_BROKER_STATS_DATA, {"statsName": "TOPIC_PUT_NUMS", "statsKey": TOPIC})
    assert h["code"] == 0, h
    data = BrokerStatsData.from_json(body)
    assert data.stats_minute.sum == 3 and data.stats_hour.sum == 3 and data.stats_day.sum == 3
    # 3 over the 10 s the first sample reaches back (longer if the broker's own 10 s tick came first)
    assert 3 / 70 < data.stats_minute.tps <= 0.3 + 1e-9
    h, body = call(traffic, RC.VIEW_BROKER_STATS_DATA, {"statsName": "GROUP_GET_NUMS",
                                                        "statsKey": f"{TOPIC}@{GROUP}"})
    assert BrokerStatsData.from_json(body).stats_minute.sum == 3
    h, body = call(traffic, RC.VIEW_BROKER_STATS_DATA, {"statsName": "TOPIC_PUT_SIZE", "statsKey": TOPIC})
    size = BrokerStatsData.from_json(body).stats_minute
    assert size.sum > 3 * 2 and size.avgpt == pytest.approx(size.sum / 3)
    h, _ = call(traffic, RC.VIEW_BROKER_STATS_DATA, {"statsName": "TOPIC_PUT_NUMS", "statsKey": "Nope"})
    assert h["code"] == 1 and h["remark"] == "The stats <TOPIC_PUT_NUMS> <Nope> not exist"
    h, _ = call(traffic, RC.VIEW_BROKER_STATS_DATA, {"statsName": "TOPIC_PUT_NUMS"})
    assert h["code"] == 1 and "statsKey" in h["remark"]


def test_broker_consume_stats_has_every_group_and_the_total_lag(traffic):
    h, body = call(traffic, RC.GET_BROKER_CONSUME_STATS, {"isOrder": "false"})
    assert h["code"] == 0, h
    result = ConsumeStatsList.from_json(body)
    assert result.broker_addr == traffic
    [mine] = [m[GROUP] for m in result.consume_stats_list if GROUP in m]
    [stats] = mine
    by_queue = {mq.queue_id: (w.broker_offset, w.consumer_offset) for mq, w in stats.offset_table.items()}
    assert by_queue[0] == (3, 2)
    assert result.total_diff >= 1
    h, body = call(traffic, RC.GET_BROKER_CONSUME_STATS, {"isOrder": "true"})  # not an ordered topic
    assert all(not m.get(GROUP) for m in ConsumeStatsList.from_json(body).consume_stats_list)


def test_query_consume_queue_returns_units_and_clear_errors(traffic):
    h, body = call(traffic, RC.QUERY_CONSUME_QUEUE, {"topic": TOPIC, "queueId": 0, "index": 1, "count": 5})
    assert h["code"] == 0, h
    result = QueryConsumeQueueResponseBody.from_json(body)
    assert (result.min_queue_index, result.max_queue_index) == (0, 3)
    assert len(result.queue_data) == 2  # units 1 and 2: the queue holds three
    assert result.queue_data[0].physic_offset < result.queue_data[1].physic_offset
    h, body = call(traffic, RC.QUERY_CONSUME_QUEUE, {"topic": TOPIC, "queueId": 0, "index": 0, "count": 1,
                                                     "consumerGroup": "offline_group"})
    assert QueryConsumeQueueResponseBody.from_json(body).filter_data == f"offline_group@{TOPIC} is not online!"
    h, _ = call(traffic, RC.QUERY_CONSUME_QUEUE, {"topic": TOPIC, "queueId": 9, "index": 0, "count": 1})
    assert h["code"] == 1 and h["remark"] == f"9@{TOPIC} is not exist!"
    h, _ = call(traffic, RC.QUERY_CONSUME_QUEUE, {"topic": TOPIC, "queueId": 0, "index": -5, "count": 1})
    assert h["code"] == 0 and h["remark"] == f"Index -5 of 0@{TOPIC} is not exist!"


def test_all_producer_info_lists_heartbeating_producers(traffic):
    with wire.WireConnection(traffic) as c:
        h, _ = c.request(RC.HEART_BEAT, None, wire.heartbeat_body("pc@1", producer_groups=("admin_pg",)))
        assert h["code"] == 0
        h, body = c.request(RC.GET_ALL_PRODUCER_INFO, None)
    assert h["code"] == 0
    [info] = ProducerTableInfo.from_json(bytes(body)).data["admin_pg"]
    assert info.client_id == "pc@1" and info.remote_ip.startswith("127.0.0.1:") and info.last_update_timestamp > 0


def test_clean_unused_topic_drops_queues_without_a_topic_config(node, traffic):
    _, broker = node
    assert wire.create_topic(traffic, "Orphan", 1)["code"] == 0
    with wire.WireConnection(traffic) as c:
        assert wire.send_v2(c, "Orphan", b"x")[0]["code"] == 0
    store = broker.message_store
    wait_until(lambda: store.get_consume_queue("Orphan", 0), what="the reput service made the queue")
    broker.topic_config_manager.delete_topic_config("Orphan")  # the config gone, the queue left over
    h, _ = call(traffic, RC.CLEAN_UNUSED_TOPIC)
    assert h["code"] == 0
    assert store.get_consume_queue("Orphan", 0) is None
    assert store.get_consume_queue(TOPIC, 0) is not None


def test_delete_expired_commit_log_and_clean_expired_consume_queue_succeed(node, traffic):
    _, broker = node
    h, _ = call(traffic, RC.DELETE_EXPIRED_COMMITLOG)
    assert h["code"] == 0
    assert broker.message_store.clean_commit_log_service.manual_delete_file_several_times > 0
    h, _ = call(traffic, RC.CLEAN_EXPIRED_CONSUMEQUEUE)
    assert h["code"] == 0
    assert broker.message_store.get_max_offset_in_queue(TOPIC, 0) == 3  # nothing expired: kept


def test_get_consumer_status_without_consumers_says_so(traffic):
    h, _ = call(traffic, RC.INVOKE_BROKER_TO_GET_CONSUMER_STATUS, {"topic": TOPIC, "group": "nobody_cg"})
    assert h["code"] == 1 and h["remark"] == "No Any Consumer online in the consumer group: [nobody_cg]"


def test_deleting_a_topic_or_group_drops_its_statistics(node, traffic):
    _, broker = node
    stats = broker.broker_stats_manager
    stats.inc_topic_put_nums("Doomed", 5, 1)
    stats.inc_group_get_nums("doomed_cg", "Doomed", 5)
    stats.inc_group_get_nums("doomed_cg", TOPIC, 1)
    assert wire.create_topic(traffic, "Doomed", 1)["code"] == 0
    h, _ = call(traffic, RC.DELETE_TOPIC_IN_BROKER, {"topic": "Doomed"})
    assert h["code"] == 0
    assert stats.get_stats_item("TOPIC_PUT_NUMS", "Doomed") is None
    assert stats.get_stats_item("GROUP_GET_NUMS", "Doomed@doomed_cg") is None
    h, _ = call(traffic, RC.DELETE_SUBSCRIPTIONGROUP, {"groupName": "doomed_cg", "removeOffset": "false"})
    assert h["code"] == 0
    assert stats.get_stats_item("GROUP_GET_NUMS", f"{TOPIC}@doomed_cg") is None
    assert stats.get_stats_item("GROUP_GET_NUMS", f"{TOPIC}@{GROUP}") is not None


def test_query_consume_time_span_gives_each_queue_its_times_and_the_wait(traffic):
    from rocketmq_ref.common.protocol.body.queue_time_span import QueryConsumeTimeSpanBody

    h, body = call(traffic, RC.QUERY_CONSUME_TIME_SPAN, {"topic": TOPIC, "group": GROUP})
    assert h["code"] == 0, h
    spans = {s.message_queue.queue_id: s for s in QueryConsumeTimeSpanBody.from_json(body).consume_time_span_set}
    assert sorted(spans) == [0, 1]
    q0 = spans[0]
    assert 0 < q0.min_time_stamp <= q0.consume_time_stamp <= q0.max_time_stamp
    assert q0.delay_time >= 0  # offset 2 of 3: the third message waits
    assert json.loads(body)["consumeTimeSpanSet"][0]["minTimeStampStr"].count(",") == 1
    h, _ = call(traffic, RC.QUERY_CONSUME_TIME_SPAN, {"topic": "NoSuchTopic", "group": GROUP})
    assert h["code"] == 17 and h["remark"] == "topic[NoSuchTopic] not exist"


def test_query_consume_queue_shows_the_ext_unit_its_bit_map_and_the_filter_verdict():
    """A unit whose tags code is an ext address: Java prints the ext unit as JSON, its bit map as
    BitsArray.toString and whether the group's filter matches it."""
    import struct
    from types import SimpleNamespace

    from rocketmq_ref.broker.processor.admin_broker_processor import AdminBrokerProcessor, bits_to_string
    from rocketmq_ref.common.protocol.heartbeat import SubscriptionData
    from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand
    from rocketmq_ref.store.consume_queue import ConsumeQueue
    from rocketmq_ref.store.consume_queue_ext import CqExtUnit, decorate

    addr = decorate(0)
    units = struct.pack(">qiq", 100, 50, addr) + struct.pack(">qiq", 150, 60, decorate(64)) \
        + struct.pack(">qiq", 210, 70, 12345)
    ext = {addr: CqExtUnit(tags_code=12345, msg_store_time=7, filter_bit_map=b"\x05", size=21)}
    released = []
    cq = SimpleNamespace(
        get_max_offset_in_queue=lambda: 3, get_min_offset_in_queue=lambda: 0,
        get_index_buffer=lambda i: SimpleNamespace(get_byte_buffer=lambda: memoryview(units),
                                                   get_size=lambda: len(units),
                                                   release=lambda: released.append(True)),
        is_ext_addr=ConsumeQueue.is_ext_addr, get_ext=ext.get)
    sd = SubscriptionData(topic="T", sub_string="*")
    controller = SimpleNamespace(
        message_store=SimpleNamespace(get_consume_queue=lambda t, q: cq),
        consumer_manager=SimpleNamespace(find_subscription_data=lambda g, t: sd),
        consumer_filter_manager=SimpleNamespace(get=lambda t, g: None))
    request = RemotingCommand.create_request_command(RC.QUERY_CONSUME_QUEUE, None)
    request.ext_fields = {"topic": "T", "queueId": "0", "index": "0", "count": "5", "consumerGroup": "g"}
    response = AdminBrokerProcessor(controller).process_request(None, request)
    assert response.code == 0, response.remark
    body = QueryConsumeQueueResponseBody.from_json(bytes(response.body))
    first, second, third = body.queue_data
    assert json.loads(first.extend_data_json) == {"filterBitMap": "BQ==", "msgStoreTime": 7, "size": 21,
                                                  "tagsCode": 12345}
    assert first.bit_map == bits_to_string(b"\x05") == "00000101\n" and first.eval is True
    assert second.msg == f"Cq extend not exist!addr: {decorate(64)}" and second.extend_data_json is None
    assert (third.physic_offset, third.physic_size, third.tags_code, third.msg) == (210, 70, 12345, None)
    assert body.filter_data == "null" and released == [True]


def test_send_back_counts_in_sndbck_put_nums_under_the_original_topic_and_group(node, traffic):
    _, broker = node
    with wire.WireConnection(traffic) as c:
        msg = wire.decode_messages(wire.pull_found(c, GROUP, TOPIC, 0, 0)[1])[0]
        h, _ = c.request(wire.CONSUMER_SEND_MSG_BACK, {"offset": msg["phys_offset"], "group": GROUP,
                                                       "delayLevel": 0, "originTopic": TOPIC})
        assert h["code"] == 0, h
    item = broker.broker_stats_manager.get_stats_item("SNDBCK_PUT_NUMS", f"{TOPIC}@{GROUP}")
    assert item is not None and item.value == 1
