"""The broker's side of transactional messages (B8.2-B8.4; question 7): half messages, END_TRANSACTION,
op messages and the check-back pass, on an in-process broker driven with raw frames (protocol.md
END_TRANSACTION / CHECK_TRANSACTION_STATE) or through the service the check thread calls."""
from __future__ import annotations

import time

import pytest

from rocketmq_ref.broker.broker_controller import BrokerController
from rocketmq_ref.common.broker_config import BrokerConfig
from rocketmq_ref.common.message import message_decoder
from rocketmq_ref.common.topic_validator import (RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, RMQ_SYS_TRANS_HALF_TOPIC,
                                                 RMQ_SYS_TRANS_OP_HALF_TOPIC)
from rocketmq_ref.common.tracing import inject, span
from rocketmq_ref.remoting.netty.configs import NettyClientConfig, NettyServerConfig
from rocketmq_ref.store.config.broker_role import BrokerRole
from rocketmq_ref.store.config.message_store_config import MessageStoreConfig
from tests.support import wire

END_TRANSACTION, CHECK_TRANSACTION_STATE = 37, 39
NOT, PREPARED, COMMIT, ROLLBACK = 0, 4, 8, 12
TIMEOUT_MS = 1000


@pytest.fixture
def broker(tmp_path):
    bc = BrokerConfig()
    bc.broker_ip1 = "127.0.0.1"
    bc.broker_name = "broker-tx"
    bc.transaction_check_interval = 3600 * 1000  # the tests run check() themselves
    sc = MessageStoreConfig(store_path_root_dir=str(tmp_path / "store"))
    sc.mapped_file_size_commit_log = 4 * 1024 * 1024
    b = BrokerController(bc, NettyServerConfig(listen_port=0, bind_address="127.0.0.1"), NettyClientConfig(), sc)
    assert b.initialize()
    b.start()
    yield b
    b.shutdown()


class Recorder:
    """A check listener that records instead of calling producers."""

    def __init__(self) -> None:
        self.half, self.discarded = [], []

    def resolve_half_msg(self, msg):
        self.half.append(msg)

    def resolve_discard_msg(self, msg):
        self.discarded.append(msg)


def send_half(conn, topic, body, *, group="tx_pg", queue_id=1, born_ms=None, extra=None):
    props = {"TAGS": "TagT", "UNIQ_KEY": "UNIQ-" + body.decode(), "TRAN_MSG": "true", "PGROUP": group, "WAIT": "true",
             **(extra or {})}
    ext = {"a": group, "b": topic, "c": "TBW102", "d": 4, "e": queue_id, "f": PREPARED,
           "g": born_ms or int(time.time() * 1000), "h": 0, "i": wire.properties_string(props), "j": 0,
           "k": "false", "m": "false"}
    header, _ = conn.request(wire.SEND_MESSAGE_V2, ext, body)
    assert header["code"] == wire.SUCCESS, header
    return header["extFields"]


def end(conn, ext_fields, kind, *, group="tx_pg", from_check=False, oneway=False, **override):
    ext = {"producerGroup": group, "tranStateTableOffset": ext_fields["queueOffset"],
           "commitLogOffset": message_decoder.decode_message_id(ext_fields["msgId"]).offset,
           "commitOrRollback": kind, "fromTransactionCheck": str(from_check).lower(), "msgId": "m", **override}
    if oneway:
        conn.send(END_TRANSACTION, ext, oneway=True)
        return None
    return conn.request(END_TRANSACTION, ext)[0]


def queue(broker, topic, queue_id=0):
    """Every record of a queue, decoded (waits for the dispatch of what was just written)."""
    store = broker.message_store
    deadline = time.monotonic() + 5
    while store.dispatch_behind_bytes() > 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    result = store.get_message("t", topic, queue_id, 0, 64, None)
    if result is None or not result.message_buffer_list:
        return []
    try:
        return [message_decoder.decode(b, 0, True, False) for b in result.message_buffer_list]
    finally:
        result.release()


