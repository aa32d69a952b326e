"""Message trace end to end: real ``mqnamesrv`` + ``mqbroker`` (traceTopicEnable=true), a traced
producer and push consumer in this process, and ``mqadmin queryMsgTraceById`` finding the Pub and
Sub rows of the message through the broker's index of the trace topic."""
from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest

from rocketmq_ref.client.consumer import ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultMQPushConsumer
from rocketmq_ref.client.exception import MQClientException
from rocketmq_ref.client.producer import (DefaultMQProducer, LocalTransactionState, SendStatus,
                                          TransactionListener, TransactionMQProducer)
from rocketmq_ref.client.trace import TraceDataEncoder
from rocketmq_ref.common.message import Message
from rocketmq_ref.common.message.message_type import MessageType
from rocketmq_ref.tools import mqadmin
from rocketmq_ref.tools.admin.default_mq_admin_ext import DefaultMQAdminExt
from tests.broker.support import broker_props, start_broker, start_namesrv
from tests.support.clients import ClusterClients
from tests.support.processes import ProcessFactory
from tests.support.wait import wait_until

pytestmark = pytest.mark.e2e

class TraceCluster(ClusterClients):
    def __init__(self, tmp: Path) -> None:
        self.factory = ProcessFactory(tmp)
        self.namesrv = start_namesrv(self.factory, tmp)
        self.broker = start_broker(self.factory, tmp, broker_props(tmp, self.namesrv.addr,
                                                                     traceTopicEnable=True))
        self.clients: list[Any] = []

    def mqadmin(self, *args: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = mqadmin.main([args[0], "-n", self.namesrv.addr, *args[1:]], out=out, err=err)
        return code, out.getvalue(), err.getvalue()

    def close(self) -> None:
        self.shutdown_clients()
        self.factory.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = TraceCluster(tmp_path_factory.mktemp("msg-trace-e2e"))
    yield c
    c.close()


def test_trace_topic_enabled_broker_creates_and_registers_the_trace_topic(cluster):
    code, out, err = cluster.mqadmin("topicRoute", "-t", "RMQ_SYS_TRACE_TOPIC")
    assert code == 0, err
    assert '"writeQueueNums":1' in out.replace(" ", "") and "broker-a" in out


def test_traced_send_and_consume_are_found_by_query_msg_trace_by_id(cluster, spans):
    producer = cluster.configure(DefaultMQProducer("trace_pg", enable_msg_trace=True))
    producer.start()
    result = producer.send(Message("TraceTopicE2E", b"traced body", tags="TagT", keys="order-42"))
    assert result.send_status is SendStatus.SEND_OK

    got = threading.Event()

    def listener(msgs, context):
        if any(m.msg_id == result.msg_id for m in msgs):
            got.set()
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

    consumer = cluster.configure(DefaultMQPushConsumer("trace_cg", enable_msg_trace=True))
    consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
    consumer.subscribe("TraceTopicE2E", "*")
    consumer.register_message_listener(listener)
    consumer.start()
    consumer.default_mq_push_consumer_impl.mq_client_factory.rebalance_service.wait_interval = 1000
    assert got.wait(15)

    def trace_rows() -> str | None:
        code, out, _ = cluster.mqadmin("queryMsgTraceById", "-i", result.msg_id)
        return out if code == 0 and "\nSub " in out and "\nPub " in out else None

    out = wait_until(trace_rows, timeout=10)
    lines = out.splitlines()
    pub = next(line.split() for line in lines if line.startswith("Pub "))
    sub = next(line.split() for line in lines if line.startswith("Sub "))
    assert lines[0].split() == ["#Type", "#ProducerGroup", "#ClientHost", "#SendTime", "#CostTimes", "#Status"]
    assert (pub[0], pub[1], pub[-1]) == ("Pub", "trace_pg", "success") and pub[-2].endswith("ms")
    assert "#ConsumerGroup" in out
    assert (sub[0], sub[1], sub[-1]) == ("Sub", "trace_cg", "success")

    # the dispatcher's sends and route look-ups record no spans; the user's send does
    finished = spans.get_finished_spans()
    assert "send TraceTopicE2E" in {s.name for s in finished}
    assert not [s.name for s in finished
                if (s.attributes or {}).get("messaging.destination.name") == "RMQ_SYS_TRACE_TOPIC"]


def test_a_custom_trace_topic_is_where_the_query_must_look(cluster):
    producer = cluster.configure(DefaultMQProducer("trace_custom_pg", enable_msg_trace=True,
                                                   custom_trace_topic="MyTraceTopic"))
    producer.start()
    result = producer.send(Message("TraceTopicCustom", b"custom", keys="order-43"))  # no consumer

    def pub_row() -> str | None:
        code, out, _ = cluster.mqadmin("queryMsgTraceById", "-i", result.msg_id, "-t", "MyTraceTopic")
        return out if code == 0 and "\nPub " in out else None

    assert "trace_custom_pg" in wait_until(pub_row, timeout=10)
    code, _, err = cluster.mqadmin("queryMsgTraceById", "-i", result.msg_id)  # not in the default topic
    assert code == 1 and "no message" in err


class Commit(TransactionListener):
    def execute_local_transaction(self, msg, arg):
        return LocalTransactionState.COMMIT_MESSAGE

    def check_local_transaction(self, msg):
        return LocalTransactionState.COMMIT_MESSAGE


def test_a_traced_transaction_writes_its_half_send_and_its_commit(cluster):
    producer = cluster.configure(TransactionMQProducer("trace_tx_pg", enable_msg_trace=True))
    producer.set_transaction_listener(Commit())
    producer.start()
    result = producer.send_message_in_transaction(Message("TraceTopicTx", b"order", keys="tx-1"))
    admin = DefaultMQAdminExt()
    admin.set_namesrv_addr(cluster.namesrv.addr)
    admin.start()
    try:
        def kinds() -> dict[str, Any] | None:
            try:
                found = admin.query_message("RMQ_SYS_TRACE_TOPIC", result.msg_id, 64, 0, 2**63 - 1)
            except MQClientException:  # not indexed yet
                return None
            records = {c.trace_type.name: c for m in found
                       for c in TraceDataEncoder.decoder_from_trace_data_string(m.body.decode())
                       if c.trace_beans[0].msg_id == result.msg_id}
            return records if {"Pub", "EndTransaction"} <= records.keys() else None

        records = wait_until(kinds, timeout=10)
    finally:
        admin.shutdown()
    assert records["Pub"].trace_beans[0].msg_type is MessageType.Trans_Msg_Half
    end = records["EndTransaction"].trace_beans[0]
    assert (end.transaction_state, end.from_transaction_check, records["EndTransaction"].group_name) == \
        ("COMMIT_MESSAGE", False, "trace_tx_pg")
