"""A real ``mqnamesrv`` and ``mqbroker`` on 127.0.0.1, driven with raw frames: registration, send and
pull, long polling, retry and DLQ, client registration, admin answers and bad input (spec protocol.md
§8, ha-and-flows.md §5.3, §8)."""
from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time

import pytest

from tests.support import wire
from tests.broker.support import broker_props, start_broker, start_namesrv
from tests.support.processes import ProcessFactory, process_factory  # noqa: F401  (fixture)
from tests.support.wait import wait_until as wait_for

pytestmark = pytest.mark.e2e

GROUP_MAX_RECONSUME = 2


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("broker-e2e")
    factory = ProcessFactory(tmp / "procs")
    try:
        ns = start_namesrv(factory, tmp)
        props = broker_props(tmp, ns.addr, messageDelayLevel=" ".join(["1s"] * 18), maxMessageSize=65536,
                             shortPollingTimeMills=1000)
        broker = start_broker(factory, tmp, props)
        yield ns, broker
    finally:
        factory.close()


def route(ns_addr, topic):
    h, body = wire.call(ns_addr, wire.GET_ROUTEINFO_BY_TOPIC, {"topic": topic})
    return h, (json.loads(body) if h["code"] == 0 else None)


def test_created_topic_is_routable_through_the_name_server(cluster):
    ns, broker = cluster
    assert wire.create_topic(broker.addr, "RouteTopic", 3)["code"] == 0
    h, data = wait_for(lambda: (lambda r: r if r[0]["code"] == 0 else None)(route(ns.addr, "RouteTopic")))
    assert data["queueDatas"][0]["writeQueueNums"] == 3
    assert data["brokerDatas"][0]["brokerAddrs"]["0"] == broker.addr
    h, body = wire.call(ns.addr, wire.GET_BROKER_CLUSTER_INFO, {})
    assert "broker-a" in body.decode() and broker.addr in body.decode()


def test_send_v2_with_numeric_ext_values_then_pull_filters_by_tag(cluster):
    ns, broker = cluster
    topic = "WireTopic"
    assert wire.create_topic(broker.addr, topic, 2)["code"] == 0
    with wire.WireConnection(broker.addr) as c:
        sent = []
        for i, tag in enumerate(["TagA", "TagB", "TagA"]):
            h, _ = wire.send_v2(c, topic, f"body-{i}".encode(), tags=tag, keys=f"k{i}", queue_id=1, numeric=True)
            assert h["code"] == 0, h.get("remark")
            ext = h["extFields"]
            assert ext["MSG_REGION"] == "DefaultRegion" and ext["TRACE_ON"] == "true"
            assert ext["queueId"] == "1" and re.fullmatch(r"[0-9A-F]{32}", ext["msgId"])
            sent.append(int(ext["queueOffset"]))
        assert sent == [0, 1, 2]
        h, body = wire.pull_found(c, "wire_cg", topic, 1, 0, subscription="TagA")
        assert h["code"] == 0 and h["remark"] == "FOUND"
        msgs = wire.decode_messages(body)
        assert [m["body"] for m in msgs] == [b"body-0", b"body-2"]
        assert msgs[0]["properties"]["KEYS"] == "k0" and msgs[0]["properties"]["CLUSTER"] == "DefaultCluster"
        assert "WAIT" not in msgs[0]["properties"]
        assert h["extFields"]["nextBeginOffset"] == "3" and h["extFields"]["maxOffset"] == "3"
        # v1 header with the long field names
        h, _ = c.request(wire.SEND_MESSAGE, {"producerGroup": "pg", "topic": topic, "defaultTopic": "TBW102",
                                             "defaultTopicQueueNums": 4, "queueId": 0, "sysFlag": 0,
                                             "bornTimestamp": int(time.time() * 1000), "flag": 7,
                                             "properties": wire.properties_string({"TAGS": "TagC"})}, b"v1")
        assert h["code"] == 0
        h, body = wire.pull_found(c, "wire_cg", topic, 0, 0)
        assert wire.decode_messages(body)[0]["flag"] == 7


