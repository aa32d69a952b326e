"""MQClientAPIImpl: every request the client sends, built and answered here
(Java ``client.impl.MQClientAPIImpl``; books A11.3.2, B3.4.4, B5.4.3).

Requests are ``RemotingCommand``s whose ``extFields`` carry the Java header field names (exactly what
a real 4.9 client writes, see the interop captures); responses are turned into results or into
``MQBrokerException`` / ``MQClientException`` carrying the broker's response code and remark.
Name-server requests pass ``addr=None`` and the remoting client picks a name server.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable, Iterable

from rocketmq_ref.client.consumer.pull_result import PullResultExt, PullStatus
from rocketmq_ref.client.exception import MQBrokerException, MQClientException
from rocketmq_ref.client.producer.send_result import SendResult, SendStatus
from rocketmq_ref.common import mixall
from rocketmq_ref.common.protocol.body.check_client_request_body import CheckClientRequestBody
from rocketmq_ref.common.protocol.body.get_consumer_list_by_group_response_body import \
    GetConsumerListByGroupResponseBody
from rocketmq_ref.common.protocol.body.lock_batch_body import (LockBatchRequestBody,
                                                               LockBatchResponseBody,
                                                               UnlockBatchRequestBody)
from rocketmq_ref.common.protocol.header.consumer_send_msg_back_request_header import \
    ConsumerSendMsgBackRequestHeader
from rocketmq_ref.common.protocol.header.get_consumer_list_by_group_request_header import \
    GetConsumerListByGroupRequestHeader
from rocketmq_ref.common.protocol.header.get_earliest_msg_storetime_request_header import \
    GetEarliestMsgStoretimeRequestHeader
from rocketmq_ref.common.protocol.header.get_max_offset_request_header import \
    GetMaxOffsetRequestHeader
from rocketmq_ref.common.protocol.header.get_min_offset_request_header import \
    GetMinOffsetRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.get_route_info_request_header import \
    GetRouteInfoRequestHeader
from rocketmq_ref.common.protocol.header.pull_message_request_header import \
    PullMessageRequestHeader
from rocketmq_ref.common.protocol.header.query_consumer_offset_request_header import \
    QueryConsumerOffsetRequestHeader
from rocketmq_ref.common.protocol.header.query_message_request_header import \
    QueryMessageRequestHeader
from rocketmq_ref.common.protocol.header.search_offset_request_header import \
    SearchOffsetRequestHeader
from rocketmq_ref.common.protocol.header.send_message_request_header import \
    SendMessageRequestHeader
from rocketmq_ref.common.protocol.header.send_message_request_header_v2 import \
    SendMessageRequestHeaderV2
from rocketmq_ref.common.protocol.header.unregister_client_request_header import \
    UnregisterClientRequestHeader
from rocketmq_ref.common.protocol.header.update_consumer_offset_request_header import \
    UpdateConsumerOffsetRequestHeader
from rocketmq_ref.common.protocol.header.view_message_request_header import \
    ViewMessageRequestHeader
from rocketmq_ref.common.message import MessageQueue
from rocketmq_ref.common.message import message_const as MessageConst
from rocketmq_ref.common.message import message_decoder as MessageDecoder
from rocketmq_ref.common.message.message_batch import MessageBatch
from rocketmq_ref.common.message.message_client_id_setter import MessageClientIDSetter
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.protocol.route import TopicRouteData
from rocketmq_ref.remoting.exception import RemotingException
from rocketmq_ref.remoting.protocol import RemotingCommand

log = logging.getLogger("rocketmq_ref.client")


class CommunicationMode:
    """Java ``CommunicationMode``."""

    SYNC = "SYNC"
    ASYNC = "ASYNC"
    ONEWAY = "ONEWAY"


def _str_fields(fields: dict[str, Any]) -> dict[str, str]:
    """Java ``makeCustomHeaderToNet``: nulls left out, booleans ``true``/``false``, the rest ``toString``."""
    out = {}
    for k, v in fields.items():
        if v is None:
            continue
        out[k] = ("true" if v else "false") if isinstance(v, bool) else str(v)
    return out


def make_request(code: int, header: Any = None, body: bytes | None = None) -> RemotingCommand:
    """A request with a declarative custom header (``CommandCustomHeader``) or, for the few admin
    calls that Java sends with ad-hoc ext fields, a plain dict."""
    if isinstance(header, dict):
        request = RemotingCommand.create_request_command(code, None)
        request.ext_fields = _str_fields(header)
    else:
        request = RemotingCommand.create_request_command(code, header)
    if body is not None:
        request.body = body
    return request


def _ext(response: RemotingCommand) -> dict[str, str]:
    return response.ext_fields or {}


def _ext_int(response: RemotingCommand, key: str, default: int = 0) -> int:
    value = _ext(response).get(key)
    return int(value) if value not in (None, "") else default


class MQClientAPIImpl:
    """Java ``MQClientAPIImpl`` over the asyncio ``NettyRemotingClient`` (blocking calls run it from
    the caller's thread; async ones complete their callbacks on the remoting callback executor)."""

    def __init__(self, remoting_client: Any, client_config: Any) -> None:
        self.remoting_client = remoting_client
        self.client_config = client_config
        self.name_srv_addr: str | None = None

    # -- life cycle --------------------------------------------------------------------------------
    def start(self) -> None:
        self.remoting_client.start()

    def shutdown(self) -> None:
        self.remoting_client.shutdown()

    def update_name_server_address_list(self, addrs: str) -> None:
        self.name_srv_addr = addrs
        self.remoting_client.update_name_server_address_list(
            [a.strip() for a in addrs.split(";") if a.strip()])

    def get_name_server_address_list(self) -> list[str]:
        return list(self.remoting_client.get_name_server_address_list())

    def _sync(self, addr: str | None, request: RemotingCommand, timeout_ms: float) -> RemotingCommand:
        return self.remoting_client.invoke_sync(addr, request, timeout_ms)

    # -- send ----------------------------------------------------------------------------------------
    def send_message(self, addr: str, broker_name: str, msg: Any, header: SendMessageRequestHeader,
                     timeout_ms: float, communication_mode: str,
                     send_callback: Any = None, topic_publish_info: Any = None,
                     instance: Any = None, retry_times_when_send_failed: int = 0,
                     context: Any = None, producer: Any = None,
                     body: bytes | None = None) -> SendResult | None:
        """SEND_MESSAGE_V2 (single-letter keys, as ``sendSmartMsg`` Java clients send) or
        SEND_BATCH_MESSAGE for a ``MessageBatch``; sync, async (with retries on another broker from
        the callback) or oneway (Java ``sendMessage``)."""
        begin = time.monotonic()
        if isinstance(msg, MessageBatch):
            code = RequestCode.SEND_BATCH_MESSAGE
        elif msg.properties.get(MessageConst.PROPERTY_MESSAGE_TYPE) == mixall.REPLY_MESSAGE_FLAG:
            code = RequestCode.SEND_REPLY_MESSAGE_V2  # a reply made by MessageUtil (4.6+)
        else:
            code = RequestCode.SEND_MESSAGE_V2
        request = make_request(code, SendMessageRequestHeaderV2.create_send_message_request_header_v2(
            header), msg.body if body is None else body)
        if communication_mode == CommunicationMode.ONEWAY:
            self.remoting_client.invoke_oneway(addr, request, timeout_ms)
            return None
        cost = (time.monotonic() - begin) * 1000
        if timeout_ms < cost:
            raise MQClientException("sendMessage call timeout")
        if communication_mode == CommunicationMode.ASYNC:
            self._send_message_async(addr, broker_name, msg, timeout_ms - cost, request, send_callback,
                                     topic_publish_info, instance, retry_times_when_send_failed,
                                     [0], context, producer)
            return None
        response = self._sync(addr, request, timeout_ms - cost)
        return self.process_send_response(broker_name, msg, response, addr)

    def _send_message_async(self, addr: str, broker_name: str, msg: Any, timeout_ms: float,
                            request: RemotingCommand, send_callback: Any, tp_info: Any,
                            instance: Any, times_total: int, cur_times: list[int], context: Any,
                            producer: Any) -> None:
        begin = time.monotonic()

        def on_exception(e: BaseException, need_retry: bool) -> None:
            cost = (time.monotonic() - begin) * 1000
            self._on_exception_impl(broker_name, msg, timeout_ms - cost, request, send_callback,
                                    tp_info, instance, times_total, cur_times, e, context,
                                    need_retry, producer)

        def operation_complete(response: RemotingCommand | None, error: BaseException | None) -> None:
            latency = int((time.monotonic() - begin) * 1000)
            if response is None:
                producer.update_fault_item(broker_name, latency, True)
                on_exception(error if error is not None else MQClientException("unknown reason"), True)
                return
            try:
                result = self.process_send_response(broker_name, msg, response, addr)
            except Exception as e:  # noqa: BLE001 - a broker error: Java does not retry this one
                producer.update_fault_item(broker_name, latency, True)
                on_exception(e, False)
                return
            if context is not None:
                context.send_result = result
                producer.execute_send_message_hook_after(context)
            producer.update_fault_item(broker_name, latency, False)
            try:
                send_callback.on_success(result)
            except Exception:  # noqa: BLE001 - a user callback must not break the client
                log.exception("sendCallback.onSuccess raised")

        try:
            self.remoting_client.invoke_async(addr, request, timeout_ms,
                                              _InvokeCallback(operation_complete))
        except Exception as e:  # noqa: BLE001
            producer.update_fault_item(broker_name, int((time.monotonic() - begin) * 1000), True)
            on_exception(e, True)

    def _on_exception_impl(self, broker_name: str, msg: Any, timeout_ms: float,
                           request: RemotingCommand, send_callback: Any, tp_info: Any,
                           instance: Any, times_total: int, cur_times: list[int],
                           e: BaseException, context: Any, need_retry: bool, producer: Any) -> None:
        cur_times[0] += 1
        if need_retry and cur_times[0] <= times_total and timeout_ms > 0:
            retry_broker = broker_name
            if tp_info is not None:
                retry_broker = producer.select_one_message_queue(tp_info, broker_name).broker_name
            addr = instance.find_broker_address_in_publish(retry_broker)
            log.warning("async send msg by retry %d times. topic=%s, brokerAddr=%s, brokerName=%s: %s",
                        cur_times[0], msg.topic, addr, retry_broker, e)
            if addr is not None:
                retry = make_request(request.code, dict(request.ext_fields or {}), request.body)
                self._send_message_async(addr, retry_broker, msg, timeout_ms, retry, send_callback,
                                         tp_info, instance, times_total, cur_times, context, producer)
                return
        if context is not None:
            context.exception = e
            producer.execute_send_message_hook_after(context)
        try:
            send_callback.on_exception(e)
        except Exception:  # noqa: BLE001
            log.exception("sendCallback.onException raised")

    def process_send_response(self, broker_name: str, msg: Any, response: RemotingCommand,
                              addr: str) -> SendResult:
        status = _SEND_STATUS.get(response.code)
        if status is None:
            raise MQBrokerException(response.code, response.remark, addr)
        ext = _ext(response)
        topic = msg.topic
        if self.client_config.namespace:
            topic = self.client_config.without_namespace(topic)
        mq = MessageQueue(topic, broker_name, int(ext.get("queueId", "0")))
        if isinstance(msg, MessageBatch):
            uniq = ",".join(MessageClientIDSetter.get_uniq_id(m) or "" for m in msg)
        else:
            uniq = MessageClientIDSetter.get_uniq_id(msg)
        region = ext.get(MessageConst.PROPERTY_MSG_REGION) or mixall.DEFAULT_TRACE_REGION_ID
        return SendResult(send_status=status, msg_id=uniq, message_queue=mq,
                          queue_offset=int(ext.get("queueOffset", "0")),
                          transaction_id=ext.get("transactionId"), offset_msg_id=ext.get("msgId"),
                          region_id=region, trace_on=ext.get(MessageConst.PROPERTY_TRACE_SWITCH) != "false")

    # -- pull ----------------------------------------------------------------------------------------
    def pull_message(self, addr: str, header: PullMessageRequestHeader, timeout_ms: float,
                     communication_mode: str, pull_callback: Any = None) -> PullResultExt | None:
        """PULL_MESSAGE (Java ``pullMessage``): async for the push consumer, sync for pull consumers."""
        request = make_request(RequestCode.PULL_MESSAGE, header)
        if communication_mode == CommunicationMode.ASYNC:
            def operation_complete(response: RemotingCommand | None, error: BaseException | None) -> None:
                if response is None:
                    pull_callback.on_exception(
                        error if isinstance(error, MQClientException)
                        else MQClientException(f"pull from {addr} failed: {error}", error))
                    return
                try:
                    result = self.process_pull_response(response, addr)
                except Exception as e:  # noqa: BLE001
                    pull_callback.on_exception(e)
                    return
                pull_callback.on_success(result)

            self.remoting_client.invoke_async(addr, request, timeout_ms,
                                              _InvokeCallback(operation_complete))
            return None
        response = self._sync(addr, request, timeout_ms)
        return self.process_pull_response(response, addr)

    def process_pull_response(self, response: RemotingCommand, addr: str) -> PullResultExt:
        status = _PULL_STATUS.get(response.code)
        if status is None:
            raise MQBrokerException(response.code, response.remark, addr)
        return PullResultExt(status, _ext_int(response, "nextBeginOffset"),
                             _ext_int(response, "minOffset"), _ext_int(response, "maxOffset"), [],
                             suggest_which_broker_id=_ext_int(response, "suggestWhichBrokerId"),
                             message_binary=response.body)

    def end_transaction_oneway(self, addr: str, header: Any, remark: str | None, timeout_ms: float) -> None:
        """END_TRANSACTION (oneway; B8.3): commit, roll back or leave a half message unknown."""
        request = make_request(RequestCode.END_TRANSACTION, header)
        request.remark = remark
        self.remoting_client.invoke_oneway(addr, request, timeout_ms)

    # -- consumer ------------------------------------------------------------------------------------
    def send_heartbeat(self, addr: str, heartbeat_data: Any, timeout_ms: float) -> int:
        """HEART_BEAT: the body is ``HeartbeatData`` JSON; answers the broker's version."""
        request = make_request(RequestCode.HEART_BEAT, None, heartbeat_data.encode())
        response = self._sync(addr, request, timeout_ms)
        if response.code == ResponseCode.SUCCESS:
            return response.version
        raise MQBrokerException(response.code, response.remark, addr)

    def check_client_in_broker(self, broker_addr: str, consumer_group: str, client_id: str,
                               subscription_data: Any, timeout_ms: float) -> None:
        """CHECK_CLIENT_CONFIG: the broker compiles a SQL92 subscription; a refusal raises
        ``MQClientException`` with the broker's code and reason (books A7.1.3, B5.8)."""
        body = CheckClientRequestBody(client_id=client_id, group=consumer_group, subscription_data=subscription_data)
        request = make_request(RequestCode.CHECK_CLIENT_CONFIG, None, body.encode())
        response = self._sync(broker_addr, request, timeout_ms)
        if response.code != ResponseCode.SUCCESS:
            raise MQClientException(response.code, response.remark)

    def unregister_client(self, addr: str, client_id: str, producer_group: str | None,
                          consumer_group: str | None, timeout_ms: float) -> None:
        request = make_request(RequestCode.UNREGISTER_CLIENT, UnregisterClientRequestHeader(
            client_id=client_id, producer_group=producer_group, consumer_group=consumer_group))
        response = self._sync(addr, request, timeout_ms)
        if response.code != ResponseCode.SUCCESS:
            raise MQBrokerException(response.code, response.remark, addr)

    def get_consumer_id_list_by_group(self, addr: str, consumer_group: str, timeout_ms: float
                                      ) -> list[str] | None:
        request = make_request(RequestCode.GET_CONSUMER_LIST_BY_GROUP,
                               GetConsumerListByGroupRequestHeader(consumer_group=consumer_group))
        response = self._sync(addr, request, timeout_ms)
        if response.code == ResponseCode.SUCCESS:
            if response.body:
                return list(GetConsumerListByGroupResponseBody.from_json(bytes(response.body))
                            .consumer_id_list)
        raise MQBrokerException(response.code, response.remark, addr)

    def query_consumer_offset(self, addr: str, *, topic: str, consumer_group: str, queue_id: int,
                              broker_name: str | None = None, timeout_ms: float = 5000) -> int:
        request = make_request(RequestCode.QUERY_CONSUMER_OFFSET, QueryConsumerOffsetRequestHeader(
            bname=broker_name, consumer_group=consumer_group, topic=topic, queue_id=queue_id))
        response = self._sync(addr, request, timeout_ms)
        if response.code == ResponseCode.SUCCESS:
            return _ext_int(response, "offset")
        raise MQBrokerException(response.code, response.remark, addr)

    def update_consumer_offset(self, addr: str, *, topic: str, consumer_group: str, queue_id: int,
                               commit_offset: int, broker_name: str | None = None,
                               timeout_ms: float = 5000, oneway: bool = True) -> None:
        request = make_request(RequestCode.UPDATE_CONSUMER_OFFSET, UpdateConsumerOffsetRequestHeader(
            bname=broker_name, consumer_group=consumer_group, topic=topic, queue_id=queue_id,
            commit_offset=commit_offset))
        if oneway:
            self.remoting_client.invoke_oneway(addr, request, timeout_ms)
            return
        response = self._sync(addr, request, timeout_ms)
        if response.code != ResponseCode.SUCCESS:
            raise MQBrokerException(response.code, response.remark, addr)

    def consumer_send_message_back(self, addr: str, broker_name: str | None, msg: Any,
                                   consumer_group: str, delay_level: int, timeout_ms: float,
                                   max_consume_retry_times: int) -> None:
        """CONSUMER_SEND_MSG_BACK: the broker re-stores the message in ``%RETRY%group`` (book B5.6.2)."""
        request = make_request(RequestCode.CONSUMER_SEND_MSG_BACK, ConsumerSendMsgBackRequestHeader(
            bname=broker_name, offset=msg.commit_log_offset, group=consumer_group,
            delay_level=delay_level, origin_msg_id=msg.msg_id, origin_topic=msg.topic,
            unit_mode=False, max_reconsume_times=max_consume_retry_times))
        response = self._sync(addr, request, timeout_ms)
        if response.code != ResponseCode.SUCCESS:
            raise MQBrokerException(response.code, response.remark, addr)

    def lock_batch_mq(self, addr: str, consumer_group: str, client_id: str, mqs: Iterable[Any],
                      timeout_ms: float) -> set[Any]:
        body = LockBatchRequestBody(consumer_group=consumer_group, client_id=client_id,
                                    mq_set=set(mqs))
        request = make_request(RequestCode.LOCK_BATCH_MQ, None, body.encode())
        response = self._sync(addr, request, timeout_ms)
        if response.code == ResponseCode.SUCCESS:
            return set(LockBatchResponseBody.from_json(bytes(response.body or b"{}")).lock_ok_mq_set)
        raise MQBrokerException(response.code, response.remark, addr)

    def unlock_batch_mq(self, addr: str, consumer_group: str, client_id: str, mqs: Iterable[Any],
                        timeout_ms: float, oneway: bool = False) -> None:
        body = UnlockBatchRequestBody(consumer_group=consumer_group, client_id=client_id,
                                      mq_set=set(mqs))
        request = make_request(RequestCode.UNLOCK_BATCH_MQ, None, body.encode())
        if oneway:
            self.remoting_client.invoke_oneway(addr, request, timeout_ms)
            return
        response = self._sync(addr, request, timeout_ms)
        if response.code != ResponseCode.SUCCESS:
            raise MQBrokerException(response.code, response.remark, addr)

    # -- offsets by queue ----------------------------------------------------------------------------
    def _queue_offset_call(self, code: int, addr: str, header: Any, timeout_ms: float,
                           key: str) -> int:
        response = self._sync(addr, make_request(code, header), timeout_ms)
        if response.code == ResponseCode.SUCCESS:
            return _ext_int(response, key)
        raise MQBrokerException(response.code, response.remark, addr)

    def get_max_offset(self, addr: str, mq: Any, timeout_ms: float) -> int:
        return self._queue_offset_call(RequestCode.GET_MAX_OFFSET, addr, GetMaxOffsetRequestHeader(
            bname=mq.broker_name, topic=mq.topic, queue_id=mq.queue_id), timeout_ms, "offset")

    def get_min_offset(self, addr: str, mq: Any, timeout_ms: float) -> int:
        return self._queue_offset_call(RequestCode.GET_MIN_OFFSET, addr, GetMinOffsetRequestHeader(
            bname=mq.broker_name, topic=mq.topic, queue_id=mq.queue_id), timeout_ms, "offset")

    def search_offset(self, addr: str, mq: Any, timestamp: int, timeout_ms: float) -> int:
        return self._queue_offset_call(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, addr,
                                       SearchOffsetRequestHeader(bname=mq.broker_name, topic=mq.topic,
                                                                 queue_id=mq.queue_id,
                                                                 timestamp=timestamp),
                                       timeout_ms, "offset")

    def get_earliest_msg_storetime(self, addr: str, mq: Any, timeout_ms: float) -> int:
        return self._queue_offset_call(RequestCode.GET_EARLIEST_MSG_STORETIME, addr,
                                       GetEarliestMsgStoretimeRequestHeader(
                                           bname=mq.broker_name, topic=mq.topic,
                                           queue_id=mq.queue_id), timeout_ms, "timestamp")

    # -- messages by id / key ------------------------------------------------------------------------
    def view_message(self, addr: str, phy_offset: int, timeout_ms: float) -> Any:
        request = make_request(RequestCode.VIEW_MESSAGE_BY_ID, ViewMessageRequestHeader(offset=phy_offset))
        response = self._sync(mixall.broker_vip_channel(self.client_config.vip_channel_enabled, addr),
                              request, timeout_ms)
        if response.code == ResponseCode.SUCCESS:
            msgs = MessageDecoder.decodes(bytes(response.body or b""))
            if msgs:
                msg = msgs[0]
                if self.client_config.namespace:
                    msg.topic = self.client_config.without_namespace(msg.topic)
                return msg
        raise MQBrokerException(response.code, response.remark, addr)

    def query_correction_offset(self, addr: str, topic: str, group: str, filter_group: Iterable[str] | None,
                                timeout_ms: float) -> dict[int, int]:
        """QUERY_CORRECTION_OFFSET (Java ``queryCorrectionOffset``): per queue, the lowest offset of
        the topic's other groups (``Long.MAX_VALUE`` where ``group`` is behind them all)."""
        from rocketmq_ref.common.protocol.body.query_correction_offset_body import QueryCorrectionOffsetBody
        from rocketmq_ref.common.protocol.header.query_correction_offset_header import \
            QueryCorrectionOffsetHeader

        header = QueryCorrectionOffsetHeader(compare_group=group, topic=topic)
        if filter_group is not None:
            header.filter_groups = ",".join(filter_group)
        request = make_request(RequestCode.QUERY_CORRECTION_OFFSET, header)
        response = self._sync(mixall.broker_vip_channel(self.client_config.vip_channel_enabled, addr),
                              request, timeout_ms)
        if response.code == ResponseCode.SUCCESS and response.body is not None:
            return QueryCorrectionOffsetBody.decode(bytes(response.body)).correction_offsets
        raise MQClientException(response.code, response.remark)

    def resume_check_half_message(self, addr: str, msg_id: str, timeout_ms: float) -> bool:
        """RESUME_CHECK_HALF_MESSAGE (Java ``resumeCheckHalfMessage``): true when the broker put the
        half message back with its check count reset; false (the remark logged) otherwise."""
        from rocketmq_ref.common.protocol.header.resume_check_half_message_request_header import \
            ResumeCheckHalfMessageRequestHeader

        request = make_request(RequestCode.RESUME_CHECK_HALF_MESSAGE,
                               ResumeCheckHalfMessageRequestHeader(msg_id=msg_id))
        response = self._sync(mixall.broker_vip_channel(self.client_config.vip_channel_enabled, addr),
                              request, timeout_ms)
        if response.code == ResponseCode.SUCCESS:
            return True
        log.error("Failed to resume half message check logic. Remark=%s", response.remark)
        return False

    def query_message(self, addr: str, *, topic: str, key: str, max_num: int, begin_timestamp: int,
                      end_timestamp: int, timeout_ms: float, is_unique_key: bool = False) -> list[Any]:
        request = make_request(RequestCode.QUERY_MESSAGE, QueryMessageRequestHeader(
            topic=topic, key=key, max_num=max_num, begin_timestamp=begin_timestamp,
            end_timestamp=end_timestamp))
        if is_unique_key:
            request.add_ext_field(mixall.UNIQUE_MSG_QUERY_FLAG, "true")
        response = self._sync(addr, request, timeout_ms)
        if response.code == ResponseCode.SUCCESS:
            return MessageDecoder.decodes(bytes(response.body or b""))
        if response.code == ResponseCode.QUERY_NOT_FOUND:
            return []
        raise MQBrokerException(response.code, response.remark, addr)

    # -- name server ---------------------------------------------------------------------------------
    def get_topic_route_info_from_name_server(self, topic: str, timeout_ms: float,
                                              allow_topic_not_exist: bool = True) -> TopicRouteData:
        """GET_ROUTEINFO_BY_TOPIC; TOPIC_NOT_EXIST becomes ``MQClientException`` with code 17."""
        request = make_request(RequestCode.GET_ROUTEINFO_BY_TOPIC, GetRouteInfoRequestHeader(topic=topic))
        response = self._sync(None, request, timeout_ms)
        if response.code == ResponseCode.SUCCESS and response.body:
            return TopicRouteData.from_json(bytes(response.body))
        if response.code == ResponseCode.TOPIC_NOT_EXIST and allow_topic_not_exist:
            log.warning("get Topic [%s] RouteInfoFromNameServer is not exist value", topic)
        raise MQClientException(response.code, response.remark)

    def get_default_topic_route_info_from_name_server(self, topic: str, timeout_ms: float
                                                      ) -> TopicRouteData:
        return self.get_topic_route_info_from_name_server(topic, timeout_ms, False)

    def invoke_name_server(self, code: int, header: Any = None,
                           body: bytes | None = None, timeout_ms: float = 3000,
                           addr: str | None = None) -> RemotingCommand:
        """One admin request to a name server (``addr`` None: the remoting client's choice)."""
        response = self._sync(addr, make_request(code, header, body), timeout_ms)
        if response.code != ResponseCode.SUCCESS:
            raise MQClientException(response.code, response.remark)
        return response

    def invoke_broker(self, addr: str, code: int, header: Any = None,
                      body: bytes | None = None, timeout_ms: float = 3000,
                      ok_codes: tuple[int, ...] = (0,)) -> RemotingCommand:
        """One admin request to a broker; a non-success code is an ``MQBrokerException``."""
        response = self._sync(addr, make_request(code, header, body), timeout_ms)
        if response.code not in ok_codes:
            raise MQBrokerException(response.code, response.remark, addr)
        return response


class _InvokeCallback:
    """Adapter from the remoting ``InvokeCallback`` (a ``ResponseFuture``) to (response, error)."""

    def __init__(self, fn: Callable[[RemotingCommand | None, BaseException | None], None]) -> None:
        self._fn = fn
        self._done = threading.Event()

    def operation_complete(self, response_future: Any) -> None:
        if self._done.is_set():
            return
        self._done.set()
        response = getattr(response_future, "response_command", None)
        error = None
        if response is None:
            cause = getattr(response_future, "cause", None)
            if getattr(response_future, "is_timeout", lambda: False)():
                error = MQClientException(
                    f"wait response timeout {getattr(response_future, 'timeout_ms', '?')}ms", cause)
            elif cause is not None and not isinstance(cause, RemotingException):
                error = MQClientException("send request failed", cause)
            else:
                error = cause or MQClientException("unknown reason")
        self._fn(response, error)

    __call__ = operation_complete


_SEND_STATUS = {
    ResponseCode.SUCCESS: SendStatus.SEND_OK,
    ResponseCode.FLUSH_DISK_TIMEOUT: SendStatus.FLUSH_DISK_TIMEOUT,
    ResponseCode.FLUSH_SLAVE_TIMEOUT: SendStatus.FLUSH_SLAVE_TIMEOUT,
    ResponseCode.SLAVE_NOT_AVAILABLE: SendStatus.SLAVE_NOT_AVAILABLE,
}

_PULL_STATUS = {
    ResponseCode.SUCCESS: PullStatus.FOUND,
    ResponseCode.PULL_NOT_FOUND: PullStatus.NO_NEW_MSG,
    ResponseCode.PULL_RETRY_IMMEDIATELY: PullStatus.NO_MATCHED_MSG,
    ResponseCode.PULL_OFFSET_MOVED: PullStatus.OFFSET_ILLEGAL,
}

__all__ = ["MQClientAPIImpl", "CommunicationMode", "make_request"]