def test_half_message_waits_in_the_half_topic_with_its_real_address(broker):
    with wire.WireConnection(broker.get_broker_addr()) as c:
        ext = send_half(c, "TxHalf", b"h1", queue_id=2)
    assert ext["queueId"] == "2" and ext["queueOffset"] == "0"
    assert queue(broker, "TxHalf", 2) == []
    [half] = queue(broker, RMQ_SYS_TRANS_HALF_TOPIC)
    assert half.properties["REAL_TOPIC"] == "TxHalf" and half.properties["REAL_QID"] == "2"
    assert half.properties["TRAN_MSG"] == "true" and half.properties["PGROUP"] == "tx_pg"
    assert half.sys_flag & 0xC == NOT  # reset so the half queue gets a consume-queue entry
    assert half.msg_id == ext["msgId"]


def test_commit_writes_the_real_message_and_an_op_record(broker):
    with wire.WireConnection(broker.get_broker_addr()) as c:
        ext = send_half(c, "TxCommit", b"c1")
        assert end(c, ext, COMMIT)["code"] == wire.SUCCESS
    [real] = queue(broker, "TxCommit", 1)
    half_offset = message_decoder.decode_message_id(ext["msgId"]).offset
    assert real.body == b"c1" and real.sys_flag & 0xC == COMMIT
    assert real.prepared_transaction_offset == half_offset
    assert "TRAN_MSG" not in real.properties and "REAL_TOPIC" not in real.properties
    assert real.properties["UNIQ_KEY"] == "UNIQ-c1"
    [op] = queue(broker, RMQ_SYS_TRANS_OP_HALF_TOPIC)
    assert op.tags == "d" and op.body == b"0"


def test_rollback_and_unknown_write_no_real_message(broker):
    with wire.WireConnection(broker.get_broker_addr()) as c:
        rolled = send_half(c, "TxRollback", b"r1")
        unknown = send_half(c, "TxRollback", b"u1")
        assert end(c, rolled, ROLLBACK)["code"] == wire.SUCCESS
        end(c, unknown, NOT, oneway=True)  # no answer for UNKNOW
        wrong = end(c, rolled, 99)  # EndTransactionRequestHeader.checkFields
        assert wrong["code"] == wire.SYSTEM_ERROR and "commitOrRollback field wrong" in wrong["remark"]
        # the connection still works after the unanswered ones
        assert end(c, rolled, ROLLBACK)["code"] == wire.SUCCESS
    assert queue(broker, "TxRollback", 1) == []
    ops = queue(broker, RMQ_SYS_TRANS_OP_HALF_TOPIC)
    assert [op.body for op in ops] == [b"0", b"0"]


@pytest.mark.parametrize("override, remark", [
    ({"producerGroup": "other_pg"}, "The producer group wrong"),
    ({"tranStateTableOffset": 5}, "The transaction state table offset wrong"),
    ({"commitLogOffset": 10 ** 9}, "Find prepared transaction message failed"),
])
def test_end_transaction_that_does_not_match_the_half_message_is_refused(broker, override, remark):
    with wire.WireConnection(broker.get_broker_addr()) as c:
        ext = send_half(c, "TxWrong", b"w1")
        group = override.pop("producerGroup", "tx_pg")
        h = end(c, ext, COMMIT, group=group, **override)
        assert h["code"] == wire.SYSTEM_ERROR and h["remark"] == remark
        bad = c.request(END_TRANSACTION, {"producerGroup": "tx_pg"})[0]  # required fields missing
        assert bad["code"] == wire.SYSTEM_ERROR
    assert queue(broker, "TxWrong", 1) == [] and queue(broker, RMQ_SYS_TRANS_OP_HALF_TOPIC) == []


