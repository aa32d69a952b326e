"""AsyncTraceDispatcher and the trace hooks without a broker: the trace producer is replaced by a
recorder (the e2e test sends through a real one).  Batching by time and by size, a full queue drops
instead of blocking, a hung or failing trace send never reaches the caller, shutdown flushes."""
from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import pytest

from rocketmq_ref.client.consumer.listener import ConsumeMessageContext, ConsumeReturnType
from rocketmq_ref.client.impl.producer.default_mq_producer_impl import SendMessageContext
from rocketmq_ref.client.producer import (DefaultMQProducer, LocalTransactionState, SendResult, SendStatus,
                                          TransactionMQProducer)
from rocketmq_ref.client.consumer import DefaultMQPushConsumer
from rocketmq_ref.client.trace import (AsyncTraceDispatcher, TraceBean, TraceContext, TraceDataEncoder,
                                       TraceDispatcherType, TraceType)
from rocketmq_ref.client.trace.async_trace_dispatcher import untraced
from rocketmq_ref.client.trace.hook import ConsumeMessageTraceHookImpl, SendMessageTraceHookImpl
from rocketmq_ref.common.message import Message, MessageClientExt, MessageQueue
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message.message_type import MessageType
from rocketmq_ref.common.tracing import inject, span
from tests.support.wait import wait_until


class RecordingProducer:
    """Stands in for the dispatcher's trace producer: keeps what it is asked to send."""

    def __init__(self, max_message_size: int = 128000) -> None:
        self.max_message_size = max_message_size
        self.sent: list[Message] = []
        self.gate = threading.Event()
        self.gate.set()
        self.fail = False
        self.started = self.stopped = False
        self.default_mq_producer_impl = SimpleNamespace(
            topic_publish_info_table={}, mq_client_factory=SimpleNamespace(
                update_topic_route_info_from_name_server=lambda topic: False))

    def set_namesrv_addr(self, addr: str) -> None:
        self.namesrv_addr = addr

    def set_instance_name(self, name: str) -> None:
        self.instance_name = name

    def start(self) -> None:
        self.started = True

    def shutdown(self) -> None:
        self.stopped = True
        self.gate.set()

    def send(self, msg: Message, *args: Any, timeout: int | None = None) -> None:
        self.gate.wait(10)
        if self.fail:
            raise RuntimeError("broker gone")
        self.sent.append(msg)


@pytest.fixture
def dispatcher():
    d = AsyncTraceDispatcher("pg", TraceDispatcherType.PRODUCE)
    real = d.trace_producer
    d.trace_producer = RecordingProducer()
    yield d
    d.shutdown()
    real.shutdown()


def pub(msg_id: str, keys: str = "k", group: str = "pg") -> TraceContext:
    return TraceContext(TraceType.Pub, group_name=group, region_id="DefaultRegion", trace_beans=[
        TraceBean(topic="T", msg_id=msg_id, keys=keys, msg_type=MessageType.Normal_Msg)])


def records(msg: Message) -> list[TraceContext]:
    return TraceDataEncoder.decoder_from_trace_data_string(msg.body.decode())


def test_trace_producer_group_and_instance_follow_java():
    d = AsyncTraceDispatcher("pg", TraceDispatcherType.CONSUME, "  ")
    try:
        assert d.trace_producer.producer_group.startswith("_INNER_TRACE_PRODUCER-pg-CONSUME-")
        assert (d.trace_topic_name, d.trace_producer.send_msg_timeout, d.trace_producer.max_message_size) == \
            ("RMQ_SYS_TRACE_TOPIC", 5000, 128000)
        rec = d.trace_producer = RecordingProducer()
        d.start("127.0.0.1:9876")
        assert rec.started and rec.instance_name == "PID_CLIENT_INNER_TRACE_PRODUCER_127.0.0.1:9876"
    finally:
        d.shutdown()
    assert rec.stopped


def test_records_appended_together_go_out_as_one_message_keyed_by_every_id_and_key(dispatcher):
    dispatcher.start("127.0.0.1:9876")
    for i in range(5):
        assert dispatcher.append(pub(f"ID{i}", keys=f"key{i}"))
    sent = wait_until(lambda: dispatcher.trace_producer.sent)
    assert len(sent) == 1
    msg = sent[0]
    assert msg.topic == "RMQ_SYS_TRACE_TOPIC"
    assert [c.trace_beans[0].msg_id for c in records(msg)] == [f"ID{i}" for i in range(5)]
    assert set(msg.keys.split(" ")) == {f"ID{i}" for i in range(5)} | {f"key{i}" for i in range(5)}


