"""Request/reply (RPC over messages, 4.6+) against real ``mqnamesrv`` + ``mqbroker`` processes: a
requester's ``request`` gets the reply a push consumer sends with ``MessageUtil.create_reply_message``;
nobody replying is a ``RequestTimeoutException``; the async form's callback gets the reply.  Also: a
push consumer shut down after the producer sharing its MQClientInstance, while a rebalance is in
flight, persists its offsets without "NettyClient is not started" noise.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest

from rocketmq_ref.client.consumer import ConsumeConcurrentlyStatus, DefaultMQPullConsumer
from rocketmq_ref.client.exception import RequestTimeoutException
from rocketmq_ref.client.producer import DefaultMQProducer, SendStatus
from rocketmq_ref.client.utils.message_util import MessageUtil
from rocketmq_ref.common import mixall
from rocketmq_ref.common.message import Message, MessageQueue
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.client.producer.request_future_holder import RequestFutureHolder
from tests.e2e.test_client import Cluster, owned
from tests.support.wait import wait_until

pytestmark = pytest.mark.e2e

TOPIC = "RequestTopic"


def shared_producer(cluster: Cluster, group: str, instance_name: str) -> DefaultMQProducer:
    p = cluster.configure(DefaultMQProducer(group))
    p.set_instance_name(instance_name)
    p.start()
    return p


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("request-reply-e2e"), brokers=1)
    yield c
    c.close()


@pytest.fixture(scope="module")
def replier(cluster):
    """A push consumer on ``RequestTopic`` answering each request with ``re:<body>``."""
    reply_producer = cluster.producer("reply_pg")
    reply_producer.create_topic("TBW102", TOPIC, 2)
    assert wait_until(lambda: reply_producer.fetch_publish_message_queues(TOPIC))
    results: list[Any] = []
    requests: list[Any] = []

    def listener(msgs, context):
        for m in msgs:
            requests.append(m)
            reply = MessageUtil.create_reply_message(m, b"re:" + bytes(m.body))
            results.append(reply_producer.send(reply, 3000))
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

    consumer = cluster.push_consumer("reply_cg", TOPIC, listener)
    assert wait_until(lambda: owned(consumer, TOPIC))
    return {"results": results, "requests": requests, "consumer": consumer}


def test_request_returns_the_reply_a_push_consumer_sends(cluster, replier, spans):
    requester = cluster.producer("requester_pg")
    reply = requester.request(Message(TOPIC, b"2+2?"), 5000)
    assert reply.body == b"re:2+2?"
    assert reply.topic == mixall.get_reply_topic("DefaultCluster")
    request = next(m for m in replier["requests"] if m.body == b"2+2?")
    correlation_id = request.get_property(mc.PROPERTY_CORRELATION_ID)
    assert reply.get_property(mc.PROPERTY_CORRELATION_ID) == correlation_id
    assert request.get_property(mc.PROPERTY_MESSAGE_REPLY_TO_CLIENT) == \
        requester.default_mq_producer_impl.mq_client_factory.client_id
    assert request.get_property(mc.PROPERTY_MESSAGE_TTL) == "5000"
    assert reply.get_property(mc.PROPERTY_PUSH_REPLY_TIME) is not None  # stamped by the broker
    assert reply.get_property(mc.PROPERTY_REPLY_MESSAGE_ARRIVE_TIME) is not None
    # the replier's send went as SEND_REPLY_MESSAGE_V2: pushed OK (and stored: a real offset id);
    # the broker pushes before it answers, so the reply may arrive before the replier's send returns
    result = wait_until(lambda: replier["results"] and replier["results"][-1])
    assert result.send_status is SendStatus.SEND_OK
    assert result.offset_msg_id not in (None, "0")
    # traces: the request span holds the send; the receipt links back to the request
    finished = spans.get_finished_spans()
    req = next(s for s in finished if s.name == "DefaultMQProducerImpl.request"
               and s.attributes["messaging.message.conversation_id"] == correlation_id)
    send = next(s for s in finished if s.name == f"send {TOPIC}" and s.parent is not None
                and s.parent.span_id == req.context.span_id)
    assert send.context.trace_id == req.context.trace_id
    receipt = next(s for s in finished if s.name == f"receive {reply.topic}"
                   and s.attributes["messaging.message.conversation_id"] == correlation_id)
    assert [link.context.span_id for link in receipt.links] == [req.context.span_id]
    assert request.get_property("traceparent").split("-")[1] == format(req.context.trace_id, "032x")


def test_request_with_nobody_replying_raises_request_timeout(cluster):
    requester = cluster.producer("lonely_pg")
    requester.create_topic("TBW102", "NobodyListens", 1)
    assert wait_until(lambda: requester.fetch_publish_message_queues("NobodyListens"))
    begin = time.monotonic()
    with pytest.raises(RequestTimeoutException) as info:
        requester.request(Message("NobodyListens", b"anyone?"), 800)
    assert info.value.response_code == 10006
    assert time.monotonic() - begin >= 0.75
    assert "wait reply message timeout, 800 ms" in str(info.value)
    assert not RequestFutureHolder.get_instance().request_future_table  # nothing left behind


def test_async_request_callback_gets_the_reply(cluster, replier):
    requester = cluster.producer("async_requester_pg")
    got: list[Any] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def on_success(msg):
        got.append(msg)
        done.set()

    def on_exception(e):
        errors.append(e)
        done.set()

    assert requester.request(Message(TOPIC, b"ping"), (on_success, on_exception), 5000) is None
    assert done.wait(10)
    assert not errors
    assert [m.body for m in got] == [b"re:ping"]
    # the request to one queue, synchronously, goes the same way
    mq = MessageQueue(TOPIC, "broker-a", 1)
    assert requester.request(Message(TOPIC, b"to-q1"), mq, 5000).body == b"re:to-q1"
    assert next(m for m in replier["requests"] if m.body == b"to-q1").queue_id == 1


def test_reply_for_a_client_that_is_gone_is_refused(cluster, replier):
    """The broker answers SYSTEM_ERROR when the requester's channel is unknown, or not named."""
    reply_producer = cluster.producer("stray_reply_pg")
    request = Message(TOPIC, b"x", properties={mc.PROPERTY_CLUSTER: "DefaultCluster",
                                               mc.PROPERTY_CORRELATION_ID: "nobody-waits",
                                               mc.PROPERTY_MESSAGE_REPLY_TO_CLIENT: "10.9.9.9@gone"})
    reply = MessageUtil.create_reply_message(request, b"late")
    with pytest.raises(Exception) as info:
        reply_producer.send(reply, 3000)
    assert "channel of <10.9.9.9@gone> not found" in str(info.value)
    del reply.properties[mc.PROPERTY_MESSAGE_REPLY_TO_CLIENT]
    with pytest.raises(Exception) as info:
        reply_producer.send(reply, 3000)
    assert "properties[REPLY_TO_CLIENT] is null" in str(info.value)


