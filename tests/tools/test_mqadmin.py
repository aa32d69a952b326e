"""mqadmin against a running two-master cluster: each command's output parsed, and the error cases
(book A2.4, B9.7.2).  One cluster for the whole module keeps the run short."""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import threading
import time

import pytest

from rocketmq_ref.common import fastjson
from rocketmq_ref.tools import cluster, mqadmin
from rocketmq_ref.tools.admin.default_mq_admin_ext import DefaultMQAdminExt

pytestmark = pytest.mark.e2e

TOPIC = "AdminTopic"


@pytest.fixture(scope="module")
def ns(tmp_path_factory):
    state = cluster.plan(str(tmp_path_factory.mktemp("mqadmin-cluster")), namesrv=1, masters=2)
    try:
        cluster.start(state, timeout_s=40)
        yield state.namesrv_addr
    finally:
        cluster.stop(state)


@pytest.fixture(autouse=True)
def _private_tmp(tmp_path, monkeypatch):
    """Message bodies go to <tmp>/rocketmq/msgbodys like Java's /tmp/rocketmq/msgbodys: keep them
    in this test's directory."""
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = mqadmin.main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def ok(*argv: str) -> str:
    code, out, err = run(*argv)
    assert code == 0, err
    assert err == ""
    return out


def one_error_line(*argv: str) -> str:
    code, out, err = run(*argv)
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


