"""DefaultMQPushConsumer: the public push consumer (Java ``client.consumer.DefaultMQPushConsumer``;
books A3.1.1, A3.1.3, A11.1.1, B5.2).

    consumer = DefaultMQPushConsumer("cg")
    consumer.set_namesrv_addr("127.0.0.1:9876")
    consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
    consumer.subscribe("TopicTest", "TagA || TagB")
    consumer.register_message_listener(lambda msgs, ctx: ConsumeConcurrentlyStatus.CONSUME_SUCCESS)
    consumer.start()

Settings keep Java's names and 4.9.8 defaults (pull batch 32, 20 consume threads, flow control at
1000 messages / 100 MiB per queue or an offset span of 2000, ...).
"""
from __future__ import annotations

import time
from typing import Any

from rocketmq_ref.client.client_config import ClientConfig
from rocketmq_ref.client.consumer.listener import as_listener
from rocketmq_ref.client.consumer.message_selector import MessageSelector
from rocketmq_ref.client.consumer.rebalance.allocate_message_queue_averagely import \
    AllocateMessageQueueAveragely
from rocketmq_ref.client.impl.consumer.default_mq_push_consumer_impl import \
    DefaultMQPushConsumerImpl
from rocketmq_ref.common import mixall
from rocketmq_ref.common.protocol.heartbeat import ConsumeFromWhere, MessageModel


