"""The broker's side of ACL: the validator behind an RPC hook and the four ACL admin requests
(Java ``BrokerController.initialAcl`` and ``AdminBrokerProcessor#updateAndCreateAccessConfig``,
``#deleteAccessConfig``, ``#getBrokerAclConfigVersion``, ``#updateGlobalWhiteAddrsConfig``; A8.2).

With ``aclEnable=false`` nothing is registered: the request path has no hook at all.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from rocketmq_ref.acl.access_validator import AccessValidator
from rocketmq_ref.acl.common.acl_utils import split
from rocketmq_ref.acl.plain.plain_access_validator import AclServerRPCHook, PlainAccessValidator
from rocketmq_ref.acl.plain_access_config import PlainAccessConfig
from rocketmq_ref.common.fastjson import dumps
from rocketmq_ref.common.protocol.header.create_access_config_request_header import (
    CreateAccessConfigRequestHeader)
from rocketmq_ref.common.protocol.header.delete_access_config_request_header import (
    DeleteAccessConfigRequestHeader)
from rocketmq_ref.common.protocol.header.get_broker_acl_config_response_header import (
    GetBrokerAclConfigResponseHeader)
from rocketmq_ref.common.protocol.header.update_global_white_addrs_config_request_header import (
    UpdateGlobalWhiteAddrsConfigRequestHeader)
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.tracing import traced
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

log = logging.getLogger("rocketmq_ref.acl")

_JAVA = "org.apache.rocketmq.broker.processor.AdminBrokerProcessor"


def initial_acl(controller: Any) -> bool:
    """Java ``initialAcl``: with ``aclEnable`` build the plain validator from ``rocketmqHome`` and
    register its hook on both servers.  A validator that cannot load its files stops the broker
    (Java would log and run without ACL)."""
    controller.access_validator_map = {}
    if not controller.broker_config.acl_enable:
        log.info("The broker dose not enable acl")
        return True
    try:
        validator = PlainAccessValidator(controller.broker_config.rocketmq_home)
    except Exception:
        log.exception("loading the ACL files failed")
        return False
    controller.access_validator_map[PlainAccessValidator] = validator
    hook = AclServerRPCHook(validator)
    for server in (controller.remoting_server, controller.fast_remoting_server):
        if server is not None:
            server.register_rpc_hook(hook)
    validator.start()
    return True


def shutdown_acl(controller: Any) -> None:
    for validator in getattr(controller, "access_validator_map", {}).values():
        validator.shutdown()


def _split(s: str | None) -> list[str] | None:
    """Java ``UtilAll.split(str, ",")``: None for None, and no empty items."""
    return None if s is None else split(s, ",")


class AclAdminHandlers:
    """The ACL branches of ``AdminBrokerProcessor``; ``handlers()`` gives them by request code."""

    def __init__(self, broker_controller: Any) -> None:
        self.broker_controller = broker_controller

    def handlers(self) -> dict[int, Callable[[Any, RemotingCommand], RemotingCommand | None]]:
        c = RequestCode
        return {c.UPDATE_AND_CREATE_ACL_CONFIG: self.update_and_create_access_config,
                c.DELETE_ACL_CONFIG: self.delete_access_config,
                c.GET_BROKER_CLUSTER_ACL_INFO: self.get_broker_acl_config_version,
                c.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG: self.update_global_white_addrs_config}

    def _validator(self) -> AccessValidator:
        validator = getattr(self.broker_controller, "access_validator_map", {}).get(PlainAccessValidator)
        if validator is None:  # Java: a NullPointerException, caught and answered with its message
            raise RuntimeError("ACL is not enabled on this broker (aclEnable=false)")
        return validator

    @staticmethod
    def _answer(action: Callable[[], bool], fail_code: int, fail_remark: str, what: str) -> RemotingCommand:
        """SUCCESS when the validator did it; ``fail_code`` with ``fail_remark`` when it said no, or
        with the exception's message when it raised (Java's three outcomes)."""
        try:
            if action():
                return RemotingCommand.create_response_command(ResponseCode.SUCCESS, None)
            log.warning(fail_remark)
            return RemotingCommand.create_response_command(fail_code, fail_remark)
        except Exception as e:
            log.error("Failed to generate a proper %s response: %s", what, e)
            return RemotingCommand.create_response_command(fail_code, str(e))

    @traced(_JAVA + "#updateAndCreateAccessConfig", books=("A8.2",))
    def update_and_create_access_config(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(CreateAccessConfigRequestHeader)
        config = PlainAccessConfig(access_key=h.access_key, secret_key=h.secret_key,
                                   white_remote_address=h.white_remote_address,
                                   default_topic_perm=h.default_topic_perm, default_group_perm=h.default_group_perm,
                                   topic_perms=_split(h.topic_perms), group_perms=_split(h.group_perms),
                                   admin=bool(h.admin))
        return self._answer(lambda: self._validator().update_access_config(config),
                            ResponseCode.UPDATE_AND_CREATE_ACL_CONFIG_FAILED,
                            f"The accesskey[{h.access_key}] corresponding to accessConfig has been updated failed.",
                            "update accessvalidator")

    @traced(_JAVA + "#deleteAccessConfig", books=("A8.2",))
    def delete_access_config(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(DeleteAccessConfigRequestHeader)
        log.info("DeleteAccessConfig called by %s", getattr(getattr(ctx, "channel", None), "remote_addr", None))
        return self._answer(lambda: self._validator().delete_access_config(h.access_key),
                            ResponseCode.DELETE_ACL_CONFIG_FAILED,
                            f"The accesskey[{h.access_key}] corresponding to accessConfig has been deleted failed.",
                            "delete accessvalidator")

    @traced(_JAVA + "#updateGlobalWhiteAddrsConfig", books=("A8.2",))
    def update_global_white_addrs_config(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        h = request.decode_command_custom_header(UpdateGlobalWhiteAddrsConfigRequestHeader)
        return self._answer(lambda: self._validator().update_global_white_addrs_config(
                                _split(h.global_white_addrs) or [], h.acl_file_full_path),
                            ResponseCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED,
                            f"The globalWhiteAddresses[{h.global_white_addrs}] has been updated failed.",
                            "update globalWhiteAddresses")

    @traced(_JAVA + "#getBrokerAclConfigVersion", books=("A8.2",))
    def get_broker_acl_config_version(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        validator = self._validator()
        c = self.broker_controller
        versions = {path: v.to_json_value() for path, v in validator.get_all_acl_config_version().items()}
        response = RemotingCommand.create_response_command(ResponseCode.SUCCESS, None,
                                                           GetBrokerAclConfigResponseHeader)
        h = response.read_custom_header()
        h.version = validator.get_acl_config_version()
        h.all_acl_file_version = dumps(versions)
        h.broker_addr = c.get_broker_addr()
        h.broker_name = c.broker_config.broker_name
        h.cluster_name = c.broker_config.broker_cluster_name
        return response