def table(out: str, header: str) -> list[list[str]]:
    """Rows under the ``#``-header line, split on runs of 2+ spaces or single spaces as Java pads."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    return [line.split() for line in lines[start + 1:] if line.strip()]


@pytest.fixture(scope="module")
def brokers(ns):
    out = ok("clusterList", "-n", ns)
    rows = table(out, "#Cluster Name")
    return {r[1]: r[3] for r in rows}


@pytest.fixture(scope="module")
def topic(ns, brokers):
    out = ok("updateTopic", "-n", ns, "-c", "DefaultCluster", "-t", TOPIC, "-r", "2", "-w", "2")
    assert sorted(re.findall(r"create topic to (\S+) success\.", out)) == sorted(brokers.values())
    assert out.rstrip().endswith("TopicConfig [topicName=AdminTopic, readQueueNums=2, "
                                 "writeQueueNums=2, perm=RW-, topicFilterType=SINGLE_TAG, "
                                 "topicSysFlag=0, order=false]")
    assert_routable(ns, TOPIC, 2)
    return TOPIC


def assert_routable(ns: str, topic: str, brokers: int) -> None:
    """updateTopic returns once each broker registered the topic with the name servers (Java's
    registerIncrementBrokerData before the answer): the route is there at once, no waiting."""
    assert len(fastjson.loads(ok("topicRoute", "-n", ns, "-t", topic))["queueDatas"]) == brokers


@pytest.fixture(scope="module")
def sent(ns, topic):
    """Three messages with keys and tags, each to a chosen broker and queue."""
    ids = []
    for i, broker in enumerate(["broker-a", "broker-b", "broker-a"]):
        out = ok("sendMessage", "-n", ns, "-t", topic, "-p", f"body {i}", "-k", f"key{i}",
                 "-c", "TagA", "-b", broker, "-i", "1")
        [row] = table(out, "#Broker Name")
        assert row[:3] == [broker, "1", "SEND_OK"]
        ids.append(row[3])
    return ids


# -- no cluster needed ------------------------------------------------------------------------------

def test_no_command_lists_every_command_with_its_description():
    out = ok()
    assert out.startswith("The most commonly used mqadmin commands are:\n")
    names = re.findall(r"^   (\w+)\s", out, re.M)
    for name in ("updateTopic", "topicList", "clusterList", "consumerProgress", "queryMsgById",
                 "resetOffsetByTime", "wipeWritePerm", "statsAll", "sendMessage"):
        assert name in names
    assert "   updateTopic          Update or create topic\n" in out


def test_help_explains_one_command_in_commons_cli_layout():
    out = ok("help", "updateTopic")
    assert out.splitlines()[1].startswith("usage: mqadmin updateTopic -b <arg> | -c <arg> ")
    assert re.search(r"^ -t,--topic <arg>\s+topic name$", out, re.M)
    assert re.search(r"^ -n,--namesrvAddr <arg>\s+Name server address list", out, re.M)
    assert ok("updateTopic", "-h").startswith("usage: mqadmin updateTopic")


def test_options_parse_like_commons_cli():
    from rocketmq_ref.tools.command.sub_command import ParseException
    from rocketmq_ref.tools.command.topic import UpdateTopicSubCommand

    cmd = UpdateTopicSubCommand()
    cl = cmd.parse(["-tT1", "--clusterName=C", "-r", " 3 ", "--order", "true"])
    assert (cl.get_option_value("t"), cl.get_option_value("c"), cl.get_option_value("r"),
            cl.get_option_value("o")) == ("T1", "C", "3", "true")
    assert not cl.has_option("b") and cl.get_option_value("w", "8") == "8"
    with pytest.raises(ParseException, match="already been selected: 'b'"):
        cmd.parse(["-t", "T", "-b", "x", "-c", "y"])
    with pytest.raises(ParseException, match="takes no value"):
        cmd.parse(["-t", "T", "-c", "C", "--help=yes"])
    assert cmd.parse(["-h"]).has_option("h")  # help needs no required option


def test_every_command_has_distinct_option_letters_and_a_help_page():
    for cmd in mqadmin.init_command():
        letters = [o.opt for o in cmd.flat_options()]
        assert len(letters) == len(set(letters)), cmd.command_name()
        out = ok("help", cmd.command_name())
        assert out.startswith(cmd.command_desc() + "\nusage: mqadmin " + cmd.command_name())
        assert all(f" -{letter}," in out for letter in letters)


def test_unknown_command_and_bad_options_are_one_line():
    code, out, err = run("help", "noSuchCommand")
    assert code == 1 and err == "The sub command noSuchCommand not exist.\n"
    assert "not exist" in one_error_line("noSuchCommand")
    assert "Missing required option: t" in one_error_line("topicRoute", "-n", "127.0.0.1:1")
    assert "Missing required option: [b, c]" in one_error_line("updateTopic", "-t", "T")
    assert "Unrecognized option: -z" in one_error_line("topicList", "-z")
    assert "Missing argument for option: t" in one_error_line("topicStatus", "-t")
    assert "needs a number" in one_error_line("updateTopic", "-n", "127.0.0.1:1", "-c", "C",
                                              "-t", "T", "-r", "many")
    assert "illegal characters" in one_error_line("updateTopic", "-n", "127.0.0.1:1", "-c", "C",
                                                  "-t", "bad topic!")


def test_unreachable_name_server_is_one_line(monkeypatch):
    monkeypatch.delenv("NAMESRV_ADDR", raising=False)
    err = one_error_line("topicList", "-n", "127.0.0.1:1")
    assert err.startswith("mqadmin topicList: cannot connect to 127.0.0.1:1")
    assert "No name server address" in one_error_line("clusterList")
    err = one_error_line("brokerStatus", "-n", "127.0.0.1:1", "-b", "127.0.0.1:2")
    assert err.startswith("mqadmin brokerStatus: cannot connect to 127.0.0.1:2")


# -- cluster and topics -----------------------------------------------------------------------------

def test_cluster_list_shows_both_masters(ns, brokers):
    out = ok("clusterList", "-n", ns)
    header = out.splitlines()[0]
    assert header.split() == ["#Cluster", "Name", "#Broker", "Name", "#BID", "#Addr", "#Version",
                              "#InTPS(LOAD)", "#OutTPS(LOAD)", "#PCWait(ms)", "#Hour", "#SPACE"]
    rows = table(out, "#Cluster Name")
    assert [(r[0], r[1], r[2]) for r in rows] == [("DefaultCluster", "broker-a", "0"),
                                                 ("DefaultCluster", "broker-b", "0")]
    assert all(re.fullmatch(r"127\.0\.0\.1:\d+", r[3]) for r in rows)
    assert all(r[4] == "V4_9_8" for r in rows)
    more = table(ok("clusterList", "-n", ns, "-m"), "#Cluster Name")
    assert [r[1] for r in more] == ["broker-a", "broker-b"] and all(len(r) == 6 for r in more)


def test_topic_list_route_status_and_cluster(ns, topic, sent):
    assert topic in ok("topicList", "-n", ns).split("\n")
    rows = table(ok("topicList", "-n", ns, "-c"), "#Cluster Name")
    assert ["DefaultCluster", topic] in [r[:2] for r in rows]

    out = ok("topicRoute", "-n", ns, "-t", topic)
    route = fastjson.loads(out)
    assert sorted(q["brokerName"] for q in route["queueDatas"]) == ["broker-a", "broker-b"]
    assert out.startswith("{\n\t\"brokerDatas\":[")  # fastjson's pretty layout

    rows = table(ok("topicRoute", "-n", ns, "-t", topic, "-l"), "#ClusterName")
    assert [r[:2] for r in rows[:2]] == [["DefaultCluster", "broker-a"], ["DefaultCluster", "broker-b"]]
    assert rows[0][3:] == ["2", "2", "6"]
    assert rows[-1] == ["Total:", "2", "4", "4"]

    rows = table(ok("topicStatus", "-n", ns, "-t", topic), "#Broker Name")
    by_queue = {(r[0], int(r[1])): (int(r[2]), int(r[3])) for r in rows}
    assert by_queue == {("broker-a", 0): (0, 0), ("broker-a", 1): (0, 2),
                        ("broker-b", 0): (0, 0), ("broker-b", 1): (0, 1)}
    assert ok("topicClusterList", "-n", ns, "-t", topic) == "DefaultCluster\n"


def test_unknown_topic_is_one_line(ns):
    err = one_error_line("topicRoute", "-n", ns, "-t", "NoSuchTopic")
    assert err == ("mqadmin topicRoute: CODE: 17  DESC: No topic route info in name server for "
                   "the topic: NoSuchTopic\n")
    assert "NoSuchTopic" in one_error_line("topicStatus", "-n", ns, "-t", "NoSuchTopic")
    assert "no cluster named Nope" in one_error_line("updateTopic", "-n", ns, "-c", "Nope",
                                                    "-t", "T1")


def test_update_topic_perm_and_delete_topic(ns, brokers):
    ok("updateTopic", "-n", ns, "-b", brokers["broker-a"], "-t", "PermTopic")
    assert_routable(ns, "PermTopic", 1)
    out = ok("updateTopicPerm", "-n", ns, "-b", brokers["broker-a"], "-t", "PermTopic", "-p", "4")
    assert f"update topic perm from 6 to 4 in {brokers['broker-a']} success." in out
    # registered before updateTopicPerm's answer, like a new topic
    assert [q["perm"] for q in fastjson.loads(ok("topicRoute", "-n", ns, "-t", "PermTopic"))["queueDatas"]] == [4]
    assert "new perm equals to the old one!" in ok("updateTopicPerm", "-n", ns, "-b",
                                                   brokers["broker-a"], "-t", "PermTopic", "-p", "4")
    out = ok("deleteTopic", "-n", ns, "-c", "DefaultCluster", "-t", "PermTopic")
    assert out == ("delete topic [PermTopic] from cluster [DefaultCluster] success.\n"
                   "delete topic [PermTopic] from NameServer success.\n")
    assert "PermTopic" not in ok("topicList", "-n", ns).split("\n")


# -- brokers and name servers -----------------------------------------------------------------------

def test_broker_status_and_config(ns, brokers):
    addr = brokers["broker-a"]
    stats = dict(re.findall(r"^(\S+)\s*: (.*)$", ok("brokerStatus", "-n", ns, "-b", addr), re.M))
    assert stats["brokerVersionDesc"].startswith("V4_9_8") and "putTps" in stats
    rows = ok("brokerStatus", "-n", ns, "-c", "DefaultCluster").splitlines()
    assert {r.split()[0] for r in rows} == set(brokers.values())

    out = ok("getBrokerConfig", "-n", ns, "-b", addr)
    assert out.startswith(f"============{addr}============\n")
    conf = dict(re.findall(r"^(\S+)\s+=  (.*)$", out, re.M))
    assert conf["brokerName"] == "broker-a" and conf["brokerClusterName"] == "DefaultCluster"
    out = ok("updateBrokerConfig", "-n", ns, "-b", addr, "-k", "flushIntervalCommitLog", "-v", "321")
    assert out == f"update broker config success, {addr}\n"
    conf = dict(re.findall(r"^(\S+)\s+=  (.*)$", ok("getBrokerConfig", "-n", ns, "-b", addr), re.M))
    assert conf["flushIntervalCommitLog"] == "321"
    by_master = ok("getBrokerConfig", "-n", ns, "-c", "DefaultCluster")
    assert by_master.count("============Master: ") == 2
    err = one_error_line("updateBrokerConfig", "-n", ns, "-b", addr, "-k", "flushIntervalCommitLog",
                         "-v", "not-a-number")
    assert err.startswith("mqadmin updateBrokerConfig: CODE: 1  DESC: ")
    err = one_error_line("updateBrokerConfig", "-n", ns, "-b", addr, "-k", "brokerConfigPath", "-v", "/x")
    assert err.startswith("mqadmin updateBrokerConfig: CODE: 16  DESC: Can not update config in black list.")


def test_kv_config_and_namesrv_config(ns):
    assert ok("updateKvConfig", "-n", ns, "-s", "ORDER_TOPIC_CONFIG", "-k", "KvTopic", "-v",
              "broker-a:4") == "create or update kv config to namespace success.\n"
    admin = DefaultMQAdminExt()
    admin.set_namesrv_addr(ns)
    admin.start()
    try:
        assert admin.get_kv_list_by_namespace("ORDER_TOPIC_CONFIG").table["KvTopic"] == "broker-a:4"
        assert ok("deleteKvConfig", "-n", ns, "-s", "ORDER_TOPIC_CONFIG", "-k", "KvTopic") == \
            "delete kv config from namespace success.\n"
        assert "KvTopic" not in admin.get_kv_list_by_namespace("ORDER_TOPIC_CONFIG").table
    finally:
        admin.shutdown()

    out = ok("getNamesrvConfig", "-n", ns)
    assert out.startswith(f"============{ns}============\n")
    conf = dict(re.findall(r"^(\S+)\s+=  (.*)$", out, re.M))
    assert conf["listenPort"] == ns.rsplit(":", 1)[1]
    out = ok("updateNamesrvConfig", "-n", ns, "-k", "orderMessageEnable", "-v", "true")
    assert out == f"update name server config success![{ns}]\norderMessageEnable : true\n"
    conf = dict(re.findall(r"^(\S+)\s+=  (.*)$", ok("getNamesrvConfig", "-n", ns), re.M))
    assert conf["orderMessageEnable"] == "true"


def test_wipe_and_add_write_perm(ns, topic):
    out = ok("wipeWritePerm", "-n", ns, "-b", "broker-b")
    count = int(re.fullmatch(rf"wipe write perm of broker\[broker-b\] in name server\[{ns}\] OK, "
                             r"(\d+)\n", out).group(1))
    assert count >= 1
    perms = {q["brokerName"]: q["perm"] for q in
             fastjson.loads(ok("topicRoute", "-n", ns, "-t", topic))["queueDatas"]}
    assert perms == {"broker-a": 6, "broker-b": 4}
    out = ok("addWritePerm", "-n", ns, "-b", "broker-b")
    assert re.fullmatch(rf"add write perm of broker\[broker-b\] in name server\[{ns}\] OK, \d+\n", out)
    perms = {q["brokerName"]: q["perm"] for q in
             fastjson.loads(ok("topicRoute", "-n", ns, "-t", topic))["queueDatas"]}
    assert perms == {"broker-a": 6, "broker-b": 6}


# -- messages ---------------------------------------------------------------------------------------

def _fields(out: str) -> dict[str, str]:
    return dict(re.findall(r"^([A-Z][\w ]+:)\s+(.*)$", out, re.M))


def test_query_messages_by_key_unique_key_offset_and_id(ns, topic, sent, tmp_path):
    rows = table(ok("queryMsgByKey", "-n", ns, "-t", topic, "-k", "key1"), "#Message ID")
    assert rows == [[sent[1], "1", "0"]]

    f = _fields(ok("queryMsgByUniqueKey", "-n", ns, "-t", topic, "-i", sent[2]))
    assert (f["Topic:"], f["Tags:"], f["Keys:"], f["Queue ID:"], f["Queue Offset:"]) == \
        (topic, "[TagA]", "[key2]", "1", "1")
    assert f"UNIQ_KEY={sent[2]}" in f["Properties:"]
    assert f["Message Body Path:"].startswith(str(tmp_path))
    with open(f["Message Body Path:"], "rb") as body:
        assert body.read() == b"body 2"

    out = ok("queryMsgByOffset", "-n", ns, "-t", topic, "-b", "broker-b", "-i", "1", "-o", "0")
    f = _fields(out)
    assert f["Keys:"] == "[key1]" and f["Queue Offset:"] == "0"
    assert "WARN: No Consumer" in out or "MessageTrack [" in out

    offset_id = f["OffsetID:"]
    g = _fields(ok("queryMsgById", "-n", ns, "-i", offset_id))
    assert g["OffsetID:"] == offset_id and g["Keys:"] == "[key1]"
    assert "queryMsgByUniqueKey" in one_error_line("queryMsgById", "-n", ns, "-i", sent[0])


def test_print_and_consume_messages(ns, topic, sent):
    out = ok("printMsg", "-n", ns, "-t", topic)
    bodies = sorted(re.findall(r"BODY: (.*)$", out, re.M))
    assert bodies == ["body 0", "body 1", "body 2"]
    assert out.count("minOffset=") == 4 and out.rstrip().endswith("-" * 56)
    assert "NOT PRINT BODY" in ok("printMsg", "-n", ns, "-t", topic, "-d", "false")

    out = ok("consumeMessage", "-n", ns, "-t", topic, "-b", "broker-a", "-i", "1")
    assert out.count("Consume ok") >= 1
    assert sorted(re.findall(r"BODY: (.*)$", out, re.M)) == ["body 0", "body 2"]
    assert "print msg finished. status=NO_NEW_MSG, offset=2" in out
    assert "beginTimestamp before now" in one_error_line(
        "consumeMessage", "-n", ns, "-t", topic, "-s", str(int(time.time() * 1000) + 10**8))


# -- groups, connections, offsets -------------------------------------------------------------------

@pytest.fixture(scope="module")
def live_consumer(ns, topic, sent):
    """A push consumer that consumed the three messages, and a producer still connected."""
    from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus, ConsumeFromWhere,
                                              DefaultMQPushConsumer)
    from rocketmq_ref.client.producer import DefaultMQProducer

    got = set()
    done = threading.Event()

    def listener(msgs, context):
        got.update(m.queue_offset for m in msgs)
        if len(got) >= 2:
            done.set()
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

    consumer = DefaultMQPushConsumer("admin_test_group")
    consumer.set_namesrv_addr(ns)
    consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
    consumer.subscribe(topic, "TagA || TagB")
    consumer.register_message_listener(listener)
    producer = DefaultMQProducer("admin_test_producer")
    producer.set_namesrv_addr(ns)
    consumer.start()
    producer.start()
    try:
        from rocketmq_ref.common.message import Message
        producer.send(Message(topic, b"from the live producer", tags="TagB"))
        assert done.wait(30), "the consumer did not get the messages"
        # the broker knows a producer after a heartbeat (every 30 s, or this one)
        producer.default_mq_producer_impl.mq_client_factory.send_heartbeat_to_all_broker_with_lock()
        factory = consumer.default_mq_push_consumer_impl.mq_client_factory
        deadline = time.monotonic() + 20
        while True:  # persist now rather than on the 10 s timer, until every queue is there
            factory.persist_all_consumer_offset()
            try:
                wait_offsets_committed(ns, topic, "admin_test_group", timeout_s=0.5)
                break
            except AssertionError:
                assert time.monotonic() < deadline, "offsets never reached the brokers"
        yield consumer
    finally:
        producer.shutdown()
        consumer.shutdown()


def wait_offsets_committed(ns: str, topic: str, group: str, timeout_s: float = 30.0) -> None:
    """Until each broker's offset table (GET_ALL_CONSUMER_OFFSET) holds the group's offset for every
    queue of the topic, at the end of the queue: the consumer persists offsets every 5 s, an empty
    queue's as 0."""
    from rocketmq_ref.common.protocol.request_code import RequestCode

    admin = DefaultMQAdminExt()
    admin.set_namesrv_addr(ns)
    admin.start()
    try:
        route = admin.examine_topic_route_info(topic)
        deadline = time.monotonic() + timeout_s
        while True:
            ends = admin.examine_topic_stats(topic).offset_table
            committed = {}
            for bd in route.broker_datas:
                response = admin.mq_client_instance.mq_client_api_impl.invoke_broker(
                    bd.select_broker_addr(), RequestCode.GET_ALL_CONSUMER_OFFSET)
                table = fastjson.loads(bytes(response.body))["offsetTable"].get(f"{topic}@{group}", {})
                committed.update({(bd.broker_name, int(q)): int(o) for q, o in table.items()})
            if committed == {(mq.broker_name, mq.queue_id): to.max_offset for mq, to in ends.items()}:
                return
            assert time.monotonic() < deadline, f"offsets never reached the brokers: {committed}"
            time.sleep(0.3)
    finally:
        admin.shutdown()