def test_a_slave_refuses_end_transaction(broker):
    with wire.WireConnection(broker.get_broker_addr()) as c:
        ext = send_half(c, "TxSlave", b"s1")
        broker.message_store_config.broker_role = BrokerRole.SLAVE
        try:
            assert end(c, ext, COMMIT)["code"] == 11  # SLAVE_NOT_AVAILABLE
        finally:
            broker.message_store_config.broker_role = BrokerRole.ASYNC_MASTER


def test_check_asks_about_due_half_messages_only_and_advances_its_offsets(broker):
    old = int(time.time() * 1000) - 10_000
    with wire.WireConnection(broker.get_broker_addr()) as c:
        committed = send_half(c, "TxCheck", b"done", born_ms=old)
        due = send_half(c, "TxCheck", b"due", born_ms=old)
        assert end(c, committed, COMMIT)["code"] == wire.SUCCESS
        queue(broker, RMQ_SYS_TRANS_OP_HALF_TOPIC)
        time.sleep(0.01)
        listener = Recorder()
        broker.transactional_message_service.check(TIMEOUT_MS, 15, listener)
        [asked] = listener.half
        assert asked.body == b"due" and asked.properties["TRANSACTION_CHECK_TIMES"] == "1"
        # asked about the copy appended at the end of the half queue, not the original
        assert int(due["queueOffset"]) == 1 and asked.queue_offset == 2
        assert [m.properties.get("TRANSACTION_CHECK_TIMES") for m in queue(broker, RMQ_SYS_TRANS_HALF_TOPIC)] == [
            None, None, "1"]
        offsets = broker.consumer_offset_manager
        assert offsets.query_offset("CID_RMQ_SYS_TRANS", RMQ_SYS_TRANS_HALF_TOPIC, 0) == 2
        assert offsets.query_offset("CID_RMQ_SYS_TRANS", RMQ_SYS_TRANS_OP_HALF_TOPIC, 0) == 1
        # a half message born just now is left for a later pass
        send_half(c, "TxCheck", b"fresh")
        time.sleep(0.01)
        listener = Recorder()
        broker.transactional_message_service.check(TIMEOUT_MS, 15, listener)
        assert [m.body for m in listener.half] == [b"due"]
        assert listener.half[0].properties["TRANSACTION_CHECK_TIMES"] == "2"


def test_a_commit_for_a_message_already_appended_again_still_leaves_a_check(broker):
    """Question 7: why a producer is asked about a transaction it committed."""
    old = int(time.time() * 1000) - 10_000
    with wire.WireConnection(broker.get_broker_addr()) as c:
        ext = send_half(c, "TxLate", b"late", born_ms=old)
        time.sleep(0.01)
        first = Recorder()
        broker.transactional_message_service.check(TIMEOUT_MS, 15, first)
        assert len(first.half) == 1
        assert end(c, ext, COMMIT)["code"] == wire.SUCCESS  # the original offset, committed late
        queue(broker, RMQ_SYS_TRANS_OP_HALF_TOPIC)
        time.sleep(0.01)
        second = Recorder()
        broker.transactional_message_service.check(TIMEOUT_MS, 15, second)
        assert [m.properties["TRANSACTION_CHECK_TIMES"] for m in second.half] == ["2"]
        # answering that check with commit (naming the copy) resolves it for good
        copy = second.half[0]
        h = c.request(END_TRANSACTION, {"producerGroup": "tx_pg", "tranStateTableOffset": copy.queue_offset,
                                        "commitLogOffset": copy.commit_log_offset, "commitOrRollback": COMMIT,
                                        "fromTransactionCheck": "true", "msgId": "UNIQ-late"})[0]
        assert h["code"] == wire.SUCCESS
        queue(broker, RMQ_SYS_TRANS_OP_HALF_TOPIC)
        time.sleep(0.01)
        third = Recorder()
        broker.transactional_message_service.check(TIMEOUT_MS, 15, third)
        assert third.half == []
    assert [m.body for m in queue(broker, "TxLate", 1)] == [b"late", b"late"]  # at least once


