"""mqadmin's statistics and broker-maintenance commands against a running one-master cluster: real
TPS in statsAll, brokerConsumeStats, queryCq, producer, getConsumerStatus, consumerStatus's RT&TPS,
cleanUnusedTopic, deleteExpiredCommitLog, and a topic routable as soon as updateTopic returns (A2.4,
B9.7.2)."""
from __future__ import annotations

import re
import threading

import pytest

from rocketmq_ref.common import fastjson
from tests.support.cluster import running_cluster
from tests.support.wait import wait_until
from tests.tools.test_mqadmin import ok, run

pytestmark = pytest.mark.e2e

TOPIC = "StatsTopic"
GROUP = "stats_group"
PRODUCER_GROUP = "stats_producer"
SENT = 20


def rows_under(out: str, header: str) -> list[list[str]]:
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        rows.append(line.split())
    return rows


@pytest.fixture(scope="module")
def ns(tmp_path_factory):
    with running_cluster(tmp_path_factory.mktemp("mqadmin-stats"), timeout_s=40, namesrv=1, masters=1) as state:
        yield state.namesrv_addr


@pytest.fixture(scope="module")
def broker(ns):
    def registered():
        code, out, _ = run("clusterList", "-n", ns)
        return rows_under(out, "#Cluster Name") if code == 0 else []
    return wait_until(registered, timeout=20, interval=0.2, what="the broker's registration")[0][3]


@pytest.fixture(scope="module")
def traffic(ns, broker):
    """updateTopic (routable at once), SENT messages, a push consumer that consumed them all and a
    producer still connected."""
    from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus, ConsumeFromWhere,
                                              DefaultMQPushConsumer)
    from rocketmq_ref.client.producer import DefaultMQProducer
    from rocketmq_ref.common.message import Message

    out = ok("updateTopic", "-n", ns, "-b", broker, "-t", TOPIC, "-r", "2", "-w", "2")
    assert f"create topic to {broker} success." in out
    route = fastjson.loads(ok("topicRoute", "-n", ns, "-t", TOPIC))  # no wait: registered already
    assert [qd["writeQueueNums"] for qd in route["queueDatas"]] == [2]

    got: set[str] = set()
    done = threading.Event()

    def listener(msgs, context):
        got.update(m.msg_id for m in msgs)
        if len(got) >= SENT:
            done.set()
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

    consumer = DefaultMQPushConsumer(GROUP)
    consumer.set_namesrv_addr(ns)
    consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
    consumer.subscribe(TOPIC, "*")
    consumer.register_message_listener(listener)
    producer = DefaultMQProducer(PRODUCER_GROUP)
    producer.set_namesrv_addr(ns)
    producer.start()
    consumer.start()
    try:
        for i in range(SENT):
            producer.send(Message(TOPIC, f"stats {i}".encode(), tags="TagA"))
        assert done.wait(30), f"consumed {len(got)} of {SENT}"
        producer.default_mq_producer_impl.mq_client_factory.send_heartbeat_to_all_broker_with_lock()
        consumer.default_mq_push_consumer_impl.mq_client_factory.persist_all_consumer_offset()
        yield consumer
    finally:
        producer.shutdown()
        consumer.shutdown()


def _client_id(consumer) -> str:
    return consumer.default_mq_push_consumer_impl.mq_client_factory.client_id


def test_stats_all_and_consumer_status_show_real_rates_after_the_next_sample(ns, traffic):
    """The broker samples every 10 s and the client too: poll (bounded) until both have a sample
    taken after the traffic."""
    def sampled():
        out = ok("statsAll", "-n", ns, "-t", TOPIC)
        [row] = [r for r in rows_under(out, "#Topic") if r[0] == TOPIC]
        status = ok("consumerStatus", "-n", ns, "-g", GROUP, "-i", _client_id(traffic))
        [rate] = [r for r in rows_under(status.split("#Consumer RT&TPS#")[1], "#Topic") if r[0] == TOPIC]
        return (row, rate) if int(row[5]) and int(row[6]) and float(rate[2]) > 0 and float(rate[4]) > 0 else None
    row, rate = wait_until(sampled, timeout=30, interval=0.5, what="a broker and a client sample after the traffic")
    in_tps, out_tps, in_24h, out_24h = float(row[3]), float(row[4]), int(row[5]), int(row[6])
    assert row[1] == GROUP and int(row[2]) == 0  # all consumed: no accumulation
    assert (in_24h, out_24h) == (SENT, SENT)
    assert in_tps > 0 and out_tps > 0
    # a minute window at most 60 s wide, at least 10 s: the rate is the count over 10..60 s
    assert SENT / 60 - 0.01 <= in_tps <= SENT / 10 + 0.01
    pull_tps, consume_ok_tps, consume_failed_tps, failed_in_hour = (float(rate[2]), float(rate[4]),
                                                                   float(rate[5]), int(rate[6]))
    assert pull_tps > 0 and consume_ok_tps > 0 and consume_failed_tps == 0 and failed_in_hour == 0