def test_auto_create_from_tbw102_on_first_send(cluster):
    ns, broker = cluster
    with wire.WireConnection(broker.addr) as c:
        h, _ = wire.send_v2(c, "AutoCreated", b"x", queue_id=0)
        assert h["code"] == 0
    h, data = wait_for(lambda: (lambda r: r if r[0]["code"] == 0 else None)(route(ns.addr, "AutoCreated")))
    assert data["queueDatas"][0]["readQueueNums"] == 4


def test_long_polling_answers_as_soon_as_a_message_arrives(cluster):
    ns, broker = cluster
    topic = "LongPollTopic"
    assert wire.create_topic(broker.addr, topic, 1)["code"] == 0
    result = {}

    def held_pull():
        with wire.WireConnection(broker.addr) as c:
            begin = time.monotonic()
            result["resp"] = wire.pull(c, "lp_cg", topic, 0, 0, suspend_ms=15000)
            result["waited"] = time.monotonic() - begin

    t = threading.Thread(target=held_pull)
    t.start()
    time.sleep(0.8)
    assert t.is_alive(), "the pull should be held while the queue is empty"
    with wire.WireConnection(broker.addr) as c:
        assert wire.send_v2(c, topic, b"wake up")[0]["code"] == 0
    t.join(10)
    h, body = result["resp"]
    assert h["code"] == 0, h.get("remark")
    assert wire.decode_messages(body)[0]["body"] == b"wake up"
    assert result["waited"] < 4.0, "woken by the arrival, not by the 5 s re-check"


def test_long_polling_answers_not_found_after_the_suspend_time(cluster):
    ns, broker = cluster
    topic = "LongPollEmpty"
    assert wire.create_topic(broker.addr, topic, 1)["code"] == 0
    with wire.WireConnection(broker.addr) as c:
        begin = time.monotonic()
        h, body = wire.pull(c, "lp_cg2", topic, 0, 0, suspend_ms=1500)
        waited = time.monotonic() - begin
    assert h["code"] == wire.PULL_NOT_FOUND and not body
    assert waited >= 1.4


def _pull_one(c, group, topic, timeout=15.0):
    def attempt():
        h, body = wire.pull(c, group, topic, 0, 0)
        return wire.decode_messages(body) if h["code"] == 0 else None
    return wait_for(attempt, timeout, 0.3)


def test_send_back_goes_to_retry_with_delay_then_to_dlq(cluster):
    ns, broker = cluster
    topic, group = "RetryTopic", "retry_cg"
    assert wire.create_topic(broker.addr, topic, 1)["code"] == 0
    with wire.WireConnection(broker.addr) as c:
        assert wire.send_v2(c, topic, b"fails", tags="TagR")[0]["code"] == 0
        original = wire.decode_messages(wire.pull_found(c, group, topic, 0, 0)[1])[0]
        h, _ = c.request(wire.CONSUMER_SEND_MSG_BACK, {"offset": original["phys_offset"], "group": group,
                                                       "delayLevel": 0, "originTopic": topic,
                                                       "maxReconsumeTimes": GROUP_MAX_RECONSUME})
        assert h["code"] == 0, h.get("remark")
        retried = _pull_one(c, group, f"%RETRY%{group}")
        assert retried, "the message should reach the retry topic after the 1 s delay level"
        r = retried[0]
        assert r["body"] == b"fails" and r["reconsume_times"] == 1
        assert r["properties"]["RETRY_TOPIC"] == topic and r["properties"]["TAGS"] == "TagR"
        assert "ORIGIN_MESSAGE_ID" in r["properties"]
        # second failure: reconsumeTimes 1 >= maxReconsumeTimes 1 -> dead letter queue
        h, _ = c.request(wire.CONSUMER_SEND_MSG_BACK, {"offset": r["phys_offset"], "group": group, "delayLevel": 0,
                                                       "maxReconsumeTimes": 1})
        assert h["code"] == 0, h.get("remark")
        dead = _pull_one(c, group, f"%DLQ%{group}")
        assert dead and dead[0]["body"] == b"fails" and dead[0]["reconsume_times"] == 2
        assert dead[0]["properties"]["ORIGIN_MESSAGE_ID"] == r["properties"]["ORIGIN_MESSAGE_ID"]


