"""DefaultMQProducer against in-process fake brokers: what goes on the wire, retries on another
broker, errors with their codes, timeouts, callbacks, compression, batches, selectors, spans."""
from __future__ import annotations

import threading
import zlib

import pytest

from rocketmq_ref.client.exception import MQBrokerException, MQClientException
from rocketmq_ref.client.producer import (DefaultMQProducer, SelectMessageQueueByHash,
                                          SendCallback, SendStatus)
from rocketmq_ref.common.message import Message, MessageQueue
from rocketmq_ref.common.message.message_decoder import (decode_messages,
                                                         string2message_properties)
from rocketmq_ref.common.protocol.request_code import RequestCode
from tests.client.fake_cluster import FakeCluster


@pytest.fixture
def cluster():
    c = FakeCluster(brokers=2, known_topics=("T",)).start()
    yield c
    c.stop()


@pytest.fixture
def producer(cluster):
    p = DefaultMQProducer("pg_test")
    p.set_namesrv_addr(cluster.namesrv_addr)
    p.set_send_msg_timeout(2000)
    p.start()
    yield p
    p.shutdown()


class Callback(SendCallback):
    def __init__(self) -> None:
        self.results: list = []
        self.errors: list = []
        self.done = threading.Event()

    def on_success(self, send_result):
        self.results.append(send_result)
        self.done.set()

    def on_exception(self, e):
        self.errors.append(e)
        self.done.set()


def test_sync_send_writes_a_java_shaped_v2_header_and_reads_the_result(cluster, producer):
    result = producer.send(Message("T", tags="TagA", keys="k1", body=b"hello"))
    assert result.send_status is SendStatus.SEND_OK
    sends = [r for b in cluster.brokers for r in b.sends()]
    assert len(sends) == 1
    sent = sends[0]
    assert sent.code == RequestCode.SEND_MESSAGE_V2 and sent.body == b"hello"
    assert sent.fields["producerGroup"] == "pg_test" and sent.fields["topic"] == "T"
    assert sent.fields["defaultTopic"] == "TBW102" and sent.fields["defaultTopicQueueNums"] == "4"
    assert sent.fields["sysFlag"] == "0" and sent.fields["batch"] == "false"
    props = string2message_properties(sent.fields["properties"])
    assert props["TAGS"] == "TagA" and props["KEYS"] == "k1" and props["WAIT"] == "true"
    assert result.msg_id == props["UNIQ_KEY"]
    assert result.offset_msg_id.startswith("7F00000100002A9F")
    assert result.message_queue.topic == "T" and result.queue_offset == 0
    assert sent.fields["bname"] == result.message_queue.broker_name


def test_an_unknown_topic_is_sent_with_the_tbw102_route_for_auto_creation(cluster, producer):
    result = producer.send(Message("NewTopic", body=b"x"))
    assert result.send_status is SendStatus.SEND_OK
    assert "NewTopic" in cluster.route_requests and "TBW102" in cluster.route_requests


def test_round_robin_spreads_sends_over_both_brokers(cluster, producer):
    queues = {producer.send(Message("T", body=b"x")).message_queue for _ in range(8)}
    assert len(queues) == 8


def test_a_retryable_broker_error_moves_the_send_to_the_other_broker(cluster, producer):
    bad, good = cluster.brokers
    bad.answer_code, bad.answer_remark = 1, "[PC_SYNCHRONIZED]broker busy"
    for _ in range(4):
        result = producer.send(Message("T", body=b"x"))
        assert result.message_queue.broker_name == good.name


def test_a_non_retryable_broker_error_is_raised_with_its_code_and_remark(cluster, producer):
    for b in cluster.brokers:
        b.answer_code, b.answer_remark = 13, "the message is illegal, maybe msg properties length limit"
    with pytest.raises(MQBrokerException) as info:
        producer.send(Message("T", body=b"x"))
    assert info.value.response_code == 13 and "illegal" in info.value.error_message
    assert sum(len(b.sends()) for b in cluster.brokers) == 1  # no retry for this code


def test_all_brokers_failing_gives_a_client_exception_naming_the_attempts(cluster, producer):
    for b in cluster.brokers:
        b.answer_code, b.answer_remark = 14, "service not available now"
    with pytest.raises(MQClientException, match=r"Send \[3\] times, still failed") as info:
        producer.send(Message("T", body=b"x"))
    assert info.value.response_code == 14
    assert sum(len(b.sends()) for b in cluster.brokers) == 3


def test_a_silent_broker_times_out_and_never_hangs_past_the_timeout(cluster, producer):
    for b in cluster.brokers:
        b.silent = True
    with pytest.raises(MQClientException) as info:
        producer.send(Message("T", body=b"x"), 600)
    assert info.value.response_code in (10002,) or "timeout" in str(info.value).lower()


def test_async_send_calls_back_once_with_the_result(cluster, producer):
    cb = Callback()
    producer.send(Message("T", body=b"async"), cb)
    assert cb.done.wait(5)
    assert len(cb.results) == 1 and not cb.errors
    assert cb.results[0].send_status is SendStatus.SEND_OK


