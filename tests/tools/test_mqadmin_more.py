"""mqadmin commands of 4.9.8 added by the completeness audit, against a running one-master cluster
(book A2.4, B9.7.2): exportMetrics and startMonitoring's MonitorService."""
from __future__ import annotations

import io
import json
import threading
import time

import pytest

from rocketmq_ref.client.consumer.default_mq_pull_consumer import DefaultMQPullConsumer
from rocketmq_ref.client.consumer.default_mq_push_consumer import DefaultMQPushConsumer
from rocketmq_ref.client.consumer.listener import ConsumeConcurrentlyStatus
from rocketmq_ref.client.producer.default_mq_producer import DefaultMQProducer
from rocketmq_ref.common import mixall
from rocketmq_ref.common.message.message import Message
from rocketmq_ref.common.message.message_queue import MessageQueue
from rocketmq_ref.tools.admin.default_mq_admin_ext import DefaultMQAdminExt
from rocketmq_ref.tools.command.monitoring import StartMonitoringSubCommand
from rocketmq_ref.tools.monitor.monitor_listener import MonitorListener, analyze_process_queue, analyze_subscription
from rocketmq_ref.tools.monitor.monitor_service import MonitorConfig, MonitorService
from tests.support.cluster import running_cluster
from tests.support.wait import wait_until
from tests.tools.test_mqadmin import ok, run

pytestmark = pytest.mark.e2e

TOPIC = "AuditTopic"
GROUP = "audit_cg"


@pytest.fixture(scope="module")
def ns(tmp_path_factory):
    with running_cluster(tmp_path_factory.mktemp("mqadmin-more"), namesrv=1, masters=1) as state:
        ok("updateTopic", "-n", state.namesrv_addr, "-c", "DefaultCluster", "-t", TOPIC, "-r", "1", "-w", "1")
        ok("updateSubGroup", "-n", state.namesrv_addr, "-c", "DefaultCluster", "-g", GROUP)
        yield state.namesrv_addr


def test_export_metrics_writes_one_report_per_broker_with_totals(ns, tmp_path):
    producer = DefaultMQProducer("audit_pg")
    producer.set_namesrv_addr(ns)
    consumer = DefaultMQPushConsumer(GROUP)  # online: its language and version are reported
    consumer.set_namesrv_addr(ns)
    consumer.subscribe(TOPIC, "*")
    consumer.register_message_listener(lambda msgs, ctx: ConsumeConcurrentlyStatus.CONSUME_SUCCESS)
    producer.start()
    consumer.start()
    try:
        for i in range(3):
            producer.send(Message(TOPIC, f"m{i}".encode()))
        out = ok("exportMetrics", "-n", ns, "-c", "DefaultCluster", "-f", str(tmp_path))
    finally:
        consumer.shutdown()
        producer.shutdown()
    path = tmp_path / "metrics.json"
    assert out == f"export {path} success"
    metrics = json.loads(path.read_text())
    assert set(metrics) == {"evaluateReport", "totalData"}
    (name, report), = metrics["evaluateReport"].items()
    assert name == "broker-a"
    assert set(report) == {"runtimeEnv", "runtimeQuota", "runtimeVersion"}
    quota = report["runtimeQuota"]
    assert quota["topicSize"] >= 1 and quota["groupSize"] >= 1
    assert set(quota["tps"]) == {"normalInTps", "normalOutTps", "transInTps", "scheduleInTps"}
    assert set(quota["oneDayNum"]) == {"normalOneDayInNum", "normalOneDayOutNum", "transOneDayInNum",
                                       "scheduleOneDayInNum"}
    assert float(quota["messageAverageSize"]) > 0
    assert report["runtimeVersion"] == {"rocketmqVersion": "V4_9_8", "clientInfo": ["PYTHON%V4_9_8"]}
    totals = metrics["totalData"]
    assert totals["totalTps"]["totalNormalInTps"] == quota["tps"]["normalInTps"]
    assert set(totals["totalOneDayNum"]) == set(quota["oneDayNum"])


def test_export_metrics_needs_a_cluster(ns):
    code, _out, err = run("exportMetrics", "-n", ns)
    assert code == 1 and "Missing required option: c" in err


# -- startMonitoring ---------------------------------------------------------------------------------

class RecordingListener(MonitorListener):
    def __init__(self) -> None:
        self.rounds, self.undone, self.running, self.deleted = [], [], [], []

    def begin_round(self) -> None:
        self.rounds.append("begin")

    def report_undone_msgs(self, undone_msgs) -> None:
        self.undone.append(undone_msgs)

    def report_delete_msgs_event(self, delete_msgs_event) -> None:
        self.deleted.append(delete_msgs_event)

    def report_consumer_running_info(self, cri_table) -> None:
        self.running.append(cri_table)

    def end_round(self) -> None:
        self.rounds.append("end")


