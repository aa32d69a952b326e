"""DefaultLitePullConsumer: ``subscribe`` or ``assign``, then ``poll`` (Java
``client.consumer.DefaultLitePullConsumer``, 4.6+; books A3.1.4, A7.3.2).

    consumer = DefaultLitePullConsumer("lite_group")
    consumer.set_namesrv_addr(addr)
    consumer.subscribe("TopicTest", "*")
    consumer.start()
    msgs = consumer.poll(1000)
"""
from __future__ import annotations

import time
from typing import Any, Iterable

from rocketmq_ref.client.client_config import ClientConfig
from rocketmq_ref.client.consumer.rebalance.allocate_message_queue_averagely import \
    AllocateMessageQueueAveragely
from rocketmq_ref.client.impl.consumer.default_lite_pull_consumer_impl import \
    DefaultLitePullConsumerImpl
from rocketmq_ref.common import mixall
from rocketmq_ref.common.protocol.heartbeat import ConsumeFromWhere, MessageModel


class DefaultLitePullConsumer(ClientConfig):
    def __init__(self, consumer_group: str = mixall.DEFAULT_CONSUMER_GROUP, rpc_hook: Any = None,
                 namespace: str | None = None) -> None:
        ClientConfig.__init__(self)
        self.consumer_group = consumer_group
        self.namespace = namespace
        self.broker_suspend_max_time_millis = 1000 * 20
        self.consumer_timeout_millis_when_suspend = 1000 * 30
        self.consumer_pull_timeout_millis = 1000 * 10
        self.message_model = MessageModel.CLUSTERING
        self.offset_store: Any = None
        self.allocate_message_queue_strategy: Any = AllocateMessageQueueAveragely()
        self.unit_mode = False
        self.auto_commit = True
        self.pull_thread_nums = 20
        self.auto_commit_interval_millis = 5 * 1000
        self.pull_batch_size = 10
        self.pull_threshold_for_all = 10000
        self.consume_max_span = 2000
        self.pull_threshold_for_queue = 1000
        self.pull_threshold_size_for_queue = 100
        self.poll_timeout_millis = 1000 * 5
        self.topic_metadata_check_interval_millis = 30 * 1000
        self.consume_from_where = ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET
        self.consume_timestamp = time.strftime("%Y%m%d%H%M%S", time.localtime(time.time() - 1800))
        self.max_reconsume_times = 16
        self.default_lite_pull_consumer_impl = DefaultLitePullConsumerImpl(self, rpc_hook)

    def start(self) -> None:
        self.consumer_group = self.with_namespace(self.consumer_group)
        self.default_lite_pull_consumer_impl.start()

    def shutdown(self) -> None:
        self.default_lite_pull_consumer_impl.shutdown()

    def is_running(self) -> bool:
        return self.default_lite_pull_consumer_impl.service_state.name == "RUNNING"

    def subscribe(self, topic: str, sub_expression: Any = "*") -> None:
        self.default_lite_pull_consumer_impl.subscribe(
            self.with_namespace(topic), getattr(sub_expression, "expression", sub_expression),
            getattr(sub_expression, "expression_type", None))

    def unsubscribe(self, topic: str) -> None:
        self.default_lite_pull_consumer_impl.unsubscribe(self.with_namespace(topic))

    def assign(self, mqs: Iterable[Any]) -> None:
        self.default_lite_pull_consumer_impl.assign(self.queue_with_namespace(mq) for mq in mqs)

    def set_sub_expression_for_assign(self, topic: str, sub_expression: str) -> None:
        self.default_lite_pull_consumer_impl.topic_to_sub_expression[
            self.with_namespace(topic)] = sub_expression

    def poll(self, timeout: int | None = None) -> list[Any]:
        return self.default_lite_pull_consumer_impl.poll(
            self.poll_timeout_millis if timeout is None else timeout)

    def seek(self, mq: Any, offset: int) -> None:
        self.default_lite_pull_consumer_impl.seek(self.queue_with_namespace(mq), offset)

    def seek_to_begin(self, mq: Any) -> None:
        self.default_lite_pull_consumer_impl.seek_to_begin(self.queue_with_namespace(mq))

    def seek_to_end(self, mq: Any) -> None:
        self.default_lite_pull_consumer_impl.seek_to_end(self.queue_with_namespace(mq))

    def pause(self, mqs: Iterable[Any]) -> None:
        self.default_lite_pull_consumer_impl.pause(self.queue_with_namespace(mq) for mq in mqs)

    def resume(self, mqs: Iterable[Any]) -> None:
        self.default_lite_pull_consumer_impl.resume(self.queue_with_namespace(mq) for mq in mqs)

    def fetch_message_queues(self, topic: str) -> set[Any]:
        return self.default_lite_pull_consumer_impl.fetch_subscribe_message_queues(
            self.with_namespace(topic))

    def offset_for_timestamp(self, mq: Any, timestamp: int) -> int:
        return self.default_lite_pull_consumer_impl.offset_for_timestamp(
            self.queue_with_namespace(mq), timestamp)

    def commit_sync(self, offset_map: dict[Any, int] | None = None, persist: bool = False) -> None:
        self.default_lite_pull_consumer_impl.commit_sync(offset_map, persist)

    def committed(self, mq: Any) -> int:
        return self.default_lite_pull_consumer_impl.committed(self.queue_with_namespace(mq))

    def assignment(self) -> set[Any]:
        return self.default_lite_pull_consumer_impl.assignment()

    def set_auto_commit(self, auto_commit: bool) -> None:
        self.auto_commit = auto_commit

    def set_pull_batch_size(self, n: int) -> None:
        self.pull_batch_size = n

    def set_pull_thread_nums(self, n: int) -> None:
        self.pull_thread_nums = n

    def set_consume_from_where(self, where: ConsumeFromWhere) -> None:
        self.consume_from_where = where

    def set_message_model(self, model: MessageModel) -> None:
        self.message_model = model

    def set_poll_timeout_millis(self, ms: int) -> None:
        self.poll_timeout_millis = ms

    def set_auto_commit_interval_millis(self, ms: int) -> None:
        self.auto_commit_interval_millis = max(ms, 1000)