def test_consumer_progress_connection_and_status(ns, topic, live_consumer, tmp_path, monkeypatch):
    out = ok("consumerProgress", "-n", ns, "-g", "admin_test_group")
    rows = [r for r in table(out, "#Topic") if r[0] == topic]
    progress = {(r[1], int(r[2])): (int(r[3]), int(r[4]), int(r[5])) for r in rows}
    assert sorted(progress) == [("broker-a", 0), ("broker-a", 1), ("broker-b", 0), ("broker-b", 1)]
    # the three sent messages and the live producer's one, all consumed
    assert sum(b for b, _, _ in progress.values()) == 4
    assert all(b == c and d == 0 for b, c, d in progress.values())
    assert "Consume TPS: " in out and out.rstrip().endswith("Diff Total: 0")

    rows = table(ok("consumerProgress", "-n", ns), "#Group")
    [row] = [r for r in rows if r[0] == "admin_test_group"]
    assert row[1] == "1" and row[2] == "V4_9_8" and row[3] == "PUSH" and row[4] == "CLUSTERING"

    out = ok("consumerConnection", "-n", ns, "-g", "admin_test_group")
    [client] = table(out.split("\nBelow is subscription:")[0], "#ClientId")
    assert client[2] in ("PYTHON", "JAVA") and client[3] == "V4_9_8"
    subs = table(out.split("Below is subscription:")[1], "#Topic")
    assert [topic, "TagA", "||", "TagB"] in subs
    assert "ConsumeType: CONSUME_PASSIVELY\nMessageModel: CLUSTERING\n" in out

    out = ok("consumerStatus", "-n", ns, "-g", "admin_test_group", "-i", client[0])
    assert out.startswith("#Consumer Properties#\n") and "#Consumer Subscription#" in out
    assert re.search(rf"^001 Topic: {topic}\s+ClassFilter: false\s+SubExpression: TagA \|\| TagB$",
                     out, re.M)
    monkeypatch.chdir(tmp_path)
    out = ok("consumerStatus", "-n", ns, "-g", "admin_test_group")
    [row] = table(out, "#Index")[:1]
    assert row[1] == client[0] and os.path.exists(tmp_path / row[3])
    assert "Same subscription in the same group of consumer" in out and "Rebalance OK" in out
    out = ok("consumer", "-n", ns, "-g", "admin_test_group")
    [row] = [line.split() for line in out.splitlines()[:1]]
    assert row[0] == "001" and row[1] == client[0] and row[2] == "V4_9_8"
    assert os.path.exists(tmp_path / row[3]) and "Rebalance OK" in out

    assert "consumer group nobody not found" in one_error_line("consumerProgress", "-n", ns,
                                                              "-g", "nobody")


