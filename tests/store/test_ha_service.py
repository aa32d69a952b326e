"""HAService between two in-process stores on 127.0.0.1 (ha-and-flows.md §1; B7.1): a slave store
follows the master's commit log byte for byte and builds its own consume queues; SYNC_MASTER puts
wait for the slave's ack, time out without one, and answer SLAVE_NOT_AVAILABLE with no slave."""
from __future__ import annotations

import functools
import socket
import struct

import pytest

from rocketmq_ref.common.broker_config import BrokerConfig
from rocketmq_ref.store.config import BrokerRole
from rocketmq_ref.store.ha.ha_service import HAService
from rocketmq_ref.store.put_message_result import PutMessageStatus
from tests.store.store_a_support import new_msg, small_config, wait_dispatched
from tests.support.wait import wait_until

pytestmark = pytest.mark.timeout(60)


wait_until = functools.partial(wait_until, interval=0.01)  # this file polls every 10 ms


def start_store(root, role: BrokerRole, **overrides):
    from rocketmq_ref.store.default_message_store import DefaultMessageStore
    cfg = small_config(root, broker_role=role, ha_listen_port=0, ha_send_heartbeat_interval=200,
                       **overrides)
    # a slave's reput waits for a record's tail instead of skipping it: that needs brokerId > 0
    broker_config = BrokerConfig(broker_id=1 if role is BrokerRole.SLAVE else 0)
    store = DefaultMessageStore(cfg, broker_config=broker_config)
    store.ha_service = HAService(store, "127.0.0.1")
    assert store.load()
    store.start()
    return store


@pytest.fixture
def stores(tmp_path):
    opened = []

    def make(name, role, **overrides):
        s = start_store(tmp_path / name, role, **overrides)
        opened.append(s)
        return s
    yield make
    for s in reversed(opened):
        s.shutdown()


def commit_log_bytes(store, start, end):
    out = bytearray()
    offset = start
    while offset < end:
        r = store.get_commit_log_data(offset)
        assert r is not None, offset
        n = min(r.get_size(), end - offset)
        out += r.get_byte_buffer()[:n]
        r.release()
        offset += n
    return bytes(out)


def test_slave_follows_master_byte_for_byte_and_dispatches_its_own_queues(stores):
    master = stores("master", BrokerRole.ASYNC_MASTER)
    slave = stores("slave", BrokerRole.SLAVE)
    slave.update_ha_master_address(f"127.0.0.1:{master.message_store_config.ha_listen_port}")
    wait_until(lambda: [c.slave_request_offset for c in master.ha_service.connection_list] == [0])
    # the master fixes where a new slave starts (the start of its last file) when its writer first
    # runs: wait for that before writing, or a slow writer thread would start past the first file
    wait_until(lambda: [c.write_socket_service.next_transfer_from_where
                        for c in master.ha_service.connection_list] == [0])
    # more than one 64 KiB file, so the transfer crosses a file end
    for i in range(300):
        r = master.put_message(new_msg("HaTopic", b"m-%04d-" % i + b"x" * 400, queue_id=i % 2))
        assert r.put_message_status is PutMessageStatus.PUT_OK
    end = master.get_max_phy_offset()
    wait_until(lambda: slave.get_max_phy_offset() == end)
    assert master.get_min_phy_offset() == 0 == slave.get_min_phy_offset()  # a fresh master: one file
    assert commit_log_bytes(slave, 0, end) == commit_log_bytes(master, 0, end)
    wait_dispatched(slave)
    assert slave.get_max_offset_in_queue("HaTopic", 0) == 150
    got = slave.get_message("g", "HaTopic", 1, 0, 32, None)
    assert got.status.name == "FOUND" and got.get_message_count() == 32
    got.release()
    wait_until(lambda: master.ha_service.get_push2_slave_max_offset() == end)
    assert master.slave_fall_behind_much() == 0
    # the slave's store takes no client writes
    assert slave.put_message(new_msg("HaTopic")).put_message_status is PutMessageStatus.SERVICE_NOT_AVAILABLE