def test_heartbeat_registers_consumers_notifies_members_and_serves_offsets(cluster):
    ns, broker = cluster
    topic, group = "HeartbeatTopic", "hb_cg"
    assert wire.create_topic(broker.addr, topic, 2)["code"] == 0
    with wire.WireConnection(broker.addr) as a, wire.WireConnection(broker.addr) as b:
        assert a.request(wire.HEART_BEAT, None, wire.heartbeat_body("cid-a", [group], ["hb_pg"], [topic]))[0][
            "code"] == 0
        assert b.request(wire.HEART_BEAT, None, wire.heartbeat_body("cid-b", [group], [], [topic]))[0]["code"] == 0
        # a learns that b joined
        wait_for(lambda: a.server_requests or a.request(wire.GET_CONSUMER_LIST_BY_GROUP,
                                                        {"consumerGroup": group})[0]["code"] == -1, 5)
        assert any(r["code"] == wire.NOTIFY_CONSUMER_IDS_CHANGED and r["extFields"]["consumerGroup"] == group
                   for r in a.server_requests)
        h, body = a.request(wire.GET_CONSUMER_LIST_BY_GROUP, {"consumerGroup": group})
        assert sorted(json.loads(body)["consumerIdList"]) == ["cid-a", "cid-b"]
        # a new group on a young queue starts at 0; a committed offset comes back
        h, _ = a.request(wire.QUERY_CONSUMER_OFFSET, {"consumerGroup": group, "topic": topic, "queueId": 0})
        assert h["code"] == 0 and h["extFields"]["offset"] == "0"
        a.send(wire.UPDATE_CONSUMER_OFFSET, {"consumerGroup": group, "topic": topic, "queueId": 1,
                                             "commitOffset": 42}, oneway=True)
        h = wait_for(lambda: (lambda r: r if r[0]["extFields"].get("offset") == "42" else None)(
            a.request(wire.QUERY_CONSUMER_OFFSET, {"consumerGroup": group, "topic": topic, "queueId": 1})), 5)
        assert h, "the oneway offset update should be stored"
        # orderly locks: a holds the queue, b cannot take it
        mq = {"topic": topic, "brokerName": "broker-a", "queueId": 0}
        lock = {"consumerGroup": group, "clientId": "cid-a", "mqSet": [mq]}
        h, body = a.request(wire.LOCK_BATCH_MQ, None, json.dumps(lock).encode())
        assert json.loads(body)["lockOKMQSet"] == [mq]
        h, body = b.request(wire.LOCK_BATCH_MQ, None, json.dumps({**lock, "clientId": "cid-b"}).encode())
        assert json.loads(body)["lockOKMQSet"] == []
    h, data = wait_for(lambda: (lambda r: r if r[0]["code"] == 0 else None)(route(ns.addr, f"%RETRY%{group}")))
    assert data is not None, "the heartbeat should create and register the retry topic"


