"""DefaultMQPullConsumerImpl: the pull consumer engine -- the application picks queues and offsets,
the client only pulls (Java ``client.impl.consumer.DefaultMQPullConsumerImpl``; books A3.1.4, A7.3.2).

It is also the base of ``DefaultLitePullConsumerImpl``: registration with the MQClientInstance, the
offset store, and ``pull_sync_impl`` (one synchronous PULL_MESSAGE, optionally held by the broker).
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from rocketmq_ref.client import validators
from rocketmq_ref.client.consumer.store.offset_store import ReadOffsetType
from rocketmq_ref.client.exception import MQClientException
from rocketmq_ref.client.impl.consumer.mq_consumer_inner import MQConsumerInner, build_retry_message
from rocketmq_ref.client.impl.consumer.pull_api_wrapper import pull_span
from rocketmq_ref.client.impl.consumer.rebalance_lite_pull_impl import RebalancePullImpl
from rocketmq_ref.client.impl.factory.mq_client_instance import ServiceState
from rocketmq_ref.client.impl.mq_client_api_impl import CommunicationMode
from rocketmq_ref.common import mixall
from rocketmq_ref.common.filter_api import FilterAPI
from rocketmq_ref.common.protocol.heartbeat import ConsumeFromWhere, ConsumeType
from rocketmq_ref.common.sysflag import PullSysFlag
from rocketmq_ref.common.tracing import record_error

log = logging.getLogger("rocketmq_ref.client")


class DefaultMQPullConsumerImpl(MQConsumerInner):
    rebalance_class: type = RebalancePullImpl

    def __init__(self, consumer: Any, rpc_hook: Any = None) -> None:
        self.consumer = consumer
        self.rpc_hook = rpc_hook
        self.rebalance_impl = self.rebalance_class(self)
        self.service_state = ServiceState.CREATE_JUST
        self.mq_client_factory: Any = None
        self.pull_api_wrapper: Any = None
        self.offset_store: Any = None
        self.message_queue_listener: Any = None
        self._lock = threading.Lock()

    # -- MQConsumerInner -----------------------------------------------------------------------------
    def consume_type(self) -> Any:
        return ConsumeType.CONSUME_ACTIVELY

    def consume_from_where(self) -> Any:
        return ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET

    def do_rebalance(self) -> None:
        self.rebalance_impl.do_rebalance(False)

    def persist_consumer_offset(self) -> None:
        if self.service_state is ServiceState.SHUTDOWN_ALREADY:
            return  # the timer raced ``shutdown``, which persists them itself (Java flips the state last)
        try:
            self.make_sure_state_ok()
            mqs = set(self.rebalance_impl.process_queue_table) | self.extra_persist_queues()
            self.offset_store.persist_all(mqs)
        except Exception as e:  # noqa: BLE001
            log.error("group: %s persistConsumerOffset exception: %s", self.group_name(), e)

    def extra_persist_queues(self) -> set[Any]:
        return set(self.offset_store.clone_offset_table()) if self.offset_store else set()

    # -- life cycle ----------------------------------------------------------------------------------
    def start(self) -> None:
        if self.service_state is not ServiceState.CREATE_JUST:
            raise MQClientException(f"The PullConsumer service state not OK, maybe started once, "
                                    f"{self.service_state.name}")
        self.service_state = ServiceState.START_FAILED
        conf = self.consumer
        validators.check_group(conf.consumer_group)
        if conf.consumer_group == mixall.DEFAULT_CONSUMER_GROUP:
            raise MQClientException(f"consumerGroup can not equal {mixall.DEFAULT_CONSUMER_GROUP}, "
                                    f"please specify another one.")
        self.copy_subscription()
        factory = self.attach_client_instance()
        if not factory.register_consumer(conf.consumer_group, self):
            self.service_state = ServiceState.CREATE_JUST
            raise MQClientException(f"The consumer group[{conf.consumer_group}] has been created "
                                    f"before, specify another name please.")
        try:
            factory.start()
        except Exception:
            factory.unregister_consumer(conf.consumer_group)
            self.service_state = ServiceState.CREATE_JUST
            raise
        self.service_state = ServiceState.RUNNING
        self.after_start()

    def after_start(self) -> None:
        for topic in list(self.rebalance_impl.subscription_inner):
            self.mq_client_factory.update_topic_route_info_from_name_server(topic)

    def copy_subscription(self) -> None:
        for topic in getattr(self.consumer, "register_topics", ()):
            self.rebalance_impl.subscription_inner[topic] = FilterAPI.build_subscription_data(
                topic, "*")

    def shutdown(self) -> None:
        with self._lock:
            if self.service_state is not ServiceState.RUNNING:
                return
            self.service_state = ServiceState.SHUTDOWN_ALREADY
        self.before_shutdown()
        self.persist_consumer_offset_final()
        self.mq_client_factory.unregister_consumer(self.group_name())
        self.mq_client_factory.shutdown()
        self.after_shutdown()
        log.info("the consumer [%s] shutdown OK", self.group_name())

    def persist_consumer_offset_final(self) -> None:
        try:
            mqs = set(self.rebalance_impl.process_queue_table) | self.extra_persist_queues()
            self.offset_store.persist_all(mqs)
        except Exception as e:  # noqa: BLE001
            log.error("persist offsets at shutdown failed: %s", e)

    def before_shutdown(self) -> None:
        pass

    def after_shutdown(self) -> None:
        self.rebalance_impl.destroy()

    # -- pulls ---------------------------------------------------------------------------------------
    def pull_sync_impl(self, mq: Any, subscription_data: Any, offset: int, max_nums: int,
                       block: bool, timeout: int) -> Any:
        """One synchronous PULL_MESSAGE (Java ``pullSyncImpl``): ``block`` lets the broker hold it."""
        self.make_sure_state_ok()
        if mq is None:
            raise MQClientException("mq is null")
        if offset < 0:
            raise MQClientException("offset < 0")
        if max_nums <= 0:
            raise MQClientException("maxNums <= 0")
        sys_flag = PullSysFlag.build_sys_flag(False, block, True, False)
        conf = self.consumer
        timeout_millis = conf.consumer_timeout_millis_when_suspend if block else timeout
        with pull_span(mq, self.group_name(), offset) as s:
            try:
                result = self.pull_api_wrapper.pull_kernel_impl(
                    mq, subscription_data.sub_string, getattr(subscription_data, "expression_type",
                                                             "TAG"),
                    0, offset, max_nums, sys_flag, 0, conf.broker_suspend_max_time_millis,
                    timeout_millis, CommunicationMode.SYNC, None)
            except Exception as e:
                record_error(s, e)
                raise
            result = self.pull_api_wrapper.process_pull_result(mq, result, subscription_data)
            if s.is_recording():
                s.set_attribute("rocketmq_ref.pull.status", result.pull_status.name)
                s.set_attribute("messaging.batch.message_count", len(result.msg_found_list))
            return result

    def pull(self, mq: Any, sub_expression: str, offset: int, max_nums: int,
             timeout: int | None = None, block: bool = False) -> Any:
        sd = FilterAPI.build_subscription_data(mq.topic, sub_expression or "*")
        return self.pull_sync_impl(mq, sd, offset, max_nums, block,
                                   self.consumer.consumer_pull_timeout_millis
                                   if timeout is None else timeout)

    # -- offsets -------------------------------------------------------------------------------------
    def update_consume_offset(self, mq: Any, offset: int) -> None:
        self.make_sure_state_ok()
        self.offset_store.update_offset(mq, offset, False)

    def fetch_consume_offset(self, mq: Any, from_store: bool) -> int:
        self.make_sure_state_ok()
        return self.offset_store.read_offset(
            mq, ReadOffsetType.READ_FROM_STORE if from_store else ReadOffsetType.MEMORY_FIRST_THEN_STORE)

    def fetch_subscribe_message_queues(self, topic: str) -> set[Any]:
        self.make_sure_state_ok()
        return self.mq_client_factory.mq_admin_impl.fetch_subscribe_message_queues(topic)

    def fetch_message_queues_in_balance(self, topic: str) -> set[Any]:
        self.make_sure_state_ok()
        return {mq for mq in self.rebalance_impl.process_queue_table if mq.topic == topic}

    def send_message_back(self, msg: Any, delay_level: int, broker_name: str | None,
                          consumer_group: str | None = None) -> None:
        """CONSUMER_SEND_MSG_BACK for a pulled message; falls back to a new ``%RETRY%`` message."""
        group = consumer_group or self.group_name()
        try:
            addr = (self.mq_client_factory.find_broker_address_in_publish(broker_name)
                    if broker_name else f"{msg.store_host[0]}:{msg.store_host[1]}")
            self.mq_client_factory.mq_client_api_impl.consumer_send_message_back(
                addr, broker_name, msg, group, delay_level, 3000, self.consumer.max_reconsume_times)
        except Exception as e:  # noqa: BLE001
            log.error("sendMessageBack Exception, %s: %s", group, e)
            self.mq_client_factory.default_mq_producer.send(build_retry_message(
                msg, group, self.consumer.max_reconsume_times))