def test_monitor_reports_undone_messages_running_info_and_offset_moved_events(ns):
    topic, group = "AuditMonTopic", "audit_mon_cg"
    ok("updateTopic", "-n", ns, "-c", "DefaultCluster", "-t", topic, "-r", "1", "-w", "1")
    admin = DefaultMQAdminExt()
    admin.set_namesrv_addr(ns)
    admin.start()
    producer = DefaultMQProducer("audit_mon_pg")
    producer.set_namesrv_addr(ns)
    producer.start()
    release = threading.Event()
    consumer = DefaultMQPushConsumer(group)
    consumer.set_namesrv_addr(ns)
    consumer.set_consume_thread_min(1)
    consumer.set_consume_thread_max(1)
    consumer.subscribe(topic, "*")
    consumer.register_message_listener(  # holds the first message it gets: the rest stay undone
        lambda msgs, ctx: (release.wait(20), ConsumeConcurrentlyStatus.CONSUME_SUCCESS)[1])
    listener = RecordingListener()
    service = MonitorService(MonitorConfig(namesrv_addr=ns, round_interval=60000), listener)
    puller = DefaultMQPullConsumer("audit_mon_puller")
    puller.set_namesrv_addr(ns)
    try:
        for i in range(3):
            producer.send(Message(topic, f"m{i}".encode()))
        route = admin.examine_topic_route_info(topic)
        mq = MessageQueue(topic, route.broker_datas[0].broker_name, 0)
        admin.update_consume_offset(route.broker_datas[0].broker_addrs[0], group, mq, 1)
        consumer.start()
        wait_until(lambda: mixall.get_retry_topic(group) in admin.fetch_all_topic_list().topic_list, timeout=20)
        service.start(initial_delay_ms=60000)  # rounds are run by hand below
        service.do_monitor_work()
        assert listener.rounds == ["begin", "end"]
        undone = [u for u in listener.undone if u.consumer_group == group]
        assert [(u.topic, u.undone_msgs_total, u.undone_msgs_single_mq) for u in undone] == [(topic, 2, 2)]
        assert "undoneMsgsTotal=2" in str(undone[0])
        (table,) = [t for t in listener.running
                    if any(sd["topic"] == topic for i in t.values() for sd in i["subscriptionSet"])]
        (info,) = table.values()
        assert info["properties"]["PROP_CONSUME_TYPE"] == "CONSUME_PASSIVELY"
        assert analyze_subscription(table)  # one client, started just now: nothing to say
        # a pull far past the end: the broker stores an OffsetMovedEvent, the monitor reports it
        puller.start()
        assert puller.pull(mq, "*", 1000, 1).next_begin_offset == 3
        wait_until(lambda: any(e.offset_moved_event.get("consumerGroup") == "audit_mon_puller"
                               for e in listener.deleted), timeout=20)
        event = next(e for e in listener.deleted if e.offset_moved_event["consumerGroup"] == "audit_mon_puller")
        assert (event.offset_moved_event["offsetRequest"], event.offset_moved_event["offsetNew"]) == (1000, 3)
        assert "offsetRequest=1000, offsetNew=3" in str(event)
    finally:
        release.set()
        puller.shutdown()
        service.shutdown()
        consumer.shutdown()
        producer.shutdown()
        admin.shutdown()


def test_analyze_process_queue_names_a_blocked_concurrent_queue():
    old = int(time.time() * 1000) - 5 * 60 * 1000
    info = {"properties": {"PROP_CONSUME_TYPE": "CONSUME_PASSIVELY", "PROP_CONSUMEORDERLY": "false"},
            "mqTable": {'{"brokerName":"b","queueId":0,"topic":"T"}': {"lastConsumeTimestamp": old,
                                                                       "cachedMsgCount": 4},
                        '{"brokerName":"b","queueId":1,"topic":"T"}': {"lastConsumeTimestamp": old,
                                                                       "cachedMsgCount": 0}}}
    text = analyze_process_queue("c1", info)
    assert text.startswith("c1 MessageQueue [topic=T, brokerName=b, queueId=0] can't consume for a while")
    assert text.count("\n") == 1
    info["properties"]["PROP_CONSUME_TYPE"] = "CONSUME_ACTIVELY"
    assert analyze_process_queue("c1", info) == ""


def test_start_monitoring_is_listed_with_javas_name():
    code, out, _ = run("help", "startMonitoring")
    assert code == 0 and out.startswith("Start Monitoring\nusage: mqadmin startMonitoring")


def test_start_monitoring_runs_until_stopped_and_shuts_its_clients_down(ns):
    cmd = StartMonitoringSubCommand()
    stop = threading.Event()
    errors = []

    def run_command():
        try:
            cmd.execute(cmd.parse(["-n", ns]), io.StringIO(), lambda: None, stop)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    before = {t.name for t in threading.enumerate()}
    t = threading.Thread(target=run_command)
    t.start()
    wait_until(lambda: any(th.name == "MonitorService" for th in threading.enumerate()), timeout=20)
    assert t.is_alive()  # Java leaves the monitor running: the command does not return by itself
    stop.set()
    t.join(20)
    assert not t.is_alive() and errors == []
    wait_until(lambda: "MonitorService" not in {th.name for th in threading.enumerate()} - before, timeout=10)
