"""DefaultRequestProcessor in-process: version switches, order topics, old-broker registration."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.namesrv_config import NamesrvConfig
from rocketmq_ref.common.protocol.body.register_broker_body import RegisterBrokerBody
from rocketmq_ref.common.protocol.body.topic_config_serialize_wrapper import \
    TopicConfigSerializeWrapper
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.topic_config import TopicConfig
from rocketmq_ref.namesrv.kvconfig.kv_config_manager import KVConfigManager
from rocketmq_ref.namesrv.processor.default_request_processor import DefaultRequestProcessor
from rocketmq_ref.namesrv.routeinfo.route_info_manager import RouteInfoManager
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand


@pytest.fixture
def controller(tmp_path):
    config = NamesrvConfig(kv_config_path=str(tmp_path / "kv.json"))
    return SimpleNamespace(namesrv_config=config, route_info_manager=RouteInfoManager(),
                           kv_config_manager=KVConfigManager(config))


@pytest.fixture
def processor(controller):
    return DefaultRequestProcessor(controller)


def request(code, ext=None, body=None, version=409):
    cmd = RemotingCommand(int(code), ext_fields=ext, body=body, version=version)
    return cmd


def ctx(name="broker"):
    return SimpleNamespace(channel=object(), remote_addr=f"127.0.0.1:{hash(name) % 50000 + 1}")


REG = {"brokerName": "broker-a", "brokerAddr": "10.0.0.1:10911", "clusterName": "C",
       "haServerAddr": "10.0.0.1:10912", "brokerId": "0"}


def wrapper(*names, counter=1):
    return TopicConfigSerializeWrapper({n: TopicConfig(n, 4, 4, 6) for n in names},
                                       DataVersion(timestamp=1, counter=counter))


def test_old_brokers_send_a_bare_wrapper_new_ones_a_register_body(processor, controller):
    # V3_0_11 is ordinal 37: below it the body is a TopicConfigSerializeWrapper
    r = processor.process_request(ctx(), request(RequestCode.REGISTER_BROKER, dict(REG),
                                                 wrapper("Old").encode(), version=36))
    assert r.code == ResponseCode.SUCCESS
    assert controller.route_info_manager.pickup_topic_route_data("Old") is not None
    body = RegisterBrokerBody(wrapper("New", counter=2), ["10.0.0.1:9000"]).encode()
    r = processor.process_request(ctx(), request(RequestCode.REGISTER_BROKER, dict(REG), body,
                                                 version=37))
    assert r.code == ResponseCode.SUCCESS
    route = controller.route_info_manager.pickup_topic_route_data("New")
    assert route.filter_server_table == {"10.0.0.1:10911": ["10.0.0.1:9000"]}


def test_registration_without_body_is_a_heartbeat_with_version_zero(processor, controller):
    r = processor.process_request(ctx(), request(RequestCode.REGISTER_BROKER, dict(REG)))
    assert r.code == ResponseCode.SUCCESS
    live = controller.route_info_manager.broker_live_table["10.0.0.1:10911"]
    assert live.data_version == DataVersion(timestamp=0, counter=0)


@pytest.mark.parametrize("enabled", [True, False])
def test_order_topic_conf_only_when_order_message_enable(processor, controller, enabled):
    controller.namesrv_config.order_message_enable = enabled
    processor.process_request(ctx(), request(RequestCode.REGISTER_BROKER, dict(REG),
                                             RegisterBrokerBody(wrapper("Ord")).encode()))
    controller.kv_config_manager.put_kv_config("ORDER_TOPIC_CONFIG", "Ord", "broker-a:4")
    r = processor.process_request(ctx(), request(RequestCode.GET_ROUTEINFO_BY_TOPIC,
                                                 {"topic": "Ord"}))
    assert (b'"orderTopicConf":"broker-a:4"' in r.body) is enabled


@pytest.mark.parametrize("version, flag, quoted", [
    (400, None, False), (401, None, True), (409, None, True), (63, "true", True),
    (121, "false", False), (121, "TRUE", True)])
def test_standard_json_from_version_401_or_on_request(processor, version, flag, quoted):
    processor.process_request(ctx(), request(RequestCode.REGISTER_BROKER, dict(REG),
                                             RegisterBrokerBody(wrapper("T")).encode()))
    ext = {"topic": "T"}
    if flag is not None:
        ext["acceptStandardJsonOnly"] = flag
    r = processor.process_request(ctx(), request(RequestCode.GET_ROUTEINFO_BY_TOPIC, ext,
                                                 version=version))
    assert (b'{"0":"10.0.0.1:10911"}' in r.body) is quoted
    assert (b'{0:"10.0.0.1:10911"}' in r.body) is not quoted


def test_kv_requests(processor):
    put = processor.process_request(ctx(), request(RequestCode.PUT_KV_CONFIG,
                                                   {"namespace": "n", "key": "k", "value": "v"}))
    assert put.code == ResponseCode.SUCCESS and put.remark is None
    got = processor.process_request(ctx(), request(RequestCode.GET_KV_CONFIG,
                                                   {"namespace": "n", "key": "k"}))
    got.make_custom_header_to_net()
    assert got.ext_fields == {"value": "v"}
    missing = processor.process_request(ctx(), request(RequestCode.GET_KVLIST_BY_NAMESPACE,
                                                       {"namespace": "zzz"}))
    assert missing.code == ResponseCode.QUERY_NOT_FOUND
    assert missing.remark == "No config item, Namespace: zzz"
    no_value = processor.process_request(ctx(), request(RequestCode.PUT_KV_CONFIG,
                                                        {"namespace": "n", "key": "k"}))
    assert no_value.code == ResponseCode.SYSTEM_ERROR and "value" in no_value.remark
