"""Master/slave replication with real processes (ha-and-flows.md §1; B7, B7.2; questions 8-10):
an ASYNC_MASTER's messages become readable on its SLAVE and the slave's metadata follows; a
SYNC_MASTER send waits for the slave and says so when the slave is frozen or gone; after the master
is killed with kill -9 the slave keeps serving reads and stays a slave (4.x has no failover)."""
from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest

from rocketmq_ref.common import fastjson
from tests.support import wire
from tests.broker.support import broker_props, start_broker, start_namesrv
from tests.support.processes import process_factory  # noqa: F401  (fixture)
from tests.support.wait import wait_until as wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(120)]

PULL_RETRY_IMMEDIATELY, SLAVE_NOT_AVAILABLE, FLUSH_SLAVE_TIMEOUT = 20, 11, 12
GET_ALL_TOPIC_CONFIG, GET_ALL_SUBSCRIPTIONGROUP_CONFIG, UPDATE_AND_CREATE_SUBSCRIPTIONGROUP = 21, 201, 200
FAST = {"haSendHeartbeatInterval": 500, "brokerIP2": "127.0.0.1"}  # the slave's first report waits one interval, as in Java


def start_pair(process_factory, tmp_path, master_role="ASYNC_MASTER", master_extra=None, slave_extra=None):  # noqa: F811
    ns = start_namesrv(process_factory, tmp_path)
    master = start_broker(process_factory, tmp_path,
                          broker_props(tmp_path, ns.addr, brokerRole=master_role, **FAST, **(master_extra or {})),
                          name="master")
    slave_props = broker_props(tmp_path, ns.addr, brokerId=1, brokerRole="SLAVE", **FAST, **(slave_extra or {}))
    slave_props["storePathRootDir"] = tmp_path / "store-slave"
    slave_props["storePathCommitLog"] = tmp_path / "store-slave" / "commitlog"
    slave = start_broker(process_factory, tmp_path, slave_props, name="slave")
    return ns, master, slave


def pulled_bodies(addr, topic, queue_id, count, group="ha_cg"):
    """Pull from ``addr`` until ``count`` messages came back (None if not in time)."""
    got: list[bytes] = []
    deadline = time.monotonic() + 20
    with wire.WireConnection(addr) as c:
        while len(got) < count and time.monotonic() < deadline:
            h, body = wire.pull(c, group, topic, queue_id, len(got))
            if h["code"] == wire.SUCCESS:
                got += [m["body"] for m in wire.decode_messages(body)]
            else:
                time.sleep(0.1)
    return got if len(got) >= count else None


def test_async_master_replicates_messages_and_metadata_to_its_slave(process_factory, tmp_path):  # noqa: F811
    ns, master, slave = start_pair(process_factory, tmp_path,
                                   master_extra={"slaveReadEnable": True, "accessMessageInMemoryMaxRatio": 0},
                                   slave_extra={"slaveReadEnable": True})
    assert wire.create_topic(master.addr, "HaTopic", 2)["code"] == 0
    group = {"groupName": "ha_group", "consumeEnable": True, "consumeFromMinEnable": True,
             "consumeBroadcastEnable": True, "retryQueueNums": 1, "retryMaxTimes": 16, "brokerId": 0,
             "whichBrokerWhenConsumeSlowly": 1, "notifyConsumerIdsChangedEnable": True}
    h, _ = wire.call(master.addr, UPDATE_AND_CREATE_SUBSCRIPTIONGROUP, {}, json.dumps(group).encode())
    assert h["code"] == 0
    with wire.WireConnection(master.addr) as c:
        for i in range(20):
            h, _ = wire.send_v2(c, "HaTopic", b"ha-%d" % i, queue_id=0)
            assert h["code"] == 0
        # a delayed message, so the master has delay offsets to hand over
        assert wire.send_v2(c, "HaTopic", b"later", extra_props={"DELAY": "1"})[0]["code"] == 0
        h, _ = c.request(wire.UPDATE_CONSUMER_OFFSET, {"consumerGroup": "ha_cg", "topic": "HaTopic",
                                                        "queueId": 0, "commitOffset": 7})
        assert h["code"] == 0
    # the commit log arrives through HA and the slave dispatches its own queues
    got = pulled_bodies(slave.addr, "HaTopic", 0, 20)
    assert got is not None and got[:20] == [b"ha-%d" % i for i in range(20)]

    # metadata follows within one SlaveSynchronize round (first after 3 s, then every 10 s)
    def slave_has_metadata():
        _, topics = wire.call(slave.addr, GET_ALL_TOPIC_CONFIG)
        _, groups = wire.call(slave.addr, GET_ALL_SUBSCRIPTIONGROUP_CONFIG)
        h = wire.call(slave.addr, wire.QUERY_CONSUMER_OFFSET,
                      {"consumerGroup": "ha_cg", "topic": "HaTopic", "queueId": 0})[0]
        return ("HaTopic" in json.loads(topics)["topicConfigTable"]
                and "ha_group" in json.loads(groups)["subscriptionGroupTable"]
                and h["code"] == 0 and h["extFields"]["offset"] == "7")
    assert wait_for(slave_has_metadata, 20)
    delay_file = Path(tmp_path / "store-slave" / "config" / "delayOffset.json")
    assert wait_for(delay_file.exists, 15) and "offsetTable" in delay_file.read_text()

    # B7.2: with nothing in page cache by the master's reckoning (ratio 0) it suggests the slave
    with wire.WireConnection(master.addr) as c:
        h, _ = wire.pull(c, "ha_group", "HaTopic", 0, 0, max_nums=1)
        assert h["code"] == 0 and h["extFields"]["suggestWhichBrokerId"] == "1"