def test_empty_slave_starts_at_the_masters_last_file(stores):
    master = stores("master", BrokerRole.ASYNC_MASTER)
    for i in range(300):
        master.put_message(new_msg("HaTopic", b"y" * 500))
    file_size = master.message_store_config.mapped_file_size_commit_log
    end = master.get_max_phy_offset()
    assert end > 2 * file_size
    slave = stores("slave", BrokerRole.SLAVE)
    slave.update_ha_master_address(f"127.0.0.1:{master.message_store_config.ha_listen_port}")
    wait_until(lambda: slave.get_max_phy_offset() == end)
    assert slave.get_min_phy_offset() == end - end % file_size
    assert commit_log_bytes(slave, end - end % file_size, end) == \
        commit_log_bytes(master, end - end % file_size, end)


def test_sync_master_put_waits_for_the_slave_ack(stores, spans):
    master = stores("master", BrokerRole.SYNC_MASTER)
    assert master.put_message(new_msg("SyncTopic")).put_message_status is PutMessageStatus.SLAVE_NOT_AVAILABLE
    slave = stores("slave", BrokerRole.SLAVE)
    slave.update_ha_master_address(f"127.0.0.1:{master.message_store_config.ha_listen_port}")
    wait_until(lambda: master.ha_service.get_push2_slave_max_offset() == master.get_max_phy_offset())
    spans.clear()
    for i in range(5):
        r = master.put_message(new_msg("SyncTopic", b"sync-%d" % i))
        assert r.put_message_status is PutMessageStatus.PUT_OK
        # PUT_OK for SYNC_MASTER means the slave already holds the record
        ar = r.append_message_result
        assert slave.get_max_phy_offset() >= ar.wrote_offset + ar.wrote_bytes
    names = [s.name for s in spans.get_finished_spans()]
    waits = [s for s in spans.get_finished_spans() if s.name == "GroupTransferService.do_wait_transfer"]
    assert len(waits) == 5, names
    assert all(w.attributes["rocketmq_ref.ha.outcome"] == "PUT_OK" for w in waits)
    assert all("B7.1.3" in w.attributes["rocketmq_ref.book.sections"] for w in waits)
    puts = {s.context.span_id for s in spans.get_finished_spans() if s.name == "CommitLog.put_message"}
    assert all(w.links and w.links[0].context.span_id in puts for w in waits)
    transfers = [s for s in spans.get_finished_spans() if s.name == "WriteSocketService.transfer_data"]
    assert transfers and all(t.attributes["rocketmq_ref.ha.body_size"] > 0 for t in transfers)
    assert any(s.name == "HAClient.report_slave_max_offset" for s in spans.get_finished_spans())


def test_sync_master_answers_flush_slave_timeout_when_the_slave_stops_acking(stores):
    master = stores("master", BrokerRole.SYNC_MASTER, slave_timeout=300)
    # a "slave" that reports once and then never acks again
    port = master.message_store_config.ha_listen_port
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(struct.pack(">q", master.get_max_phy_offset()))
        wait_until(lambda: master.ha_service.get_connection_count() == 1)
        r = master.put_message(new_msg("SyncTopic"))
        assert r.put_message_status is PutMessageStatus.FLUSH_SLAVE_TIMEOUT
        # the record was stored on the master all the same
        assert r.append_message_result.wrote_offset >= 0
        header = sock.recv(12, socket.MSG_WAITALL)
        phy, size = struct.unpack(">qi", header)
        assert phy == 0 and size == r.append_message_result.wrote_bytes


def test_master_closes_a_slave_that_acks_beyond_its_log(stores):
    master = stores("master", BrokerRole.ASYNC_MASTER)
    master.put_message(new_msg("T"))
    port = master.message_store_config.ha_listen_port
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(struct.pack(">q", 0))
        wait_until(lambda: [c.slave_request_offset for c in master.ha_service.connection_list] == [0])
        sock.sendall(struct.pack(">q", 10 ** 12))
        wait_until(lambda: master.ha_service.get_connection_count() == 0)
    # and still serves the next slave
    slave = stores("slave", BrokerRole.SLAVE)
    slave.update_ha_master_address(f"127.0.0.1:{port}")
    wait_until(lambda: slave.get_max_phy_offset() == master.get_max_phy_offset())


def fake_master():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    srv.settimeout(10)
    return srv


