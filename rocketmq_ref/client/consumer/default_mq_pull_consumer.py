"""DefaultMQPullConsumer: the application chooses queues and offsets and pulls itself
(Java ``client.consumer.DefaultMQPullConsumer``; books A3.1.4, A7.3.2).

    consumer = DefaultMQPullConsumer("pull_group")
    consumer.set_namesrv_addr(addr); consumer.start()
    for mq in consumer.fetch_subscribe_message_queues("TopicTest"):
        result = consumer.pull_block_if_not_found(mq, "*", offset, 32)
"""
from __future__ import annotations

from typing import Any, Iterable

from rocketmq_ref.client.client_config import ClientConfig
from rocketmq_ref.client.consumer.rebalance.allocate_message_queue_averagely import \
    AllocateMessageQueueAveragely
from rocketmq_ref.client.impl.consumer.default_mq_pull_consumer_impl import \
    DefaultMQPullConsumerImpl
from rocketmq_ref.common import mixall
from rocketmq_ref.common.protocol.heartbeat import MessageModel


class MessageQueueListener:
    """Java ``MessageQueueListener``: told the queues of a topic this consumer now owns."""

    def message_queue_changed(self, topic: str, mq_all: set[Any], mq_divided: set[Any]) -> None:
        pass


class DefaultMQPullConsumer(ClientConfig):
    def __init__(self, consumer_group: str = mixall.DEFAULT_CONSUMER_GROUP, rpc_hook: Any = None,
                 namespace: str | None = None) -> None:
        ClientConfig.__init__(self)
        self.consumer_group = consumer_group
        self.namespace = namespace
        self.broker_suspend_max_time_millis = 1000 * 20
        self.consumer_timeout_millis_when_suspend = 1000 * 30
        self.consumer_pull_timeout_millis = 1000 * 10
        self.message_model = MessageModel.CLUSTERING
        self.message_queue_listener: MessageQueueListener | None = None
        self.offset_store: Any = None
        self.register_topics: set[str] = set()
        self.allocate_message_queue_strategy: Any = AllocateMessageQueueAveragely()
        self.unit_mode = False
        self.max_reconsume_times = 16
        self.default_mq_pull_consumer_impl = DefaultMQPullConsumerImpl(self, rpc_hook)

    def start(self) -> None:
        self.consumer_group = self.with_namespace(self.consumer_group)
        self.default_mq_pull_consumer_impl.message_queue_listener = self.message_queue_listener
        self.default_mq_pull_consumer_impl.start()

    def shutdown(self) -> None:
        self.default_mq_pull_consumer_impl.shutdown()

    def fetch_subscribe_message_queues(self, topic: str) -> set[Any]:
        mqs = self.default_mq_pull_consumer_impl.fetch_subscribe_message_queues(
            self.with_namespace(topic))
        return {self._without_ns(mq) for mq in mqs}

    def _without_ns(self, mq: Any) -> Any:
        if not self.namespace:
            return mq
        return type(mq)(self.without_namespace(mq.topic), mq.broker_name, mq.queue_id)

    def pull(self, mq: Any, sub_expression: str, offset: int, max_nums: int,
             timeout: int | None = None) -> Any:
        """A pull the broker answers at once (PULL_NOT_FOUND -> NO_NEW_MSG)."""
        return self.default_mq_pull_consumer_impl.pull(self.queue_with_namespace(mq), sub_expression,
                                                       offset, max_nums, timeout, block=False)

    def pull_block_if_not_found(self, mq: Any, sub_expression: str, offset: int, max_nums: int
                                ) -> Any:
        """A pull the broker holds (long polling, up to ``brokerSuspendMaxTimeMillis``)."""
        return self.default_mq_pull_consumer_impl.pull(self.queue_with_namespace(mq), sub_expression,
                                                       offset, max_nums, None, block=True)

    def update_consume_offset(self, mq: Any, offset: int) -> None:
        self.default_mq_pull_consumer_impl.update_consume_offset(self.queue_with_namespace(mq), offset)

    def fetch_consume_offset(self, mq: Any, from_store: bool) -> int:
        return self.default_mq_pull_consumer_impl.fetch_consume_offset(self.queue_with_namespace(mq),
                                                                       from_store)

    def fetch_message_queues_in_balance(self, topic: str) -> set[Any]:
        return self.default_mq_pull_consumer_impl.fetch_message_queues_in_balance(
            self.with_namespace(topic))

    def send_message_back(self, msg: Any, delay_level: int, broker_name: str | None = None,
                          consumer_group: str | None = None) -> None:
        self.default_mq_pull_consumer_impl.send_message_back(msg, delay_level, broker_name,
                                                             consumer_group)

    def register_message_queue_listener(self, topic: str, listener: MessageQueueListener) -> None:
        self.register_topics.add(self.with_namespace(topic))
        self.message_queue_listener = listener

    def set_register_topics(self, topics: Iterable[str]) -> None:
        self.register_topics = {self.with_namespace(t) for t in topics}

    def set_message_model(self, model: MessageModel) -> None:
        self.message_model = model

    def set_broker_suspend_max_time_millis(self, ms: int) -> None:
        self.broker_suspend_max_time_millis = ms

    def set_consumer_pull_timeout_millis(self, ms: int) -> None:
        self.consumer_pull_timeout_millis = ms
