"""ConsumeMessageConcurrentlyService.process_consume_result: ack index, send back, local retry when
the send back fails, broadcasting drops, offsets only move forward."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from rocketmq_ref.client.consumer import DefaultMQPushConsumer, MessageModel
from rocketmq_ref.client.consumer.listener import (ConsumeConcurrentlyContext,
                                                   ConsumeConcurrentlyStatus)
from rocketmq_ref.client.consumer.store.offset_store import ReadOffsetType
from rocketmq_ref.client.consumer.store.remote_broker_offset_store import RemoteBrokerOffsetStore
from rocketmq_ref.client.impl.consumer.consume_message_concurrently_service import (
    ConsumeMessageConcurrentlyService, ConsumeRequest)
from rocketmq_ref.client.impl.consumer.process_queue import ProcessQueue
from rocketmq_ref.client.stat.consumer_stats_manager import ConsumerStatsManager
from rocketmq_ref.common.message import MessageExt, MessageQueue

MQ = MessageQueue("T", "broker-a", 0)


class FakeImpl:
    def __init__(self, model: MessageModel, fail_send_back: set[int]) -> None:
        self.default_mq_push_consumer = DefaultMQPushConsumer("cg")
        self.default_mq_push_consumer.message_model = model
        self.offset_store = RemoteBrokerOffsetStore(None, "cg")
        self.sent_back: list[tuple[int, int]] = []
        self.fail_send_back = fail_send_back
        self.hooks: list = []
        self.mq_client_factory = SimpleNamespace(consumer_stats_manager=ConsumerStatsManager())

    def send_message_back(self, msg, delay_level, broker_name):
        if msg.queue_offset in self.fail_send_back:
            raise RuntimeError("broker gone")
        self.sent_back.append((msg.queue_offset, delay_level))

    def reset_retry_and_namespace(self, msgs):
        pass

    def has_hook(self):
        return bool(self.hooks)

    def execute_hook_before(self, ctx):
        self.hooks.append(("before", ctx.msg_list[0].queue_offset, ctx.status))

    def execute_hook_after(self, ctx):
        self.hooks.append(("after", ctx.success, ctx.status))


@pytest.fixture
def setup():
    def make(model=MessageModel.CLUSTERING, fail=()):
        impl = FakeImpl(model, set(fail))
        service = ConsumeMessageConcurrentlyService(impl, None)
        pq = ProcessQueue()
        msgs = [MessageExt("T", b"x", queue_offset=i) for i in range(10, 14)]
        pq.put_message(msgs)
        return impl, service, pq, msgs
    yield make


def settle(service, pq, msgs, status, ack_index=None, delay=0):
    ctx = ConsumeConcurrentlyContext(MQ, delay_level_when_next_consume=delay)
    if ack_index is not None:
        ctx.ack_index = ack_index
    service.process_consume_result(status, ctx, ConsumeRequest(service, msgs, pq, MQ))


def test_success_acks_the_whole_batch_and_moves_the_offset(setup):
    impl, service, pq, msgs = setup()
    settle(service, pq, msgs, ConsumeConcurrentlyStatus.CONSUME_SUCCESS)
    assert impl.sent_back == []
    assert impl.offset_store.read_offset(MQ, ReadOffsetType.READ_FROM_MEMORY) == 14
    service.shutdown()


def test_ack_index_sends_back_only_the_messages_after_it(setup):
    impl, service, pq, msgs = setup()
    settle(service, pq, msgs, ConsumeConcurrentlyStatus.CONSUME_SUCCESS, ack_index=1, delay=2)
    assert impl.sent_back == [(12, 2), (13, 2)]
    assert impl.offset_store.read_offset(MQ, ReadOffsetType.READ_FROM_MEMORY) == 14
    service.shutdown()


def test_reconsume_later_with_a_failed_send_back_keeps_that_message_for_a_local_retry(setup):
    impl, service, pq, msgs = setup(fail={11})
    service.start()
    try:
        settle(service, pq, msgs, ConsumeConcurrentlyStatus.RECONSUME_LATER)
        assert [o for o, _ in impl.sent_back] == [10, 12, 13]
        # 11 is still cached: the offset cannot pass it, and it will be consumed again locally
        assert impl.offset_store.read_offset(MQ, ReadOffsetType.READ_FROM_MEMORY) == 11
        assert pq.first_offset() == 11 and msgs[1].reconsume_times == 1
    finally:
        service.shutdown()


def test_broadcasting_drops_failed_messages_instead_of_sending_them_back(setup):
    impl, service, pq, msgs = setup(model=MessageModel.BROADCASTING)
    settle(service, pq, msgs, ConsumeConcurrentlyStatus.RECONSUME_LATER)
    assert impl.sent_back == []
    assert impl.offset_store.read_offset(MQ, ReadOffsetType.READ_FROM_MEMORY) == 14
    service.shutdown()


def test_offsets_never_move_back_when_batches_finish_out_of_order(setup):
    impl, service, pq, msgs = setup()
    settle(service, pq, msgs[2:], ConsumeConcurrentlyStatus.CONSUME_SUCCESS)
    assert impl.offset_store.read_offset(MQ, ReadOffsetType.READ_FROM_MEMORY) == 10
    settle(service, pq, msgs[:2], ConsumeConcurrentlyStatus.CONSUME_SUCCESS)
    assert impl.offset_store.read_offset(MQ, ReadOffsetType.READ_FROM_MEMORY) == 14
    service.shutdown()


def test_the_listener_runs_inside_the_consume_hooks_and_a_raise_means_later(setup):
    impl, service, pq, msgs = setup()
    impl.hooks.append("enabled")

    class Boom:
        def consume_message(self, msgs, ctx):
            raise ValueError("listener bug")

    service.message_listener = Boom()
    service.start()
    try:
        ConsumeRequest(service, msgs[:1], pq, MQ).run()
        assert impl.hooks[1:] == [("before", 10, None), ("after", False, "RECONSUME_LATER")]
        assert impl.sent_back == [(10, 0)]  # sent back, not lost
    finally:
        service.shutdown()
