"""Request/reply on the client: MessageUtil, the future table and its timeout scan, the ``request``
overloads against in-process fake brokers, and PUSH_REPLY_MESSAGE_TO_CLIENT completing a request."""
from __future__ import annotations

import threading
import time
import zlib

import pytest

from rocketmq_ref.client.exception import MQClientException, RequestTimeoutException
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.client.producer.request_callback import RequestCallback
from rocketmq_ref.client.producer.request_future_holder import RequestFutureHolder
from rocketmq_ref.client.producer.request_response_future import RequestResponseFuture
from rocketmq_ref.client.utils.message_util import MessageUtil
from rocketmq_ref.common.message import Message, MessageExt, MessageQueue
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message.message_decoder import (message_properties2string,
                                                         string2message_properties)
from rocketmq_ref.common.protocol.header.reply_message_request_header import ReplyMessageRequestHeader
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.sysflag import MessageSysFlag
from rocketmq_ref.remoting.protocol import RemotingCommand
from tests.client.fake_cluster import FakeCluster
from tests.support.wait import wait_until


class Callback(RequestCallback):
    def __init__(self) -> None:
        self.replies: list = []
        self.errors: list = []
        self.done = threading.Event()

    def on_success(self, message):
        self.replies.append(message)
        self.done.set()

    def on_exception(self, e):
        self.errors.append(e)
        self.done.set()