def test_consumer_shut_down_after_its_producer_persists_offsets_without_errors(cluster, caplog):
    """A producer and a push consumer share one MQClientInstance.  The producer's shutdown leaves it
    running; the consumer's, the last, stops it while its RebalanceService is mid-rebalance (the
    broker no longer lists the consumer, so that rebalance drops every queue and persists its
    offset).  The remoting client must outlive it, or each call logs "NettyClient is not started"."""
    topic, group = "RebalanceAtShutdown", "rebalance_shutdown_cg"
    producer = shared_producer(cluster, "rebalance_shutdown_pg", "rebalance_shutdown")
    producer.create_topic("TBW102", topic, 2)
    assert wait_until(lambda: producer.fetch_publish_message_queues(topic))
    got: list[bytes] = []
    consumer = cluster.push_consumer(group, topic, lambda msgs, ctx: (
        got.extend(bytes(m.body) for m in msgs), ConsumeConcurrentlyStatus.CONSUME_SUCCESS)[1],
        instance_name="rebalance_shutdown")
    impl = consumer.default_mq_push_consumer_impl
    assert impl.mq_client_factory is producer.default_mq_producer_impl.mq_client_factory
    for i in range(4):
        producer.send(Message(topic, b"m%d" % i))
    assert wait_until(lambda: len(got) >= 4 and len(owned(consumer, topic)) == 2)
    time.sleep(0.2)  # the last acknowledgement reaches the offset table
    producer.shutdown()
    assert impl.mq_client_factory.remoting_client._started  # the consumer still needs it
    entered, original = threading.Event(), impl.do_rebalance

    def slow_rebalance() -> None:  # a rebalance that is still running when shutdown begins
        entered.set()
        time.sleep(0.5)
        original()

    impl.do_rebalance = slow_rebalance
    impl.mq_client_factory.rebalance_immediately()
    assert entered.wait(5)
    with caplog.at_level(logging.WARNING, logger="rocketmq_ref"):
        consumer.shutdown()
        impl.persist_consumer_offset()  # the instance's timer firing just as shutdown began
    assert not impl.mq_client_factory.remoting_client._started
    noise = [r.getMessage() for r in caplog.records
             if r.levelno >= logging.ERROR or "is not started" in r.getMessage()]
    assert not noise
    checker = cluster.configure(DefaultMQPullConsumer(group))
    checker.start()
    offsets = [checker.fetch_consume_offset(MessageQueue(topic, "broker-a", q), True) for q in (0, 1)]
    assert sum(offsets) == 4
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="rocketmq_ref"):
        checker.shutdown()
        checker.default_mq_pull_consumer_impl.persist_consumer_offset()  # the same race, pull side
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


