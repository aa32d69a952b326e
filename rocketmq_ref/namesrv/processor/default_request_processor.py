"""DefaultRequestProcessor: every request the name server answers (Java
``org.apache.rocketmq.namesrv.processor.DefaultRequestProcessor``; books A10.3, B2.3, A4.2.1).

One method per request code, each turning a request into a response, no I/O of its own (the
remoting server calls ``process_request`` and writes what it returns). Bad input never escapes as
an exception: a missing or malformed header field, an undecodable body or a CRC mismatch is answered
``SYSTEM_ERROR`` with a remark naming the problem, and an unknown code gets
``REQUEST_CODE_NOT_SUPPORTED`` (as 5.x does; 4.9.8 stays silent and lets the caller time out).
"""
from __future__ import annotations

import logging
import zlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.fastjson import FastJsonError, dumps, loads
from rocketmq_ref.common.java_config import ConfigError, parse_properties
from rocketmq_ref.common.protocol.body.kv_table import KVTable
from rocketmq_ref.common.protocol.body.register_broker_body import (RegisterBrokerBody,
                                                                    RegisterBrokerBodyError)
from rocketmq_ref.common.protocol.body.topic_config_serialize_wrapper import \
    TopicConfigSerializeWrapper
from rocketmq_ref.common.protocol.body.topic_list import TopicList
from rocketmq_ref.common.protocol.header.get_topics_by_cluster_request_header import \
    GetTopicsByClusterRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.add_write_perm_of_broker_request_header import \
    AddWritePermOfBrokerRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.add_write_perm_of_broker_response_header import \
    AddWritePermOfBrokerResponseHeader
from rocketmq_ref.common.protocol.header.namesrv.delete_kv_config_request_header import \
    DeleteKVConfigRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.delete_topic_from_namesrv_request_header import \
    DeleteTopicFromNamesrvRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.get_kv_config_request_header import \
    GetKVConfigRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.get_kv_config_response_header import \
    GetKVConfigResponseHeader
from rocketmq_ref.common.protocol.header.namesrv.get_kv_list_by_namespace_request_header import \
    GetKVListByNamespaceRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.get_route_info_request_header import \
    GetRouteInfoRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.put_kv_config_request_header import \
    PutKVConfigRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.query_data_version_request_header import \
    QueryDataVersionRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.query_data_version_response_header import \
    QueryDataVersionResponseHeader
from rocketmq_ref.common.protocol.header.namesrv.register_broker_request_header import \
    RegisterBrokerRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.register_broker_response_header import \
    RegisterBrokerResponseHeader
from rocketmq_ref.common.protocol.header.namesrv.un_register_broker_request_header import \
    UnRegisterBrokerRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.wipe_write_perm_of_broker_request_header import \
    WipeWritePermOfBrokerRequestHeader
from rocketmq_ref.common.protocol.header.namesrv.wipe_write_perm_of_broker_response_header import \
    WipeWritePermOfBrokerResponseHeader
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.tracing import span
from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.netty.netty_request_processor import NettyRequestProcessor
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

if TYPE_CHECKING:
    from rocketmq_ref.namesrv.namesrv_controller import NamesrvController

log = logging.getLogger("rocketmq_ref.namesrv")

_JAVA = "org.apache.rocketmq.namesrv.processor.DefaultRequestProcessor#"

#: ``NamesrvUtil.NAMESPACE_ORDER_TOPIC_CONFIG``
NAMESPACE_ORDER_TOPIC_CONFIG = "ORDER_TOPIC_CONFIG"
#: ``MQVersion.Version.V3_0_11.ordinal()``: brokers from here on send a ``RegisterBrokerBody``
V3_0_11 = 37
#: ``MQVersion.Version.V4_9_4.ordinal()``: clients from here on get route data in standard JSON
V4_9_4 = 401
#: ``FAQUrl.suggestTodo(FAQUrl.APPLY_TOPIC_URL)``
APPLY_TOPIC_TIP = "\nSee http://rocketmq.apache.org/docs/faq/ for further details."
#: keys UPDATE_NAMESRV_CONFIG may never change (Java ``initConfigBlackList``)
CONFIG_BLACK_LIST = ("configBlackList", "configStorePath", "kvConfigPath", "rocketmqHome")


class NamesrvRequestError(Exception):
    """A request the name server cannot serve, with the response code to answer."""

    def __init__(self, remark: str, code: int = ResponseCode.SYSTEM_ERROR) -> None:
        super().__init__(remark)
        self.code = int(code)


def _response(code: int = ResponseCode.SUCCESS, remark: str | None = None,
              header: type | None = None) -> RemotingCommand:
    return RemotingCommand.create_response_command(code, remark, header)