class DefaultMQPushConsumer(ClientConfig):
    def __init__(self, consumer_group: str = mixall.DEFAULT_CONSUMER_GROUP, rpc_hook: Any = None,
                 allocate_message_queue_strategy: Any = None, namespace: str | None = None,
                 enable_msg_trace: bool = False, custom_trace_topic: str | None = None) -> None:
        ClientConfig.__init__(self)
        self.consumer_group = consumer_group
        self.namespace = namespace
        self.message_model = MessageModel.CLUSTERING
        self.consume_from_where = ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET
        self.consume_timestamp = time.strftime("%Y%m%d%H%M%S",
                                               time.localtime(time.time() - 30 * 60))
        self.allocate_message_queue_strategy = (allocate_message_queue_strategy
                                                or AllocateMessageQueueAveragely())
        self.subscription: dict[str, str] = {}
        self.message_listener: Any = None
        self.offset_store: Any = None
        self.consume_thread_min = 20
        self.consume_thread_max = 20
        self.adjust_thread_pool_nums_threshold = 100000
        self.consume_concurrently_max_span = 2000
        self.pull_threshold_for_queue = 1000
        self.pull_threshold_size_for_queue = 100
        self.pull_threshold_for_topic = -1
        self.pull_threshold_size_for_topic = -1
        self.pull_interval = 0
        self.consume_message_batch_max_size = 1
        self.pull_batch_size = 32
        self.post_subscription_when_pull = False
        self.unit_mode = False
        self.max_reconsume_times = -1
        self.suspend_current_queue_time_millis = 1000
        self.consume_timeout = 15
        self.await_termination_millis_when_shutdown = 0
        self.default_mq_push_consumer_impl = DefaultMQPushConsumerImpl(self, rpc_hook)
        self.trace_dispatcher = _msg_trace().push_consumer_trace_dispatcher(
            self, rpc_hook, custom_trace_topic) if enable_msg_trace else None  # message trace (4.4+)

    # -- life cycle ----------------------------------------------------------------------------------
    def start(self) -> None:
        self.consumer_group = self.with_namespace(self.consumer_group)
        self.default_mq_push_consumer_impl.start()
        if self.trace_dispatcher is not None:
            self.trace_dispatcher.start_for(self)

    def shutdown(self) -> None:
        self.default_mq_push_consumer_impl.shutdown(self.await_termination_millis_when_shutdown)
        if self.trace_dispatcher is not None:
            self.trace_dispatcher.shutdown()

    # -- subscription and listener -------------------------------------------------------------------
    def subscribe(self, topic: str, sub_expression: Any = "*") -> None:
        """``sub_expression`` is ``*``, ``TagA || TagB`` or a ``MessageSelector`` (``by_tag`` or
        ``by_sql``; SQL92 needs ``enablePropertyFilter=true`` on the broker)."""
        topic = self.with_namespace(topic)
        if isinstance(sub_expression, MessageSelector):
            self.default_mq_push_consumer_impl.subscribe(topic, sub_expression.expression,
                                                         sub_expression.expression_type)
            return
        self.subscription[topic] = sub_expression
        self.default_mq_push_consumer_impl.subscribe(topic, sub_expression)

    def unsubscribe(self, topic: str) -> None:
        topic = self.with_namespace(topic)
        self.subscription.pop(topic, None)
        self.default_mq_push_consumer_impl.unsubscribe(topic)

    def register_message_listener(self, listener: Any) -> None:
        """A ``MessageListenerConcurrently`` or a function ``(msgs, context) -> status``."""
        self.message_listener = as_listener(listener)
        self.default_mq_push_consumer_impl.register_message_listener(self.message_listener)

    def register_consume_message_hook(self, hook: Any) -> None:
        """A ``ConsumeMessageHook`` run around every listener call."""
        self.default_mq_push_consumer_impl.register_consume_message_hook(hook)

    def suspend(self) -> None:
        self.default_mq_push_consumer_impl.suspend()

    def resume(self) -> None:
        self.default_mq_push_consumer_impl.resume()

    def send_message_back(self, msg: Any, delay_level: int, broker_name: str | None = None) -> None:
        msg.topic = self.with_namespace(msg.topic)
        self.default_mq_push_consumer_impl.send_message_back(msg, delay_level, broker_name)

    def fetch_subscribe_message_queues(self, topic: str) -> set[Any]:
        return self.default_mq_push_consumer_impl.fetch_subscribe_message_queues(
            self.with_namespace(topic))

    # -- setters (Java names) ------------------------------------------------------------------------
    def set_consume_from_where(self, where: ConsumeFromWhere) -> None:
        self.consume_from_where = where

    def set_consume_timestamp(self, timestamp: str) -> None:
        self.consume_timestamp = timestamp

    def set_message_model(self, model: MessageModel) -> None:
        self.message_model = model

    def set_allocate_message_queue_strategy(self, strategy: Any) -> None:
        self.allocate_message_queue_strategy = strategy

    def set_consume_thread_min(self, n: int) -> None:
        self.consume_thread_min = n

    def set_consume_thread_max(self, n: int) -> None:
        self.consume_thread_max = n

    def set_consume_concurrently_max_span(self, n: int) -> None:
        self.consume_concurrently_max_span = n

    def set_pull_threshold_for_queue(self, n: int) -> None:
        self.pull_threshold_for_queue = n

    def set_pull_threshold_size_for_queue(self, n: int) -> None:
        self.pull_threshold_size_for_queue = n

    def set_pull_threshold_for_topic(self, n: int) -> None:
        self.pull_threshold_for_topic = n

    def set_pull_threshold_size_for_topic(self, n: int) -> None:
        self.pull_threshold_size_for_topic = n

    def set_pull_interval(self, ms: int) -> None:
        self.pull_interval = ms

    def set_pull_batch_size(self, n: int) -> None:
        self.pull_batch_size = n

    def set_consume_message_batch_max_size(self, n: int) -> None:
        self.consume_message_batch_max_size = n

    def set_max_reconsume_times(self, n: int) -> None:
        self.max_reconsume_times = n

    def set_consume_timeout(self, minutes: int) -> None:
        self.consume_timeout = minutes

    def set_post_subscription_when_pull(self, value: bool) -> None:
        self.post_subscription_when_pull = value

    def set_offset_store(self, store: Any) -> None:
        self.offset_store = store

    def get_consumer_group(self) -> str:
        return self.consumer_group


def _msg_trace() -> Any:
    from rocketmq_ref.client.trace import msg_trace_setup  # imported late: it imports the client

    return msg_trace_setup
