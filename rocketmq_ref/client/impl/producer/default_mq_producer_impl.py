"""DefaultMQProducerImpl: the producer engine behind ``DefaultMQProducer``
(Java ``client.impl.producer.DefaultMQProducerImpl``; books A3.2.1, A3.2.3, A7.4, B3.3.2, B3.4, B3.5).

``send_default_impl``: validate, find the topic's publish info (falling back to ``TBW102`` so the
broker auto-creates the topic), then up to ``1 + retryTimesWhenSendFailed`` attempts (sync) each
picking a queue through ``MQFaultStrategy`` -- another broker after a failure -- within one overall
timeout.  ``send_kernel_impl`` stamps UNIQ_KEY, compresses bodies above 4 KiB and sends
SEND_MESSAGE_V2.  The ``send <topic>`` span wraps all attempts and carries the trace context in the
message properties.
"""
from __future__ import annotations

import contextvars
import logging
import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Sequence

from rocketmq_ref.client import validators
from rocketmq_ref.client.exception import MQBrokerException, MQClientException, RequestTimeoutException
from rocketmq_ref.client.impl.factory.mq_client_instance import ServiceState
from rocketmq_ref.client.impl.mq_client_api_impl import CommunicationMode
from rocketmq_ref.client.impl.mq_client_manager import MQClientManager
from rocketmq_ref.client.impl.producer.topic_publish_info import TopicPublishInfo
from rocketmq_ref.client.latency.mq_fault_strategy import MQFaultStrategy
from rocketmq_ref.client.producer.message_queue_selector import as_selector
from rocketmq_ref.client.producer.request_callback import as_request_callback
from rocketmq_ref.client.producer.request_future_holder import RequestFutureHolder
from rocketmq_ref.client.producer.request_response_future import RequestResponseFuture
from rocketmq_ref.client.producer.send_result import (FunctionSendCallback, SendResult, SendStatus,
                                                      as_send_callback)
from rocketmq_ref.common import compression, mixall
from rocketmq_ref.common.message import Message
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message.message_batch import MessageBatch, MessageBatchError
from rocketmq_ref.common.message.message_client_id_setter import MessageClientIDSetter
from rocketmq_ref.common.message.message_decoder import decode_message_id, message_properties2string
from rocketmq_ref.common.protocol.header.end_transaction_request_header import EndTransactionRequestHeader
from rocketmq_ref.common.protocol.header.send_message_request_header import \
    SendMessageRequestHeader
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.sysflag import MessageSysFlag
from rocketmq_ref.common.tracing import (Link, SpanKind, current_span, extract, inject, link_from,
                                          messaging_span, record_error, span, start_span, use_span)
from rocketmq_ref.remoting.netty.bounded_executor import BoundedThreadPoolExecutor
from rocketmq_ref.remoting.exception import (RemotingConnectException, RemotingException,
                                             RemotingTimeoutException)

log = logging.getLogger("rocketmq_ref.client")

_JAVA = "org.apache.rocketmq.client.impl.producer.DefaultMQProducerImpl#"

# ClientErrorCode (Java client.common.ClientErrorCode)
CONNECT_BROKER_EXCEPTION = 10001
ACCESS_BROKER_TIMEOUT = 10002
BROKER_NOT_EXIST_EXCEPTION = 10003
NO_NAME_SERVER_EXCEPTION = 10004
NOT_FOUND_TOPIC_EXCEPTION = 10005
REQUEST_TIMEOUT_EXCEPTION = 10006

COMPRESS_LEVEL = int(os.environ.get("ROCKETMQ_MESSAGE_COMPRESS_LEVEL", "5"))


@dataclass
class SendMessageContext:
    """Java ``SendMessageContext``: what a ``SendMessageHook`` sees before and after a send."""

    producer_group: str = ""
    message: Any = None
    mq: Any = None
    broker_addr: str | None = None
    born_host: str | None = None
    communication_mode: str | None = None
    send_result: SendResult | None = None
    exception: BaseException | None = None
    namespace: str | None = None
    msg_type: str = "Normal_Msg"
    props: dict[str, str] | None = None
    producer: Any = None
    mq_trace_context: Any = None  # what a hook keeps between before and after (message trace)


class SendMessageHook:
    """Java ``SendMessageHook``."""

    def hook_name(self) -> str:  # pragma: no cover - interface
        return type(self).__name__

    def send_message_before(self, context: SendMessageContext) -> None:
        pass

    def send_message_after(self, context: SendMessageContext) -> None:
        pass


@dataclass
class EndTransactionContext:
    """Java ``EndTransactionContext``: what an ``EndTransactionHook`` sees for each END_TRANSACTION."""

    producer_group: str = ""
    message: Any = None
    broker_addr: str | None = None
    msg_id: str | None = None
    transaction_id: str | None = None
    transaction_state: Any = None  # a LocalTransactionState
    from_transaction_check: bool = False


class EndTransactionHook:
    """Java ``EndTransactionHook``: told of every commit/rollback/unknown answer sent to a broker."""

    def hook_name(self) -> str:  # pragma: no cover - interface
        return type(self).__name__

    def end_transaction(self, context: EndTransactionContext) -> None:
        pass