def test_admin_answers_offsets_stats_and_runtime_info(cluster):
    ns, broker = cluster
    topic = "AdminTopic"
    assert wire.create_topic(broker.addr, topic, 1)["code"] == 0
    with wire.WireConnection(broker.addr) as c:
        for i in range(3):
            assert wire.send_v2(c, topic, b"m%d" % i)[0]["code"] == 0
        # GET_MAX_OFFSET counts dispatched messages: the reput thread follows the commit log
        assert wait_for(lambda: c.request(30, {"topic": topic, "queueId": 0})[0]["extFields"]["offset"] == "3", 5)
        h, _ = c.request(31, {"topic": topic, "queueId": 0})  # GET_MIN_OFFSET
        assert h["extFields"]["offset"] == "0"
        h, body = c.request(28, {})  # GET_BROKER_RUNTIME_INFO
        table = json.loads(body)["table"]
        assert int(table["msgPutTotalTodayNow"]) >= 3 and table["brokerVersion"] == "409"
        h, body = c.request(202, {"topic": topic})  # GET_TOPIC_STATS_INFO, object map keys
        assert '"maxOffset":3' in body.decode() and '{"brokerName":"broker-a","queueId":0,' in body.decode()
        h, body = c.request(21, {})  # GET_ALL_TOPIC_CONFIG
        assert topic in json.loads(body)["topicConfigTable"]
        h, body = c.request(26, {})  # GET_BROKER_CONFIG
        assert "brokerName=broker-a" in body.decode()


def test_bad_inputs_get_java_codes_and_the_broker_keeps_serving(cluster):
    ns, broker = cluster
    with wire.WireConnection(broker.addr) as c:
        def send(ext, body=b"x"):
            return c.request(wire.SEND_MESSAGE_V2, ext, body)[0]
        good = {"a": "pg", "b": "WireTopic", "c": "TBW102", "d": 4, "e": 0, "f": 0, "g": 1, "h": 0}
        h = send({k: v for k, v in good.items() if k != "b"})
        assert h["code"] == wire.SYSTEM_ERROR and "b" in h["remark"]
        assert send({**good, "e": "zero"})["code"] == wire.SYSTEM_ERROR
        h = send({**good, "b": "bad topic!"})
        assert h["code"] == wire.SYSTEM_ERROR and "illegal" in h["remark"]
        assert send({**good, "b": "SCHEDULE_TOPIC_XXXX"})["code"] == 16  # NO_PERMISSION
        assert send({**good, "e": 999})["code"] == wire.SYSTEM_ERROR
        assert send({**good, "b": "NoSuchTopic", "c": "NoTemplate"})["code"] == 17  # TOPIC_NOT_EXIST
        assert send(good, b"")["code"] == 13  # MESSAGE_ILLEGAL: empty body
        assert send(good, b"x" * 70000)["code"] == 13  # over maxMessageSize
        h, _ = wire.pull(c, "g", "NoSuchTopic", 0, 0)
        assert h["code"] == 17
        h, _ = wire.pull(c, "g", "WireTopic", 99, 0)
        assert h["code"] == wire.SYSTEM_ERROR
        h, _ = wire.pull(c, "g", "WireTopic", 0, 0, subscription=None)
        assert h["code"] == 24  # SUBSCRIPTION_NOT_EXIST: no heartbeat, no subscription flag
        assert c.request(9999, {})[0]["code"] == 3  # REQUEST_CODE_NOT_SUPPORTED
        assert c.request(wire.HEART_BEAT, None, b"{not json")[0]["code"] == wire.SYSTEM_ERROR
        h, _ = c.request(wire.CONSUMER_SEND_MSG_BACK, {"offset": 1 << 40, "group": "g", "delayLevel": 0})
        assert h["code"] == wire.SYSTEM_ERROR and "offset" in h["remark"]
        assert wire.create_topic(broker.addr, "TBW102")["code"] == wire.SYSTEM_ERROR
        assert c.request(wire.LOCK_BATCH_MQ, None, b"[1,2")[0]["code"] == wire.SYSTEM_ERROR
    # a malformed frame closes only that connection
    with socket.create_connection(tuple(broker.addr.split(":")[0:1]) + (int(broker.addr.split(":")[1]),)) as s:
        s.sendall(struct.pack(">ii", 8, 1000) + b"\0" * 4)
        s.settimeout(5)
        assert s.recv(10) == b""
    with wire.WireConnection(broker.addr) as c:
        assert wire.send_v2(c, "WireTopic", b"still serving")[0]["code"] == 0


