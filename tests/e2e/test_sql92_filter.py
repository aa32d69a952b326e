"""SQL92 filtering end to end: a name server, broker-a with ``enablePropertyFilter=true`` (and the
bit-map pre-calculation in the consume-queue ext) and broker-b without it, our producer and
consumers (books A7.1.3, B5.8)."""
from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest

from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultLitePullConsumer,
                                          DefaultMQPushConsumer)
from rocketmq_ref.client.consumer.message_selector import MessageSelector
from rocketmq_ref.client.exception import MQClientException
from rocketmq_ref.client.producer import DefaultMQProducer, SendStatus
from rocketmq_ref.common.message import Message
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.topic_config import TopicConfig
from rocketmq_ref.tools.admin.default_mq_admin_ext import DefaultMQAdminExt
from tests.support import wire
from tests.broker.support import broker_props, start_broker, start_namesrv
from tests.support.processes import ProcessFactory
from tests.support.wait import wait_until

pytestmark = pytest.mark.e2e

FAST = {"poll_name_server_interval": 500, "heartbeat_broker_interval": 1000,
        "persist_consumer_offset_interval": 1000}
TOPIC_ON = "SqlTopicOn"    # only on broker-a (filter on)
TOPIC_OFF = "SqlTopicOff"  # only on broker-b (filter off)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sql92")
    factory = ProcessFactory(tmp)
    clients: list[Any] = []
    try:
        namesrv = start_namesrv(factory, tmp)
        on = start_broker(factory, tmp, broker_props(tmp, namesrv.addr, name="broker-a",
                                                     enablePropertyFilter=True, enableCalcFilterBitMap=True,
                                                     enableConsumeQueueExt=True))
        off = start_broker(factory, tmp, broker_props(tmp, namesrv.addr, name="broker-b"))
        admin = DefaultMQAdminExt()
        admin.set_namesrv_addr(namesrv.addr)
        admin.start()
        clients.append(admin)
        for node, topic in ((on, TOPIC_ON), (off, TOPIC_OFF)):
            admin.create_and_update_topic_config(node.addr, TopicConfig(topic_name=topic, read_queue_nums=2,
                                                                        write_queue_nums=2))
        producer = DefaultMQProducer("sql92-producer")
        producer.set_namesrv_addr(namesrv.addr)
        producer.start()
        clients.append(producer)
        wait_until(lambda: len(producer.fetch_publish_message_queues(TOPIC_ON)) == 2, timeout=20)
        yield {"namesrv": namesrv.addr, "producer": producer, "clients": clients,
               "brokers": (on.addr, off.addr), "store_a": tmp / "store-broker-a"}
    finally:
        for c in reversed(clients):
            try:
                c.shutdown()
            except Exception:  # noqa: BLE001 - best effort while tearing down
                pass
        factory.close()


def _consumer(cluster: dict, group: str, topic: str, selector: MessageSelector, listener: Any) -> DefaultMQPushConsumer:
    c = DefaultMQPushConsumer(group)
    c.set_namesrv_addr(cluster["namesrv"])
    for k, v in FAST.items():
        setattr(c, k, v)
    c.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
    c.subscribe(topic, selector)
    c.register_message_listener(listener)
    cluster["clients"].append(c)
    return c


def _send_batch(producer: DefaultMQProducer, prefix: str, count: int) -> set[bytes]:
    """Messages with a = i and b = x/y alternating (every sixth without a); the bodies of those
    matching ``a > 5 AND b = 'x'``."""
    expected = set()
    for i in range(count):
        msg = Message(TOPIC_ON, f"{prefix}{i}".encode())
        if i % 6 != 5:  # every sixth message has no property "a": null, never matched
            msg.put_user_property("a", str(i))
        msg.put_user_property("b", "x" if i % 2 == 0 else "y")
        assert producer.send(msg).send_status is SendStatus.SEND_OK
        if i % 6 != 5 and i > 5 and i % 2 == 0:
            expected.add(f"{prefix}{i}".encode())
    return expected


def test_push_consumer_with_sql92_receives_exactly_the_matching_messages(cluster):
    producer: DefaultMQProducer = cluster["producer"]
    expected = _send_batch(producer, "m", 24)  # stored before the filter exists: evaluated at pull
    got: list[bytes] = []
    lock = threading.Lock()

    def listener(msgs, context):
        with lock:
            got.extend(bytes(m.body) for m in msgs)
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

    consumer = _consumer(cluster, "sql92-group", TOPIC_ON, MessageSelector.by_sql("a > 5 AND b = 'x'"), listener)
    consumer.start()
    wait_until(lambda: set(got) >= expected, timeout=20)
    # stored after the filter's birth: the broker's consume-queue ext carries their bit maps
    expected |= _send_batch(producer, "n", 24)
    wait_until(lambda: set(got) >= expected, timeout=20)
    time.sleep(1.0)  # a second more: nothing unmatched may trickle in
    with lock:
        assert sorted(got) == sorted(expected)
    consumer.shutdown()
    ext_files = list((cluster["store_a"] / "consumequeue_ext" / TOPIC_ON).rglob("*"))
    assert any(f.is_file() and f.read_bytes().strip(b"\0") for f in ext_files)