def frame(phy: int, body: bytes) -> bytes:
    return struct.pack(">qi", phy, len(body)) + body


def test_slave_disconnects_from_a_master_whose_log_diverged_and_appends_nothing(stores):
    source = stores("source", BrokerRole.ASYNC_MASTER)  # a real record to ship
    source.put_message(new_msg("HaTopic"))
    record = commit_log_bytes(source, 0, source.get_max_phy_offset())
    slave = stores("slave", BrokerRole.SLAVE)
    srv = fake_master()
    with srv:
        slave.update_ha_master_address(f"127.0.0.1:{srv.getsockname()[1]}")
        conn, _ = srv.accept()
        with conn:
            conn.settimeout(10)
            assert struct.unpack(">q", conn.recv(8, socket.MSG_WAITALL))[0] == 0  # empty slave
            conn.sendall(frame(0, record))  # the first frame sets where an empty slave starts
            assert struct.unpack(">q", conn.recv(8, socket.MSG_WAITALL))[0] == len(record)  # the ack
            conn.sendall(frame(4096, record))  # not where the slave stands: divergence
            assert conn.recv(1) == b""  # the slave hung up
    assert slave.get_max_phy_offset() == len(record)


@pytest.mark.parametrize("bad", [struct.pack(">qi", 0, -7), struct.pack(">qi", -1, 8) + b"x" * 8])
def test_slave_hangs_up_on_a_malformed_frame(stores, bad):
    slave = stores("slave", BrokerRole.SLAVE)
    srv = fake_master()
    with srv:
        slave.update_ha_master_address(f"127.0.0.1:{srv.getsockname()[1]}")
        conn, _ = srv.accept()
        with conn:
            conn.settimeout(10)
            conn.recv(8, socket.MSG_WAITALL)
            conn.sendall(bad)
            assert conn.recv(1) == b""
    assert slave.get_max_phy_offset() == 0


def test_master_closes_a_client_reporting_a_negative_offset(stores):
    master = stores("master", BrokerRole.ASYNC_MASTER)
    port = master.message_store_config.ha_listen_port
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.settimeout(10)
        sock.sendall(struct.pack(">q", -42))
        assert sock.recv(1) == b""
    wait_until(lambda: master.ha_service.get_connection_count() == 0)


def test_restarted_slave_resumes_from_its_own_offset(stores, tmp_path):
    master = stores("master", BrokerRole.ASYNC_MASTER)
    addr = f"127.0.0.1:{master.message_store_config.ha_listen_port}"
    slave = start_store(tmp_path / "slave", BrokerRole.SLAVE)
    try:
        slave.update_ha_master_address(addr)
        wait_until(lambda: [c.slave_request_offset for c in master.ha_service.connection_list] == [0])
        for i in range(50):
            master.put_message(new_msg("HaTopic", b"before-%d" % i))
        wait_until(lambda: slave.get_max_phy_offset() == master.get_max_phy_offset())
    finally:
        slave.shutdown()
    resume_at = master.get_max_phy_offset()
    for i in range(50):  # written while the slave is down
        master.put_message(new_msg("HaTopic", b"after-%d" % i))
    slave = stores("slave", BrokerRole.SLAVE)  # same directory, reopened
    slave.update_ha_master_address(addr)
    wait_until(lambda: [c.slave_request_offset for c in master.ha_service.connection_list] == [resume_at])
    end = master.get_max_phy_offset()
    wait_until(lambda: slave.get_max_phy_offset() == end)
    assert commit_log_bytes(slave, 0, end) == commit_log_bytes(master, 0, end)
    wait_dispatched(slave)
    assert slave.get_max_offset_in_queue("HaTopic", 0) == 100


def test_a_taken_ha_port_fails_the_start_and_names_the_port():
    from types import SimpleNamespace

    from rocketmq_ref.store.config import MessageStoreConfig
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        store = SimpleNamespace(message_store_config=MessageStoreConfig(ha_listen_port=port))
        ha = HAService(store, "127.0.0.1")
        with pytest.raises(OSError, match=f"HAService cannot listen on 127.0.0.1:{port}"):
            ha.accept_socket_service.begin_accept()