def test_a_segment_near_the_size_limit_is_sent_without_waiting_for_the_time_threshold(dispatcher):
    one = len(TraceDataEncoder.encoder_from_context_bean(pub("ID0")).trans_data)
    # Java sends a segment once it holds maxMessageSize - 10000 characters: here 1.5 records
    rec = dispatcher.trace_producer = RecordingProducer(max_message_size=10_000 + one + one // 2)
    dispatcher.wait_time_threshold_mil = 60_000  # only size can trigger a send during the test
    dispatcher.start("127.0.0.1:9876")
    for i in range(3):
        dispatcher.append(pub(f"ID{i}"))
    wait_until(lambda: rec.sent)
    assert [len(records(m)) for m in rec.sent] == [2]
    dispatcher.shutdown()
    assert [len(records(m)) for m in rec.sent] == [2, 1]  # shutdown flushes the rest


def test_a_full_queue_drops_and_counts_instead_of_blocking():
    d = AsyncTraceDispatcher("pg", TraceDispatcherType.PRODUCE)  # not started: nothing drains the queue
    try:
        assert all(d.append(pub(f"ID{i}")) for i in range(1024))
        assert d.append(pub("one-too-many")) is False
        assert d.discard_count == 1
    finally:
        d.shutdown()
        d.trace_producer.shutdown()


def test_a_hung_trace_send_never_holds_up_the_caller(dispatcher):
    rec = dispatcher.trace_producer
    rec.gate.clear()  # every trace send hangs, as on a broker that stopped answering
    dispatcher.wait_time_threshold_mil = 0
    dispatcher.start("127.0.0.1:9876")
    results: list[bool] = []
    caller = threading.Thread(target=lambda: results.extend(dispatcher.append(pub(f"ID{i}"))
                                                            for i in range(5000)))
    caller.start()
    caller.join(20)
    assert not caller.is_alive() and len(results) == 5000
    assert results[0] is True
    rec.gate.set()


def test_failing_trace_sends_are_logged_and_later_records_still_go_out(dispatcher, caplog):
    rec = dispatcher.trace_producer
    rec.fail = True
    dispatcher.start("127.0.0.1:9876")
    dispatcher.append(pub("LOST"))
    wait_until(lambda: "send trace data failed" in caplog.text)
    rec.fail = False
    dispatcher.append(pub("KEPT"))
    sent = wait_until(lambda: rec.sent)
    assert [c.trace_beans[0].msg_id for c in records(sent[0])] == ["KEPT"]


def test_an_unencodable_record_is_dropped_and_the_worker_goes_on(dispatcher):
    dispatcher.start("127.0.0.1:9876")
    bad = pub("BAD")
    bad.trace_beans[0].msg_type = None
    dispatcher.append(bad)
    dispatcher.append(pub("GOOD"))
    sent = wait_until(lambda: dispatcher.trace_producer.sent)
    assert [c.trace_beans[0].msg_id for c in records(sent[0])] == ["GOOD"]


def send_context(topic: str = "TopicTest", **msg_kw: Any) -> SendMessageContext:
    msg = Message(topic, b"hello world", tags="TagA", keys="order-1", **msg_kw)
    return SendMessageContext(producer_group="pg", message=msg, mq=MessageQueue(topic, "broker-a", 0),
                              broker_addr="10.0.0.1:10911")


def test_send_hook_appends_a_pub_record_with_the_result_ids():
    appended: list[TraceContext] = []
    hook = SendMessageTraceHookImpl(SimpleNamespace(trace_topic_name="RMQ_SYS_TRACE_TOPIC",
                                                    append=appended.append))
    ctx = send_context()
    ctx.message.put_property(mc.PROPERTY_TRANSACTION_PREPARED, "true")
    ctx.msg_type = "Trans_Msg_Half"  # as sendKernelImpl sets it for a half message
    hook.send_message_before(ctx)
    ctx.send_result = SendResult(SendStatus.SEND_OK, "UNIQ1", MessageQueue("TopicTest", "broker-a", 0), 5,
                                 offset_msg_id="OFF1", region_id="DefaultRegion")
    hook.send_message_after(ctx)
    (rec,) = appended
    bean = rec.trace_beans[0]
    assert (rec.trace_type, rec.group_name, rec.region_id, rec.is_success) == \
        (TraceType.Pub, "pg", "DefaultRegion", True)
    assert (bean.msg_id, bean.offset_msg_id, bean.tags, bean.keys, bean.store_host, bean.body_length,
            bean.msg_type) == ("UNIQ1", "OFF1", "TagA", "order-1", "10.0.0.1:10911", 11,
                               MessageType.Trans_Msg_Half)


def test_send_hook_skips_trace_data_and_results_the_broker_marked_trace_off():
    appended: list[TraceContext] = []
    hook = SendMessageTraceHookImpl(SimpleNamespace(trace_topic_name="RMQ_SYS_TRACE_TOPIC",
                                                    append=appended.append))
    own = send_context("RMQ_SYS_TRACE_TOPIC")
    hook.send_message_before(own)
    assert own.mq_trace_context is None
    off = send_context()
    hook.send_message_before(off)
    off.send_result = SendResult(SendStatus.SEND_OK, "UNIQ1", None, 0, region_id="R", trace_on=False)
    hook.send_message_after(off)
    assert appended == []


def test_consume_hook_writes_sub_before_and_a_sub_after_sharing_its_request_id():
    appended: list[TraceContext] = []
    hook = ConsumeMessageTraceHookImpl(SimpleNamespace(append=appended.append, access_channel=None))
    traced = MessageClientExt("TopicTest", b"x", reconsume_times=1, store_size=120,
                              properties={mc.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX: "UNIQ1",
                                          mc.PROPERTY_MSG_REGION: "DefaultRegion", mc.PROPERTY_KEYS: "k"})
    off = MessageClientExt("TopicTest", b"y", properties={mc.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX: "UNIQ2",
                                                          mc.PROPERTY_TRACE_SWITCH: "false"})
    ctx = ConsumeMessageContext("cg", [traced, off], MessageQueue("TopicTest", "broker-a", 0))
    hook.consume_message_before(ctx)
    ctx.success = False
    hook.consume_message_after(ctx)
    before, after = appended
    assert [b.msg_id for b in before.trace_beans] == ["UNIQ1"]
    assert (before.trace_type, before.group_name, before.region_id, before.trace_beans[0].retry_times,
            before.trace_beans[0].body_length) == (TraceType.SubBefore, "cg", "DefaultRegion", 1, 120)
    assert (after.trace_type, after.request_id, after.is_success, after.group_name, after.context_code) == \
        (TraceType.SubAfter, before.request_id, False, "cg", ConsumeReturnType.FAILED.value)
    ctx.props = {"ConsumeContextType": "TIME_OUT"}  # what Java's consume services put there
    hook.consume_message_before(ctx)
    hook.consume_message_after(ctx)
    assert appended[-1].context_code == ConsumeReturnType.TIME_OUT.value


def test_end_transaction_hook_records_the_answer_sent_to_the_broker():
    appended: list[TraceContext] = []
    host = SimpleNamespace(mq_client_factory=SimpleNamespace(client_id="10.0.0.9@pid"))
    dispatcher = SimpleNamespace(trace_topic_name="RMQ_SYS_TRACE_TOPIC", append=appended.append,
                                 host_producer=host)
    producer = TransactionMQProducer("tpg", enable_msg_trace=True)
    try:
        impl = producer.default_mq_producer_impl
        impl.end_transaction_hook_list[0].local_dispatcher = dispatcher
        msg = Message("TopicTx", b"x", tags="T", keys="k")
        msg.transaction_id = "TX1"
        impl.do_execute_end_transaction_hook(msg, "UNIQ1", "10.0.0.1:10911", LocalTransactionState.COMMIT_MESSAGE,
                                             True)
    finally:
        producer.trace_dispatcher.shutdown()
        producer.trace_dispatcher.trace_producer.shutdown()
    (rec,) = appended
    bean = rec.trace_beans[0]
    assert (rec.trace_type, rec.group_name, rec.region_id) == (TraceType.EndTransaction, "tpg", "DefaultRegion")
    assert (bean.msg_id, bean.transaction_id, bean.transaction_state, bean.from_transaction_check,
            bean.msg_type, bean.client_host, bean.store_host) == \
        ("UNIQ1", "TX1", "COMMIT_MESSAGE", True, MessageType.Trans_msg_Commit, "10.0.0.9@pid", "10.0.0.1:10911")
    assert TraceDataEncoder.encoder_from_context_bean(rec).trans_data.split("\x01")[11] == "COMMIT_MESSAGE"


def test_clients_built_with_enable_msg_trace_register_the_hooks():
    producer = DefaultMQProducer("pg", enable_msg_trace=True, custom_trace_topic="MyTrace")
    consumer = DefaultMQPushConsumer("cg", enable_msg_trace=True)
    try:
        assert producer.trace_dispatcher.trace_topic_name == "MyTrace"
        assert [h.hook_name() for h in producer.default_mq_producer_impl.send_message_hook_list] == \
            ["SendMessageTraceHook"]
        assert [h.hook_name() for h in consumer.default_mq_push_consumer_impl.consume_message_hook_list] == \
            ["ConsumeMessageTraceHook"]
        assert DefaultMQProducer("pg2").trace_dispatcher is None
    finally:
        for d in (producer.trace_dispatcher, consumer.trace_dispatcher):
            d.shutdown()
            d.trace_producer.shutdown()


def test_untraced_blocks_record_no_spans_and_propagate_an_unsampled_context(spans):
    with untraced():
        with span("TraceSendInside"):
            carrier: dict[str, str] = {}
            inject(carrier)
    with span("UserSendOutside"):
        pass
    assert [s.name for s in spans.get_finished_spans()] == ["UserSendOutside"]
    assert carrier["traceparent"].endswith("-00")
