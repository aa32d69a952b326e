"""DefaultMQPushConsumerImpl: the push consumer engine (Java
``client.impl.consumer.DefaultMQPushConsumerImpl``; books A3.1.2, A3.1.3, A3.1.5, A11.1, B5.3, B5.4,
B5.6).

``pull_message`` is one turn of the pull loop for one queue: flow control (count, size, offset span:
re-queue after 50 ms), then an async PULL_MESSAGE that the broker may hold (long polling); the
callback caches what came back in the ProcessQueue, hands it to the consume service and queues the
next pull.  ``send_message_back`` returns a failed message to the broker's ``%RETRY%group`` topic.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

from rocketmq_ref.client import validators
from rocketmq_ref.client.consumer.pull_result import PullStatus
from rocketmq_ref.client.consumer.store.offset_store import ReadOffsetType
from rocketmq_ref.client.exception import MQBrokerException, MQClientException
from rocketmq_ref.client.consumer.listener import MessageListenerOrderly
from rocketmq_ref.client.impl.consumer.consume_message_concurrently_service import \
    ConsumeMessageConcurrentlyService
from rocketmq_ref.client.impl.consumer.consume_message_orderly_service import \
    ConsumeMessageOrderlyService
from rocketmq_ref.client.impl.consumer.pull_api_wrapper import pull_span
from rocketmq_ref.client.impl.consumer.mq_consumer_inner import MQConsumerInner, build_retry_message
from rocketmq_ref.client.impl.consumer.rebalance_push_impl import RebalancePushImpl
from rocketmq_ref.client.impl.factory.mq_client_instance import ServiceState
from rocketmq_ref.client.impl.mq_client_api_impl import CommunicationMode
from rocketmq_ref.common import fastjson, mixall
from rocketmq_ref.common.filter_api import FilterAPI
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.protocol.heartbeat import ConsumeType, MessageModel
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.sysflag import PullSysFlag
from rocketmq_ref.common.tracing import SpanKind, messaging_span, record_error, span

log = logging.getLogger("rocketmq_ref.client")

_JAVA = "org.apache.rocketmq.client.impl.consumer.DefaultMQPushConsumerImpl#"

PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL = 50
PULL_TIME_DELAY_MILLS_WHEN_SUSPEND = 1000
PULL_TIME_DELAY_MILLS_WHEN_BROKER_FLOW_CONTROL = 20
BROKER_SUSPEND_MAX_TIME_MILLIS = 1000 * 15
CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND = 1000 * 30


class DefaultMQPushConsumerImpl(MQConsumerInner):
    def __init__(self, default_mq_push_consumer: Any, rpc_hook: Any = None) -> None:
        self.default_mq_push_consumer = default_mq_push_consumer
        self.consumer = default_mq_push_consumer
        self.rpc_hook = rpc_hook
        self.rebalance_impl = RebalancePushImpl(self)
        self.service_state = ServiceState.CREATE_JUST
        self.mq_client_factory: Any = None
        self.pull_api_wrapper: Any = None
        self.offset_store: Any = None
        self.consume_message_service: ConsumeMessageConcurrentlyService | None = None
        self.message_listener_inner: Any = None
        self.pause = False
        self.consume_orderly = False
        self.queue_flow_control_times = 0
        self.queue_max_span_flow_control_times = 0
        self.consumer_start_timestamp = int(time.time() * 1000)
        self.consume_message_hook_list: list[Any] = []
        self._lock = threading.Lock()

    # -- MQConsumerInner -----------------------------------------------------------------------------
    def consume_type(self) -> Any:
        return ConsumeType.CONSUME_PASSIVELY

    def consume_from_where(self) -> Any:
        return self.default_mq_push_consumer.consume_from_where

    def do_rebalance(self) -> None:
        if not self.pause:
            self.rebalance_impl.do_rebalance(self.consume_orderly)

    def persist_consumer_offset(self) -> None:
        if self.service_state is ServiceState.SHUTDOWN_ALREADY:
            return  # the timer raced ``shutdown``, which persists them itself (Java flips the state last)
        try:
            self.make_sure_state_ok()
            mqs = set(self.rebalance_impl.process_queue_table)
            self.offset_store.persist_all(mqs)
        except Exception as e:  # noqa: BLE001
            log.error("group: %s persistConsumerOffset exception: %s", self.group_name(), e)

    # -- life cycle ----------------------------------------------------------------------------------
    def start(self) -> None:
        """Java ``start`` (books A3.1.5, B5.3)."""
        if self.service_state is not ServiceState.CREATE_JUST:
            raise MQClientException(f"The PushConsumer service state not OK, maybe started once, "
                                    f"{self.service_state.name}")
        with span("DefaultMQPushConsumerImpl.start", java=_JAVA + "start", books=("B5.3", "A3.1.5"),
                  attributes={"messaging.consumer.group.name": self.group_name()}):
            self.service_state = ServiceState.START_FAILED
            conf = self.default_mq_push_consumer
            self.check_config()
            self.copy_subscription()
            factory = self.attach_client_instance()
            if isinstance(self.message_listener_inner, MessageListenerOrderly):
                self.consume_orderly = True
                self.consume_message_service = ConsumeMessageOrderlyService(
                    self, self.message_listener_inner)
            else:
                self.consume_orderly = False
                self.consume_message_service = ConsumeMessageConcurrentlyService(
                    self, self.message_listener_inner)
            self.consume_message_service.start()
            if not factory.register_consumer(conf.consumer_group, self):
                self.service_state = ServiceState.CREATE_JUST
                self.consume_message_service.shutdown()
                raise MQClientException(f"The consumer group[{conf.consumer_group}] has been "
                                        f"created before, specify another name please.")
            try:
                factory.start()
            except Exception:
                factory.unregister_consumer(conf.consumer_group)
                self.consume_message_service.shutdown()
                self.service_state = ServiceState.CREATE_JUST
                raise
            self.service_state = ServiceState.RUNNING
            self.update_topic_subscribe_info_when_subscription_changed()
            factory.check_client_in_broker()  # SQL92 compiled by the broker first (A7.1.3)
            factory.send_heartbeat_to_all_broker_with_lock()
            factory.rebalance_immediately()

    def check_config(self) -> None:
        """Java ``checkConfig``: group, listener and the ranges of the flow-control settings."""
        conf = self.default_mq_push_consumer
        validators.check_group(conf.consumer_group)
        if conf.consumer_group == mixall.DEFAULT_CONSUMER_GROUP:
            raise MQClientException(f"consumerGroup can not equal {mixall.DEFAULT_CONSUMER_GROUP}, "
                                    f"please specify another one.")
        if conf.message_model is None:
            raise MQClientException("messageModel is null")
        if conf.allocate_message_queue_strategy is None:
            raise MQClientException("allocateMessageQueueStrategy is null")
        if self.message_listener_inner is None:
            raise MQClientException("messageListener is null")
        checks = [("consumeThreadMin", conf.consume_thread_min, 1, 1000),
                  ("consumeThreadMax", conf.consume_thread_max, 1, 1000),
                  ("consumeConcurrentlyMaxSpan", conf.consume_concurrently_max_span, 1, 65535),
                  ("pullThresholdForQueue", conf.pull_threshold_for_queue, 1, 65535),
                  ("pullThresholdSizeForQueue", conf.pull_threshold_size_for_queue, 1, 1024),
                  ("pullInterval", conf.pull_interval, 0, 65535),
                  ("consumeMessageBatchMaxSize", conf.consume_message_batch_max_size, 1, 1024),
                  ("pullBatchSize", conf.pull_batch_size, 1, 1024)]
        for name, value, low, high in checks:
            if not low <= value <= high:
                raise MQClientException(f"{name} Out of range [{low}, {high}]")
        if conf.consume_thread_min > conf.consume_thread_max:
            raise MQClientException(f"consumeThreadMin ({conf.consume_thread_min}) is larger than "
                                    f"consumeThreadMax ({conf.consume_thread_max})")
        if conf.pull_threshold_for_topic != -1 and not 1 <= conf.pull_threshold_for_topic <= 6553500:
            raise MQClientException("pullThresholdForTopic Out of range [1, 6553500]")
        if conf.pull_threshold_size_for_topic != -1 and \
                not 1 <= conf.pull_threshold_size_for_topic <= 102400:
            raise MQClientException("pullThresholdSizeForTopic Out of range [1, 102400]")

    def copy_subscription(self) -> None:
        """The user's subscriptions plus ``%RETRY%group`` ``*`` for clustering (books B5.3, B5.6.2)."""
        conf = self.default_mq_push_consumer
        for topic, sub_string in conf.subscription.items():
            if topic not in self.rebalance_impl.subscription_inner:  # set through the map only
                self.rebalance_impl.subscription_inner[topic] = FilterAPI.build_subscription_data(
                    topic, sub_string)
        if conf.message_model == MessageModel.CLUSTERING:
            retry = mixall.get_retry_topic(conf.consumer_group)
            self.rebalance_impl.subscription_inner[retry] = FilterAPI.build_subscription_data(
                retry, "*")

    def update_topic_subscribe_info_when_subscription_changed(self) -> None:
        for topic in list(self.rebalance_impl.subscription_inner):
            self.mq_client_factory.update_topic_route_info_from_name_server(topic)

    def shutdown(self, await_terminate_millis: int = 0) -> None:
        """Java ``shutdown`` (book A3.1.5): stop consuming, persist offsets, unregister."""
        with self._lock:
            if self.service_state is not ServiceState.RUNNING:
                return
            self.service_state = ServiceState.SHUTDOWN_ALREADY
        with span("DefaultMQPushConsumerImpl.shutdown", java=_JAVA + "shutdown",
                  books=("A3.1.5", "B5.3"),
                  attributes={"messaging.consumer.group.name": self.group_name()}):
            if self.consume_message_service is not None:
                self.consume_message_service.shutdown(await_terminate_millis)
            mqs = set(self.rebalance_impl.process_queue_table)
            try:
                self.offset_store.persist_all(mqs)
            except Exception as e:  # noqa: BLE001
                log.error("persistConsumerOffset at shutdown failed: %s", e)
            self.mq_client_factory.unregister_consumer(self.group_name())
            self.mq_client_factory.shutdown()
            self.rebalance_impl.destroy()
            log.info("the consumer [%s] shutdown OK", self.group_name())

    def subscribe(self, topic: str, sub_expression: str, expression_type: str | None = None) -> None:
        """Java ``subscribe(topic, subExpression)`` / ``subscribe(topic, MessageSelector)``."""
        try:
            sd = FilterAPI.build(topic, sub_expression, expression_type)
        except ValueError as e:
            raise MQClientException("subscription exception", e) from e
        self.rebalance_impl.subscription_inner[topic] = sd
        if self.mq_client_factory is not None and self.service_state is ServiceState.RUNNING:
            self.mq_client_factory.send_heartbeat_to_all_broker_with_lock()

    def unsubscribe(self, topic: str) -> None:
        self.rebalance_impl.subscription_inner.pop(topic, None)

    def register_message_listener(self, listener: Any) -> None:
        self.message_listener_inner = listener

    def suspend(self) -> None:
        self.pause = True

    def resume(self) -> None:
        self.pause = False
        if self.mq_client_factory is not None:
            self.mq_client_factory.rebalance_immediately()

    # -- the pull loop -------------------------------------------------------------------------------
    def execute_pull_request_immediately(self, pull_request: Any) -> None:
        self.mq_client_factory.pull_message_service.execute_pull_request_immediately(pull_request)

    def execute_pull_request_later(self, pull_request: Any, time_delay_ms: float) -> None:
        self.mq_client_factory.pull_message_service.execute_pull_request_later(pull_request,
                                                                               time_delay_ms)

    def execute_task_later(self, fn: Any, time_delay_ms: float) -> None:
        self.mq_client_factory.pull_message_service.execute_task_later(fn, time_delay_ms)

    def _flow_controlled(self, pull_request: Any, reason: str, **attrs: Any) -> None:
        """Re-queue after 50 ms; one span per throttled pull (book A3.1.3)."""
        pq = pull_request.process_queue
        mq = pull_request.message_queue
        with span("DefaultMQPushConsumerImpl.flow_control", java=_JAVA + "pullMessage",
                  books=("A3.1.3", "B5.4.3"),
                  attributes={"messaging.destination.name": mq.topic,
                              "messaging.destination.partition.id": str(mq.queue_id),
                              "rocketmq_ref.flow_control.reason": reason,
                              "rocketmq_ref.cached_msg_count": pq.msg_count,
                              "rocketmq_ref.cached_msg_size_mib": pq.msg_size // (1024 * 1024),
                              **attrs}):
            self.execute_pull_request_later(pull_request, PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL)

    def pull_message(self, pull_request: Any) -> None:
        """Java ``pullMessage`` (books A3.1.3, B5.4.3)."""
        pq = pull_request.process_queue
        if pq.is_dropped():
            log.info("the pull request[%s] is dropped.", pull_request)
            return
        pq.last_pull_timestamp = int(time.time() * 1000)
        conf = self.default_mq_push_consumer
        delay_on_exception = self.mq_client_factory.client_config.pull_time_delay_mills_when_exception
        try:
            self.make_sure_state_ok()
        except MQClientException:
            self.execute_pull_request_later(pull_request, delay_on_exception)
            return
        if self.pause:
            self.execute_pull_request_later(pull_request, PULL_TIME_DELAY_MILLS_WHEN_SUSPEND)
            return
        cached_count = pq.msg_count
        cached_size_mib = pq.msg_size // (1024 * 1024)
        if cached_count > conf.pull_threshold_for_queue:
            self.queue_flow_control_times += 1
            if self.queue_flow_control_times % 1000 == 1:
                log.warning("the cached message count exceeds the threshold %d, so do flow control, "
                            "minOffset=%s, count=%d, size=%d MiB, pullRequest=%s",
                            conf.pull_threshold_for_queue, pq.first_offset(), cached_count,
                            cached_size_mib, pull_request)
            self._flow_controlled(pull_request, "count",
                                  **{"rocketmq_ref.threshold": conf.pull_threshold_for_queue})
            return
        if cached_size_mib > conf.pull_threshold_size_for_queue:
            self.queue_flow_control_times += 1
            self._flow_controlled(pull_request, "size",
                                  **{"rocketmq_ref.threshold": conf.pull_threshold_size_for_queue})
            return
        if not self.consume_orderly:
            if pq.get_max_span() > conf.consume_concurrently_max_span:
                self.queue_max_span_flow_control_times += 1
                self._flow_controlled(pull_request, "span",
                                      **{"rocketmq_ref.max_span": pq.get_max_span(),
                                         "rocketmq_ref.threshold": conf.consume_concurrently_max_span})
                return
        elif pq.is_locked():
            if not pull_request.previously_locked:
                # first pull since we got the lock: the offset may have moved under another owner
                try:
                    offset = self.rebalance_impl.compute_pull_from_where_with_exception(
                        pull_request.message_queue)
                except Exception as e:  # noqa: BLE001
                    log.warning("computePullFromWhereWithException failed: %s", e)
                    self.execute_pull_request_later(pull_request, delay_on_exception)
                    return
                pull_request.previously_locked = True
                pull_request.next_offset = offset
        else:
            self.execute_pull_request_later(pull_request, delay_on_exception)
            log.info("pull message later because not locked in broker, %s", pull_request)
            return
        mq = pull_request.message_queue
        sd = self.rebalance_impl.subscription_inner.get(mq.topic)
        if sd is None:
            self.execute_pull_request_later(pull_request, delay_on_exception)
            log.warning("find the consumer's subscription failed, %s", pull_request)
            return
        commit_offset_enable = False
        commit_offset_value = 0
        if conf.message_model == MessageModel.CLUSTERING:
            commit_offset_value = self.offset_store.read_offset(mq, ReadOffsetType.READ_FROM_MEMORY)
            if commit_offset_value > 0:
                commit_offset_enable = True
        sub_expression = None
        class_filter = bool(getattr(sd, "class_filter_mode", False))
        if conf.post_subscription_when_pull and not class_filter:
            sub_expression = sd.sub_string
        sys_flag = PullSysFlag.build_sys_flag(commit_offset_enable, True, sub_expression is not None,
                                              class_filter)
        callback = _PushPullCallback(self, pull_request, sd)
        with pull_span(mq, self.group_name(), pull_request.next_offset) as s:
            try:
                self.pull_api_wrapper.pull_kernel_impl(
                    mq, sub_expression, getattr(sd, "expression_type", "TAG"), sd.sub_version,
                    pull_request.next_offset, conf.pull_batch_size, sys_flag, commit_offset_value,
                    BROKER_SUSPEND_MAX_TIME_MILLIS, CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND,
                    CommunicationMode.ASYNC, callback)
            except Exception as e:  # noqa: BLE001
                log.error("pullKernelImpl exception: %s", e)
                record_error(s, e)
                self.execute_pull_request_later(pull_request, delay_on_exception)

    # -- consume hooks (Java ConsumeMessageHook) -----------------------------------------------------
    def register_consume_message_hook(self, hook: Any) -> None:
        self.consume_message_hook_list.append(hook)

    def has_hook(self) -> bool:
        return bool(self.consume_message_hook_list)

    def execute_hook_before(self, context: Any) -> None:
        for hook in self.consume_message_hook_list:
            try:
                hook.consume_message_before(context)
            except Exception:  # noqa: BLE001
                log.warning("consumeMessageHook %s executeHookBefore exception", hook, exc_info=True)

    def execute_hook_after(self, context: Any) -> None:
        for hook in self.consume_message_hook_list:
            try:
                hook.consume_message_after(context)
            except Exception:  # noqa: BLE001
                log.warning("consumeMessageHook %s executeHookAfter exception", hook, exc_info=True)

    def reset_retry_and_namespace(self, msgs: Any) -> None:
        """Messages consumed from ``%RETRY%group`` get their original topic back (RETRY_TOPIC);
        namespaces are stripped (Java ``resetRetryAndNamespace``)."""
        conf = self.default_mq_push_consumer
        retry_topic = mixall.get_retry_topic(conf.consumer_group)
        for msg in msgs:
            origin = msg.get_property(mc.PROPERTY_RETRY_TOPIC)
            if origin is not None and msg.topic == retry_topic:
                msg.topic = origin
            if conf.namespace:
                msg.topic = conf.without_namespace(msg.topic)

    def correct_tags_offset(self, pull_request: Any) -> None:
        if pull_request.process_queue.msg_count == 0:
            self.offset_store.update_offset(pull_request.message_queue, pull_request.next_offset, True)

    # -- send back -----------------------------------------------------------------------------------
    def send_message_back(self, msg: Any, delay_level: int, broker_name: str | None) -> None:
        """CONSUMER_SEND_MSG_BACK; if it fails, a new message to ``%RETRY%group`` through the inner
        producer (Java ``sendMessageBack``; book B5.6.2)."""
        conf = self.default_mq_push_consumer
        with messaging_span("settle", msg.topic, SpanKind.CLIENT,
                            java=_JAVA + "sendMessageBack", books=("B5.6.2",),
                            attributes={"messaging.consumer.group.name": conf.consumer_group,
                                        "messaging.message.id": msg.msg_id or "",
                                        "messaging.rocketmq.message.reconsume_times":
                                            msg.reconsume_times,
                                        "rocketmq_ref.delay_level": delay_level,
                                        "rocketmq_ref.settle": "send_back"}) as s:
            try:
                if broker_name:
                    addr = self.mq_client_factory.find_broker_address_in_publish(broker_name)
                else:
                    addr = f"{msg.store_host[0]}:{msg.store_host[1]}"
                if addr is None:
                    raise MQClientException(f"The broker[{broker_name}] not exist")
                self.mq_client_factory.mq_client_api_impl.consumer_send_message_back(
                    addr, broker_name, msg, conf.consumer_group, delay_level, 5000,
                    self.get_max_reconsume_times())
            except Exception as e:  # noqa: BLE001
                log.error("sendMessageBack Exception, %s: %s", conf.consumer_group, e)
                record_error(s, e)
                if s.is_recording():
                    s.set_attribute("rocketmq_ref.settle", "resend_to_retry_topic")
                self.mq_client_factory.default_mq_producer.send(build_retry_message(
                    msg, conf.consumer_group, self.get_max_reconsume_times()))
            finally:
                msg.topic = conf.without_namespace(msg.topic)

    def get_max_reconsume_times(self) -> int:
        value = self.default_mq_push_consumer.max_reconsume_times
        return 16 if value == -1 else value

    # -- admin views ---------------------------------------------------------------------------------
    def update_consume_offset(self, mq: Any, offset: int) -> None:
        self.offset_store.update_offset(mq, offset, False)

    def fetch_subscribe_message_queues(self, topic: str) -> set[Any]:
        self.make_sure_state_ok()
        info = self.rebalance_impl.topic_subscribe_info_table.get(topic)
        if info is None:
            self.mq_client_factory.update_topic_route_info_from_name_server(topic)
            info = self.rebalance_impl.topic_subscribe_info_table.get(topic)
        if info is None:
            raise MQClientException(f"The topic[{topic}] not exist")
        return set(info)

    def consumer_running_info(self) -> dict[str, Any]:
        """Java ``consumerRunningInfo``: settings, subscriptions and each queue's cache."""
        conf = self.default_mq_push_consumer
        # Java: MixAll.object2Properties(defaultMQPushConsumer), its own scalar fields by name
        props = {java: str(value).lower() if isinstance(value, bool) else str(value)
                 for java, value in (
                     ("consumerGroup", conf.consumer_group),
                     ("messageModel", conf.message_model.name),
                     ("consumeFromWhere", conf.consume_from_where.name),
                     ("consumeTimestamp", conf.consume_timestamp),
                     ("consumeThreadMin", conf.consume_thread_min),
                     ("consumeThreadMax", conf.consume_thread_max),
                     ("adjustThreadPoolNumsThreshold", conf.adjust_thread_pool_nums_threshold),
                     ("consumeConcurrentlyMaxSpan", conf.consume_concurrently_max_span),
                     ("pullThresholdForQueue", conf.pull_threshold_for_queue),
                     ("pullThresholdSizeForQueue", conf.pull_threshold_size_for_queue),
                     ("pullThresholdForTopic", conf.pull_threshold_for_topic),
                     ("pullThresholdSizeForTopic", conf.pull_threshold_size_for_topic),
                     ("pullInterval", conf.pull_interval),
                     ("consumeMessageBatchMaxSize", conf.consume_message_batch_max_size),
                     ("pullBatchSize", conf.pull_batch_size),
                     ("postSubscriptionWhenPull", conf.post_subscription_when_pull),
                     ("unitMode", conf.unit_mode),
                     ("maxReconsumeTimes", conf.max_reconsume_times),
                     ("suspendCurrentQueueTimeMillis", conf.suspend_current_queue_time_millis),
                     ("consumeTimeout", conf.consume_timeout))}
        props.update({"PROP_CONSUMEORDERLY": str(self.consume_orderly).lower(),
                      "PROP_THREADPOOL_CORE_SIZE": str(conf.consume_thread_min),
                      "PROP_CONSUMER_START_TIMESTAMP": str(self.consumer_start_timestamp),
                      "PROP_CONSUME_TYPE": "CONSUME_PASSIVELY",
                      "PROP_NAMESERVER_ADDR": conf.namesrv_addr or ""})
        mq_table = {}
        for mq, pq in list(self.rebalance_impl.process_queue_table.items()):
            mq_table[fastjson.FrozenDict(mq.to_json_value())] = {
                "commitOffset": self.offset_store.read_offset(mq, ReadOffsetType.READ_FROM_MEMORY),
                "cachedMsgMinOffset": pq.first_offset() or 0,
                "cachedMsgMaxOffset": pq.queue_offset_max, "cachedMsgCount": pq.msg_count,
                "cachedMsgSizeInMiB": pq.msg_size // (1024 * 1024), "droped": pq.is_dropped(),
                "lastPullTimestamp": pq.last_pull_timestamp,
                "lastConsumeTimestamp": pq.last_consume_timestamp}
        return {"jstack": "", "mqTable": mq_table, "properties": props,
                "statusTable": self.mq_client_factory.consumer_stats_manager.status_table(
                    self.group_name(), [sd.topic for sd in self.subscriptions()]),
                "subscriptionSet": [sd.to_json_value() if hasattr(sd, "to_json_value") else str(sd)
                                    for sd in self.subscriptions()]}