def test_cpp_style_requests_are_accepted(cluster):
    """rocketmq-client-cpp: SEND_MESSAGE v1 with "0"/"1" booleans and signing keys, ordinal enums in the
    heartbeat, PULL with sysFlag 6 and no expressionType (protocol.md §8.5)."""
    ns, broker = cluster
    topic, group = "CppTopic", "cpp_cg"
    assert wire.create_topic(broker.addr, topic, 1)["code"] == 0
    with wire.WireConnection(broker.addr, language="CPP", version=63) as c:
        h, _ = c.request(wire.SEND_MESSAGE, {"producerGroup": "cpp_pg", "topic": topic, "defaultTopic": "TBW102",
                                             "defaultTopicQueueNums": 4, "queueId": 0, "sysFlag": 0,
                                             "bornTimestamp": int(time.time() * 1000), "flag": 0,
                                             "properties": "TAGS\x01TagCpp\x02", "reconsumeTimes": 0,
                                             "unitMode": "0", "batch": "0", "AccessKey": "ak", "Signature": "s"},
                         b"from c++", raw_ext=True)
        assert h["code"] == 0, h.get("remark")
        hb = {"clientID": "27314-127.0.0.1@DEFAULT", "producerDataSet": [{"groupName": "cpp_pg"}],
              "consumerDataSet": [{"groupName": group, "consumeType": 1, "messageModel": 1, "consumeFromWhere": 0,
                                   "unitMode": False, "subscriptionDataSet": [
                                       {"topic": topic, "subString": "TagCpp", "subVersion": str(int(time.time()))}]}]}
        assert c.request(wire.HEART_BEAT, None, json.dumps(hb).encode())[0]["code"] == 0
        ext = {"consumerGroup": group, "topic": topic, "queueId": 0, "queueOffset": 0, "maxMsgNums": 32,
               "sysFlag": 6, "commitOffset": 0, "suspendTimeoutMillis": 1000, "subscription": "TagCpp",
               "subVersion": 0}
        deadline = time.monotonic() + 10
        while True:
            h, body = c.request(wire.PULL_MESSAGE, ext, raw_ext=True)
            if h["code"] == 0 or time.monotonic() > deadline:
                break
        assert h["code"] == 0 and wire.decode_messages(body)[0]["body"] == b"from c++"
        h, body = c.request(wire.GET_CONSUMER_LIST_BY_GROUP, {"consumerGroup": group})
        assert json.loads(body)["consumerIdList"] == ["27314-127.0.0.1@DEFAULT"]


def test_binary_rocketmq_header_send_and_pull_are_answered_in_kind(cluster):
    """A client using the ROCKETMQ binary header encoding (type 1) gets binary answers."""
    from rocketmq_ref.common.protocol.header.pull_message_request_header import PullMessageRequestHeader
    from rocketmq_ref.common.protocol.header.send_message_request_header_v2 import SendMessageRequestHeaderV2
    from rocketmq_ref.remoting.protocol.language_code import SerializeType
    from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

    ns, broker = cluster
    topic = "BinaryTopic"
    assert wire.create_topic(broker.addr, topic, 1)["code"] == 0

    def roundtrip(c, cmd):
        cmd.serialize_type_current_rpc = SerializeType.ROCKETMQ
        c.send_raw(cmd.encode())
        total, = struct.unpack(">i", c._recv(4))
        data = c._recv(total)
        assert data[0] == 1, "answered with the binary header"
        return RemotingCommand.decode(data)

    with wire.WireConnection(broker.addr) as c:
        send = RemotingCommand.create_request_command(310, SendMessageRequestHeaderV2(
            a="bin_pg", b=topic, c="TBW102", d=4, e=0, f=0, g=int(time.time() * 1000), h=0,
            i="TAGS\x01TagBin\x02"), b"binary body")
        response = roundtrip(c, send)
        assert response.code == 0 and response.ext_fields["queueOffset"] == "0"
        deadline = time.monotonic() + 10
        while True:
            pull = RemotingCommand.create_request_command(11, PullMessageRequestHeader(
                consumer_group="bin_cg", topic=topic, queue_id=0, queue_offset=0, max_msg_nums=32, sys_flag=4,
                commit_offset=0, suspend_timeout_millis=0, subscription="*", sub_version=0, expression_type="TAG"))
            response = roundtrip(c, pull)
            if response.code == 0 or time.monotonic() > deadline:
                break
        assert response.code == 0 and wire.decode_messages(response.body)[0]["body"] == b"binary body"


