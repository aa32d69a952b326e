"""Broker restarts and failures with real processes: a clean SIGTERM keeps topics and offsets and
removes the abort file; ``kill -9`` loses no topic and no sent message; a killed or frozen broker
leaves the name server's routes (ha-and-flows.md §2.3, message-and-store.md §14.3)."""
from __future__ import annotations

import json
import re
import signal
import time
from pathlib import Path

import pytest

from tests.support import wire
from tests.broker.support import broker_props, start_broker, start_namesrv
from tests.support.processes import process_factory  # noqa: F401  (fixture)
from tests.support.wait import wait_until as wait_for

pytestmark = pytest.mark.e2e

READY = dict(ready_line="boot success")


def route_code(ns_addr: str, topic: str) -> int:
    return wire.call(ns_addr, wire.GET_ROUTEINFO_BY_TOPIC, {"topic": topic})[0]["code"]


def query_offset(addr: str, group: str, topic: str, queue_id: int) -> dict:
    return wire.call(addr, wire.QUERY_CONSUMER_OFFSET, {"consumerGroup": group, "topic": topic,
                                                        "queueId": queue_id})[0]


def test_sigterm_restart_keeps_topics_and_offsets_and_removes_the_abort_file(process_factory, tmp_path):  # noqa: F811
    ns = start_namesrv(process_factory, tmp_path)
    props = broker_props(tmp_path, ns.addr)
    broker = start_broker(process_factory, tmp_path, props)
    store = Path(props["storePathRootDir"])
    assert (store / "abort").exists()
    assert wire.create_topic(broker.addr, "KeptTopic", 2)["code"] == 0
    with wire.WireConnection(broker.addr) as c:
        h, _ = c.request(wire.UPDATE_CONSUMER_OFFSET, {"consumerGroup": "kept_cg", "topic": "KeptTopic",
                                                       "queueId": 1, "commitOffset": 17})
        assert h["code"] == 0
    assert broker.proc.stop() == 0
    assert not (store / "abort").exists(), "a clean shutdown removes the abort file"
    text = (store / "config" / "consumerOffset.json").read_text()
    assert re.search(r'"KeptTopic@kept_cg":\{\s*1:17\s*\}', text), text  # fastjson's bare integer keys
    broker.proc.start(ready_port=int(props["listenPort"]), **READY)
    h = query_offset(broker.addr, "kept_cg", "KeptTopic", 1)
    assert h["code"] == 0 and h["extFields"]["offset"] == "17"
    h, body = wire.call(broker.addr, 21, {})  # GET_ALL_TOPIC_CONFIG
    assert json.loads(body)["topicConfigTable"]["KeptTopic"]["writeQueueNums"] == 2
    assert wait_for(lambda: route_code(ns.addr, "KeptTopic") == 0)


def test_kill_9_loses_no_topic_and_no_sent_message(process_factory, tmp_path):  # noqa: F811
    ns = start_namesrv(process_factory, tmp_path)
    props = broker_props(tmp_path, ns.addr)
    broker = start_broker(process_factory, tmp_path, props)
    assert wire.create_topic(broker.addr, "CrashTopic", 1)["code"] == 0
    with wire.WireConnection(broker.addr) as c:
        for i in range(5):
            assert wire.send_v2(c, "CrashTopic", b"survivor-%d" % i)[0]["code"] == 0
    broker.proc.kill()
    assert (Path(props["storePathRootDir"]) / "abort").exists()
    broker.proc.start(ready_port=int(props["listenPort"]), **READY)
    with wire.WireConnection(broker.addr) as c:
        def pulled():
            h, body = wire.pull(c, "crash_cg", "CrashTopic", 0, 0)
            return wire.decode_messages(body) if h["code"] == 0 else None
        msgs = wait_for(pulled, 10)
    assert [m["body"] for m in msgs] == [b"survivor-%d" % i for i in range(5)]


def test_killed_broker_leaves_the_routes(process_factory, tmp_path):  # noqa: F811
    ns = start_namesrv(process_factory, tmp_path)
    broker = start_broker(process_factory, tmp_path, broker_props(tmp_path, ns.addr))
    assert wire.create_topic(broker.addr, "GoneTopic", 1)["code"] == 0
    assert wait_for(lambda: route_code(ns.addr, "GoneTopic") == 0)
    broker.proc.kill()
    assert wait_for(lambda: route_code(ns.addr, "GoneTopic") == 17, 10), "TOPIC_NOT_EXIST once the broker is gone"


def test_frozen_broker_expires_from_the_routes_after_the_timeout(process_factory, tmp_path):  # noqa: F811
    ns = start_namesrv(process_factory, tmp_path, scanNotActiveBrokerInterval=500, brokerChannelExpiredTime=3000)
    broker = start_broker(process_factory, tmp_path, broker_props(tmp_path, ns.addr))
    assert wire.create_topic(broker.addr, "FrozenTopic", 1)["code"] == 0
    assert wait_for(lambda: route_code(ns.addr, "FrozenTopic") == 0)
    broker.proc.signal(signal.SIGSTOP)  # connection stays open, registrations stop
    try:
        frozen_at = time.monotonic()
        assert wait_for(lambda: route_code(ns.addr, "FrozenTopic") == 17, 15)
        assert time.monotonic() - frozen_at >= 0.5, "expiry follows brokerChannelExpiredTime, not the connection"
    finally:
        broker.proc.signal(signal.SIGCONT)


def test_compressed_registration_reaches_every_name_server_and_shutdown_unregisters(process_factory, tmp_path):  # noqa: F811,E501
    ns1 = start_namesrv(process_factory, tmp_path, name="namesrv-1")
    ns2 = start_namesrv(process_factory, tmp_path, name="namesrv-2")
    props = broker_props(tmp_path, f"{ns1.addr};{ns2.addr}", compressedRegister=True)
    broker = start_broker(process_factory, tmp_path, props)
    assert wire.create_topic(broker.addr, "EverywhereTopic", 2)["code"] == 0
    for ns in (ns1, ns2):
        assert wait_for(lambda: route_code(ns.addr, "EverywhereTopic") == 0), ns.addr
    # the VIP port (listenPort - 2) takes sends but not pulls, as in Java
    vip = f"127.0.0.1:{int(props['listenPort']) - 2}"
    with wire.WireConnection(vip) as c:
        assert wire.send_v2(c, "EverywhereTopic", b"via vip")[0]["code"] == 0
        assert wire.pull(c, "vip_cg", "EverywhereTopic", 0, 0)[0]["code"] == 3  # REQUEST_CODE_NOT_SUPPORTED
    assert broker.proc.stop() == 0
    # long before the 120 s expiry: UNREGISTER_BROKER (and its connection closing) took it out
    for ns in (ns1, ns2):
        assert route_code(ns.addr, "EverywhereTopic") == 17, ns.addr