V1_KEYS = {"producerGroup": "producerGroup", "topic": "topic", "defaultTopic": "defaultTopic",
           "defaultTopicQueueNums": "defaultTopicQueueNums", "queueId": "queueId", "sysFlag": "sysFlag",
           "bornTimestamp": "bornTimestamp", "flag": "flag", "properties": "properties",
           "reconsumeTimes": "reconsumeTimes", "unitMode": "unitMode"}
V2_KEYS = dict(zip(V1_KEYS, "abcdefghijk"))  # SendMessageRequestHeaderV2's one-letter names


@pytest.mark.parametrize("code, keys, store", [(324, V1_KEYS, True), (325, V2_KEYS, False)],
                         ids=["SEND_REPLY_MESSAGE-stored", "SEND_REPLY_MESSAGE_V2-not-stored"])
def test_java_shaped_reply_is_pushed_to_the_heartbeating_requester(cluster, code, keys, store):
    """Wire level, as a Java client sends it (324 with the long-named header when ``sendSmartMsg``
    is off, 325 with the one-letter one by default): the requester's own connection gets
    PUSH_REPLY_MESSAGE_TO_CLIENT (326) with Java's ReplyMessageRequestHeader fields; the sender gets
    the stored reply's ids, or msgId "0" with ``storeReplyMessageEnable=false``."""
    import json

    from tests.support.wire import WireConnection

    addr = cluster.brokers[0].addr
    client_id = f"127.0.0.1@wire-requester-{code}"
    props = {mc.PROPERTY_CORRELATION_ID: "wire-cid", mc.PROPERTY_MESSAGE_REPLY_TO_CLIENT: client_id,
             mc.PROPERTY_MESSAGE_TYPE: "reply", mc.PROPERTY_MESSAGE_TTL: "3000"}
    header = {"producerGroup": "wire_replier_pg", "topic": "DefaultCluster_REPLY_TOPIC",
              "defaultTopic": "TBW102", "defaultTopicQueueNums": 4, "queueId": 0, "sysFlag": 0,
              "bornTimestamp": 1700000000000, "flag": 0, "reconsumeTimes": 0, "unitMode": "false",
              "properties": "".join(f"{k}\x01{v}\x02" for k, v in props.items())}
    with WireConnection(addr) as requester, WireConnection(addr) as replier:
        if not store:  # UPDATE_BROKER_CONFIG, as mqadmin updateBrokerConfig does
            assert replier.request(25, body=b"storeReplyMessageEnable=false")[0]["code"] == 0
        try:
            heartbeat = {"clientID": client_id, "consumerDataSet": [],
                         "producerDataSet": [{"groupName": "wire_requester_pg"}]}
            assert requester.request(34, body=json.dumps(heartbeat).encode())[0]["code"] == 0
            opaque = replier.send(code, {keys[k]: v for k, v in header.items()}, body=b"the answer")
            push, body = requester.next_server_request()
            assert push["code"] == 326 and body == b"the answer"
            ext = push["extFields"]
            assert {"producerGroup", "topic", "defaultTopic", "defaultTopicQueueNums", "queueId",
                    "sysFlag", "bornTimestamp", "flag", "properties", "bornHost", "storeHost",
                    "storeTimestamp"} <= set(ext)
            assert ext["topic"] == "DefaultCluster_REPLY_TOPIC" and ext["storeHost"] == addr
            assert "wire-cid" in ext["properties"] and mc.PROPERTY_PUSH_REPLY_TIME in ext["properties"]
            requester.answer(push)
            answer, _ = replier.response_to(opaque)
        finally:
            if not store:
                replier.request(25, body=b"storeReplyMessageEnable=true")
    assert answer["code"] == 0
    assert (answer["extFields"]["msgId"] != "0") is store