def remote_addr_of(ctx: Any) -> str:
    """``RemotingHelper.parseChannelRemoteAddr``: ``ip:port`` of the peer, or ''."""
    if ctx is None:
        return ""
    addr = getattr(ctx, "remote_addr", None)
    if callable(addr):
        addr = addr()
    return addr or ""


def channel_of(ctx: Any) -> Any:
    """The connection object the route table remembers per broker."""
    if ctx is None:
        return None
    channel = getattr(ctx, "channel", None)
    if callable(channel):
        channel = channel()
    return channel if channel is not None else ctx


class DefaultRequestProcessor(NettyRequestProcessor):
    """The name server's processor for every request code (``registerDefaultProcessor``)."""

    def __init__(self, namesrv_controller: NamesrvController) -> None:
        self.namesrv_controller = namesrv_controller
        black = getattr(namesrv_controller.namesrv_config, "config_black_list", "") or ""
        self.config_black_list = set(CONFIG_BLACK_LIST) | {k for k in black.split(";") if k}
        self._handlers: dict[int, Callable[[Any, RemotingCommand], RemotingCommand]] = {
            RequestCode.PUT_KV_CONFIG: self.put_kv_config,
            RequestCode.GET_KV_CONFIG: self.get_kv_config,
            RequestCode.DELETE_KV_CONFIG: self.delete_kv_config,
            RequestCode.QUERY_DATA_VERSION: self.query_broker_topic_config,
            RequestCode.REGISTER_BROKER: self._register_broker_any_version,
            RequestCode.UNREGISTER_BROKER: self.unregister_broker,
            RequestCode.GET_ROUTEINFO_BY_TOPIC: self.get_route_info_by_topic,
            RequestCode.GET_BROKER_CLUSTER_INFO: self.get_broker_cluster_info,
            RequestCode.WIPE_WRITE_PERM_OF_BROKER: self.wipe_write_perm_of_broker,
            RequestCode.ADD_WRITE_PERM_OF_BROKER: self.add_write_perm_of_broker,
            RequestCode.GET_ALL_TOPIC_LIST_FROM_NAMESERVER: self.get_all_topic_list_from_nameserver,
            RequestCode.DELETE_TOPIC_IN_NAMESRV: self.delete_topic_in_namesrv,
            RequestCode.GET_KVLIST_BY_NAMESPACE: self.get_kv_list_by_namespace,
            RequestCode.GET_TOPICS_BY_CLUSTER: self.get_topics_by_cluster,
            RequestCode.GET_SYSTEM_TOPIC_LIST_FROM_NS: self.get_system_topic_list_from_ns,
            RequestCode.GET_UNIT_TOPIC_LIST: self.get_unit_topic_list,
            RequestCode.GET_HAS_UNIT_SUB_TOPIC_LIST: self.get_has_unit_sub_topic_list,
            RequestCode.GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST: self.get_has_unit_sub_un_unit_topic_list,
            RequestCode.UPDATE_NAMESRV_CONFIG: self.update_config,
            RequestCode.GET_NAMESRV_CONFIG: self.get_config,
        }

    @property
    def route_info_manager(self):
        return self.namesrv_controller.route_info_manager

    @property
    def kv_config_manager(self):
        return self.namesrv_controller.kv_config_manager

    # ------------------------------------------------------------------------------------------

    def process_request(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """Dispatch by request code (Java ``processRequest``)."""
        handler = self._handlers.get(request.code)
        if handler is None:
            log.warning("request type %s not supported, from %s", request.code,
                        remote_addr_of(ctx))
            return _response(ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
                             f" request type {request.code} not supported")
        try:
            return handler(ctx, request)
        except (RemotingCommandException, NamesrvRequestError, RegisterBrokerBodyError,
                ValueError) as e:
            code = getattr(e, "code", ResponseCode.SYSTEM_ERROR)
            log.warning("bad request %s from %s: %s", request.code, remote_addr_of(ctx), e)
            return _response(code, str(e))

    def reject_request(self) -> bool:
        return False

    # ------------------------------------------------------------------------------------------
    # KV config

    def put_kv_config(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(PutKVConfigRequestHeader)
        self.kv_config_manager.put_kv_config(h.namespace, h.key, h.value)
        return _response()

    def get_kv_config(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(GetKVConfigRequestHeader)
        value = self.kv_config_manager.get_kv_config(h.namespace, h.key)
        if value is None:
            return _response(ResponseCode.QUERY_NOT_FOUND,
                             f"No config item, Namespace: {h.namespace} Key: {h.key}")
        response = _response(header=GetKVConfigResponseHeader)
        response.read_custom_header().value = value
        return response

    def delete_kv_config(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(DeleteKVConfigRequestHeader)
        self.kv_config_manager.delete_kv_config(h.namespace, h.key)
        return _response()

    def get_kv_list_by_namespace(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(GetKVListByNamespaceRequestHeader)
        table = self.kv_config_manager.get_kv_list_by_namespace(h.namespace)
        if table is None:
            return _response(ResponseCode.QUERY_NOT_FOUND,
                             f"No config item, Namespace: {h.namespace}")
        response = _response()
        response.body = KVTable(table).encode()
        return response

    # ------------------------------------------------------------------------------------------
    # broker registration (B2.3.2)

    def _register_broker_any_version(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        if request.version >= V3_0_11:
            return self.register_broker_with_filter_server(ctx, request)
        return self.register_broker(ctx, request)

    def _checked_register_header(self, ctx: Any, request: RemotingCommand
                                 ) -> RegisterBrokerRequestHeader:
        h = request.decode_command_custom_header(RegisterBrokerRequestHeader)
        if h.body_crc32:
            crc = zlib.crc32(request.body or b"") & 0x7FFFFFFF  # UtilAll.crc32
            if crc != h.body_crc32:
                log.warning("receive registerBroker request,crc32 not match,from %s",
                            remote_addr_of(ctx))
                raise NamesrvRequestError("crc32 not match")
        return h

    def register_broker_with_filter_server(self, ctx: Any, request: RemotingCommand
                                           ) -> RemotingCommand:
        """REGISTER_BROKER from brokers >= V3_0_11: a ``RegisterBrokerBody``, plain or zlib."""
        h = self._checked_register_header(ctx, request)
        if request.body:
            body = RegisterBrokerBody.decode(request.body, bool(h.compressed))
        else:
            body = RegisterBrokerBody()
            body.topic_config_serialize_wrapper.data_version = DataVersion(timestamp=0, counter=0)
        return self._do_register(ctx, h, body.topic_config_serialize_wrapper,
                                 body.filter_server_list)

    def register_broker(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """REGISTER_BROKER from brokers < V3_0_11: a bare ``TopicConfigSerializeWrapper``."""
        h = self._checked_register_header(ctx, request)
        if request.body:
            try:
                wrapper = TopicConfigSerializeWrapper.decode(request.body)
            except FastJsonError as e:
                raise NamesrvRequestError(
                    f"Failed to decode TopicConfigSerializeWrapper: {e}") from None
        else:
            wrapper = TopicConfigSerializeWrapper(data_version=DataVersion(timestamp=0, counter=0))
        return self._do_register(ctx, h, wrapper, None)

    def _do_register(self, ctx: Any, h: RegisterBrokerRequestHeader,
                     wrapper: TopicConfigSerializeWrapper, filter_server_list: list[str] | None
                     ) -> RemotingCommand:
        result = self.route_info_manager.register_broker(
            h.cluster_name, h.broker_addr, h.broker_name, h.broker_id, h.ha_server_addr, wrapper,
            filter_server_list, channel_of(ctx))
        response = _response(header=RegisterBrokerResponseHeader)
        header = response.read_custom_header()
        header.ha_server_addr = result.ha_server_addr
        header.master_addr = result.master_addr
        table = self.kv_config_manager.get_kv_list_by_namespace(NAMESPACE_ORDER_TOPIC_CONFIG)
        if table is not None:
            response.body = KVTable(table).encode()
        return response

    def query_broker_topic_config(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """QUERY_DATA_VERSION: has the broker's topic config changed? An unchanged answer also
        counts as a heartbeat."""
        h = request.decode_command_custom_header(QueryDataVersionRequestHeader)
        if not request.body:
            raise NamesrvRequestError("QUERY_DATA_VERSION needs the broker's DataVersion as body")
        try:
            data_version = DataVersion.from_json_value(loads(request.body))
        except ValueError as e:  # FastJsonError included
            raise NamesrvRequestError(f"QUERY_DATA_VERSION body is not a DataVersion: {e}") from None
        rim = self.route_info_manager
        changed = rim.is_broker_topic_config_changed(h.broker_addr, data_version)
        if not changed:
            rim.update_broker_info_update_timestamp(h.broker_addr, rim.now_ms())
        response = _response(header=QueryDataVersionResponseHeader)
        ours = rim.query_broker_topic_config(h.broker_addr)
        if ours is not None:
            response.body = dumps(ours).encode("utf-8")
        response.read_custom_header().changed = changed
        return response

    def unregister_broker(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(UnRegisterBrokerRequestHeader)
        self.route_info_manager.unregister_broker(h.cluster_name, h.broker_addr, h.broker_name,
                                                  h.broker_id)
        return _response()

    # ------------------------------------------------------------------------------------------
    # route discovery (B2.3.4)

    def get_route_info_by_topic(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """GET_ROUTEINFO_BY_TOPIC: standard JSON for senders >= V4_9_4 or on request, else
        fastjson's form with bare integer keys (protocol.md §7.4)."""
        h = request.decode_command_custom_header(GetRouteInfoRequestHeader)
        with span("DefaultRequestProcessor.get_route_info_by_topic",
                  java=_JAVA + "getRouteInfoByTopic", books=("B2.3.4", "A4.2.1"),
                  attributes={"messaging.destination.name": h.topic}) as s:
            route = self.route_info_manager.pickup_topic_route_data(h.topic)
            if route is None:
                if s.is_recording():
                    s.set_attribute("rocketmq.response.code", "TOPIC_NOT_EXIST")
                return _response(ResponseCode.TOPIC_NOT_EXIST,
                                 f"No topic route info in name server for the topic: {h.topic}"
                                 + APPLY_TOPIC_TIP)
            if self.namesrv_controller.namesrv_config.order_message_enable:
                route.order_topic_conf = self.kv_config_manager.get_kv_config(
                    NAMESPACE_ORDER_TOPIC_CONFIG, h.topic)
            standard = request.version >= V4_9_4 or bool(h.accept_standard_json_only)
            if s.is_recording():
                s.set_attribute("rocketmq.namesrv.standard_json", standard)
            response = _response()
            response.body = route.encode(fastjson=not standard)
            return response

    def get_broker_cluster_info(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        response = _response()
        response.body = self.route_info_manager.get_all_cluster_info().encode()
        return response

    # ------------------------------------------------------------------------------------------
    # admin

    def wipe_write_perm_of_broker(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(WipeWritePermOfBrokerRequestHeader)
        count = self.route_info_manager.wipe_write_perm_of_broker_by_lock(h.broker_name)
        log.info("wipe write perm of broker[%s], client: %s, %d", h.broker_name,
                 remote_addr_of(ctx), count)
        response = _response(header=WipeWritePermOfBrokerResponseHeader)
        response.read_custom_header().wipe_topic_count = count
        return response

    def add_write_perm_of_broker(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(AddWritePermOfBrokerRequestHeader)
        count = self.route_info_manager.add_write_perm_of_broker_by_lock(h.broker_name)
        log.info("add write perm of broker[%s], client: %s, %d", h.broker_name,
                 remote_addr_of(ctx), count)
        response = _response(header=AddWritePermOfBrokerResponseHeader)
        response.read_custom_header().add_topic_count = count
        return response

    def delete_topic_in_namesrv(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(DeleteTopicFromNamesrvRequestHeader)
        self.route_info_manager.delete_topic(h.topic, h.cluster_name or None)
        return _response()

    @staticmethod
    def _topic_list(topic_list: TopicList) -> RemotingCommand:
        response = _response()
        response.body = topic_list.encode()
        return response

    def get_all_topic_list_from_nameserver(self, ctx: Any, request: RemotingCommand
                                           ) -> RemotingCommand:
        return self._topic_list(self.route_info_manager.get_all_topic_list())

    def get_topics_by_cluster(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(GetTopicsByClusterRequestHeader)
        return self._topic_list(self.route_info_manager.get_topics_by_cluster(h.cluster))

    def get_system_topic_list_from_ns(self, ctx: Any, request: RemotingCommand
                                      ) -> RemotingCommand:
        return self._topic_list(self.route_info_manager.get_system_topic_list())

    def get_unit_topic_list(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        return self._topic_list(self.route_info_manager.get_unit_topics())

    def get_has_unit_sub_topic_list(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        return self._topic_list(self.route_info_manager.get_has_unit_sub_topic_list())

    def get_has_unit_sub_un_unit_topic_list(self, ctx: Any, request: RemotingCommand
                                            ) -> RemotingCommand:
        return self._topic_list(self.route_info_manager.get_has_unit_sub_un_unit_topic_list())

    # ------------------------------------------------------------------------------------------
    # configuration

    def update_config(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        """UPDATE_NAMESRV_CONFIG: a properties text body; black-listed keys are refused."""
        log.info("updateConfig called by %s", remote_addr_of(ctx))
        if request.body:
            try:
                text = request.body.decode("utf-8")
            except UnicodeDecodeError as e:
                raise NamesrvRequestError(f"UnsupportedEncodingException {e}") from None
            props = parse_properties(text)
            blocked = sorted(k for k in props if k in self.config_black_list)
            if blocked:
                return _response(ResponseCode.NO_PERMISSION,
                                 "Can not update config in black list.")
            try:
                self.namesrv_controller.configuration.update(props)
            except ConfigError as e:
                raise NamesrvRequestError(f"string2Properties error: {e}") from None
        return _response()

    def get_config(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        response = _response()
        content = self.namesrv_controller.configuration.get_all_configs_format_string()
        if content:
            response.body = content.encode("utf-8")
        return response