def test_admin_group_offsets_connections_queries_and_relays(cluster):
    ns, broker = cluster
    topic, group = "OpsTopic", "ops_cg"
    assert wire.create_topic(broker.addr, topic, 1)["code"] == 0
    with wire.WireConnection(broker.addr) as client, wire.WireConnection(broker.addr) as admin:
        before = int(time.time() * 1000) - 1
        for i in range(3):
            assert wire.send_v2(client, topic, b"ops-%d" % i, keys=f"opskey{i}")[0]["code"] == 0
        assert client.request(wire.HEART_BEAT, None, wire.heartbeat_body("ops-client", [group], ["ops_pg"],
                                                                        [topic]))[0]["code"] == 0
        msgs = wire.decode_messages(wire.pull_found(client, group, topic, 0, 0)[1])
        client.request(wire.UPDATE_CONSUMER_OFFSET, {"consumerGroup": group, "topic": topic, "queueId": 0,
                                                     "commitOffset": 2})
        # consume stats: broker offset 3, consumer offset 2
        h, body = admin.request(208, {"consumerGroup": group, "topic": topic})
        text = body.decode()
        assert '"brokerOffset":3' in text and '"consumerOffset":2' in text and '"consumeTps":' in text
        h, body = admin.request(203, {"consumerGroup": group})  # GET_CONSUMER_CONNECTION_LIST
        conn = json.loads(body)
        assert conn["connectionSet"][0]["clientId"] == "ops-client" and conn["messageModel"] == "CLUSTERING"
        assert admin.request(203, {"consumerGroup": "nobody"})[0]["code"] == 206  # CONSUMER_NOT_ONLINE
        h, body = admin.request(204, {"producerGroup": "ops_pg"})  # GET_PRODUCER_CONNECTION_LIST
        assert json.loads(body)["connectionSet"][0]["clientId"] == "ops-client"
        h, body = admin.request(300, {"topic": topic})  # QUERY_TOPIC_CONSUME_BY_WHO
        assert group in json.loads(body)["groupList"]
        h, body = admin.request(43, {})  # GET_ALL_CONSUMER_OFFSET, bare integer keys
        assert f'"{topic}@{group}":{{0:2}}' in body.decode()
        h, body = admin.request(45, {})  # GET_ALL_DELAY_OFFSET
        assert h["code"] == 0 and "offsetTable" in body.decode()
        # queries by key, by offset id, by time
        h, body = admin.request(12, {"topic": topic, "key": "opskey1", "maxNum": 32, "beginTimestamp": 0,
                                     "endTimestamp": int(time.time() * 1000) + 60000})
        assert h["code"] == 0 and [m["body"] for m in wire.decode_messages(body)] == [b"ops-1"]
        h, _ = admin.request(12, {"topic": topic, "key": "absent", "maxNum": 32, "beginTimestamp": 0,
                                  "endTimestamp": int(time.time() * 1000) + 60000})
        assert h["code"] == wire.QUERY_NOT_FOUND
        h, body = admin.request(33, {"offset": msgs[2]["phys_offset"]})  # VIEW_MESSAGE_BY_ID
        assert wire.decode_messages(body)[0]["body"] == b"ops-2"
        h, _ = admin.request(29, {"topic": topic, "queueId": 0, "timestamp": before})  # SEARCH_OFFSET_BY_TIMESTAMP
        assert h["extFields"]["offset"] == "0"
        h, _ = admin.request(32, {"topic": topic, "queueId": 0})  # GET_EARLIEST_MSG_STORETIME
        assert int(h["extFields"]["timestamp"]) >= before
        # reset offset: the broker computes the table and pushes it to the consumer
        h, body = admin.request(222, {"topic": topic, "group": group, "timestamp": -1, "isForce": "true"})
        assert h["code"] == 0 and '"queueId":0,"topic":"OpsTopic"}:3' in body.decode()
        pushed, pushed_body = client.next_server_request()
        assert pushed["code"] == 220 and pushed["extFields"]["group"] == group and b":3" in pushed_body
        # GET_CONSUMER_RUNNING_INFO is relayed to the client and its answer comes back
        opaque = admin.send(307, {"consumerGroup": group, "clientId": "ops-client", "jstackEnable": "false"})
        relayed, _ = client.next_server_request()
        assert relayed["code"] == 307
        client.answer(relayed, b'{"properties":{"consumeType":"CONSUME_PASSIVELY"}}')
        h, body = admin.response_to(opaque)
        assert h["code"] == 0 and b"CONSUME_PASSIVELY" in body
        assert admin.request(307, {"consumerGroup": group, "clientId": "ghost"})[0]["code"] == wire.SYSTEM_ERROR
        # subscription groups and topics
        cfg = {"groupName": "made_cg", "retryMaxTimes": 3, "retryQueueNums": 1, "consumeEnable": True}
        assert admin.request(200, None, json.dumps(cfg).encode())[0]["code"] == 0
        h, body = admin.request(201, {})
        assert json.loads(body)["subscriptionGroupTable"]["made_cg"]["retryMaxTimes"] == 3
        assert admin.request(207, {"groupName": "made_cg", "removeOffset": "true"})[0]["code"] == 0
        assert "made_cg" not in json.loads(admin.request(201, {})[1])["subscriptionGroupTable"]
        assert wire.create_topic(broker.addr, "DoomedTopic", 1)["code"] == 0
        assert admin.request(215, {"topic": "DoomedTopic"})[0]["code"] == 0  # DELETE_TOPIC_IN_BROKER
        assert "DoomedTopic" not in json.loads(admin.request(21, {})[1])["topicConfigTable"]
        # broker config: update one key, read it back; unknown keys are refused
        assert admin.request(25, None, b"defaultQueryMaxNum=48\n")[0]["code"] == 0
        assert "defaultQueryMaxNum=48" in admin.request(26, {})[1].decode()
        # as Java's Configuration.update: an unknown key is ignored, a black-listed one refused
        assert admin.request(25, None, b"noSuchKey=1\n")[0]["code"] == 0
        assert "noSuchKey" not in admin.request(26, {})[1].decode()
        assert admin.request(25, None, b"brokerConfigPath=/x\n")[0]["code"] == 16  # NO_PERMISSION
        # leaving: unregister drops the client from the group
        assert client.request(35, {"clientID": "ops-client", "consumerGroup": group,
                                   "producerGroup": "ops_pg"})[0]["code"] == 0
        assert admin.request(wire.GET_CONSUMER_LIST_BY_GROUP, {"consumerGroup": group})[0]["code"] == wire.SYSTEM_ERROR
        assert admin.request(46, None, json.dumps({"clientId": "x", "group": group, "subscriptionData": {
            "topic": topic, "subString": "a > 1", "expressionType": "SQL92"}}).encode())[0]["code"] == wire.SYSTEM_ERROR