def test_producer_connection_and_stats_all(ns, topic, live_consumer):
    out = ok("producerConnection", "-n", ns, "-g", "admin_test_producer", "-t", topic)
    assert re.match(r"0001  \S+@\S+\s+127\.0\.0\.1:\d+\s+\w+\s+V4_9_8", out)
    assert "producer group" in one_error_line("producerConnection", "-n", ns, "-g", "nobody",
                                              "-t", topic)
    out = ok("statsAll", "-n", ns, "-t", topic)
    assert out.split("\n")[0].split() == ["#Topic", "#Consumer", "Group", "#Accumulation", "#InTPS",
                                          "#OutTPS", "#InMsg24Hour", "#OutMsg24Hour"]
    [row] = table(out, "#Topic")
    assert row[:3] == [topic, "admin_test_group", "0"]


def test_reset_offset_by_time_moves_the_live_consumer_back(ns, topic, live_consumer):
    out = ok("resetOffsetByTime", "-n", ns, "-g", "admin_test_group", "-t", topic, "-s", "0")
    assert out.startswith("rollback consumer offset by specified group[admin_test_group], "
                          f"topic[{topic}], force[true], timestamp(string)[0], timestamp(long)[0]")
    rows = table(out, "#brokerName")
    assert {(r[0], int(r[1])): int(r[2]) for r in rows}[("broker-a", 1)] == 0