def test_after_the_maximum_checks_the_half_message_goes_to_trans_check_max_time_topic(broker):
    old = int(time.time() * 1000) - 10_000
    with wire.WireConnection(broker.get_broker_addr()) as c:
        send_half(c, "TxMax", b"max", born_ms=old)
    service, listener = broker.transactional_message_service, broker.transactional_message_check_listener
    counts = []
    for _ in range(4):
        time.sleep(0.01)
        recorder = Recorder()
        recorder.resolve_discard_msg = listener.resolve_discard_msg
        service.check(TIMEOUT_MS, 3, recorder)
        counts.append([m.properties["TRANSACTION_CHECK_TIMES"] for m in recorder.half])
    assert counts == [["1"], ["2"], ["3"], []]
    [given_up] = queue(broker, RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC)
    assert given_up.body == b"max" and given_up.properties["REAL_TOPIC"] == "TxMax"
    assert given_up.properties["TRANSACTION_CHECK_TIMES"] == "3"
    assert broker.topic_config_manager.select_topic_config(RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC) is not None


def test_check_back_reaches_a_producer_of_the_group_on_its_own_connection(broker, spans):
    old = int(time.time() * 1000) - 10_000
    with wire.WireConnection(broker.get_broker_addr()) as producer:
        h, _ = producer.request(wire.HEART_BEAT, None, wire.heartbeat_body("cid-tx", [], ["tx_pg"]))
        assert h["code"] == wire.SUCCESS
        props = {}
        with span("test.transaction") as root:
            inject(props)
        ext = send_half(producer, "TxBack", b"back", born_ms=old, extra=props)
        time.sleep(0.01)
        broker.transactional_message_service.check(TIMEOUT_MS, 15, broker.transactional_message_check_listener)
        header, body = producer.next_server_request()
        assert header["code"] == CHECK_TRANSACTION_STATE and header["flag"] & 2  # oneway
        fields = header["extFields"]
        assert fields["msgId"] == fields["transactionId"] == "UNIQ-back"
        assert int(fields["tranStateTableOffset"]) == 1 and fields["offsetMsgId"] != ext["msgId"]
        msg = message_decoder.decode(body)
        assert msg.topic == "TxBack" and msg.queue_id == 1 and msg.body == b"back"
        assert msg.properties["TRANSACTION_CHECK_TIMES"] == "1"
        assert msg.commit_log_offset == int(fields["commitLogOffset"])
        # the producer answers with the copy's offsets: committed
        assert producer.request(END_TRANSACTION, {
            "producerGroup": "tx_pg", "tranStateTableOffset": fields["tranStateTableOffset"],
            "commitLogOffset": fields["commitLogOffset"], "commitOrRollback": COMMIT,
            "fromTransactionCheck": "true", "msgId": fields["msgId"]})[0]["code"] == wire.SUCCESS
    assert [m.body for m in queue(broker, "TxBack", 1)] == [b"back"]
    check = [s for s in spans.get_finished_spans()
             if s.name == "AbstractTransactionalMessageCheckListener.send_check_message"]
    assert check and check[0].context.trace_id == root.context.trace_id  # joined to the transaction
    assert check[0].attributes["rocketmq_ref.transaction.check_times"] == 1
    assert "B8.4" in check[0].attributes["rocketmq_ref.book.sections"]


def test_check_service_runs_every_interval_on_its_own(broker):
    old = int(time.time() * 1000) - 10_000
    broker.broker_config.transaction_check_interval = 100
    broker.broker_config.transaction_time_out = TIMEOUT_MS
    service = broker.transactional_message_check_service
    service.shutdown()
    service.start()
    with wire.WireConnection(broker.get_broker_addr()) as c:
        send_half(c, "TxService", b"svc", born_ms=old)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        times = [m.properties.get("TRANSACTION_CHECK_TIMES") for m in queue(broker, RMQ_SYS_TRANS_HALF_TOPIC)]
        if "2" in times:
            break
        time.sleep(0.05)
    assert "2" in times, times  # two passes of the thread, each appending a checked copy
