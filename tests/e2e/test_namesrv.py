"""A real ``mqnamesrv`` process on 127.0.0.1, driven with raw frames: registration and route lookup
in both JSON flavours, cluster info, expiry of a silent broker, KV config across restarts (clean and
kill -9), admin requests, and bad input answered while the server keeps serving."""
from __future__ import annotations

import json
import signal
import socket
import struct
import time
import zlib

import pytest

from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.protocol.body.register_broker_body import RegisterBrokerBody
from rocketmq_ref.common.protocol.body.topic_config_serialize_wrapper import \
    TopicConfigSerializeWrapper
from rocketmq_ref.common.topic_config import TopicConfig
from tests.support.wire import WireConnection, encode_frame
from tests.support.processes import ProcessFactory, free_port, process_factory  # noqa: F401

pytestmark = pytest.mark.e2e

MODULE = "rocketmq_ref.namesrv.namesrv_startup"
READY = "The Name Server boot success"
REGISTER_BROKER, UNREGISTER_BROKER, GET_ROUTEINFO_BY_TOPIC, GET_BROKER_CLUSTER_INFO = 103, 104, 105, 106
PUT_KV, GET_KV, DELETE_KV, GET_KVLIST = 100, 101, 102, 219
QUERY_DATA_VERSION = 322