class _PushPullCallback:
    """Java's anonymous ``PullCallback`` in ``pullMessage`` (book B5.4.3)."""

    def __init__(self, impl: DefaultMQPushConsumerImpl, pull_request: Any, sd: Any) -> None:
        self.impl = impl
        self.pull_request = pull_request
        self.sd = sd
        self.begin_timestamp = time.time()

    def on_success(self, pull_result: Any) -> None:
        impl = self.impl
        request = self.pull_request
        mq = request.message_queue
        pq = request.process_queue
        try:
            result = impl.pull_api_wrapper.process_pull_result(mq, pull_result, self.sd)
        except Exception as e:  # noqa: BLE001 - undecodable records: treat as an exception
            self.on_exception(e)
            return
        status = result.pull_status
        with span("PullCallback.on_success", java=_JAVA + "pullMessage$PullCallback#onSuccess",
                  books=("B5.4.3", "A11.1.3"),
                  attributes={"messaging.destination.name": mq.topic,
                              "messaging.destination.partition.id": str(mq.queue_id),
                              "rocketmq_ref.pull.status": status.name,
                              "rocketmq_ref.pull.offset": request.next_offset,
                              "rocketmq_ref.pull.next_begin_offset": result.next_begin_offset,
                              "messaging.batch.message_count": len(result.msg_found_list)}):
            if status is PullStatus.FOUND:
                request.next_offset = result.next_begin_offset
                impl.mq_client_factory.consumer_stats_manager.on_pull_found(
                    request.consumer_group, mq.topic, int((time.time() - self.begin_timestamp) * 1000),
                    len(result.msg_found_list))
                if not result.msg_found_list:
                    impl.execute_pull_request_immediately(request)
                    return
                dispatch = pq.put_message(result.msg_found_list)
                impl.consume_message_service.submit_consume_request(result.msg_found_list, pq, mq,
                                                                    dispatch)
                interval = impl.default_mq_push_consumer.pull_interval
                if interval > 0:
                    impl.execute_pull_request_later(request, interval)
                else:
                    impl.execute_pull_request_immediately(request)
            elif status in (PullStatus.NO_NEW_MSG, PullStatus.NO_MATCHED_MSG):
                request.next_offset = result.next_begin_offset
                impl.correct_tags_offset(request)
                impl.execute_pull_request_immediately(request)
            elif status is PullStatus.OFFSET_ILLEGAL:
                log.warning("the pull request offset illegal, %s %s", request, result)
                request.next_offset = result.next_begin_offset
                pq.set_dropped(True)

                def fix_offset() -> None:
                    try:
                        impl.offset_store.update_offset(mq, request.next_offset, False)
                        impl.offset_store.persist(mq)
                        impl.rebalance_impl.remove_process_queue(mq)
                        log.warning("fix the pull request offset, %s", request)
                    except Exception:  # noqa: BLE001
                        log.exception("executeTaskLater Exception")

                impl.execute_task_later(fix_offset, 10000)

    def on_exception(self, e: BaseException) -> None:
        impl = self.impl
        request = self.pull_request
        if impl.service_state is not ServiceState.RUNNING:
            return  # shutting down: the connection went away under an in-flight pull
        if not request.message_queue.topic.startswith(mixall.RETRY_GROUP_TOPIC_PREFIX):
            log.warning("execute the pull request exception: %s", e)
        if isinstance(e, MQBrokerException) and e.response_code == ResponseCode.FLOW_CONTROL:
            impl.execute_pull_request_later(request, PULL_TIME_DELAY_MILLS_WHEN_BROKER_FLOW_CONTROL)
        else:
            impl.execute_pull_request_later(
                request, impl.mq_client_factory.client_config.pull_time_delay_mills_when_exception)