class DefaultMQProducerImpl:
    def __init__(self, default_mq_producer: Any, rpc_hook: Any = None) -> None:
        self.default_mq_producer = default_mq_producer
        self.rpc_hook = rpc_hook
        self.topic_publish_info_table: dict[str, TopicPublishInfo] = {}
        self.send_message_hook_list: list[SendMessageHook] = []
        self.end_transaction_hook_list: list[EndTransactionHook] = []
        self.service_state = ServiceState.CREATE_JUST
        self.mq_client_factory: Any = None
        self.mq_fault_strategy = MQFaultStrategy()
        self.async_sender_executor: ThreadPoolExecutor | None = None
        self.check_executor: Any = None
        self._table_lock = threading.Lock()

    # -- life cycle ----------------------------------------------------------------------------------
    def start(self, start_factory: bool = True) -> None:
        """Java ``start`` (book B3.3.2): check config, get the shared MQClientInstance, register."""
        if self.service_state is ServiceState.RUNNING:
            return
        if self.service_state is not ServiceState.CREATE_JUST:
            raise MQClientException(f"The producer service state not OK, maybe started once, "
                                    f"{self.service_state.name}")
        self.service_state = ServiceState.START_FAILED
        producer = self.default_mq_producer
        self.check_config()
        if producer.producer_group != mixall.CLIENT_INNER_PRODUCER_GROUP:
            producer.change_instance_name_to_pid()
        self.mq_client_factory = MQClientManager.get_instance().get_or_create_mq_client_instance(
            producer, self.rpc_hook)
        if not self.mq_client_factory.register_producer(producer.producer_group, self):
            self.service_state = ServiceState.CREATE_JUST
            raise MQClientException(f"The producer group[{producer.producer_group}] has been created "
                                    f"before, specify another name please.")
        self.topic_publish_info_table[producer.create_topic_key] = TopicPublishInfo()
        self.async_sender_executor = ThreadPoolExecutor(
            max_workers=max(os.cpu_count() or 1, 2), thread_name_prefix="AsyncSenderExecutor_")
        if start_factory:
            try:
                self.mq_client_factory.start()
            except Exception:
                self.mq_client_factory.unregister_producer(producer.producer_group)
                self.service_state = ServiceState.CREATE_JUST
                raise
        self.service_state = ServiceState.RUNNING
        if start_factory:
            self.mq_client_factory.send_heartbeat_to_all_broker_with_lock()
        RequestFutureHolder.get_instance().start_scheduled_task(self)

    def check_config(self) -> None:
        group = self.default_mq_producer.producer_group
        validators.check_group(group)
        if group == mixall.DEFAULT_PRODUCER_GROUP:
            raise MQClientException(f"producerGroup can not equal {mixall.DEFAULT_PRODUCER_GROUP}, "
                                    f"please specify another one.")

    def shutdown(self, shutdown_factory: bool = True) -> None:
        if self.service_state is not ServiceState.RUNNING:
            return
        self.service_state = ServiceState.SHUTDOWN_ALREADY
        if self.async_sender_executor is not None:
            self.async_sender_executor.shutdown(wait=True)
        self.mq_client_factory.unregister_producer(self.default_mq_producer.producer_group)
        if shutdown_factory:
            self.mq_client_factory.shutdown()
        RequestFutureHolder.get_instance().shutdown(self)
        log.info("the producer [%s] shutdown OK", self.default_mq_producer.producer_group)

    def make_sure_state_ok(self) -> None:
        if self.service_state is not ServiceState.RUNNING:
            raise MQClientException(f"The producer service state not OK, {self.service_state.name}")

    # -- MQProducerInner (what MQClientInstance asks) ------------------------------------------------
    def get_publish_topic_list(self) -> set[str]:
        return set(self.topic_publish_info_table)

    def is_publish_topic_need_update(self, topic: str) -> bool:
        info = self.topic_publish_info_table.get(topic)
        return info is None or not info.ok()

    def update_topic_publish_info(self, topic: str, info: TopicPublishInfo) -> None:
        if topic and info is not None:
            self.topic_publish_info_table[topic] = info

    def is_unit_mode(self) -> bool:
        return self.default_mq_producer.unit_mode

    # -- hooks and fault strategy --------------------------------------------------------------------
    def register_send_message_hook(self, hook: SendMessageHook) -> None:
        self.send_message_hook_list.append(hook)

    def has_send_message_hook(self) -> bool:
        return bool(self.send_message_hook_list)

    def execute_send_message_hook_before(self, context: SendMessageContext) -> None:
        for hook in self.send_message_hook_list:
            try:
                hook.send_message_before(context)
            except Exception:  # noqa: BLE001
                log.warning("failed to executeSendMessageHookBefore", exc_info=True)

    def execute_send_message_hook_after(self, context: SendMessageContext) -> None:
        for hook in self.send_message_hook_list:
            try:
                hook.send_message_after(context)
            except Exception:  # noqa: BLE001
                log.warning("failed to executeSendMessageHookAfter", exc_info=True)

    def register_end_transaction_hook(self, hook: EndTransactionHook) -> None:
        self.end_transaction_hook_list.append(hook)

    def do_execute_end_transaction_hook(self, msg: Message, msg_id: str | None, broker_addr: str | None,
                                        state: Any, from_transaction_check: bool,
                                        transaction_id: str | None = None) -> None:
        """Java ``doExecuteEndTransactionHook``: each hook sees the answer before it is sent."""
        if not self.end_transaction_hook_list:
            return
        context = EndTransactionContext(
            self.default_mq_producer.producer_group, msg, broker_addr, msg_id,
            getattr(msg, "transaction_id", None) or transaction_id, state, from_transaction_check)
        for hook in self.end_transaction_hook_list:
            try:
                hook.end_transaction(context)
            except Exception:  # noqa: BLE001
                log.warning("failed to executeEndTransactionHook", exc_info=True)

    def select_one_message_queue(self, tp_info: TopicPublishInfo, last_broker_name: str | None
                                 ) -> Any:
        return self.mq_fault_strategy.select_one_message_queue(tp_info, last_broker_name)

    def update_fault_item(self, broker_name: str, current_latency: int, isolation: bool) -> None:
        self.mq_fault_strategy.update_fault_item(broker_name, current_latency, isolation)

    # -- routes --------------------------------------------------------------------------------------
    def try_to_find_topic_publish_info(self, topic: str) -> TopicPublishInfo | None:
        """The topic's route, else ``TBW102``'s (Java ``tryToFindTopicPublishInfo``; book B3.4.2)."""
        info = self.topic_publish_info_table.get(topic)
        if info is None or not info.ok():
            self.topic_publish_info_table.setdefault(topic, TopicPublishInfo())
            self.mq_client_factory.update_topic_route_info_from_name_server(topic)
            info = self.topic_publish_info_table.get(topic)
        if info is not None and (info.have_topic_router_info or info.ok()):
            return info
        self.mq_client_factory.update_topic_route_info_from_name_server(
            topic, True, self.default_mq_producer)
        return self.topic_publish_info_table.get(topic)

    def fetch_publish_message_queues(self, topic: str) -> list[Any]:
        self.make_sure_state_ok()
        return self.mq_client_factory.mq_admin_impl.fetch_publish_message_queues(topic)

    # -- send ----------------------------------------------------------------------------------------
    def send(self, msg: Message, timeout: int | None = None) -> SendResult:
        return self.send_default_impl(msg, CommunicationMode.SYNC, None, self._timeout(timeout))

    def send_oneway(self, msg: Message) -> None:
        self.send_default_impl(msg, CommunicationMode.ONEWAY, None,
                               self.default_mq_producer.send_msg_timeout)

    def send_async(self, msg: Message, send_callback: Any, timeout: int | None = None) -> None:
        """Java runs the whole async send on ``asyncSenderExecutor``: the caller never blocks and
        every failure, even before the RPC, reaches ``on_exception``."""
        callback = as_send_callback(send_callback)
        begin = time.monotonic()
        timeout = self._timeout(timeout)

        def task() -> None:
            cost = (time.monotonic() - begin) * 1000
            if timeout <= cost:
                callback.on_exception(MQClientException("DEFAULT ASYNC send call timeout"))
                return
            try:
                self.send_default_impl(msg, CommunicationMode.ASYNC, callback, timeout - cost)
            except Exception as e:  # noqa: BLE001
                callback.on_exception(e)

        self._submit_async(task, callback)

    def _submit_async(self, task: Any, callback: Any) -> None:
        executor = self.async_sender_executor
        try:
            if executor is None:
                raise RuntimeError("producer not started")
            executor.submit(task)
        except RuntimeError as e:
            callback.on_exception(MQClientException("executor rejected ", e))

    def _timeout(self, timeout: int | None) -> int:
        return self.default_mq_producer.send_msg_timeout if timeout is None else timeout

    def _send_span(self, msg: Message, mode: str):  # noqa: ANN202 - a context manager
        attrs = {"messaging.rocketmq.client_group": self.default_mq_producer.producer_group,
                 "messaging.rocketmq.message.type": "normal", "rocketmq_ref.communication_mode": mode}
        if isinstance(msg, MessageBatch):
            attrs["messaging.batch.message_count"] = len(msg)
        else:
            if msg.tags:
                attrs["messaging.rocketmq.message.tag"] = msg.tags
            if msg.keys:
                attrs["messaging.rocketmq.message.keys"] = msg.keys
            if msg.delay_time_level > 0:
                attrs["messaging.rocketmq.message.type"] = "delay"
            elif msg.get_property(mc.PROPERTY_TRANSACTION_PREPARED) == "true":
                attrs["messaging.rocketmq.message.type"] = "transaction"
                attrs["messaging.rocketmq.message.delay_time_level"] = msg.delay_time_level
        return messaging_span("send", msg.topic, SpanKind.PRODUCER,
                              java=_JAVA + "sendDefaultImpl", books=("B3.4", "A3.2.1"),
                              attributes=attrs)

    def _inject(self, msg: Message) -> None:
        if isinstance(msg, MessageBatch):
            for m in msg:
                inject(m.properties)
        else:
            inject(msg.properties)

    def send_default_impl(self, msg: Message, communication_mode: str, send_callback: Any,
                          timeout: float) -> SendResult | None:
        """Java ``sendDefaultImpl`` (books B3.4.1-B3.4.4)."""
        self.make_sure_state_ok()
        validators.check_message(msg, self.default_mq_producer.max_message_size)
        with self._send_span(msg, communication_mode) as s:
            self._inject(msg)
            if isinstance(msg, MessageBatch):  # the batch body carries each message's properties
                msg.body = msg.encode()
            try:
                result = self._send_default_impl(msg, communication_mode, send_callback, timeout)
            except Exception as e:
                record_error(s, e)
                raise
            if result is not None and s.is_recording():
                s.set_attributes({"messaging.message.id": result.msg_id or "",
                                  "messaging.destination.partition.id":
                                      str(result.message_queue.queue_id),
                                  "messaging.rocketmq.broker_name": result.message_queue.broker_name,
                                  "rocketmq_ref.queue_offset": result.queue_offset,
                                  "rocketmq_ref.send_status": result.send_status.name})
            return result

    def _send_default_impl(self, msg: Message, communication_mode: str, send_callback: Any,
                           timeout: float) -> SendResult | None:
        begin_first = time.monotonic()
        info = self.try_to_find_topic_publish_info(msg.topic)
        if info is None or not info.ok():
            self.validate_name_server_setting()
            raise MQClientException(NOT_FOUND_TOPIC_EXCEPTION,
                                    f"No route info of this topic: {msg.topic}\nSee "
                                    f"http://rocketmq.apache.org/docs/faq/ for further details.")
        times_total = (1 + self.default_mq_producer.retry_times_when_send_failed
                       if communication_mode == CommunicationMode.SYNC else 1)
        mq = None
        exception: BaseException | None = None
        send_result: SendResult | None = None
        brokers_sent: list[str] = []
        call_timeout = False
        times = 0
        while times < times_total:
            last_broker = mq.broker_name if mq is not None else None
            selected = self.select_one_message_queue(info, last_broker)
            if selected is None:
                break
            mq = selected
            brokers_sent.append(mq.broker_name)
            begin_prev = time.monotonic()
            if times > 0:
                msg.topic = self.default_mq_producer.with_namespace(msg.topic)
            cost = (begin_prev - begin_first) * 1000
            if timeout < cost:
                call_timeout = True
                break
            times += 1
            try:
                send_result = self.send_kernel_impl(msg, mq, communication_mode, send_callback, info,
                                                    timeout - cost)
                self.update_fault_item(mq.broker_name, _ms_since(begin_prev), False)
                if communication_mode != CommunicationMode.SYNC:
                    return None
                if send_result.send_status is not SendStatus.SEND_OK and \
                        self.default_mq_producer.retry_another_broker_when_not_store_ok:
                    continue
                return send_result
            except (RemotingException, MQClientException) as e:
                self.update_fault_item(mq.broker_name, _ms_since(begin_prev), True)
                log.warning("sendKernelImpl exception, resend at once, InvokeID: %s, RT: %sms, "
                            "Broker: %s: %s", id(msg), _ms_since(begin_prev), mq, e)
                exception = e
                continue
            except MQBrokerException as e:
                self.update_fault_item(mq.broker_name, _ms_since(begin_prev), True)
                exception = e
                if e.response_code in self.default_mq_producer.retry_response_codes:
                    continue
                if send_result is not None:
                    return send_result
                raise
        if send_result is not None:
            return send_result
        if call_timeout:
            raise MQClientException(ACCESS_BROKER_TIMEOUT, "sendDefaultImpl call timeout")
        info_text = (f"Send [{times}] times, still failed, cost [{_ms_since(begin_first)}]ms, "
                     f"Topic: {msg.topic}, BrokersSent: {brokers_sent}")
        code = BROKER_NOT_EXIST_EXCEPTION
        if isinstance(exception, MQBrokerException):
            code = exception.response_code
            info_text += f"; broker answered CODE: {exception.response_code} DESC: {exception.error_message}"
        elif isinstance(exception, RemotingConnectException):
            code = CONNECT_BROKER_EXCEPTION
        elif isinstance(exception, RemotingTimeoutException):
            code = ACCESS_BROKER_TIMEOUT
        err = MQClientException(code, info_text, exception)
        raise err

    def validate_name_server_setting(self) -> None:
        if not self.mq_client_factory.mq_client_api_impl.get_name_server_address_list():
            raise MQClientException(NO_NAME_SERVER_EXCEPTION,
                                    "No name server address, please set it.")

    def try_to_compress_message(self, msg: Message) -> bytes | None:
        """The zlib body when it is at least ``compressMsgBodyOverHowmuch`` (4 KiB); batches never."""
        if isinstance(msg, MessageBatch):
            return None
        body = msg.body
        if body is not None and len(body) >= self.default_mq_producer.compress_msg_body_over_howmuch:
            try:
                return compression.compress(bytes(body), COMPRESS_LEVEL)
            except Exception:  # noqa: BLE001 - Java sends uncompressed then
                log.exception("tryToCompressMessage exception")
        return None

    def send_kernel_impl(self, msg: Message, mq: Any, communication_mode: str, send_callback: Any,
                         tp_info: TopicPublishInfo | None, timeout: float) -> SendResult | None:
        """Java ``sendKernelImpl`` (book B3.4.4): one attempt to one queue's master."""
        begin = time.monotonic()
        factory = self.mq_client_factory
        broker_addr = factory.find_broker_address_in_publish(mq.broker_name)
        if broker_addr is None:
            self.try_to_find_topic_publish_info(mq.topic)
            broker_addr = factory.find_broker_address_in_publish(mq.broker_name)
        if broker_addr is None:
            raise MQClientException(f"The broker[{mq.broker_name}] not exist")
        producer = self.default_mq_producer
        broker_addr = mixall.broker_vip_channel(producer.send_message_with_vip_channel, broker_addr)
        with span("DefaultMQProducerImpl.send_kernel_impl", java=_JAVA + "sendKernelImpl",
                  books=("B3.4.4",), kind=SpanKind.INTERNAL,
                  attributes={"messaging.destination.partition.id": str(mq.queue_id),
                              "messaging.rocketmq.broker_name": mq.broker_name,
                              "server.address": broker_addr}) as s:
            if not isinstance(msg, MessageBatch):
                MessageClientIDSetter.set_uniq_id(msg)
            if producer.namespace:
                msg.set_instance_id(producer.namespace)
            sys_flag = 0
            body = msg.body
            compressed = self.try_to_compress_message(msg)
            if compressed is not None:
                body = compressed
                sys_flag |= MessageSysFlag.COMPRESSED_FLAG
                sys_flag |= compression.CompressionType.ZLIB.get_compression_flag()
            if (msg.get_property(mc.PROPERTY_TRANSACTION_PREPARED) or "").lower() == "true":
                sys_flag |= MessageSysFlag.TRANSACTION_PREPARED_TYPE
            context = None
            if self.has_send_message_hook():
                context = SendMessageContext(
                    producer_group=producer.producer_group, message=msg, mq=mq,
                    broker_addr=broker_addr, born_host=producer.client_ip,
                    communication_mode=communication_mode, namespace=producer.namespace,
                    producer=self)
                if sys_flag & MessageSysFlag.TRANSACTION_PREPARED_TYPE:
                    context.msg_type = "Trans_Msg_Half"
                if msg.get_property(mc.PROPERTY_DELAY_TIME_LEVEL) is not None or \
                        msg.get_property(mc.PROPERTY_START_DELIVER_TIME) is not None:
                    context.msg_type = "Delay_Msg"
                self.execute_send_message_hook_before(context)
            header = SendMessageRequestHeader(
                bname=mq.broker_name, producer_group=producer.producer_group, topic=msg.topic,
                default_topic=producer.create_topic_key,
                default_topic_queue_nums=producer.default_topic_queue_nums,
                queue_id=mq.queue_id, sys_flag=sys_flag, born_timestamp=int(time.time() * 1000),
                flag=msg.flag, properties=message_properties2string(msg.properties),
                reconsume_times=0, unit_mode=self.is_unit_mode(),
                batch=isinstance(msg, MessageBatch))
            if msg.topic.startswith(mixall.RETRY_GROUP_TOPIC_PREFIX):
                reconsume = msg.get_property(mc.PROPERTY_RECONSUME_TIME)
                if reconsume is not None:
                    header.reconsume_times = int(reconsume)
                    msg.clear_property(mc.PROPERTY_RECONSUME_TIME)
                max_reconsume = msg.get_property(mc.PROPERTY_MAX_RECONSUME_TIMES)
                if max_reconsume is not None:
                    header.max_reconsume_times = int(max_reconsume)
                    msg.clear_property(mc.PROPERTY_MAX_RECONSUME_TIMES)
                header.properties = message_properties2string(msg.properties)
            cost = (time.monotonic() - begin) * 1000
            if timeout < cost:
                raise MQClientException(ACCESS_BROKER_TIMEOUT, "sendKernelImpl call timeout")
            try:
                result = factory.mq_client_api_impl.send_message(
                    broker_addr, mq.broker_name, msg, header, timeout - cost, communication_mode,
                    send_callback, tp_info, factory,
                    producer.retry_times_when_send_async_failed, context, self, body=body)
            except Exception as e:
                record_error(s, e)
                if context is not None:
                    context.exception = e
                    self.execute_send_message_hook_after(context)
                raise
            if context is not None and communication_mode == CommunicationMode.SYNC:
                context.send_result = result
                self.execute_send_message_hook_after(context)
            return result

    # -- to a chosen queue / through a selector ------------------------------------------------------
    def _check_queue(self, msg: Message, mq: Any) -> None:
        validators.check_message(msg, self.default_mq_producer.max_message_size)
        if msg.topic != mq.topic:
            raise MQClientException("message's topic not equal mq's topic")

    def send_to_queue(self, msg: Message, mq: Any, communication_mode: str, send_callback: Any,
                      timeout: int | None) -> SendResult | None:
        """Java ``send(msg, mq)``: no retries, that exact queue."""
        self.make_sure_state_ok()
        mq = self.default_mq_producer.queue_with_namespace(mq)
        self._check_queue(msg, mq)
        timeout = self._timeout(timeout)
        begin = time.monotonic()
        with self._send_span(msg, communication_mode) as s:
            self._inject(msg)
            try:
                if isinstance(msg, MessageBatch):
                    msg.body = msg.encode()
                return self.send_kernel_impl(msg, mq, communication_mode, send_callback, None,
                                             timeout - _ms_since(begin))
            except Exception as e:
                record_error(s, e)
                raise

    def send_select_impl(self, msg: Message, selector: Any, arg: Any, communication_mode: str,
                         send_callback: Any, timeout: int | None) -> SendResult | None:
        """Java ``sendSelectImpl`` (books A3.2.3, B9.2): the selector picks among the topic's queues."""
        self.make_sure_state_ok()
        validators.check_message(msg, self.default_mq_producer.max_message_size)
        timeout = self._timeout(timeout)
        begin = time.monotonic()
        selector = as_selector(selector)
        with self._send_span(msg, communication_mode) as s:
            self._inject(msg)
            try:
                info = self.try_to_find_topic_publish_info(msg.topic)
                if info is None or not info.ok():
                    self.validate_name_server_setting()
                    raise MQClientException(NOT_FOUND_TOPIC_EXCEPTION,
                                            f"No route info for this topic, {msg.topic}")
                queues = self.mq_client_factory.mq_admin_impl.parse_publish_message_queues(
                    info.message_queue_list)
                user_msg = Message(self.default_mq_producer.without_namespace(msg.topic), msg.body,
                                   properties=msg.properties)
                try:
                    mq = selector.select(queues, user_msg, arg)
                except Exception as e:  # noqa: BLE001
                    raise MQClientException("select message queue threw exception.", e) from e
                if mq is None:
                    raise MQClientException("select message queue return null.")
                mq = self.default_mq_producer.queue_with_namespace(mq)
                cost = _ms_since(begin)
                if timeout < cost:
                    raise MQClientException(ACCESS_BROKER_TIMEOUT, "sendSelectImpl call timeout")
                if s.is_recording():
                    s.set_attribute("messaging.destination.partition.id", str(mq.queue_id))
                return self.send_kernel_impl(msg, mq, communication_mode, send_callback, None,
                                             timeout - cost)
            except Exception as e:
                record_error(s, e)
                raise

    # -- request/reply (RPC over messages, 4.6+; A3.2.1, B9.8) ---------------------------------------
    def request(self, msg: Message, timeout: int) -> Message:
        """Java ``request(msg, timeout)``: send asynchronously, then wait for the reply."""
        return self._request_sync(msg, timeout, lambda cb, left: self.send_default_impl(
            msg, CommunicationMode.ASYNC, cb, left))

    def request_async(self, msg: Message, request_callback: Any, timeout: int) -> None:
        """Java ``request(msg, requestCallback, timeout)``: the callback gets the reply or the failure."""
        self._request_async(msg, request_callback, timeout, lambda cb, left: self.send_default_impl(
            msg, CommunicationMode.ASYNC, cb, left))

    def request_select(self, msg: Message, selector: Any, arg: Any, timeout: int) -> Message:
        """Java ``request(msg, selector, arg, timeout)``."""
        return self._request_sync(msg, timeout, lambda cb, left: self.send_select_impl(
            msg, selector, arg, CommunicationMode.ASYNC, cb, left))

    def request_select_async(self, msg: Message, selector: Any, arg: Any, request_callback: Any,
                             timeout: int) -> None:
        """Java ``request(msg, selector, arg, requestCallback, timeout)``."""
        self._request_async(msg, request_callback, timeout, lambda cb, left: self.send_select_impl(
            msg, selector, arg, CommunicationMode.ASYNC, cb, left))

    def request_to_queue(self, msg: Message, mq: Any, timeout: int) -> Message:
        """Java ``request(msg, mq, timeout)``."""
        return self._request_sync(msg, timeout, lambda cb, left: self.send_to_queue(
            msg, mq, CommunicationMode.ASYNC, cb, left))

    def request_to_queue_async(self, msg: Message, mq: Any, request_callback: Any, timeout: int) -> None:
        """Java ``request(msg, mq, requestCallback, timeout)``."""
        self._request_async(msg, request_callback, timeout, lambda cb, left: self.send_to_queue(
            msg, mq, CommunicationMode.ASYNC, cb, left))

    def _request_span_attributes(self, msg: Message, timeout: int) -> dict[str, Any]:
        return {"messaging.destination.name": msg.topic,
                "messaging.rocketmq.client_group": self.default_mq_producer.producer_group,
                "rocketmq_ref.request.timeout_ms": timeout}

    def _request_sync(self, msg: Message, timeout: int, send: Any) -> Message:
        """What Java's three synchronous ``request`` overloads share: register a future under a new
        correlation id, send asynchronously (the send span is a child of this one), wait."""
        begin = time.monotonic()
        table = RequestFutureHolder.get_instance().request_future_table
        with span("DefaultMQProducerImpl.request", java=_JAVA + "request", kind=SpanKind.CLIENT,
                  books=("A3.2.1", "B9.8"), attributes=self._request_span_attributes(msg, timeout)) as s:
            self.prepare_send_request(msg, timeout)
            correlation_id = msg.get_property(mc.PROPERTY_CORRELATION_ID)
            if s.is_recording():
                s.set_attribute("messaging.message.conversation_id", correlation_id)
            future = RequestResponseFuture(correlation_id, timeout, None)
            future.request_span_context = s.get_span_context()
            table[correlation_id] = future
            try:
                def on_exception(e: BaseException) -> None:
                    future.set_send_request_ok(False)
                    future.set_cause(e)  # before the latch opens: the waiter reads it
                    future.put_response_message(None)

                cost = _ms_since(begin)
                send(FunctionSendCallback(lambda _: future.set_send_request_ok(True), on_exception),
                     timeout - cost)
                return self.wait_response(msg, timeout, future, cost)
            finally:
                table.pop(correlation_id, None)

    def _request_async(self, msg: Message, request_callback: Any, timeout: int, send: Any) -> None:
        """What Java's three asynchronous ``request`` overloads share.  The request span ends when
        the callback runs: reply, send failure or the holder's timeout scan.

        Java 4.9.8's ``request(msg, callback, timeout)`` also runs the callback with a null reply
        as soon as the send succeeds; here the callback runs once, with the reply."""
        callback = as_request_callback(request_callback)
        begin = time.monotonic()
        table = RequestFutureHolder.get_instance().request_future_table
        s = start_span("DefaultMQProducerImpl.request", java=_JAVA + "request", kind=SpanKind.CLIENT,
                       books=("A3.2.1", "B9.8"), attributes=self._request_span_attributes(msg, timeout))
        correlation_id = None
        try:
            with use_span(s):
                self.prepare_send_request(msg, timeout)
                correlation_id = msg.get_property(mc.PROPERTY_CORRELATION_ID)
                if s.is_recording():
                    s.set_attribute("messaging.message.conversation_id", correlation_id)
                future = RequestResponseFuture(correlation_id, timeout, callback, request_span=s)
                table[correlation_id] = future

                def on_exception(e: BaseException) -> None:
                    future.set_cause(e)
                    self.request_fail(correlation_id)

                send(FunctionSendCallback(lambda _: future.set_send_request_ok(True), on_exception),
                     timeout - _ms_since(begin))
        except Exception as e:
            # the caller gets the exception; the scan must not call the callback later as well
            if correlation_id is not None:
                table.pop(correlation_id, None)
            record_error(s, e)
            s.end()
            raise

    def wait_response(self, msg: Message, timeout: int, future: RequestResponseFuture, cost: int
                      ) -> Message:
        """Java ``waitResponse``: the reply, else ``RequestTimeoutException`` when the send was OK,
        else the send's failure."""
        response = future.wait_response_message(timeout - cost)
        if response is None:
            if future.is_send_request_ok():
                raise RequestTimeoutException(
                    REQUEST_TIMEOUT_EXCEPTION, f"send request message to <{msg.topic}> OK, but wait "
                                               f"reply message timeout, {timeout} ms.")
            raise MQClientException(f"send request message to <{msg.topic}> fail", future.get_cause())
        return response

    def request_fail(self, correlation_id: str) -> None:
        """Java ``requestFail``: the send failed; the callback gets the cause."""
        future = RequestFutureHolder.get_instance().request_future_table.pop(correlation_id, None)
        if future is not None:
            future.set_send_request_ok(False)
            future.put_response_message(None)
            try:
                future.execute_request_callback()
            except Exception:  # noqa: BLE001 - a user callback must not break the client
                log.warning("execute requestCallback in requestFail, and callback throw", exc_info=True)

    def prepare_send_request(self, msg: Message, timeout: int) -> None:
        """Java ``prepareSendRequest``: stamp CORRELATION_ID, REPLY_TO_CLIENT (this client's id) and
        TTL; for a topic without a route yet, find it and heartbeat at once, so every broker knows
        this client's channel before a reply for it can arrive."""
        self.make_sure_state_ok()
        factory = self.mq_client_factory
        msg.put_property(mc.PROPERTY_CORRELATION_ID, str(uuid.uuid4()))  # CorrelationIdUtil
        msg.put_property(mc.PROPERTY_MESSAGE_REPLY_TO_CLIENT, factory.client_id)
        msg.put_property(mc.PROPERTY_MESSAGE_TTL, str(timeout))
        if msg.topic not in factory.topic_route_table:
            begin = time.monotonic()
            self.try_to_find_topic_publish_info(msg.topic)
            factory.send_heartbeat_to_all_broker_with_lock()
            cost = _ms_since(begin)
            if cost > 500:
                log.warning("prepare send request for <%s> cost %d ms", msg.topic, cost)

    # -- transactions (TransactionMQProducer; A3.2.4, B8) ---------------------------------------------
    def init_transaction_env(self) -> None:
        producer = self.default_mq_producer
        self.check_executor = producer.executor_service or BoundedThreadPoolExecutor(
            producer.check_thread_pool_max_size, producer.check_request_hold_max, "TransactionCheckThread_")

    def destroy_transaction_env(self) -> None:
        if self.check_executor is not None and self.check_executor is not self.default_mq_producer.executor_service:
            self.check_executor.shutdown(wait=False, cancel_futures=True)  # Java: shutdown(), no wait

    def get_check_listener(self) -> Any:
        return getattr(self.default_mq_producer, "transaction_listener", None)

    def send_message_in_transaction(self, msg: Message, arg: Any) -> Any:
        """Java ``sendMessageInTransaction`` (B8.2): half send, local transaction, END_TRANSACTION."""
        from rocketmq_ref.client.producer.transaction_listener import LocalTransactionState as L
        from rocketmq_ref.client.producer.transaction_send_result import TransactionSendResult
        listener = self.get_check_listener()
        if listener is None:
            raise MQClientException("tranExecutor is null")
        msg.clear_property(mc.PROPERTY_DELAY_TIME_LEVEL)  # a half message is never delayed
        validators.check_message(msg, self.default_mq_producer.max_message_size)
        group = self.default_mq_producer.producer_group
        with span("DefaultMQProducerImpl.send_message_in_transaction", java=_JAVA + "sendMessageInTransaction",
                  books=("B8.2", "A3.2.4"), attributes={"messaging.destination.name": msg.topic,
                                                        "messaging.rocketmq.client_group": group}) as s:
            msg.put_property(mc.PROPERTY_TRANSACTION_PREPARED, "true")
            msg.put_property(mc.PROPERTY_PRODUCER_GROUP, group)
            try:
                send_result = self.send(msg)
            except Exception as e:
                raise MQClientException("send message Exception", e) from e
            state, local_exception = L.UNKNOW, None
            if send_result.send_status is SendStatus.SEND_OK:
                if send_result.transaction_id is not None:
                    msg.put_property(mc.PROPERTY_TRANSACTION_ID, send_result.transaction_id)
                msg.transaction_id = msg.get_property(mc.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) or None
                with span("TransactionListener.execute_local_transaction", books=("B8.2", "A3.2.4"),
                          java="org.apache.rocketmq.client.producer.TransactionListener#executeLocalTransaction",
                          attributes={"messaging.message.id": send_result.msg_id or ""}) as ls:
                    try:
                        state = listener.execute_local_transaction(msg, arg) or L.UNKNOW
                    except Exception as e:  # noqa: BLE001 - the broker checks back later
                        log.info("executeLocalTransactionBranch exception", exc_info=True)
                        local_exception = e
                        record_error(ls, e)
                    if ls.is_recording():
                        ls.set_attribute("rocketmq_ref.transaction.local_state", state.name)
            elif send_result.send_status in (SendStatus.FLUSH_DISK_TIMEOUT, SendStatus.FLUSH_SLAVE_TIMEOUT,
                                             SendStatus.SLAVE_NOT_AVAILABLE):
                state = L.ROLLBACK_MESSAGE
            if s.is_recording():
                s.set_attributes({"messaging.message.id": send_result.msg_id or "",
                                  "rocketmq_ref.transaction.local_state": state.name})
            try:
                self.end_transaction(msg, send_result, state, local_exception)
            except Exception:  # noqa: BLE001 - the broker checks back later
                log.warning("local transaction execute %s, but end broker transaction failed", state.name,
                            exc_info=True)
        return TransactionSendResult(send_status=send_result.send_status, msg_id=send_result.msg_id,
                                     message_queue=send_result.message_queue, queue_offset=send_result.queue_offset,
                                     transaction_id=send_result.transaction_id,
                                     offset_msg_id=send_result.offset_msg_id, region_id=send_result.region_id,
                                     local_transaction_state=state)

    def end_transaction(self, msg: Message, send_result: SendResult, local_transaction_state: Any,
                        local_exception: BaseException | None) -> None:
        """Java ``endTransaction`` (B8.3): END_TRANSACTION oneway to the half message's broker."""
        msg_id = decode_message_id(send_result.offset_msg_id or send_result.msg_id)
        broker_name = send_result.message_queue.broker_name
        broker_addr = self.mq_client_factory.find_broker_address_in_publish(broker_name)
        if broker_addr is None:  # never let a None address reach a name server; the broker checks back
            raise MQClientException(f"The broker[{broker_name}] not exist")
        header = EndTransactionRequestHeader(
            producer_group=self.default_mq_producer.producer_group, tran_state_table_offset=send_result.queue_offset,
            commit_log_offset=msg_id.offset, commit_or_rollback=_END_TYPES[local_transaction_state.name],
            from_transaction_check=False, msg_id=send_result.msg_id, transaction_id=send_result.transaction_id)
        header.bname = broker_name
        remark = f"executeLocalTransactionBranch exception: {local_exception}" if local_exception else None
        self.do_execute_end_transaction_hook(msg, send_result.msg_id, broker_addr, local_transaction_state, False)
        with span("DefaultMQProducerImpl.end_transaction", java=_JAVA + "endTransaction", books=("B8.3", "A3.2.4"),
                  attributes={"rocketmq_ref.transaction.local_state": local_transaction_state.name,
                              "server.address": broker_addr or ""}):
            self.mq_client_factory.mq_client_api_impl.end_transaction_oneway(
                broker_addr, header, remark, self.default_mq_producer.send_msg_timeout)

    def check_transaction_state(self, addr: str, msg: Any, header: Any) -> None:
        """Java ``checkTransactionState`` (B8.4): ask the listener on the check executor, answer
        END_TRANSACTION with ``fromTransactionCheck``; the trace goes on from the broker's request."""
        if self.check_executor is None:  # not a TransactionMQProducer
            log.warning("checkTransactionState for group %s, but this producer is not transactional",
                        self.default_mq_producer.producer_group)
            return
        run_in_context = contextvars.copy_context().run
        self.check_executor.submit(run_in_context, self._check_transaction_state, addr, msg, header)

    def _check_transaction_state(self, addr: str, msg: Any, header: Any) -> None:
        from rocketmq_ref.client.producer.transaction_listener import LocalTransactionState as L
        group = self.default_mq_producer.producer_group
        listener = self.get_check_listener()
        if listener is None:
            log.warning("CheckTransactionState, pick transactionCheckListener by group[%s] failed", group)
            return
        uniq = msg.properties.get(mc.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) or msg.msg_id
        # the broker's request continues the transaction's trace when the broker traces; else the
        # context the half message carries does, linked to the request
        parent, links = None, link_from(msg.properties)
        request_context = current_span().get_span_context()
        if links and request_context.trace_id != links[0].context.trace_id:
            parent = extract(msg.properties)
            links = [Link(request_context)] if request_context.is_valid else None
        else:
            links = None
        with span("DefaultMQProducerImpl.check_transaction_state", java=_JAVA + "checkTransactionState",
                  context=parent, links=links, books=("B8.4", "A3.2.4"), attributes={
                      "messaging.message.id": uniq or "", "messaging.rocketmq.client_group": group,
                      "rocketmq_ref.transaction.check_times":
                          int(msg.properties.get(mc.PROPERTY_TRANSACTION_CHECK_TIMES) or 0)}) as s:
            state, exception = L.UNKNOW, None
            try:
                state = listener.check_local_transaction(msg) or L.UNKNOW
            except Exception as e:  # noqa: BLE001 - answered as UNKNOW, the broker asks again
                log.error("Broker call checkTransactionState, but checkLocalTransactionState exception", exc_info=True)
                exception = e
                record_error(s, e)
            if s.is_recording():
                s.set_attribute("rocketmq_ref.transaction.local_state", state.name)
            end = EndTransactionRequestHeader(
                producer_group=group, tran_state_table_offset=header.tran_state_table_offset,
                commit_log_offset=header.commit_log_offset, commit_or_rollback=_END_TYPES[state.name],
                from_transaction_check=True, msg_id=uniq, transaction_id=header.transaction_id)
            end.bname = getattr(header, "bname", None)
            remark = f"checkLocalTransactionState Exception: {exception}" if exception is not None else None
            self.do_execute_end_transaction_hook(msg, uniq, addr, state, True, header.transaction_id)
            try:
                self.mq_client_factory.mq_client_api_impl.end_transaction_oneway(addr, end, remark, 3000)
            except Exception as e:  # noqa: BLE001
                log.error("endTransactionOneway exception: %s", e)
                record_error(s, e)

    # -- batches -------------------------------------------------------------------------------------
    def batch(self, msgs: Sequence[Message]) -> MessageBatch:
        """Java ``DefaultMQProducer.batch``: one MessageBatch; each message gets its UNIQ_KEY."""
        try:
            batch = MessageBatch.generate_from_list(list(msgs))
        except MessageBatchError as e:
            raise MQClientException("Failed to initiate the MessageBatch", e) from e
        for m in batch:
            validators.check_message(m, self.default_mq_producer.max_message_size)
            MessageClientIDSetter.set_uniq_id(m)
            m.topic = self.default_mq_producer.with_namespace(m.topic)
        batch.topic = self.default_mq_producer.with_namespace(batch.topic)
        batch.body = batch.encode()
        return batch


def _ms_since(begin: float) -> int:
    return int((time.monotonic() - begin) * 1000)


_END_TYPES = {"COMMIT_MESSAGE": MessageSysFlag.TRANSACTION_COMMIT_TYPE,
              "ROLLBACK_MESSAGE": MessageSysFlag.TRANSACTION_ROLLBACK_TYPE,
              "UNKNOW": MessageSysFlag.TRANSACTION_NOT_TYPE}

RETRY_RESPONSE_CODES = frozenset({ResponseCode.TOPIC_NOT_EXIST, ResponseCode.SERVICE_NOT_AVAILABLE,
                                  ResponseCode.SYSTEM_ERROR, ResponseCode.NO_PERMISSION,
                                  ResponseCode.NO_BUYER_ID, ResponseCode.NOT_IN_CURRENT_UNIT})