def start_namesrv(factory, directory, *options: str, name: str = "namesrv"):
    port = free_port()
    args = ["-l", str(port), "-o", "bindAddress=127.0.0.1",
            "-o", f"kvConfigPath={directory / 'kvConfig.json'}",
            "-o", f"configStorePath={directory / 'namesrv.properties'}"]
    for opt in options:
        args += ["-o", opt]
    proc = factory.start(MODULE, args, name=name, ready_line=READY, ready_port=port)
    return proc, f"127.0.0.1:{port}"


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One name server for the tests that do not restart or reconfigure it."""
    directory = tmp_path_factory.mktemp("namesrv-shared")
    with ProcessFactory(directory / "procs") as factory:
        proc, addr = start_namesrv(factory, directory, "orderMessageEnable=true")
        yield proc, addr


def topics(version: int = 1, *configs: TopicConfig) -> TopicConfigSerializeWrapper:
    return TopicConfigSerializeWrapper({c.topic_name: c for c in configs},
                                       DataVersion(timestamp=1700000000000 + version, counter=version))


def register(conn: WireConnection, broker: str, addr: str, *configs: TopicConfig, broker_id: int = 0,
             version: int = 1, cluster: str = "DefaultCluster", compressed: bool = False,
             crc: bool = True):
    body = RegisterBrokerBody(topics(version, *configs), []).encode(compress=compressed)
    ext = {"brokerName": broker, "brokerAddr": addr, "clusterName": cluster,
           "haServerAddr": f"{addr.rsplit(':', 1)[0]}:{int(addr.rsplit(':', 1)[1]) + 1}",
           "brokerId": broker_id,
           "compressed": "true" if compressed else "false",
           "bodyCrc32": zlib.crc32(body) & 0x7FFFFFFF if crc else 0}
    return conn.request(REGISTER_BROKER, ext, body)


def route(addr: str, topic: str, version: int = 409, **extra) -> tuple[dict, bytes]:
    with WireConnection(addr, version=version) as c:
        return c.request(GET_ROUTEINFO_BY_TOPIC, {"topic": topic, **extra})


def test_registration_then_route_lookup_in_both_json_forms(shared):
    _, addr = shared
    with WireConnection(addr) as broker:
        header, body = register(broker, "broker-rt", "127.0.0.1:10911", TopicConfig("RtTopic", 4, 4, 6))
        assert header["code"] == 0 and header["flag"] & 1
        expected_tail = (b'"brokerName":"broker-rt","cluster":"DefaultCluster"}],"filterServerTable":{},'
                         b'"queueDatas":[{"brokerName":"broker-rt","perm":6,"readQueueNums":4,'
                         b'"topicSysFlag":0,"writeQueueNums":4}]}')
        # a 4.9.7 Java client (version 407 >= 401): standard JSON, quoted broker ids
        h, new = route(addr, "RtTopic", version=407)
        assert h["code"] == 0 and "remark" not in h and "extFields" not in h
        assert new == b'{"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:10911"},' + expected_tail
        # ali-ons says version 121: fastjson's bare integer keys, as a real name server answers
        h, old = route(addr, "RtTopic", version=121)
        assert old == b'{"brokerDatas":[{"brokerAddrs":{0:"127.0.0.1:10911"},' + expected_tail
        # an old client may still ask for standard JSON
        _, asked = route(addr, "RtTopic", version=121, acceptStandardJsonOnly="true")
        assert asked == new
        h, _ = route(addr, "NoSuchTopic")
        assert h["code"] == 17
        assert h["remark"] == ("No topic route info in name server for the topic: NoSuchTopic\n"
                               "See http://rocketmq.apache.org/docs/faq/ for further details.")


def test_compressed_registration_slave_learns_master_and_cluster_info(shared):
    _, addr = shared
    with WireConnection(addr) as master, WireConnection(addr) as slave:
        h, _ = register(master, "broker-cz", "127.0.0.1:20911", TopicConfig("CzTopic", 8, 8, 6),
                        compressed=True)
        assert h["code"] == 0
        assert "masterAddr" not in h["extFields"]
        h, _ = register(slave, "broker-cz", "127.0.0.1:20921", TopicConfig("SlaveOnly"), broker_id=1)
        assert h["extFields"] == {"masterAddr": "127.0.0.1:20911", "haServerAddr": "127.0.0.1:20912"}
        _, body = route(addr, "CzTopic")
        data = json.loads(body)
        assert data["queueDatas"][0]["readQueueNums"] == 8
        assert data["brokerDatas"][0]["brokerAddrs"] == {"0": "127.0.0.1:20911", "1": "127.0.0.1:20921"}
        assert route(addr, "SlaveOnly")[0]["code"] == 17  # slaves never change topic routes
        with WireConnection(addr, version=121) as c:
            h, body = c.request(GET_BROKER_CLUSTER_INFO)
        text = body.decode()
        assert ('"broker-cz":{"brokerAddrs":{0:"127.0.0.1:20911",1:"127.0.0.1:20921"},'
                '"brokerName":"broker-cz","cluster":"DefaultCluster"}') in text
        assert '"clusterAddrTable":{"DefaultCluster":[' in text and '"broker-cz"' in text


def test_closing_the_registering_connection_drops_the_broker_at_once(shared):
    _, addr = shared
    with WireConnection(addr) as broker:
        register(broker, "broker-close", "127.0.0.1:30911", TopicConfig("CloseTopic"))
        assert route(addr, "CloseTopic")[0]["code"] == 0
    deadline = time.monotonic() + 10
    while route(addr, "CloseTopic")[0]["code"] == 0:
        assert time.monotonic() < deadline, "route still there 10 s after the broker disconnected"
        time.sleep(0.05)


def test_order_topic_conf_in_route_and_registration_reply(shared):
    _, addr = shared
    with WireConnection(addr) as c:
        h, _ = c.request(PUT_KV, {"namespace": "ORDER_TOPIC_CONFIG", "key": "OrderTopic",
                                  "value": "broker-order:4"})
        assert h["code"] == 0
        h, body = register(c, "broker-order", "127.0.0.1:40911", TopicConfig("OrderTopic", order=True))
        assert json.loads(body)["table"]["OrderTopic"] == "broker-order:4"
        _, body = route(addr, "OrderTopic", version=121)
        assert b'"orderTopicConf":"broker-order:4","queueDatas"' in body


def test_query_data_version_is_a_cheap_heartbeat(shared):
    _, addr = shared
    with WireConnection(addr) as c:
        register(c, "broker-dv", "127.0.0.1:50911", TopicConfig("DvTopic"), version=5)
        ext = {"brokerName": "broker-dv", "brokerAddr": "127.0.0.1:50911",
               "clusterName": "DefaultCluster", "brokerId": 0}
        same = json.dumps({"counter": 5, "timestamp": 1700000000005}).encode()
        h, body = c.request(QUERY_DATA_VERSION, ext, same)
        assert h["code"] == 0 and h["extFields"]["changed"] == "false"
        assert json.loads(body) == {"counter": 5, "timestamp": 1700000000005}
        h, _ = c.request(QUERY_DATA_VERSION, ext, b'{"counter":6,"timestamp":1}')
        assert h["extFields"]["changed"] == "true"
        h, _ = c.request(QUERY_DATA_VERSION, ext)
        assert h["code"] == 1 and "DataVersion" in h["remark"]


def test_admin_requests_perm_topic_lists_delete_and_config(shared):
    _, addr = shared
    with WireConnection(addr) as c:
        register(c, "broker-adm", "127.0.0.1:60911", TopicConfig("AdmA"), TopicConfig("AdmB"),
                 cluster="AdmCluster")
        h, _ = c.request(205, {"brokerName": "broker-adm"})
        assert h["extFields"]["wipeTopicCount"] == "2"
        assert json.loads(route(addr, "AdmA")[1])["queueDatas"][0]["perm"] == 4
        h, _ = c.request(327, {"brokerName": "broker-adm"})
        assert h["extFields"]["addTopicCount"] == "2"
        assert json.loads(route(addr, "AdmA")[1])["queueDatas"][0]["perm"] == 6
        _, body = c.request(224, {"cluster": "AdmCluster"})
        assert json.loads(body) == {"topicList": ["AdmA", "AdmB"]}
        _, body = c.request(206)
        assert {"AdmA", "AdmB"} <= set(json.loads(body)["topicList"])
        _, body = c.request(304)
        assert {"AdmCluster", "broker-adm"} <= set(json.loads(body)["topicList"])
        h, _ = c.request(216, {"topic": "AdmB", "clusterName": "AdmCluster"})
        assert h["code"] == 0 and route(addr, "AdmB")[0]["code"] == 17
        for code in (311, 312, 313):
            assert c.request(code)[0]["code"] == 0
        h, body = c.request(319)
        assert "orderMessageEnable=true" in body.decode() and "listenPort=" in body.decode()
        h, _ = c.request(318, body=b"kvConfigPath=/tmp/elsewhere\n")
        assert h["code"] == 16 and h["remark"] == "Can not update config in black list."
        h, _ = c.request(318, body=b"productEnvName=blue\n")
        assert h["code"] == 0
        assert "productEnvName=blue" in c.request(319)[1].decode()


def test_bad_input_gets_clear_errors_and_the_server_keeps_serving(shared):
    proc, addr = shared
    with WireConnection(addr) as c:
        h, _ = c.request(9999)
        assert h["code"] == 3 and h["remark"] == " request type 9999 not supported"
        h, _ = c.request(REGISTER_BROKER, {"brokerAddr": "x:1", "clusterName": "C",
                                           "haServerAddr": "x:2", "brokerId": 0}, b"{}")
        assert h["code"] == 1 and "brokerName" in h["remark"]
        ext = {"brokerName": "b", "brokerAddr": "x:1", "clusterName": "C", "haServerAddr": "x:2",
               "brokerId": 0}
        h, _ = c.request(REGISTER_BROKER, ext, b'{"topicConfigSerializeWrapper":')
        assert h["code"] == 1 and "RegisterBrokerBody" in h["remark"]
        h, _ = c.request(REGISTER_BROKER, {**ext, "compressed": "true"}, b"garbage")
        assert h["code"] == 1 and "zlib" in h["remark"]
        h, _ = c.request(REGISTER_BROKER, {**ext, "bodyCrc32": 12345}, b"{}")
        assert h["code"] == 1 and h["remark"] == "crc32 not match"
        h, _ = c.request(REGISTER_BROKER, {**ext, "brokerId": "zero"}, b"{}")
        assert h["code"] == 1 and "brokerId" in h["remark"]
        h, _ = c.request(GET_ROUTEINFO_BY_TOPIC, {})
        assert h["code"] == 1 and "topic" in h["remark"]
        h, _ = c.request(GET_KV, {"namespace": "nope", "key": "nope"})
        assert h["code"] == 22
    # a malformed frame closes only its own connection
    with socket.create_connection(("127.0.0.1", int(addr.rsplit(":", 1)[1])), timeout=5) as s:
        s.sendall(struct.pack(">ii", 8, 0x00FFFFFF) + b"\x00" * 4)
        assert s.recv(1) == b""
    with socket.create_connection(("127.0.0.1", int(addr.rsplit(":", 1)[1])), timeout=5) as s:
        s.sendall(encode_frame(b"{not json", b""))
        assert s.recv(1) == b""
    assert route(addr, "NoSuchTopic")[0]["code"] == 17
    assert proc.is_running()


def test_silent_broker_expires_with_shortened_timers(process_factory, tmp_path):
    _, addr = start_namesrv(process_factory, tmp_path, "scanNotActiveBrokerInterval=200",
                            "brokerChannelExpiredTime=1500")
    silent = WireConnection(addr)
    alive = WireConnection(addr)
    try:
        register(silent, "broker-silent", "127.0.0.1:11911", TopicConfig("Shared"),
                 TopicConfig("SilentOnly"))
        register(alive, "broker-alive", "127.0.0.1:12911", TopicConfig("Shared"))
        deadline = time.monotonic() + 15
        while route(addr, "SilentOnly")[0]["code"] == 0:
            assert time.monotonic() < deadline, "silent broker never expired"
            register(alive, "broker-alive", "127.0.0.1:12911", TopicConfig("Shared"))  # heartbeat
            time.sleep(0.3)
        # the name server closed the silent broker's connection and kept the live one's routes
        silent.sock.settimeout(5)
        assert silent.sock.recv(1) == b""
        data = json.loads(route(addr, "Shared")[1])
        assert [q["brokerName"] for q in data["queueDatas"]] == ["broker-alive"]
    finally:
        silent.close()
        alive.close()


def test_kv_config_survives_clean_restart_and_kill_9(process_factory, tmp_path):
    proc, addr = start_namesrv(process_factory, tmp_path)
    with WireConnection(addr) as c:
        assert c.request(PUT_KV, {"namespace": "ns", "key": "a", "value": "1"})[0]["code"] == 0
        assert c.request(PUT_KV, {"namespace": "ns", "key": "b", "value": "2"})[0]["code"] == 0
        assert c.request(DELETE_KV, {"namespace": "ns", "key": "b"})[0]["code"] == 0
    assert proc.stop() == 0
    proc.start(ready_line=READY, ready_port=int(addr.rsplit(":", 1)[1]))
    with WireConnection(addr) as c:
        h, _ = c.request(GET_KV, {"namespace": "ns", "key": "a"})
        assert h["code"] == 0 and h["extFields"]["value"] == "1"
        assert c.request(GET_KV, {"namespace": "ns", "key": "b"})[0]["code"] == 22
        assert c.request(PUT_KV, {"namespace": "ns", "key": "c", "value": "3"})[0]["code"] == 0
    proc.kill()
    proc.start(ready_line=READY, ready_port=int(addr.rsplit(":", 1)[1]))
    with WireConnection(addr) as c:
        _, body = c.request(GET_KVLIST, {"namespace": "ns"})
        assert json.loads(body) == {"table": {"a": "1", "c": "3"}}
    assert json.loads((tmp_path / "kvConfig.json").read_text()) == {
        "configTable": {"ns": {"a": "1", "c": "3"}}}


def test_unregister_removes_the_broker(shared):
    _, addr = shared
    with WireConnection(addr) as c:
        register(c, "broker-un", "127.0.0.1:13911", TopicConfig("UnTopic"))
        h, _ = c.request(UNREGISTER_BROKER, {"brokerName": "broker-un", "brokerAddr": "127.0.0.1:13911",
                                             "clusterName": "DefaultCluster", "brokerId": 0})
        assert h["code"] == 0
        assert route(addr, "UnTopic")[0]["code"] == 17


def test_print_options_and_port_in_use(process_factory, tmp_path):
    p = process_factory.create(MODULE, ["-m"], name="print")
    p.spawn()
    assert p.wait() == 0
    assert "listenPort=9876" in p.log_text()
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    try:
        port = busy.getsockname()[1]
        p = process_factory.create(MODULE, ["-l", str(port), "-o", "bindAddress=127.0.0.1",
                                            "-o", f"kvConfigPath={tmp_path / 'kv.json'}"],
                                   name="busy")
        p.spawn()
        assert p.wait(20) == 1
        assert f"cannot listen on port {port}" in p.log_text()
    finally:
        busy.close()


def _value(v):
    """An OTLP JSON AnyValue as a plain Python value."""
    if "arrayValue" in v:
        return [_value(x) for x in v["arrayValue"].get("values", [])]
    if "values" in v:
        return [_value(x) for x in v["values"]]
    return next(iter(v.values()), None)


def _spans(path):
    out = []
    for line in path.read_text().splitlines():
        for rs in json.loads(line).get("resourceSpans", []):
            for ss in rs.get("scopeSpans", []):
                for s in ss.get("spans", []):
                    attrs = {a["key"]: _value(a["value"]) for a in s.get("attributes", [])}
                    out.append({**s, "attrs": attrs})
    return out


def test_registration_is_one_trace_from_the_broker_request_to_the_route_table(process_factory,
                                                                              tmp_path):
    trace_file = tmp_path / "namesrv-trace.jsonl"
    port = free_port()
    proc = process_factory.start(
        MODULE, ["-l", str(port), "-o", "bindAddress=127.0.0.1",
                 "-o", f"kvConfigPath={tmp_path / 'kv.json'}"],
        env={"ROCKETMQ_REF_TRACE_FILE": str(trace_file)}, ready_line=READY, ready_port=port)
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    body = RegisterBrokerBody(topics(1, TopicConfig("TracedTopic")), []).encode()
    with WireConnection(f"127.0.0.1:{port}") as c:
        h, _ = c.request(REGISTER_BROKER, {
            "brokerName": "broker-tr", "brokerAddr": "127.0.0.1:14911", "clusterName": "C",
            "haServerAddr": "127.0.0.1:14912", "brokerId": 0,
            "traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"}, body)
        assert h["code"] == 0
        assert route(f"127.0.0.1:{port}", "TracedTopic")[0]["code"] == 0
    assert proc.stop() == 0  # flushes the exporter
    spans = _spans(trace_file)
    reg = [s for s in spans if s["name"] == "RouteInfoManager.register_broker"]
    assert len(reg) == 1
    reg = reg[0]
    assert reg["traceId"].lower() == trace_id
    assert "B2.3.2" in reg["attrs"]["rocketmq_ref.book.sections"]
    assert reg["attrs"]["rocketmq.namesrv.topics_new"] == ["TracedTopic"]
    assert reg["attrs"]["rocketmq.namesrv.register_first"] is True
    server = [s for s in spans if s["spanId"] == reg.get("parentSpanId")]
    assert server and server[0]["name"] == "REGISTER_BROKER" and server[0]["kind"] in (2, "SPAN_KIND_SERVER")
    lookup = [s for s in spans if s["name"] == "RouteInfoManager.pickup_topic_route_data"]
    assert lookup and lookup[0]["attrs"]["messaging.destination.name"] == "TracedTopic"


def test_config_file_and_sigint(process_factory, tmp_path):
    port = free_port()
    conf = tmp_path / "namesrv.properties"
    conf.write_text(f"listenPort={port}\nbindAddress=127.0.0.1\n"
                    f"kvConfigPath={tmp_path / 'kv' / 'kvConfig.json'}\n"
                    "orderMessageEnable=true\nrocketmqHome=/opt/rocketmq\n")
    proc = process_factory.start(MODULE, ["-c", str(conf), "--log-dir", str(tmp_path / "logs")],
                                 ready_line=READY, ready_port=port)
    assert f"load config properties file OK, {conf}" in proc.log_text()
    with WireConnection(f"127.0.0.1:{port}") as c:
        _, body = c.request(319)
        assert "orderMessageEnable=true" in body.decode()
        # UPDATE_NAMESRV_CONFIG rewrites the -c file, as Java's configStorePath does
        assert c.request(318, body=b"productEnvName=green\n")[0]["code"] == 0
    assert "productEnvName=green" in conf.read_text()
    proc.signal(signal.SIGINT)
    assert proc.wait(15) == 0
    log = (tmp_path / "logs" / "namesrv.log").read_text()
    assert "received SIGINT, shutting down" in log and "name server shut down" in log


def test_binary_rocketmq_header_is_answered_in_kind(shared):
    from rocketmq_ref.remoting.protocol.language_code import LanguageCode, SerializeType
    from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

    _, addr = shared
    with WireConnection(addr) as c:
        register(c, "broker-bin", "127.0.0.1:15911", TopicConfig("BinTopic"))
        req = RemotingCommand(GET_ROUTEINFO_BY_TOPIC, ext_fields={"topic": "BinTopic"}, opaque=77,
                              language=LanguageCode.JAVA, version=407,
                              serialize_type=SerializeType.ROCKETMQ)
        c.send_raw(req.encode())
        (length,) = struct.unpack(">i", c._recv(4))
        data = c._recv(length)
        assert data[0] == 1  # the serialize-type byte of the response: ROCKETMQ, like the request
        resp = RemotingCommand.decode(data)
        assert resp.opaque == 77 and resp.code == 0
        assert json.loads(resp.body)["brokerDatas"][0]["brokerAddrs"] == {"0": "127.0.0.1:15911"}


def test_bad_config_value_changes_nothing(shared):
    _, addr = shared
    with WireConnection(addr) as c:
        h, _ = c.request(318, body=b"productEnvName=red\nclusterTest=maybe\n")
        assert h["code"] == 1 and "clusterTest" in h["remark"]
        text = c.request(319)[1].decode()
        assert "productEnvName=red" not in text and "clusterTest=false" in text


def test_corrupt_kv_config_file_stops_start_up_with_a_clear_message(process_factory, tmp_path):
    (tmp_path / "kvConfig.json").write_text('{"configTable":{"ORDER_TOPIC_CONFIG":{"T":')
    p = process_factory.create(MODULE, ["-l", str(free_port()), "-o", "bindAddress=127.0.0.1",
                                        "-o", f"kvConfigPath={tmp_path / 'kvConfig.json'}"],
                               name="corrupt")
    p.spawn()
    assert p.wait(20) == 1
    assert "cannot load the KV config" in p.log_text() and "kvConfig.json" in p.log_text()
    # the operator's file is left as it was
    assert (tmp_path / "kvConfig.json").read_text().endswith('{"T":')
