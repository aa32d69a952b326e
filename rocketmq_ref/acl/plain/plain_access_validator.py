"""The plain validator the broker runs on every request when ``aclEnable=true`` (Java
``acl.plain.PlainAccessValidator``; A8.2).

``parse`` reads the access key and signature from the ext fields, the resources the request code
touches (a send needs PUB on its topic, a pull SUB on its topic and its group's retry topic, a
heartbeat SUB on every subscribed topic and group, ...) and the signed content: every ext field but
``Signature`` and ``_UNIQUE_KEY_QUERY``, sorted by key, then the body (our client's W3C
``traceparent`` is signed like any other field: see ``AclClientRPCHook``).
"""
from __future__ import annotations

import logging
from typing import Any

from rocketmq_ref.acl.access_validator import AccessValidator
from rocketmq_ref.acl.acl_file_watch_service import WATCH_INTERVAL, AclFileWatchService
from rocketmq_ref.acl.common import permission as P
from rocketmq_ref.acl.common.acl_exception import AclException
from rocketmq_ref.acl.common.acl_utils import request_content_head
from rocketmq_ref.acl.common.session_credentials import ACCESS_KEY, SECURITY_TOKEN, SIGNATURE
from rocketmq_ref.acl.plain.plain_access_resource import (PlainAccessResource, get_retry_topic,
                                                          is_retry_topic)
from rocketmq_ref.acl.plain.plain_permission_manager import PlainPermissionManager
from rocketmq_ref.acl.plain_access_config import AclConfig, PlainAccessConfig
from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.fastjson import dumps
from rocketmq_ref.common.mixall import UNIQUE_MSG_QUERY_FLAG
from rocketmq_ref.common.protocol.heartbeat import HeartbeatData
from rocketmq_ref.common.protocol.header.get_consumer_list_by_group_request_header import (
    GetConsumerListByGroupRequestHeader)
from rocketmq_ref.common.protocol.header.unregister_client_request_header import UnregisterClientRequestHeader
from rocketmq_ref.common.protocol.header.update_consumer_offset_request_header import (
    UpdateConsumerOffsetRequestHeader)
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.tracing import current_span
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand
from rocketmq_ref.remoting.rpc_hook import RPCHook

log = logging.getLogger("rocketmq_ref.acl")

#: ext fields left out of the signed content
_UNSIGNED = frozenset((SIGNATURE, UNIQUE_MSG_QUERY_FLAG))