def test_broker_consume_stats_lists_the_group_per_queue(ns, broker, traffic):
    def committed():  # offsets committed for every message
        traffic.default_mq_push_consumer_impl.mq_client_factory.persist_all_consumer_offset()
        out = ok("brokerConsumeStats", "-n", ns, "-b", broker)
        rows = [r for r in rows_under(out, "#Topic") if r[0] == TOPIC and r[1] == GROUP]
        return (out, rows) if sum(int(r[5]) for r in rows) == SENT else None
    out, rows = wait_until(committed, timeout=15, interval=0.3)
    assert out.split("\n")[0].split() == ["#Topic", "#Group", "#Broker", "Name", "#QID", "#Broker",
                                          "Offset", "#Consumer", "Offset", "#Diff", "#LastTime"]
    assert sorted(int(r[3]) for r in rows) == [0, 1]
    assert all(r[4] == r[5] and r[6] == "0" for r in rows)
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", " ".join(rows[0][7:]))
    assert "\nDiff Total: " in out
    # -l: only queues at least that far behind
    out = ok("brokerConsumeStats", "-n", ns, "-b", broker, "-l", "1")
    assert not [r for r in rows_under(out, "#Topic") if r[0] == TOPIC]


def test_query_cq_prints_the_units_from_an_index(ns, broker, traffic):
    out = ok("queryCq", "-n", ns, "-t", TOPIC, "-q", "0", "-i", "1", "-c", "3", "-b", broker, "-g", GROUP)
    assert "Subscription data: \n" in out and "Filter data: \n" in out
    m = re.search(r"Queue data: \nmax: (\d+), min: (\d+)\n", out)
    assert m and int(m.group(1)) >= 4 and int(m.group(2)) == 0
    units = re.findall(r"idx: (\d+)\nConsumeQueueData\{physicOffset=(\d+), physicSize=(\d+), tagsCode=(-?\d+), "
                       r"extendDataJson='null', bitMap='null', eval=false, msg='null'\}\n", out)
    assert [int(u[0]) for u in units] == [1, 2, 3]
    offsets = [int(u[1]) for u in units]
    assert offsets == sorted(offsets) and all(int(u[2]) > 0 for u in units)
    # without -b: the topic's first master
    out = ok("queryCq", "-n", ns, "-t", TOPIC, "-q", "1", "-i", "0", "-c", "1")
    assert out.count("idx: ") == 1 and "Subscription data" not in out
    code, _, err = run("queryCq", "-n", ns, "-t", TOPIC, "-q", "7", "-i", "0", "-b", broker)
    assert code == 1 and "7@StatsTopic is not exist!" in err


def test_producer_lists_the_connected_producer(ns, broker, traffic):
    out = ok("producer", "-n", ns, "-b", broker)
    assert re.search(rf"^producer group \({PRODUCER_GROUP}\) instance : clientId=\S+,remoteIP=127\.0\.0\.1:\d+, "
                     r"language=\w+, version=\d+, lastUpdateTimestamp=\d+$", out, re.M), out


def test_get_consumer_status_shows_the_clients_offsets(ns, traffic):
    out = ok("getConsumerStatus", "-n", ns, "-g", GROUP, "-t", TOPIC)
    assert out.startswith(f"get consumer status from client. group={GROUP}, topic={TOPIC}, originClientId=\n")
    rows = rows_under(out, "#clientId")
    assert {r[0] for r in rows} == {_client_id(traffic)}
    assert sorted(int(r[2]) for r in rows) == [0, 1] and sum(int(r[3]) for r in rows) == SENT
    out = ok("getConsumerStatus", "-n", ns, "-g", GROUP, "-t", TOPIC, "-i", "nobody@1")
    assert rows_under(out, "#clientId") == []


def test_clean_unused_topic_and_delete_expired_commit_log_say_success(ns, broker, traffic):
    assert ok("cleanUnusedTopic", "-n", ns, "-b", broker) == "success"
    assert ok("cleanUnusedTopic", "-n", ns, "-c", "DefaultCluster") == "success"
    assert ok("cleanUnusedTopic", "-n", ns, "-c", "NoSuchCluster") == "false"
    assert ok("deleteExpiredCommitLog", "-n", ns, "-b", broker) == "success"
    assert ok("deleteExpiredCommitLog", "-n", ns) == "success"
    # the topic's messages are still there (none has expired)
    out = ok("queryCq", "-n", ns, "-t", TOPIC, "-q", "0", "-i", "0", "-c", "1", "-b", broker)
    assert "idx: 0\n" in out


def test_view_broker_stats_data_of_an_unknown_key_is_one_line(ns, broker):
    from rocketmq_ref.client.exception import MQBrokerException
    from rocketmq_ref.tools.admin.default_mq_admin_ext import DefaultMQAdminExt

    admin = DefaultMQAdminExt()
    admin.set_namesrv_addr(ns)
    admin.start()
    try:
        with pytest.raises(MQBrokerException, match="The stats <TOPIC_PUT_NUMS> <NoSuchTopic> not exist"):
            admin.view_broker_stats_data(broker, "TOPIC_PUT_NUMS", "NoSuchTopic")
    finally:
        admin.shutdown()
