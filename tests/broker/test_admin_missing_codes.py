"""The last two AdminBrokerProcessor codes of 4.9.8 against an in-process broker (B5.6.3, B8.4):
QUERY_CORRECTION_OFFSET (308) and RESUME_CHECK_HALF_MESSAGE (323), over raw frames."""
from __future__ import annotations

import struct

import pytest

from rocketmq_ref.client.exception import MQClientException
from rocketmq_ref.common.message import message_decoder
from rocketmq_ref.common.protocol.body.query_correction_offset_body import QueryCorrectionOffsetBody
from rocketmq_ref.common.protocol.request_code import RequestCode as RC
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.topic_validator import RMQ_SYS_TRANS_HALF_TOPIC
from rocketmq_ref.tools.admin.default_mq_admin_ext import DefaultMQAdminExt
from tests.support import wire
from tests.support.inproc import inproc_broker
from tests.support.wait import wait_until

TOPIC = "CorrectionTopic"
LONG_MAX = (1 << 63) - 1


@pytest.fixture(scope="module")
def broker(tmp_path_factory):
    with inproc_broker(tmp_path_factory.mktemp("admin-missing"), "broker-m") as (_namesrv, b):
        yield b


def _commit(conn, group, queue_id, offset):
    h, _ = conn.request(RC.UPDATE_CONSUMER_OFFSET, {"consumerGroup": group, "topic": TOPIC, "queueId": queue_id,
                                                    "commitOffset": offset})
    assert h["code"] == 0


def _correction(addr, compare, filter_groups=None):
    ext = {"topic": TOPIC, "compareGroup": compare}
    if filter_groups is not None:
        ext["filterGroups"] = filter_groups
    h, body = wire.call(addr, RC.QUERY_CORRECTION_OFFSET, ext)
    assert h["code"] == ResponseCode.SUCCESS, h
    return QueryCorrectionOffsetBody.decode(bytes(body)).correction_offsets


def test_query_correction_offset_is_the_lowest_other_offset_or_long_max(broker):
    addr = broker.get_broker_addr()
    assert wire.create_topic(addr, TOPIC, 2)["code"] == 0
    with wire.WireConnection(addr) as c:
        for i in range(4):
            assert wire.send_v2(c, TOPIC, f"m{i}".encode(), queue_id=0)[0]["code"] == 0
        _commit(c, "fast_cg", 0, 4)
        _commit(c, "slow_cg", 0, 1)
    assert _correction(addr, "fast_cg") == {0: 1}
    # without itself in the minimum, the slow group is behind every other one: nothing to correct
    assert _correction(addr, "slow_cg", "slow_cg") == {0: LONG_MAX}
    # the fast group alone: its own offset
    assert _correction(addr, "fast_cg", "slow_cg") == {0: 4}
    # skipping a group never drops its committed offsets (Java's iterator removes them)
    assert broker.consumer_offset_manager.query_offset("slow_cg", TOPIC, 0) == 1


def test_client_api_query_correction_offset(broker):
    """After the raw-frame test above: ``MQClientAPIImpl.query_correction_offset`` sends the filter set
    comma-joined and answers the decoded map."""
    admin = DefaultMQAdminExt()
    admin.set_namesrv_addr(broker.broker_config.namesrv_addr)
    admin.start()
    try:
        api = admin.mq_client_instance.mq_client_api_impl
        addr = broker.get_broker_addr()
        assert api.query_correction_offset(addr, TOPIC, "slow_cg", ["slow_cg", "nobody"], 3000) == {0: LONG_MAX}
        assert api.query_correction_offset(addr, TOPIC, "fast_cg", None, 3000) == {0: 1}
        with pytest.raises(MQClientException):
            api.query_correction_offset(addr, TOPIC, None, None, 3000)
    finally:
        admin.shutdown()


def test_query_correction_offset_requires_the_compare_group(broker):
    h, _ = wire.call(broker.get_broker_addr(), RC.QUERY_CORRECTION_OFFSET, {"topic": TOPIC})
    assert h["code"] == ResponseCode.SYSTEM_ERROR and "compareGroup" in h["remark"]


def test_resume_check_half_message_appends_it_again_with_check_times_zero(broker):
    addr = broker.get_broker_addr()
    assert wire.create_topic(addr, "TxnResumeTopic", 1)["code"] == 0
    store = broker.message_store
    before = store.get_max_offset_in_queue(RMQ_SYS_TRANS_HALF_TOPIC, 0)
    with wire.WireConnection(addr) as c:
        h, _ = wire.send_v2(c, "TxnResumeTopic", b"half", group="txn_pg",
                            extra_props={"TRAN_MSG": "true", "PGROUP": "txn_pg", "TRANSACTION_CHECK_TIMES": "5"})
        assert h["code"] == 0
        offset_msg_id = h["extFields"]["msgId"]
        r, _ = c.request(RC.RESUME_CHECK_HALF_MESSAGE, {"msgId": offset_msg_id})
    assert r["code"] == ResponseCode.SUCCESS and r.get("remark") is None
    wait_until(lambda: store.get_max_offset_in_queue(RMQ_SYS_TRANS_HALF_TOPIC, 0) == before + 2, timeout=10)
    records = []
    cq = store.find_consume_queue(RMQ_SYS_TRANS_HALF_TOPIC, 0)
    for qo in (before, before + 1):
        unit = cq.get_index_buffer(qo)
        phy, size, _tags = struct.unpack_from(">qiq", unit.byte_buffer, 0)
        unit.release()
        data = store.select_one_message_by_offset(phy, size)
        records.append(message_decoder.decode(data.byte_buffer))
        data.release()
    original, resumed = records
    assert original.properties["TRANSACTION_CHECK_TIMES"] == "5"
    assert resumed.properties["TRANSACTION_CHECK_TIMES"] == "0"
    assert resumed.body == b"half" and resumed.properties["REAL_TOPIC"] == "TxnResumeTopic"
    assert resumed.topic == RMQ_SYS_TRANS_HALF_TOPIC and resumed.queue_id == 0


@pytest.mark.parametrize("ext", [{"msgId": "nothex"}, {"msgId": "7F00000100002A9F00000000DEADBEEF"}, {}])
def test_resume_check_half_message_bad_id_is_a_system_error(broker, ext):
    h, _ = wire.call(broker.get_broker_addr(), RC.RESUME_CHECK_HALF_MESSAGE, ext)
    assert h["code"] == ResponseCode.SYSTEM_ERROR
    assert h["remark"] == "Exception was thrown when putting message back to RMQ_SYS_TRANS_HALF_TOPIC."


def test_admin_ext_resume_check_half_message_by_offset_id(broker):
    addr = broker.get_broker_addr()
    store = broker.message_store
    before = store.get_max_offset_in_queue(RMQ_SYS_TRANS_HALF_TOPIC, 0)
    with wire.WireConnection(addr) as c:
        h, _ = wire.send_v2(c, "TxnResumeTopic", b"half-2", group="txn_pg",
                            extra_props={"TRAN_MSG": "true", "PGROUP": "txn_pg"})
        assert h["code"] == 0
    admin = DefaultMQAdminExt()
    admin.set_namesrv_addr(broker.broker_config.namesrv_addr)
    admin.start()
    try:
        assert admin.resume_check_half_message(h["extFields"]["msgId"]) is True
    finally:
        admin.shutdown()
    wait_until(lambda: store.get_max_offset_in_queue(RMQ_SYS_TRANS_HALF_TOPIC, 0) == before + 2, timeout=10)