def request_message(**props: str) -> MessageExt:
    base = {mc.PROPERTY_CLUSTER: "DefaultCluster", mc.PROPERTY_CORRELATION_ID: "cid-1",
            mc.PROPERTY_MESSAGE_REPLY_TO_CLIENT: "127.0.0.1@42#1", mc.PROPERTY_MESSAGE_TTL: "3000",
            "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
    base.update(props)
    return MessageExt("RequestTopic", b"question", properties=base)


# -- MessageUtil ---------------------------------------------------------------------------------

def test_reply_message_goes_to_the_cluster_reply_topic_with_the_request_ids():
    reply = MessageUtil.create_reply_message(request_message(), b"answer")
    assert reply.topic == "DefaultCluster_REPLY_TOPIC"
    assert reply.body == b"answer"
    assert reply.properties == {mc.PROPERTY_MESSAGE_TYPE: "reply", mc.PROPERTY_CORRELATION_ID: "cid-1",
                                mc.PROPERTY_MESSAGE_REPLY_TO_CLIENT: "127.0.0.1@42#1",
                                mc.PROPERTY_MESSAGE_TTL: "3000"}
    assert MessageUtil.get_reply_to_client(reply) == "127.0.0.1@42#1"


def test_reply_to_a_message_without_cluster_or_to_nothing_is_refused_with_code_10007():
    msg = request_message()
    del msg.properties[mc.PROPERTY_CLUSTER]
    with pytest.raises(MQClientException) as info:
        MessageUtil.create_reply_message(msg, b"x")
    assert info.value.response_code == 10007
    assert "property[CLUSTER] is null" in str(info.value)
    with pytest.raises(MQClientException) as info:
        MessageUtil.create_reply_message(None, b"x")
    assert info.value.response_code == 10007


# -- the future and the table --------------------------------------------------------------------

def test_future_wait_returns_the_reply_put_from_another_thread():
    future = RequestResponseFuture("c", 1000)
    reply = Message("T", b"r")
    threading.Timer(0.05, future.put_response_message, (reply,)).start()
    assert future.wait_response_message(5000) is reply


def test_future_wait_gives_none_after_its_timeout_and_the_future_then_counts_as_timed_out():
    future = RequestResponseFuture("c", 50)
    assert future.wait_response_message(60) is None
    time.sleep(0.01)
    assert future.is_timeout()
    assert not RequestResponseFuture("d", 60_000).is_timeout()


def test_scan_fails_only_expired_requests_once_with_request_timeout():
    holder = RequestFutureHolder()  # a private table, not the process-wide one
    late_cb, fresh_cb = Callback(), Callback()
    late = RequestResponseFuture("late", 10, late_cb)
    fresh = RequestResponseFuture("fresh", 60_000, fresh_cb)
    holder.request_future_table.update(late=late, fresh=fresh)
    time.sleep(0.03)
    holder.scan_expired_request()
    holder.scan_expired_request()
    assert list(holder.request_future_table) == ["fresh"]
    assert len(late_cb.errors) == 1 and not late_cb.replies
    assert isinstance(late_cb.errors[0], RequestTimeoutException)
    assert late_cb.errors[0].response_code == 10006
    assert "request timeout, no reply message." in str(late_cb.errors[0])
    assert not fresh_cb.done.is_set()


def test_a_late_reply_after_the_timeout_does_not_call_the_callback_twice():
    cb = Callback()
    future = RequestResponseFuture("c", 10, cb)
    future.set_cause(RequestTimeoutException(10006, "request timeout, no reply message."))
    future.execute_request_callback()
    future.set_cause(None)
    future.put_response_message(Message("T", b"late"))
    future.execute_request_callback()
    assert len(cb.errors) == 1 and not cb.replies


def test_the_housekeeping_thread_runs_from_the_first_producer_to_the_last():
    holder = RequestFutureHolder()
    a, b = object(), object()
    holder.start_scheduled_task(a)
    executor = holder.scheduled_executor_service
    holder.start_scheduled_task(b)
    assert holder.scheduled_executor_service is executor
    holder.shutdown(a)
    assert not executor.is_shutdown()
    holder.shutdown(b)
    assert executor.is_shutdown() and holder.scheduled_executor_service is None
    assert not executor._thread.is_alive()


# -- requests against fake brokers ---------------------------------------------------------------

@pytest.fixture
def cluster():
    c = FakeCluster(brokers=1, known_topics=("RequestTopic",)).start()
    yield c
    c.stop()


@pytest.fixture
def producer(cluster):
    p = DefaultMQProducer("request_pg_test")
    p.set_namesrv_addr(cluster.namesrv_addr)
    p.start()
    yield p
    p.shutdown()


def sent_properties(cluster, index: int = -1) -> dict[str, str]:
    broker = cluster.brokers[0]
    wait_until(lambda: broker.sends())
    return string2message_properties(broker.sends()[index].fields["properties"])


def push_reply(producer, correlation_id: str, body: bytes, compressed: bool = False) -> RemotingCommand:
    """What the broker's ReplyMessageProcessor sends: PUSH_REPLY_MESSAGE_TO_CLIENT on our channel."""
    props = {mc.PROPERTY_CORRELATION_ID: correlation_id, mc.PROPERTY_MESSAGE_TYPE: "reply"}
    header = ReplyMessageRequestHeader(
        producer_group="reply_pg", topic="DefaultCluster_REPLY_TOPIC", default_topic="TBW102",
        default_topic_queue_nums=4, queue_id=0,
        sys_flag=MessageSysFlag.COMPRESSED_FLAG if compressed else 0, born_timestamp=1, flag=0,
        properties=message_properties2string(props), reconsume_times=0, born_host="127.0.0.1:5555",
        store_host="127.0.0.1:10911", store_timestamp=2)
    request = RemotingCommand.create_request_command(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, header)
    request.body = zlib.compress(body) if compressed else body
    request = RemotingCommand.decode(request.encode()[4:])  # as it comes off the wire
    factory = producer.default_mq_producer_impl.mq_client_factory
    return factory.client_remoting_processor.process_request(None, request)


def test_request_stamps_correlation_reply_to_and_ttl_and_times_out_without_a_reply(cluster, producer):
    with pytest.raises(RequestTimeoutException) as info:
        producer.request(Message("RequestTopic", b"q"), 300)
    assert info.value.response_code == 10006
    props = sent_properties(cluster)
    assert props[mc.PROPERTY_MESSAGE_REPLY_TO_CLIENT] == \
        producer.default_mq_producer_impl.mq_client_factory.client_id
    assert props[mc.PROPERTY_MESSAGE_TTL] == "300"
    assert len(props[mc.PROPERTY_CORRELATION_ID]) == 36  # a UUID, as CorrelationIdUtil
    assert props[mc.PROPERTY_CORRELATION_ID] not in RequestFutureHolder.get_instance().request_future_table


def test_request_whose_send_fails_raises_the_send_failure_not_a_timeout(cluster, producer):
    cluster.brokers[0].answer_code = ResponseCode.MESSAGE_ILLEGAL
    cluster.brokers[0].answer_remark = "no"
    begin = time.monotonic()
    with pytest.raises(MQClientException) as info:
        producer.request(Message("RequestTopic", b"q"), 5000)
    assert time.monotonic() - begin < 4  # not the whole timeout
    assert "send request message to <RequestTopic> fail" in str(info.value)
    assert not RequestFutureHolder.get_instance().request_future_table


def test_async_request_whose_send_fails_calls_on_exception_once(cluster, producer):
    cluster.brokers[0].answer_code = ResponseCode.MESSAGE_ILLEGAL
    cb = Callback()
    producer.request(Message("RequestTopic", b"q"), cb, 5000)
    assert cb.done.wait(5)
    time.sleep(0.1)
    assert len(cb.errors) == 1 and not cb.replies
    assert not RequestFutureHolder.get_instance().request_future_table


def test_pushed_reply_completes_an_async_request_with_the_uncompressed_body(cluster, producer):
    cb = Callback()
    producer.request(Message("RequestTopic", b"q"), cb, 5000)
    correlation_id = sent_properties(cluster)[mc.PROPERTY_CORRELATION_ID]
    response = push_reply(producer, correlation_id, b"answer" * 1000, compressed=True)
    assert response.code == ResponseCode.SUCCESS
    assert cb.done.wait(5)
    reply = cb.replies[0]
    assert reply.body == b"answer" * 1000
    assert reply.topic == "DefaultCluster_REPLY_TOPIC" and reply.born_host == ("127.0.0.1", 5555)
    assert reply.get_property(mc.PROPERTY_REPLY_MESSAGE_ARRIVE_TIME) is not None
    assert correlation_id not in RequestFutureHolder.get_instance().request_future_table


def test_pushed_reply_nobody_waits_for_is_answered_and_dropped(producer, caplog):
    response = push_reply(producer, "nobody", b"x")
    assert response.code == ResponseCode.SUCCESS
    assert "not matched any request, CorrelationId: nobody" in caplog.text


def test_sync_request_to_a_queue_returns_the_pushed_reply_and_spans_link_it(cluster, producer, spans):
    out: dict = {}
    t = threading.Thread(target=lambda: out.setdefault("reply", producer.request(
        Message("RequestTopic", b"q"), MessageQueue("RequestTopic", "broker-a", 2), 5000)))
    t.start()
    props = sent_properties(cluster)
    assert cluster.brokers[0].sends()[-1].fields["queueId"] == "2"
    push_reply(producer, props[mc.PROPERTY_CORRELATION_ID], b"answer")
    t.join(5)
    assert out["reply"].body == b"answer"
    finished = spans.get_finished_spans()
    req = next(s for s in finished if s.name == "DefaultMQProducerImpl.request")
    receipt = next(s for s in finished if s.name == "receive DefaultCluster_REPLY_TOPIC")
    assert receipt.links[0].context.span_id == req.context.span_id
    assert props["traceparent"].split("-")[1] == format(req.context.trace_id, "032x")


def test_a_reply_message_is_sent_with_send_reply_message_v2(cluster, producer):
    reply = MessageUtil.create_reply_message(request_message(), b"answer")
    reply.topic = "RequestTopic"  # the fake name server knows only this topic
    producer.send(reply)
    assert cluster.brokers[0].received[-1].code == RequestCode.SEND_REPLY_MESSAGE_V2


def test_request_on_a_producer_not_started_is_refused():
    with pytest.raises(MQClientException, match="service state not OK"):
        DefaultMQProducer("never_started_pg").request(Message("T", b"q"), 100)


def test_asyncio_request_awaits_the_pushed_reply(cluster):
    import asyncio

    from rocketmq_ref.client import aio

    async def main() -> bytes:
        producer = aio.DefaultMQProducer("aio_request_pg")
        producer.set_namesrv_addr(cluster.namesrv_addr)
        await producer.start()
        try:
            pending = asyncio.ensure_future(producer.request(Message("RequestTopic", b"q"), timeout=5000))
            props = await asyncio.to_thread(sent_properties, cluster)
            await asyncio.to_thread(push_reply, producer.sync, props[mc.PROPERTY_CORRELATION_ID], b"a")
            return (await asyncio.wait_for(pending, 5)).body
        finally:
            await producer.shutdown()

    assert asyncio.run(main()) == b"a"


def test_a_malformed_pushed_reply_is_answered_with_system_error(producer):
    request = RemotingCommand.create_request_command(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT)
    request.ext_fields = {"topic": "DefaultCluster_REPLY_TOPIC", "queueId": "not-a-number"}
    request = RemotingCommand.decode(request.encode()[4:])
    factory = producer.default_mq_producer_impl.mq_client_factory
    response = factory.client_remoting_processor.process_request(None, request)
    assert response.code == ResponseCode.SYSTEM_ERROR
    assert response.remark == "process reply message fail"