def test_short_polling_holds_only_short_polling_time_when_long_polling_is_off(process_factory, tmp_path):  # noqa: F811
    ns = start_namesrv(process_factory, tmp_path)
    broker = start_broker(process_factory, tmp_path, broker_props(tmp_path, ns.addr, longPollingEnable=False,
                                                                  shortPollingTimeMills=500))
    assert wire.create_topic(broker.addr, "ShortPoll", 1)["code"] == 0
    with wire.WireConnection(broker.addr) as c:
        begin = time.monotonic()
        h, _ = wire.pull(c, "sp_cg", "ShortPoll", 0, 0, suspend_ms=15000)
        waited = time.monotonic() - begin
    assert h["code"] == wire.PULL_NOT_FOUND
    assert 0.4 <= waited < 5.0, "held for shortPollingTimeMills, not the client's 15 s"


def test_batch_send_stores_every_message_and_answers_all_ids(cluster):
    from rocketmq_ref.common.message.message import Message
    from rocketmq_ref.common.message.message_decoder import encode_messages

    ns, broker = cluster
    topic = "BatchTopic"
    assert wire.create_topic(broker.addr, topic, 1)["code"] == 0
    body = encode_messages([Message(topic, b"batch-%d" % i, tags="TagB") for i in range(3)])
    ext = {"a": "batch_pg", "b": topic, "c": "TBW102", "d": 4, "e": 0, "f": 0, "g": int(time.time() * 1000), "h": 0,
           "i": "", "m": "true"}
    with wire.WireConnection(broker.addr) as c:
        h, _ = c.request(wire.SEND_BATCH_MESSAGE, ext, body)
        assert h["code"] == 0, h.get("remark")
        assert len(h["extFields"]["msgId"].split(",")) == 3 and h["extFields"]["queueOffset"] == "0"
        deadline = time.monotonic() + 10
        while True:
            msgs = wire.decode_messages(wire.pull_found(c, "batch_cg", topic, 0, 0)[1])
            if len(msgs) == 3 or time.monotonic() > deadline:
                break
        assert [m["body"] for m in msgs] == [b"batch-0", b"batch-1", b"batch-2"]
        h, _ = c.request(wire.SEND_BATCH_MESSAGE, {**ext, "b": "%RETRY%batch_cg"}, body)
        assert h["code"] == 13  # MESSAGE_ILLEGAL: no batches to retry topics


