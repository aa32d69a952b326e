"""mqadmin commands of 4.9.8 added by the completeness audit, against a running one-master cluster
(book A2.4, B9.7.2): exportMetrics."""
from __future__ import annotations

import io
import json

import pytest

from rocketmq_ref.client.consumer.default_mq_push_consumer import DefaultMQPushConsumer
from rocketmq_ref.client.consumer.listener import ConsumeConcurrentlyStatus
from rocketmq_ref.client.producer.default_mq_producer import DefaultMQProducer
from rocketmq_ref.common.message.message import Message
from rocketmq_ref.tools import mqadmin
from tests.support.cluster import running_cluster

pytestmark = pytest.mark.e2e

TOPIC = "AuditTopic"
GROUP = "audit_cg"


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = mqadmin.main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def ok(*argv: str) -> str:
    code, out, err = run(*argv)
    assert code == 0 and err == "", err
    return out


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
