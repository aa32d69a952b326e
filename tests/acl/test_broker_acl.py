"""The broker wiring: no hook at all with aclEnable=false, the validator's hook on both servers
with it, the server span told allowed/denied, and the four ACL admin codes."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from rocketmq_ref.acl.broker_acl import AclAdminHandlers, initial_acl, shutdown_acl
from rocketmq_ref.acl.common import AclClientRPCHook, AclException, SessionCredentials
from rocketmq_ref.acl.plain.plain_access_validator import AclServerRPCHook, PlainAccessValidator
from rocketmq_ref.common.broker_config import BrokerConfig
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
from rocketmq_ref.common.tracing import span
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

ACL = "accounts:\n  - accessKey: RocketMQ\n    secretKey: '12345678'\n    defaultTopicPerm: PUB\n"


class FakeServer:
    def __init__(self) -> None:
        self.hooks: list = []

    def register_rpc_hook(self, hook) -> None:
        self.hooks.append(hook)


def controller(home: Path | None, enabled: bool) -> SimpleNamespace:
    config = BrokerConfig(rocketmq_home=str(home) if home else None, acl_enable=enabled,
                          broker_name="broker-x", broker_cluster_name="ClusterX")
    return SimpleNamespace(broker_config=config, remoting_server=FakeServer(), fast_remoting_server=FakeServer(),
                           get_broker_addr=lambda: "127.0.0.1:10911")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "plain_acl.yml").write_text(ACL)
    return tmp_path


def test_acl_off_registers_nothing(home):
    c = controller(home, enabled=False)
    assert initial_acl(c)
    assert c.remoting_server.hooks == [] and c.fast_remoting_server.hooks == []
    assert c.access_validator_map == {}


def test_acl_on_hooks_both_servers_and_shutdown_stops_the_watcher(home):
    c = controller(home, enabled=True)
    assert initial_acl(c)
    try:
        validator = c.access_validator_map[PlainAccessValidator]
        assert validator.watch_service.is_alive()
        assert [type(h) for h in c.remoting_server.hooks] == [AclServerRPCHook]
        assert c.fast_remoting_server.hooks == c.remoting_server.hooks
    finally:
        shutdown_acl(c)
    assert not validator.watch_service.is_alive()


def test_unreadable_acl_file_stops_the_broker(tmp_path):
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "plain_acl.yml").write_text("accounts: [\n")
    assert not initial_acl(controller(tmp_path, enabled=True))


def _request(secret: str) -> RemotingCommand:
    request = RemotingCommand.create_request_command(RequestCode.SEND_MESSAGE_V2)
    request.ext_fields = {"a": "PG", "b": "TopicA"}
    AclClientRPCHook(SessionCredentials("RocketMQ", secret)).do_before_request(None, request)
    return request


def test_server_span_says_allowed_or_denied(home, spans):
    hook = AclServerRPCHook(PlainAccessValidator(str(home)))
    with span("SEND_MESSAGE_V2"):
        hook.do_before_request("127.0.0.1:5000", _request("12345678"))
    with pytest.raises(AclException), span("SEND_MESSAGE_V2"):
        hook.do_before_request("127.0.0.1:5000", _request("bad-secret"))
    allowed, denied = spans.get_finished_spans()
    assert allowed.attributes["rocketmq.acl.result"] == "allowed"
    assert allowed.attributes["rocketmq.acl.access_key"] == "RocketMQ"
    assert denied.attributes["rocketmq.acl.result"] == "denied"
    assert "Check signature failed" in denied.status.description


def _admin_request(code: int, header) -> RemotingCommand:
    request = RemotingCommand.create_request_command(code, header)
    request.make_custom_header_to_net()
    return RemotingCommand.decode(request.encode()[4:])


def test_admin_codes_update_delete_version_and_white_list(home):
    c = controller(home, enabled=True)
    assert initial_acl(c)
    try:
        handlers = AclAdminHandlers(c).handlers()
        r = handlers[RequestCode.UPDATE_AND_CREATE_ACL_CONFIG](None, _admin_request(
            RequestCode.UPDATE_AND_CREATE_ACL_CONFIG, CreateAccessConfigRequestHeader(
                access_key="newUser01", secret_key="newSecret01", topic_perms="t1=PUB,t2=SUB", admin=False)))
        assert r.code == ResponseCode.SUCCESS
        account = [a for a in yaml.safe_load((home / "conf" / "plain_acl.yml").read_text())["accounts"]
                   if a["accessKey"] == "newUser01"][0]
        assert account["topicPerms"] == ["t1=PUB", "t2=SUB"]

        r = handlers[RequestCode.UPDATE_AND_CREATE_ACL_CONFIG](None, _admin_request(
            RequestCode.UPDATE_AND_CREATE_ACL_CONFIG, CreateAccessConfigRequestHeader(
                access_key="tiny", secret_key="newSecret01")))
        assert r.code == ResponseCode.UPDATE_AND_CREATE_ACL_CONFIG_FAILED
        assert "length should longer than 6" in r.remark

        r = handlers[RequestCode.GET_BROKER_CLUSTER_ACL_INFO](None, _admin_request(
            RequestCode.GET_BROKER_CLUSTER_ACL_INFO, None))
        h = RemotingCommand.decode(r.encode()[4:]).decode_command_custom_header(GetBrokerAclConfigResponseHeader)
        assert (h.broker_name, h.cluster_name, h.broker_addr) == ("broker-x", "ClusterX", "127.0.0.1:10911")
        assert '"counter":1' in h.version
        assert str(home / "conf" / "plain_acl.yml") in h.all_acl_file_version

        r = handlers[RequestCode.DELETE_ACL_CONFIG](None, _admin_request(
            RequestCode.DELETE_ACL_CONFIG, DeleteAccessConfigRequestHeader(access_key="nobodyAtAll")))
        assert r.code == ResponseCode.DELETE_ACL_CONFIG_FAILED
        assert r.remark == "The accesskey[nobodyAtAll] corresponding to accessConfig has been deleted failed."
        r = handlers[RequestCode.DELETE_ACL_CONFIG](None, _admin_request(
            RequestCode.DELETE_ACL_CONFIG, DeleteAccessConfigRequestHeader(access_key="newUser01")))
        assert r.code == ResponseCode.SUCCESS

        path = str(home / "conf" / "plain_acl.yml")
        r = handlers[RequestCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG](None, _admin_request(
            RequestCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG, UpdateGlobalWhiteAddrsConfigRequestHeader(
                global_white_addrs="10.0.0.1,10.0.1.*", acl_file_full_path=path)))
        assert r.code == ResponseCode.SUCCESS
        assert yaml.safe_load(Path(path).read_text())["globalWhiteRemoteAddresses"] == ["10.0.0.1", "10.0.1.*"]
    finally:
        shutdown_acl(c)


def test_admin_codes_on_a_broker_without_acl_say_so(home):
    c = controller(home, enabled=False)
    initial_acl(c)
    r = AclAdminHandlers(c).handlers()[RequestCode.DELETE_ACL_CONFIG](None, _admin_request(
        RequestCode.DELETE_ACL_CONFIG, DeleteAccessConfigRequestHeader(access_key="someone1")))
    assert r.code == ResponseCode.DELETE_ACL_CONFIG_FAILED and "aclEnable=false" in r.remark
