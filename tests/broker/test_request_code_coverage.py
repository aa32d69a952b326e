"""Every request code a 4.9.8 broker or name server answers gets an answer here too (B5.6.3, B2.3):
each is sent with no header fields and no body, and the answer must be something other than
REQUEST_CODE_NOT_SUPPORTED — and the server must still be serving afterwards.  The lists are the codes
of 4.9.8's BrokerController.registerProcessor and AdminBrokerProcessor / DefaultRequestProcessor
switches."""
from __future__ import annotations

import pytest

from rocketmq_ref.common.protocol.request_code import RequestCode as RC
from rocketmq_ref.common.protocol.response_code import ResponseCode
from tests.support import wire
from tests.support.inproc import inproc_broker

BROKER_CODES = [  # registerProcessor
    "SEND_MESSAGE", "SEND_MESSAGE_V2", "SEND_BATCH_MESSAGE", "CONSUMER_SEND_MSG_BACK", "PULL_MESSAGE",
    "SEND_REPLY_MESSAGE", "SEND_REPLY_MESSAGE_V2", "QUERY_MESSAGE", "VIEW_MESSAGE_BY_ID", "HEART_BEAT",
    "UNREGISTER_CLIENT", "CHECK_CLIENT_CONFIG", "GET_CONSUMER_LIST_BY_GROUP", "UPDATE_CONSUMER_OFFSET",
    "QUERY_CONSUMER_OFFSET", "END_TRANSACTION",
] + [  # AdminBrokerProcessor.processRequest
    "UPDATE_AND_CREATE_TOPIC", "DELETE_TOPIC_IN_BROKER", "GET_ALL_TOPIC_CONFIG", "UPDATE_BROKER_CONFIG",
    "GET_BROKER_CONFIG", "SEARCH_OFFSET_BY_TIMESTAMP", "GET_MAX_OFFSET", "GET_MIN_OFFSET",
    "GET_EARLIEST_MSG_STORETIME", "GET_BROKER_RUNTIME_INFO", "LOCK_BATCH_MQ", "UNLOCK_BATCH_MQ",
    "UPDATE_AND_CREATE_SUBSCRIPTIONGROUP", "GET_ALL_SUBSCRIPTIONGROUP_CONFIG", "DELETE_SUBSCRIPTIONGROUP",
    "GET_TOPIC_STATS_INFO", "GET_CONSUMER_CONNECTION_LIST", "GET_PRODUCER_CONNECTION_LIST",
    "GET_ALL_PRODUCER_INFO", "GET_CONSUME_STATS", "GET_ALL_CONSUMER_OFFSET", "GET_ALL_DELAY_OFFSET",
    "INVOKE_BROKER_TO_RESET_OFFSET", "INVOKE_BROKER_TO_GET_CONSUMER_STATUS", "QUERY_TOPIC_CONSUME_BY_WHO",
    "QUERY_CONSUME_TIME_SPAN", "GET_SYSTEM_TOPIC_LIST_FROM_BROKER", "CLEAN_EXPIRED_CONSUMEQUEUE",
    "DELETE_EXPIRED_COMMITLOG", "CLEAN_UNUSED_TOPIC", "GET_CONSUMER_RUNNING_INFO", "QUERY_CORRECTION_OFFSET",
    "CONSUME_MESSAGE_DIRECTLY", "CLONE_GROUP_OFFSET", "VIEW_BROKER_STATS_DATA", "GET_BROKER_CONSUME_STATS",
    "QUERY_CONSUME_QUEUE", "UPDATE_AND_CREATE_ACL_CONFIG", "DELETE_ACL_CONFIG", "GET_BROKER_CLUSTER_ACL_INFO",
    "UPDATE_GLOBAL_WHITE_ADDRS_CONFIG", "RESUME_CHECK_HALF_MESSAGE",
]
NAMESRV_CODES = [  # DefaultRequestProcessor.processRequest
    "PUT_KV_CONFIG", "GET_KV_CONFIG", "DELETE_KV_CONFIG", "QUERY_DATA_VERSION", "REGISTER_BROKER",
    "UNREGISTER_BROKER", "GET_ROUTEINFO_BY_TOPIC", "GET_BROKER_CLUSTER_INFO", "WIPE_WRITE_PERM_OF_BROKER",
    "ADD_WRITE_PERM_OF_BROKER", "GET_ALL_TOPIC_LIST_FROM_NAMESERVER", "DELETE_TOPIC_IN_NAMESRV",
    "GET_KVLIST_BY_NAMESPACE", "GET_TOPICS_BY_CLUSTER", "GET_SYSTEM_TOPIC_LIST_FROM_NS", "GET_UNIT_TOPIC_LIST",
    "GET_HAS_UNIT_SUB_TOPIC_LIST", "GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST", "UPDATE_NAMESRV_CONFIG",
    "GET_NAMESRV_CONFIG",
]


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    with inproc_broker(tmp_path_factory.mktemp("code-coverage"), "broker-cov") as (namesrv, broker):
        yield f"127.0.0.1:{namesrv.local_listen_port()}", broker.get_broker_addr()


def _answers(addr: str, names: list[str]) -> dict[str, int]:
    out = {}
    with wire.WireConnection(addr, timeout=10) as c:
        for name in names:
            h, _ = c.request(RC[name], {})
            out[name] = h["code"]
    return out


def test_every_4_9_8_broker_code_is_answered(node):
    _ns, addr = node
    answers = _answers(addr, BROKER_CODES)
    assert [n for n, code in answers.items() if code == ResponseCode.REQUEST_CODE_NOT_SUPPORTED] == []
    assert wire.call(addr, RC.GET_BROKER_RUNTIME_INFO)[0]["code"] == ResponseCode.SUCCESS  # still serving


def test_every_4_9_8_namesrv_code_is_answered(node):
    ns, _addr = node
    answers = _answers(ns, NAMESRV_CODES)
    assert [n for n, code in answers.items() if code == ResponseCode.REQUEST_CODE_NOT_SUPPORTED] == []
    assert wire.call(ns, RC.GET_BROKER_CLUSTER_INFO)[0]["code"] == ResponseCode.SUCCESS


def test_a_code_4_9_8_does_not_answer_is_not_supported(node):
    ns, addr = node
    for target in (ns, addr):
        h, _ = wire.call(target, 9999, {})
        assert h["code"] == ResponseCode.REQUEST_CODE_NOT_SUPPORTED