def test_async_send_to_dead_brokers_calls_on_exception_exactly_once(cluster, producer):
    producer.send(Message("T", body=b"warm"))  # routes known
    for b in cluster.brokers:
        b.silent = True
    cb = Callback()
    producer.send(Message("T", body=b"async"), cb, 800)
    assert cb.done.wait(10)
    threading.Event().wait(1.0)  # late duplicates would arrive now
    assert len(cb.errors) == 1 and not cb.results


def test_oneway_send_reaches_the_broker(cluster, producer):
    producer.send_oneway(Message("T", body=b"one"))
    assert any(b.arrived.wait(3) for b in cluster.brokers)
    assert [r.body for b in cluster.brokers for r in b.sends()] == [b"one"]


def test_bodies_of_4_kib_and_more_are_zlib_compressed(cluster, producer):
    body = b"abcd" * 2048
    producer.send(Message("T", body=body))
    sent = [r for b in cluster.brokers for r in b.sends()][0]
    assert int(sent.fields["sysFlag"]) & 0x1
    assert zlib.decompress(sent.body) == body


def test_oversize_bodies_fail_before_anything_is_sent(cluster, producer):
    with pytest.raises(MQClientException) as info:
        producer.send(Message("T", body=b"x" * (4 * 1024 * 1024 + 1)))
    assert info.value.response_code == 13
    assert not any(b.sends() for b in cluster.brokers)


def test_bad_topic_names_are_refused(producer):
    with pytest.raises(MQClientException, match="illegal characters"):
        producer.send(Message("bad topic", body=b"x"))


def test_batch_goes_as_one_send_batch_message_with_every_uniq_key(cluster, producer):
    msgs = [Message("T", body=f"m{i}".encode(), tags="B") for i in range(3)]
    result = producer.send(msgs)
    sent = [r for b in cluster.brokers for r in b.sends()][0]
    assert sent.code == RequestCode.SEND_BATCH_MESSAGE and sent.fields["batch"] == "true"
    inner = decode_messages(sent.body)
    assert [m.body for m in inner] == [b"m0", b"m1", b"m2"]
    assert result.msg_id.split(",") == [m.properties["UNIQ_KEY"] for m in inner]


def test_a_selector_keeps_one_order_id_on_one_queue(cluster, producer):
    seen: dict[int, set] = {}
    for i in range(12):
        order_id = i % 3
        result = producer.send(Message("T", body=b"x"), SelectMessageQueueByHash(), order_id)
        seen.setdefault(order_id, set()).add(result.message_queue)
    assert all(len(qs) == 1 for qs in seen.values())
    assert len({next(iter(qs)) for qs in seen.values()}) == 3


def test_send_to_a_chosen_queue(cluster, producer):
    mq = MessageQueue("T", cluster.brokers[1].name, 3)
    result = producer.send(Message("T", body=b"x"), mq)
    assert result.message_queue == mq


def test_name_server_down_gives_a_clear_error():
    p = DefaultMQProducer("pg_down")
    p.set_namesrv_addr("127.0.0.1:1")
    p.set_mq_client_api_timeout(500)
    p.start()
    try:
        with pytest.raises(MQClientException, match="No route info"):
            p.send(Message("T", body=b"x"))
    finally:
        p.shutdown()


def test_send_span_carries_the_trace_context_in_the_message(cluster, producer, spans):
    producer.send(Message("T", body=b"traced"))
    sent = [r for b in cluster.brokers for r in b.sends()][0]
    props = string2message_properties(sent.fields["properties"])
    finished = spans.get_finished_spans()
    send = [s for s in finished if s.name == "send T"]
    assert len(send) == 1
    send = send[0]
    assert send.kind.name == "PRODUCER"
    assert props["traceparent"].split("-")[1] == format(send.context.trace_id, "032x")
    children = [s for s in finished if s.parent is not None and s.parent.span_id == send.context.span_id]
    assert any(s.name == "DefaultMQProducerImpl.send_kernel_impl" for s in children)
    rpc = [s for s in finished if s.kind.name == "CLIENT" and "SEND_MESSAGE_V2" in s.name]
    assert rpc and rpc[0].context.trace_id == send.context.trace_id


def test_send_hooks_see_every_send_before_and_after(cluster, producer):
    from rocketmq_ref.client.producer import SendMessageHook

    class Hook(SendMessageHook):
        def __init__(self):
            self.events = []

        def send_message_before(self, ctx):
            self.events.append(("before", ctx.mq.broker_name, ctx.send_result))

        def send_message_after(self, ctx):
            self.events.append(("after", ctx.send_result.send_status, ctx.exception))

    hook = Hook()
    producer.register_send_message_hook(hook)
    producer.send(Message("T", body=b"hooked"))
    assert [e[0] for e in hook.events] == ["before", "after"]
    assert hook.events[1][1] is SendStatus.SEND_OK and hook.events[1][2] is None


def test_async_sends_retry_on_the_other_broker_when_one_is_gone(cluster, producer):
    producer.send(Message("T", body=b"warm"))  # both brokers known
    cluster.brokers[0].server.shutdown()
    callbacks = [Callback() for _ in range(6)]
    for i, cb in enumerate(callbacks):
        producer.send(Message("T", body=b"%d" % i), cb)
    for cb in callbacks:
        assert cb.done.wait(10)
    assert all(len(cb.results) == 1 and not cb.errors for cb in callbacks), \
        [cb.errors for cb in callbacks]
    assert {cb.results[0].message_queue.broker_name for cb in callbacks} == {"broker-b"}