def test_sub_group_update_and_delete(ns, brokers):
    out = ok("updateSubGroup", "-n", ns, "-c", "DefaultCluster", "-g", "sub_group_x", "-r", "3")
    assert sorted(re.findall(r"create subscription group to (\S+) success\.", out)) == \
        sorted(brokers.values())
    assert "SubscriptionGroupConfig [groupName=sub_group_x, consumeEnable=true, " in out
    assert "retryMaxTimes=3" in out
    out = ok("deleteSubGroup", "-n", ns, "-b", brokers["broker-a"], "-g", "sub_group_x")
    assert out == f"delete subscription group [sub_group_x] from broker [{brokers['broker-a']}] success.\n"


def test_clean_expired_cq_says_success_on_a_broker_a_cluster_or_all(ns, brokers):
    assert ok("cleanExpiredCQ", "-n", ns, "-b", brokers["broker-a"]) == "success"
    assert ok("cleanExpiredCQ", "-n", ns, "-c", "DefaultCluster") == "success"
    assert ok("cleanExpiredCQ", "-n", ns) == "success"
    assert ok("cleanExpiredCQ", "-n", ns, "-c", "NoSuchCluster") == "false"  # no master: Java's false


def test_mqadmin_script_prints_no_traceback(ns):
    exe = os.path.join(os.path.dirname(sys.executable), "mqadmin")
    done = subprocess.run([exe, "clusterList", "-n", ns], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "broker-a" in done.stdout and done.stderr == ""
    done = subprocess.run([exe, "topicRoute", "-n", ns, "-t", "NoSuchTopic"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("mqadmin topicRoute: CODE: 17") and done.stderr.count("\n") == 1


# -- the rest of the list ---------------------------------------------------------------------------

def test_order_conf_put_get_delete(ns, topic):
    ok("updateNamesrvConfig", "-n", ns, "-k", "orderMessageEnable", "-v", "true")  # routes carry it
    assert ok("updateOrderConf", "-n", ns, "-t", topic, "-m", "put", "-v", "broker-a:2;broker-b:2") == \
        f"update orderConf success. topic=[{topic}], orderConf=[broker-a:2;broker-b:2]"
    assert ok("updateOrderConf", "-n", ns, "-t", topic, "-m", "get") == \
        f"get orderConf success. topic=[{topic}], orderConf=[broker-a:2;broker-b:2] "
    route = fastjson.loads(ok("topicRoute", "-n", ns, "-t", topic))
    assert route["orderTopicConf"] == "broker-a:2;broker-b:2"  # the name server serves it
    assert ok("updateOrderConf", "-n", ns, "-t", topic, "-m", "delete") == \
        f"delete orderConf success. topic=[{topic}]"
    assert ok("updateOrderConf", "-n", ns, "-t", topic, "-m", "get").endswith("orderConf=[null] ")
    assert "please set orderConf" in one_error_line("updateOrderConf", "-n", ns, "-t", topic,
                                                    "-m", "put")


def test_allocate_mq_splits_the_queues_averagely(ns, topic):
    result = fastjson.loads(ok("allocateMQ", "-n", ns, "-t", topic, "-i", "10.0.0.1,10.0.0.2"))
    got = {ip: [(q["brokerName"], q["queueId"]) for q in mqs] for ip, mqs in result["result"].items()}
    assert got == {"10.0.0.1": [("broker-a", 0), ("broker-a", 1)],
                   "10.0.0.2": [("broker-b", 0), ("broker-b", 1)]}


def test_decode_message_id_and_check_send_rt(ns, topic, sent):
    out = ok("DecodeMessageId", "-i", sent[0])
    ip, date = re.fullmatch(r"ip=(\S+)\ndate=(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})\n", out).groups()
    assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", ip)
    assert "not a unique message id" in one_error_line("DecodeMessageId", "-i", "xyz")
    out = ok("checkMsgSendRT", "-n", ns, "-t", topic, "-a", "5", "-s", "16")
    rows = table(out, "#Broker Name")
    assert [r[2] for r in rows[:5]] == ["true"] * 5
    assert {r[0] for r in rows[:5]} == {"broker-a", "broker-b"}
    assert re.search(r"^Avg RT: \d+\.\d\d$", out, re.M)


def test_get_consumer_config_after_update_sub_group(ns, brokers):
    ok("updateSubGroup", "-n", ns, "-b", brokers["broker-b"], "-g", "cfg_group", "-q", "2")
    out = ok("getConsumerConfig", "-n", ns, "-g", "cfg_group")
    assert out.startswith("=============================DefaultCluster:broker-b"
                          "=============================\n")
    conf = dict(re.findall(r"^(\w+)\s+=  (.*)$", out, re.M))
    assert conf["groupName"] == "cfg_group" and conf["retryQueueNums"] == "2"
    assert conf["consumeBroadcastEnable"] == "false"


def test_clone_group_offset_and_skip_accumulated(ns, topic, brokers, live_consumer):
    wait_offsets_committed(ns, topic, "admin_test_group")  # earlier tests sent more messages
    ends = {(r[0], int(r[1])): int(r[3])
            for r in table(ok("topicStatus", "-n", ns, "-t", topic), "#Broker Name")}
    out = ok("cloneGroupOffset", "-n", ns, "-s", "admin_test_group", "-d", "clone_group", "-t", topic)
    assert out == (f"clone group offset success. srcGroup[admin_test_group], destGroup=[clone_group], "
                   f"topic[{topic}]")
    admin = DefaultMQAdminExt()
    admin.set_namesrv_addr(ns)
    admin.start()
    try:
        offset = admin.mq_client_instance.mq_client_api_impl.query_consumer_offset(
            brokers["broker-a"], topic=topic, consumer_group="clone_group", queue_id=1)
    finally:
        admin.shutdown()
    assert offset == ends[("broker-a", 1)]
    out = ok("skipAccumulatedMessage", "-n", ns, "-g", "admin_test_group", "-t", topic)
    rows = table(out, "#brokerName")
    assert {(r[0], int(r[1])): int(r[2]) for r in rows} == ends  # every queue moved to its end


def test_export_metadata_and_configs(ns, topic, tmp_path):
    out = ok("exportMetadata", "-n", ns, "-c", "DefaultCluster", "-f", str(tmp_path))
    assert out == f"export {tmp_path}/metadata.json success\n"
    meta = fastjson.loads((tmp_path / "metadata.json").read_text())
    # queues add up over the two masters; system topics are left out
    assert meta["topicConfigTable"][topic]["writeQueueNums"] == 4
    assert "TBW102" not in meta["topicConfigTable"] and "exportTime" in meta
    assert not any(name.startswith("%RETRY%") for name in meta["topicConfigTable"])
    out = ok("exportMetadata", "-n", ns, "-c", "DefaultCluster", "-f", str(tmp_path), "-s", "-g")
    assert "subscriptionGroupTable" in fastjson.loads((tmp_path / "subscriptionGroup.json").read_text())

    assert ok("exportConfigs", "-n", ns, "-c", "DefaultCluster", "-f", str(tmp_path)) == \
        f"export {tmp_path}/configs.json success"
    configs = fastjson.loads((tmp_path / "configs.json").read_text())
    assert configs["clusterScale"] == {"namesrvSize": 1, "masterBrokerSize": 2, "slaveBrokerSize": 0}
    assert configs["brokerConfigs"]["broker-b"]["brokerRole"] == "ASYNC_MASTER"


def test_print_msg_by_queue_counts_tags(ns, topic, sent):
    out = ok("printMsgByQueue", "-n", ns, "-t", topic, "-a", "broker-a", "-i", "1", "-f", "true")
    assert re.search(r"^Tag: TagA\s+Count: 2$", out, re.M) and "MSGID" not in out
    out = ok("printMsgByQueue", "-n", ns, "-t", topic, "-a", "broker-a", "-i", "1", "-p", "true",
             "-d", "true")
    assert re.findall(r"BODY: (.*)$", out, re.M)[:2] == ["body 0", "body 2"]


def test_send_msg_status_and_cluster_rt(ns):
    out = ok("sendMsgStatus", "-n", ns, "-b", "broker-b", "-c", "3", "-s", "30")
    lines = out.splitlines()
    assert len(lines) == 3
    assert all(re.match(r"rt=\d+ms, SendResult=SendResult \[sendStatus=SEND_OK, .*messageQueue="
                        r"MessageQueue \[topic=broker-b, brokerName=broker-b, ", line) for line in lines)

    exe = os.path.join(os.path.dirname(sys.executable), "mqadmin")
    proc = subprocess.Popen([exe, "clusterRT", "-n", ns, "-a", "3", "-i", "60"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().split() == ["#Cluster", "Name", "#Broker", "Name", "#RT",
                                                  "#successCount", "#failCount"]
        rows = [proc.stdout.readline().split() for _ in range(2)]
        assert [r[:2] for r in rows] == [["DefaultCluster", "broker-a"], ["DefaultCluster", "broker-b"]]
        assert all(r[3:] == ["3", "0"] and float(r[2]) >= 0 for r in rows)
        proc.send_signal(2)  # Ctrl-C: it runs round after round until interrupted
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130 and "Traceback" not in err


def test_admin_calls_are_traced_with_their_java_twin(ns, topic, spans):
    ok("topicStatus", "-n", ns, "-t", topic)
    by_name = {s.name: s for s in spans.get_finished_spans()}
    route = by_name["DefaultMQAdminExt.examine_topic_route_info"]
    assert route.attributes["rocketmq_ref.java.method"] == \
        "org.apache.rocketmq.tools.admin.DefaultMQAdminExtImpl#examineTopicRouteInfo"
    assert "A2.4" in route.attributes["rocketmq_ref.book.sections"]
    assert route.attributes["code.file.path"] == "rocketmq_ref/tools/admin/default_mq_admin_ext.py"