def test_sync_master_send_waits_for_the_slave_and_reports_a_frozen_or_lost_slave(process_factory, tmp_path):  # noqa: F811
    ns = start_namesrv(process_factory, tmp_path)
    master = start_broker(process_factory, tmp_path,
                          broker_props(tmp_path, ns.addr, brokerRole="SYNC_MASTER", slaveTimeout=800, **FAST),
                          name="master")
    assert wire.create_topic(master.addr, "SyncTopic", 1)["code"] == 0
    with wire.WireConnection(master.addr) as c:
        h, _ = wire.send_v2(c, "SyncTopic", b"alone")
        assert h["code"] == SLAVE_NOT_AVAILABLE  # stored on the master, but no slave has it

    slave_props = broker_props(tmp_path, ns.addr, brokerId=1, brokerRole="SLAVE", slaveReadEnable=True, **FAST)
    slave_props["storePathRootDir"] = tmp_path / "store-slave"
    slave_props["storePathCommitLog"] = tmp_path / "store-slave" / "commitlog"
    slave = start_broker(process_factory, tmp_path, slave_props, name="slave")
    with wire.WireConnection(master.addr) as c:
        codes = []

        def synced_send():
            codes.append(wire.send_v2(c, "SyncTopic", b"sync-%d" % len(codes))[0]["code"])
            return codes[-1] == wire.SUCCESS
        assert wait_for(synced_send, 20, 0.3), codes
        # SUCCESS from a SYNC_MASTER means the slave already has it
        bodies = pulled_bodies(slave.addr, "SyncTopic", 0, len(codes) + 1)
        assert bodies is not None and bodies[-1] == b"sync-%d" % (len(codes) - 1)

        slave.proc.signal(signal.SIGSTOP)  # connected but silent: the ack never comes
        try:
            assert wire.send_v2(c, "SyncTopic", b"frozen")[0]["code"] == FLUSH_SLAVE_TIMEOUT
        finally:
            slave.proc.signal(signal.SIGCONT)
        slave.proc.kill()  # kill -9: the master sees the HA connection close
        assert wait_for(lambda: wire.send_v2(c, "SyncTopic", b"gone")[0]["code"] == SLAVE_NOT_AVAILABLE, 15)


def test_slave_keeps_serving_reads_and_stays_slave_after_the_master_is_killed(process_factory, tmp_path):  # noqa: F811
    ns, master, slave = start_pair(process_factory, tmp_path, slave_extra={"slaveReadEnable": True})
    assert wire.create_topic(master.addr, "HaTopic", 1)["code"] == 0
    with wire.WireConnection(master.addr) as c:
        for i in range(10):
            assert wire.send_v2(c, "HaTopic", b"kept-%d" % i)[0]["code"] == 0
    assert pulled_bodies(slave.addr, "HaTopic", 0, 10) is not None
    master.proc.kill()

    def route_has_only_the_slave():
        h, body = wire.call(ns.addr, wire.GET_ROUTEINFO_BY_TOPIC, {"topic": "HaTopic"})
        if h["code"] != 0:
            return None
        addrs = fastjson.loads(body)["brokerDatas"][0]["brokerAddrs"]  # bare integer keys
        return addrs if "0" not in {str(k) for k in addrs} else None
    addrs = wait_for(route_has_only_the_slave, 20)
    assert addrs is not None and {str(k) for k in addrs} == {"1"}, addrs  # no promotion in 4.x
    assert pulled_bodies(slave.addr, "HaTopic", 0, 10, group="after_crash") == [b"kept-%d" % i for i in range(10)]
    with wire.WireConnection(slave.addr) as c:
        h, _ = wire.send_v2(c, "HaTopic", b"to the slave")
        assert h["code"] != wire.SUCCESS  # a slave never takes writes


def test_a_restarted_master_overwrites_offsets_committed_to_the_slave_meanwhile(process_factory, tmp_path):  # noqa: F811
    """Question 9: consumers committed to the slave while the master was down; the slave's next
    offset sync takes the master's older offset back, so those messages are consumed again.
    Question 10: this slave reads nothing itself (slaveReadEnable=false)."""
    ns, master, slave = start_pair(process_factory, tmp_path)

    def offset_on(addr):
        h = wire.call(addr, wire.QUERY_CONSUMER_OFFSET, {"consumerGroup": "q9_cg", "topic": "HaTopic",
                                                         "queueId": 0})[0]
        return h["extFields"]["offset"] if h["code"] == 0 else None

    def commit(addr, offset):
        h = wire.call(addr, wire.UPDATE_CONSUMER_OFFSET, {"consumerGroup": "q9_cg", "topic": "HaTopic",
                                                          "queueId": 0, "commitOffset": offset})[0]
        assert h["code"] == 0
    assert wire.create_topic(master.addr, "HaTopic", 1)["code"] == 0
    commit(master.addr, 3)
    assert master.proc.stop() == 0  # a clean stop persists the master's offsets
    commit(slave.addr, 9)  # the consumer moved on against the slave
    assert offset_on(slave.addr) == "9"
    master.proc.start(ready_line="boot success", ready_port=int(master.addr.rsplit(":", 1)[1]))
    assert wait_for(lambda: offset_on(slave.addr) == "3", 25), offset_on(slave.addr)
    # question 10: a slave with slaveReadEnable=false (the default) sends every pull to the master
    with wire.WireConnection(slave.addr) as c:
        h, _ = wire.pull(c, "q9_cg", "HaTopic", 0, 0)
    assert h["code"] == PULL_RETRY_IMMEDIATELY and h["extFields"]["suggestWhichBrokerId"] == "0"