@pytest.mark.parametrize("group, topic, expression, code, reason", [
    ("sql92-bad", TOPIC_ON, "a > 'x'", ResponseCode.SUBSCRIPTION_PARSE_FAILED,
     "Invalid MessageSelector. Value ''x'' cannot be compared."),
    ("sql92-syntax", TOPIC_ON, "a >", ResponseCode.SUBSCRIPTION_PARSE_FAILED, 'Encountered "<EOF>"'),
    ("sql92-off", TOPIC_OFF, "a > 5", ResponseCode.SYSTEM_ERROR,
     "The broker does not support consumer to filter message by SQL92"),
], ids=["bad-expression", "bad-syntax", "property-filter-off"])
def test_sql92_subscription_is_refused_at_start_with_the_reason(cluster, group, topic, expression, code, reason):
    consumer = _consumer(cluster, group, topic, MessageSelector.by_sql(expression),
                         lambda msgs, ctx: ConsumeConcurrentlyStatus.CONSUME_SUCCESS)
    with pytest.raises(MQClientException) as e:
        consumer.start()
    assert e.value.response_code == code
    assert reason in str(e.value)
    consumer.shutdown()


def test_lite_pull_consumer_filters_with_the_subscription_sent_in_each_pull(cluster):
    producer: DefaultMQProducer = cluster["producer"]
    for i in range(6):
        msg = Message(TOPIC_ON, f"lite{i}".encode())
        msg.put_user_property("region", "eu" if i % 3 == 0 else "us")
        producer.send(msg)
    lite = DefaultLitePullConsumer("sql92-lite")
    lite.set_namesrv_addr(cluster["namesrv"])
    for k, v in FAST.items():
        setattr(lite, k, v)
    lite.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
    lite.subscribe(TOPIC_ON, MessageSelector.by_sql("region IN ('eu') AND region IS NOT NULL"))
    cluster["clients"].append(lite)
    lite.start()
    seen: list[bytes] = []
    deadline = time.monotonic() + 20
    while len(seen) < 2 and time.monotonic() < deadline:
        seen.extend(bytes(m.body) for m in lite.poll(300))
    seen.extend(bytes(m.body) for m in lite.poll(500))
    assert sorted(seen) == [b"lite0", b"lite3"]
    lite.shutdown()


def _pull_ext(group, topic, sys_flag, subscription="", expression_type="SQL92", sub_version=0):
    return {"consumerGroup": group, "topic": topic, "queueId": 0, "queueOffset": 0, "maxMsgNums": 32,
            "sysFlag": sys_flag, "commitOffset": 0, "suspendTimeoutMillis": 0, "subscription": subscription,
            "subVersion": sub_version, "expressionType": expression_type}


def _heartbeat(group, topic, expression, version):
    return json.dumps({"clientID": f"wire-{group}", "producerDataSet": [], "consumerDataSet": [{
        "groupName": group, "consumeType": "CONSUME_PASSIVELY", "messageModel": "CLUSTERING",
        "consumeFromWhere": "CONSUME_FROM_FIRST_OFFSET", "unitMode": False, "subscriptionDataSet": [
            {"topic": topic, "subString": expression, "expressionType": "SQL92", "subVersion": version,
             "tagsSet": [], "codeSet": [], "classFilterMode": False}]}]}).encode()


def test_pull_answers_for_sql92_on_the_wire(cluster):
    on, off = cluster["brokers"]
    with wire.WireConnection(on) as c:
        # subscription in the request (sysFlag 4 = FLAG_SUBSCRIPTION) that does not compile
        h, _ = c.request(wire.PULL_MESSAGE, _pull_ext("wire-g", TOPIC_ON, 4, "a >"))
        assert h["code"] == ResponseCode.SUBSCRIPTION_PARSE_FAILED
        assert h["remark"] == "parse the consumer's subscription failed"
        # a group whose heartbeat carried a bad expression has no filter data
        assert c.request(wire.HEART_BEAT, None, _heartbeat("wire-bad", TOPIC_ON, "a >", 5))[0]["code"] == 0
        h, _ = c.request(wire.PULL_MESSAGE, _pull_ext("wire-bad", TOPIC_ON, 0, sub_version=5))
        assert h["code"] == ResponseCode.FILTER_DATA_NOT_EXIST
        # a good one, then a pull asking for a newer version than the broker holds
        assert c.request(wire.HEART_BEAT, None, _heartbeat("wire-good", TOPIC_ON, "a > 5", 5))[0]["code"] == 0
        h, _ = c.request(wire.PULL_MESSAGE, _pull_ext("wire-good", TOPIC_ON, 0, sub_version=6))
        assert h["code"] == ResponseCode.SUBSCRIPTION_NOT_LATEST
        h, _ = c.request(wire.PULL_MESSAGE, _pull_ext("wire-good", TOPIC_ON, 0, sub_version=5))
        assert h["code"] in (ResponseCode.SUCCESS, ResponseCode.PULL_NOT_FOUND), h.get("remark")
    with wire.WireConnection(off) as c:
        h, _ = c.request(wire.PULL_MESSAGE, _pull_ext("wire-g", TOPIC_OFF, 4, "a > 5"))
        assert h["code"] == ResponseCode.SYSTEM_ERROR
        assert h["remark"] == "The broker does not support consumer to filter message by SQL92"
