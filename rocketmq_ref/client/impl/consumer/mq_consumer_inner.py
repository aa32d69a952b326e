"""MQConsumerInner: what MQClientInstance asks of every consumer (Java
``client.impl.consumer.MQConsumerInner``; book A11.3.2), with the parts push and pull consumers share:
the group, the subscriptions for heartbeats, route updates, state checks and the message a failed
send-back becomes.
"""
from __future__ import annotations

from typing import Any

from rocketmq_ref.client.exception import MQClientException
from rocketmq_ref.common import mixall
from rocketmq_ref.common.message import Message
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.protocol.heartbeat import MessageModel


class MQConsumerInner:
    consumer: Any
    rebalance_impl: Any
    service_state: Any
    mq_client_factory: Any
    pull_api_wrapper: Any
    offset_store: Any

    def group_name(self) -> str:
        return self.consumer.consumer_group

    def message_model(self) -> Any:
        return self.consumer.message_model

    def subscriptions(self) -> list[Any]:
        return list(self.rebalance_impl.subscription_inner.values())

    def is_unit_mode(self) -> bool:
        return self.consumer.unit_mode

    def update_topic_subscribe_info(self, topic: str, info: set[Any]) -> None:
        if topic in self.rebalance_impl.subscription_inner:
            self.rebalance_impl.topic_subscribe_info_table[topic] = info

    def is_subscribe_topic_need_update(self, topic: str) -> bool:
        return topic in self.rebalance_impl.subscription_inner and \
            topic not in self.rebalance_impl.topic_subscribe_info_table

    def attach_client_instance(self) -> Any:
        """The start-up steps push and pull consumers share (Java ``start``, books B5.3, A3.1.5):
        ``pid#nanoTime`` instance name for clustering, the shared MQClientInstance, the rebalance
        settings, the PullAPIWrapper and the offset store (remote for clustering, a local file for
        broadcasting), loaded."""
        from rocketmq_ref.client.consumer.store.local_file_offset_store import LocalFileOffsetStore
        from rocketmq_ref.client.consumer.store.remote_broker_offset_store import \
            RemoteBrokerOffsetStore
        from rocketmq_ref.client.impl.consumer.pull_api_wrapper import PullAPIWrapper
        from rocketmq_ref.client.impl.mq_client_manager import MQClientManager

        conf = self.consumer
        if conf.message_model == MessageModel.CLUSTERING:
            conf.change_instance_name_to_pid()
        factory = MQClientManager.get_instance().get_or_create_mq_client_instance(
            conf, getattr(self, "rpc_hook", None))
        self.mq_client_factory = factory
        ri = self.rebalance_impl
        ri.consumer_group = conf.consumer_group
        ri.message_model = conf.message_model
        ri.allocate_message_queue_strategy = conf.allocate_message_queue_strategy
        ri.mq_client_factory = factory
        self.pull_api_wrapper = PullAPIWrapper(factory, conf.consumer_group, conf.unit_mode)
        if conf.offset_store is not None:
            self.offset_store = conf.offset_store
        elif conf.message_model == MessageModel.BROADCASTING:
            self.offset_store = LocalFileOffsetStore(factory, conf.consumer_group)
        else:
            self.offset_store = RemoteBrokerOffsetStore(factory, conf.consumer_group)
        conf.offset_store = self.offset_store
        self.offset_store.load()
        return factory

    def make_sure_state_ok(self) -> None:
        if self.service_state.name != "RUNNING":
            raise MQClientException(f"The consumer service state not OK, {self.service_state.name}")


def build_retry_message(msg: Any, consumer_group: str, max_reconsume_times: int) -> Message:
    """The new ``%RETRY%group`` message a consumer sends when CONSUMER_SEND_MSG_BACK failed
    (Java ``sendMessageBack`` fallback; book B5.6.2)."""
    new_msg = Message(mixall.get_retry_topic(consumer_group), msg.body,
                      properties=dict(msg.properties))
    new_msg.flag = msg.flag
    props = new_msg.properties
    props[mc.PROPERTY_ORIGIN_MESSAGE_ID] = msg.get_property(mc.PROPERTY_ORIGIN_MESSAGE_ID) or msg.msg_id
    props[mc.PROPERTY_RETRY_TOPIC] = msg.topic
    props[mc.PROPERTY_RECONSUME_TIME] = str(msg.reconsume_times + 1)
    props[mc.PROPERTY_MAX_RECONSUME_TIMES] = str(max_reconsume_times)
    props.pop(mc.PROPERTY_TRANSACTION_PREPARED, None)
    props[mc.PROPERTY_DELAY_TIME_LEVEL] = str(3 + msg.reconsume_times)
    return new_msg