class PlainAccessValidator(AccessValidator):
    def __init__(self, file_home: str | None = None, acl_plain_file: str | None = None,
                 watch_interval_ms: int = WATCH_INTERVAL) -> None:
        self.acl_plug_engine = PlainPermissionManager(file_home, acl_plain_file)
        m = self.acl_plug_engine
        self.watch_service = AclFileWatchService(m.default_acl_dir, m.default_acl_file,
                                                 lambda path: m.load(path), lambda _dir: m.load(),
                                                 m.get_all_acl_files, watch_interval_ms)

    def start(self) -> None:
        """Java starts the watcher in the manager's constructor; here the broker starts it."""
        self.watch_service.start()

    def shutdown(self) -> None:
        self.watch_service.shutdown()

    # -- parse ------------------------------------------------------------------------------------
    def parse(self, request: RemotingCommand, remote_addr: str | None) -> PlainAccessResource:
        resource = PlainAccessResource()
        if remote_addr is not None and ":" in remote_addr:
            resource.white_remote_address = remote_addr[:remote_addr.rfind(":")]
        else:
            resource.white_remote_address = remote_addr
        resource.request_code = request.code
        ext = request.ext_fields
        if ext is None:
            return resource  # only a white address can let it through
        resource.access_key = ext.get(ACCESS_KEY)
        resource.signature = ext.get(SIGNATURE)
        resource.secret_token = ext.get(SECURITY_TOKEN)
        try:
            self._add_resources(resource, request, ext)
        except Exception as e:
            raise AclException(str(e)) from e
        resource.content = request_content_head(ext, _UNSIGNED)  # the body is signed after it
        resource.body = request.body
        return resource

    @staticmethod
    def _add_resources(resource: PlainAccessResource, request: RemotingCommand, ext: dict[str, str]) -> None:
        code, add = request.code, resource.add_resource_and_perm
        if code == RequestCode.SEND_MESSAGE:
            topic = ext.get("topic")
            if is_retry_topic(topic):
                add(get_retry_topic(ext.get("group")), P.SUB)
            else:
                add(topic, P.PUB)
        elif code == RequestCode.SEND_MESSAGE_V2:
            topic = ext.get("b")
            if is_retry_topic(topic):
                add(get_retry_topic(ext.get("a")), P.SUB)
            else:
                add(topic, P.PUB)
        elif code == RequestCode.CONSUMER_SEND_MSG_BACK:
            add(get_retry_topic(ext.get("group")), P.SUB)
        elif code == RequestCode.PULL_MESSAGE:
            add(ext.get("topic"), P.SUB)
            add(get_retry_topic(ext.get("consumerGroup")), P.SUB)
        elif code == RequestCode.QUERY_MESSAGE:
            add(ext.get("topic"), P.SUB)
        elif code == RequestCode.HEART_BEAT:
            heartbeat = HeartbeatData.decode(bytes(request.body or b"{}"))
            for data in heartbeat.consumer_data_set:
                add(get_retry_topic(data.group_name), P.SUB)
                for sub in data.subscription_data_set:
                    add(sub.topic, P.SUB)
        elif code == RequestCode.UNREGISTER_CLIENT:
            h = request.decode_command_custom_header(UnregisterClientRequestHeader)
            add(get_retry_topic(h.consumer_group), P.SUB)
        elif code == RequestCode.GET_CONSUMER_LIST_BY_GROUP:
            h = request.decode_command_custom_header(GetConsumerListByGroupRequestHeader)
            add(get_retry_topic(h.consumer_group), P.SUB)
        elif code == RequestCode.UPDATE_CONSUMER_OFFSET:
            h = request.decode_command_custom_header(UpdateConsumerOffsetRequestHeader)
            add(get_retry_topic(h.consumer_group), P.SUB)
            add(h.topic, P.SUB)

    # -- validate ---------------------------------------------------------------------------------
    def validate(self, access_resource: PlainAccessResource) -> None:
        self.acl_plug_engine.validate(access_resource)

    # -- accounts ---------------------------------------------------------------------------------
    def update_access_config(self, plain_access_config: PlainAccessConfig) -> bool:
        return self.acl_plug_engine.update_access_config(plain_access_config)

    def delete_access_config(self, access_key: str) -> bool:
        return self.acl_plug_engine.delete_access_config(access_key)

    def get_acl_config_version(self) -> str:
        """Java ``getAclConfigVersion``: the default file's DataVersion as JSON."""
        return dumps(self.acl_plug_engine.get_acl_config_data_version().to_json_value())

    def update_global_white_addrs_config(self, global_white_addrs_list: list[str],
                                         acl_file_full_path: str | None = None) -> bool:
        return self.acl_plug_engine.update_global_white_addrs_config(global_white_addrs_list, acl_file_full_path)

    def get_all_acl_config(self) -> AclConfig:
        return self.acl_plug_engine.get_all_acl_config()

    def get_all_acl_config_version(self) -> dict[str, DataVersion]:
        return self.acl_plug_engine.get_data_version_map()


class AclServerRPCHook(RPCHook):
    """The anonymous hook of Java ``BrokerController.initialAcl``: ``validate(parse(request))``
    before the processor runs; a refusal raises ``AclException`` (answered SYSTEM_ERROR).  The
    server span gets ``rocketmq.acl.access_key`` and ``rocketmq.acl.result``."""

    def __init__(self, validator: AccessValidator) -> None:
        self.validator = validator

    def do_before_request(self, remote_addr: str | None, request: RemotingCommand) -> None:
        s = current_span()
        try:
            resource: Any = self.validator.parse(request, remote_addr)
            self.validator.validate(resource)
        except AclException:
            if s.is_recording():
                s.set_attributes({"rocketmq.acl.result": "denied",
                                  "rocketmq.acl.access_key": (request.ext_fields or {}).get(ACCESS_KEY, "")})
            raise
        if s.is_recording():
            s.set_attributes({"rocketmq.acl.result": "allowed",
                              "rocketmq.acl.access_key": resource.access_key or ""})