def test_pull_commit_offset_flag_stores_the_consumers_offset(cluster):
    ns, broker = cluster
    topic = "CommitFlagTopic"
    assert wire.create_topic(broker.addr, topic, 1)["code"] == 0
    with wire.WireConnection(broker.addr) as c:
        h, _ = wire.pull(c, "cf_cg", topic, 0, 0, sys_flag=wire.FLAG_COMMIT | wire.FLAG_SUBSCRIPTION, commit_offset=5)
        assert h["code"] == wire.PULL_NOT_FOUND
        h, _ = c.request(wire.QUERY_CONSUMER_OFFSET, {"consumerGroup": "cf_cg", "topic": topic, "queueId": 0})
        assert h["extFields"]["offset"] == "5"
        # without the flag the offset is left alone
        wire.pull(c, "cf_cg", topic, 0, 0, sys_flag=wire.FLAG_SUBSCRIPTION, commit_offset=9)
        h, _ = c.request(wire.QUERY_CONSUMER_OFFSET, {"consumerGroup": "cf_cg", "topic": topic, "queueId": 0})
        assert h["extFields"]["offset"] == "5"


def test_a_closed_connection_leaves_its_group_and_the_rest_is_told(cluster):
    ns, broker = cluster
    group = "leave_cg"
    with wire.WireConnection(broker.addr) as a:
        assert a.request(wire.HEART_BEAT, None, wire.heartbeat_body("stay", [group], [], ["T"]))[0]["code"] == 0
        b = wire.WireConnection(broker.addr)
        assert b.request(wire.HEART_BEAT, None, wire.heartbeat_body("leave", [group], [], ["T"]))[0]["code"] == 0
        joined, _ = a.next_server_request()
        assert joined["code"] == wire.NOTIFY_CONSUMER_IDS_CHANGED
        b.close()
        left, _ = a.next_server_request()
        assert left["code"] == wire.NOTIFY_CONSUMER_IDS_CHANGED and left["extFields"]["consumerGroup"] == group
        h, body = a.request(wire.GET_CONSUMER_LIST_BY_GROUP, {"consumerGroup": group})
        assert json.loads(body)["consumerIdList"] == ["stay"]
