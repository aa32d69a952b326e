"""Transactional messages against real ``mqnamesrv`` + ``mqbroker`` processes (A3.2.4, B8; question 7).

The broker checks back every second (``transactionCheckInterval=1000``), a half message is due one
second after it was born (``transactionTimeOut=1000``) and is given up after three checks
(``transactionCheckMax=3``), so the whole set runs in well under a minute.  Run as a module this file
is also the producer process the last test kills right after its half message was stored.
"""
from __future__ import annotations

import sys
import threading
import time
from typing import Any, Callable

import pytest

from rocketmq_ref.client.consumer import ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultMQPushConsumer
from rocketmq_ref.client.consumer import DefaultMQPullConsumer, PullStatus
from rocketmq_ref.client.producer import (LocalTransactionState, SendStatus, TransactionListener,
                                          TransactionMQProducer)
from rocketmq_ref.common.message import Message, MessageQueue
from rocketmq_ref.common.topic_validator import RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC
from tests.e2e.test_client import wait_until
from tests.support.clients import FAST, ClusterClients
from tests.support.processes import process_factory  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e

COMMIT, ROLLBACK, UNKNOW = (LocalTransactionState.COMMIT_MESSAGE, LocalTransactionState.ROLLBACK_MESSAGE,
                            LocalTransactionState.UNKNOW)
CHECK_MAX = 3


class Listener(TransactionListener):
    """Answers from two functions of the message body and records every call."""

    def __init__(self, execute: Callable[[Any], Any], check: Callable[[Any], Any] = lambda m: UNKNOW) -> None:
        self._execute, self._check = execute, check
        self.executed: list[bytes] = []
        self.checks: list[tuple[bytes, str | None, str]] = []  # body, TRANSACTION_CHECK_TIMES, thread
        self.lock = threading.Lock()

    def execute_local_transaction(self, msg, arg):
        with self.lock:
            self.executed.append(bytes(msg.body))
        return self._execute(msg)

    def check_local_transaction(self, msg):
        with self.lock:
            self.checks.append((bytes(msg.body), msg.get_property("TRANSACTION_CHECK_TIMES"),
                                threading.current_thread().name))
        return self._check(msg)

    def check_count(self, body: bytes) -> int:
        with self.lock:
            return sum(1 for b, _, _ in self.checks if b == body)


class Cluster(ClusterClients):
    def __init__(self, tmp, factory) -> None:
        from tests.broker.support import broker_props, start_broker, start_namesrv
        self.namesrv = start_namesrv(factory, tmp)
        self.broker = start_broker(factory, tmp, broker_props(
            tmp, self.namesrv.addr, name="broker-tx", transactionCheckInterval=1000, transactionTimeOut=1000,
            transactionCheckMax=CHECK_MAX))
        self.clients: list[Any] = []

    def producer(self, group: str, listener: TransactionListener) -> TransactionMQProducer:
        p = self.configure(TransactionMQProducer(group))
        p.set_transaction_listener(listener)
        p.start()
        return p

    def consumer(self, group: str, topic: str) -> tuple[DefaultMQPushConsumer, list[Any]]:
        got: list[Any] = []
        c = self.configure(DefaultMQPushConsumer(group))
        c.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
        c.subscribe(topic, "*")

        def listener(msgs, context):
            got.extend(msgs)
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS
        c.register_message_listener(listener)
        c.start()
        c.default_mq_push_consumer_impl.mq_client_factory.rebalance_service.wait_interval = 1000
        return c, got

    def close(self) -> None:
        self.shutdown_clients()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    from tests.support.processes import ProcessFactory
    tmp = tmp_path_factory.mktemp("tx-e2e")
    factory = ProcessFactory(tmp)
    c = Cluster(tmp, factory)
    c.factory = factory
    yield c
    c.close()
    factory.close()


def bodies(msgs: list[Any]) -> set[bytes]:
    return {bytes(m.body) for m in list(msgs)}


def test_commit_is_delivered_and_rollback_never_is(cluster, spans):
    listener = Listener(lambda m: COMMIT if m.body.startswith(b"commit") else ROLLBACK)
    producer = cluster.producer("tx_commit_pg", listener)
    results = {}
    for body in (b"commit-1", b"rollback-1", b"commit-2"):
        r = producer.send_message_in_transaction(Message("TxCommit", body, keys=body.decode()), None)
        assert r.send_status is SendStatus.SEND_OK
        results[body] = r
    assert results[b"commit-1"].local_transaction_state is COMMIT
    assert results[b"rollback-1"].local_transaction_state is ROLLBACK
    assert listener.executed == [b"commit-1", b"rollback-1", b"commit-2"]
    _, got = cluster.consumer("tx_commit_cg", "TxCommit")
    assert wait_until(lambda: bodies(got) >= {b"commit-1", b"commit-2"})
    time.sleep(2.5)  # two check passes: a resolved half message is never checked back
    assert bodies(got) == {b"commit-1", b"commit-2"}
    assert listener.checks == []
    for m in got:
        assert m.topic == "TxCommit" and m.msg_id == results[bytes(m.body)].msg_id
        assert m.get_property("TRAN_MSG") is None and m.get_property("REAL_TOPIC") is None
        assert m.get_property("PGROUP") == "tx_commit_pg"
    # one trace per transaction: half send, local transaction and END_TRANSACTION under one span
    finished = spans.get_finished_spans()
    roots = [s for s in finished if s.name == "DefaultMQProducerImpl.send_message_in_transaction"]
    assert len(roots) == 3
    for root in roots:
        children = {s.name: s for s in finished if s.parent is not None and s.parent.span_id == root.context.span_id}
        assert {"send TxCommit", "TransactionListener.execute_local_transaction",
                "DefaultMQProducerImpl.end_transaction"} <= set(children)
        assert children["send TxCommit"].attributes["messaging.rocketmq.message.type"] == "transaction"
        assert root.attributes["rocketmq_ref.book.sections"] == ("B8.2", "A3.2.4")
        end = children["DefaultMQProducerImpl.end_transaction"]
        assert any(s.name == "END_TRANSACTION" and s.parent.span_id == end.context.span_id for s in finished)


def test_unknown_is_checked_back_and_the_check_listener_decides(cluster, spans):
    def execute(m):
        if m.body.startswith(b"raises"):
            raise RuntimeError("local database down")
        return UNKNOW

    def check(m):
        if m.body.startswith(b"raises"):
            return ROLLBACK
        return COMMIT if m.get_property("TRANSACTION_CHECK_TIMES") == "2" else UNKNOW

    listener = Listener(execute, check)
    producer = cluster.producer("tx_check_pg", listener)
    r = producer.send_message_in_transaction(Message("TxCheck", b"unknown-then-commit"), None)
    assert r.local_transaction_state is UNKNOW
    failed = producer.send_message_in_transaction(Message("TxCheck", b"raises-then-rollback"), None)
    assert failed.local_transaction_state is UNKNOW  # an exception leaves it to the check-back
    _, got = cluster.consumer("tx_check_cg", "TxCheck")
    assert wait_until(lambda: got, timeout=25), listener.checks
    # asked twice (counts 1 and 2) on the check executor; the second answer committed it
    assert [c[1] for c in listener.checks if c[0] == b"unknown-then-commit"] == ["1", "2"]
    assert [c[1] for c in listener.checks if c[0] == b"raises-then-rollback"] == ["1"]
    assert all(c[2].startswith("TransactionCheckThread_") for c in listener.checks)
    m = got[0]
    assert bytes(m.body) == b"unknown-then-commit" and m.msg_id == r.msg_id
    assert m.get_property("TRANSACTION_CHECK_TIMES") == "2"
    time.sleep(2.5)
    assert listener.check_count(b"unknown-then-commit") == 2 and listener.check_count(b"raises-then-rollback") == 1
    assert bodies(got) == {b"unknown-then-commit"} and len(got) == 1
    # each check-back continues the transaction's trace (context carried in the half message)
    finished = spans.get_finished_spans()
    root = next(s for s in finished if s.name == "DefaultMQProducerImpl.send_message_in_transaction"
                and s.attributes.get("messaging.destination.name") == "TxCheck")
    checks = [s for s in finished if s.name == "DefaultMQProducerImpl.check_transaction_state"
              and s.context.trace_id == root.context.trace_id]
    assert sorted(s.attributes["rocketmq_ref.transaction.check_times"] for s in checks) == [1, 2]
    assert {s.attributes["rocketmq_ref.transaction.local_state"] for s in checks} == {"UNKNOW", "COMMIT_MESSAGE"}
    assert all(any(e.name == "END_TRANSACTION" and e.parent.span_id == s.context.span_id for e in finished)
               for s in checks)


def test_a_half_message_checked_the_maximum_times_is_discarded(cluster):
    listener = Listener(lambda m: UNKNOW)
    producer = cluster.producer("tx_max_pg", listener)
    r = producer.send_message_in_transaction(Message("TxMax", b"never-decided"), None)
    assert r.local_transaction_state is UNKNOW
    assert wait_until(lambda: listener.check_count(b"never-decided") >= CHECK_MAX, timeout=25)
    time.sleep(3)  # further passes give it up instead of asking a fourth time
    assert [c[1] for c in listener.checks] == [str(i) for i in range(1, CHECK_MAX + 1)]
    pull = cluster.configure(DefaultMQPullConsumer("tx_max_reader"))
    pull.start()
    mq = MessageQueue(RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, "broker-tx", 0)
    result = wait_until(lambda: (lambda p: p if p.pull_status is PullStatus.FOUND else None)(
        pull.pull(mq, "*", 0, 32)), timeout=10)
    assert result, "nothing in TRANS_CHECK_MAX_TIME_TOPIC"
    given_up = [m for m in result.msg_found_list if m.get_property("UNIQ_KEY") == r.msg_id]
    assert given_up and given_up[0].get_property("REAL_TOPIC") == "TxMax"
    assert given_up[0].get_property("TRANSACTION_CHECK_TIMES") == str(CHECK_MAX)
    _, got = cluster.consumer("tx_max_cg", "TxMax")
    time.sleep(2)
    assert not got


def test_a_new_producer_of_the_group_answers_after_the_first_was_killed(cluster):
    child = cluster.factory.start(
        "tests.e2e.test_transaction_e2e", ["--producer", cluster.namesrv.addr, "tx_kill_pg", "TxKill"],
        name="tx-producer", ready_line="PREPARED ")
    msg_id = child.log_text().split("PREPARED ", 1)[1].split()[0]
    child.kill()  # kill -9 inside the local transaction: no END_TRANSACTION was sent
    listener = Listener(lambda m: UNKNOW, lambda m: COMMIT)
    cluster.producer("tx_kill_pg", listener)
    _, got = cluster.consumer("tx_kill_cg", "TxKill")
    assert wait_until(lambda: got, timeout=25), listener.checks
    assert got[0].msg_id == msg_id and bytes(got[0].body) == b"from-a-dead-producer"
    assert listener.checks and listener.checks[0][0] == b"from-a-dead-producer"


def test_an_unresolved_half_message_survives_a_broker_kill(process_factory, tmp_path):  # noqa: F811
    """kill -9 the broker after a check-back: after the restart the half message is checked again
    (from the half queue and the checker's offsets on disk) and the answer commits it."""
    from tests.broker.support import broker_props, start_broker, start_namesrv
    ns = start_namesrv(process_factory, tmp_path)
    props = broker_props(tmp_path, ns.addr, name="broker-crash", transactionCheckInterval=1000,
                         transactionTimeOut=1000, flushConsumerOffsetInterval=1000)
    broker = start_broker(process_factory, tmp_path, props)
    decision = {"state": UNKNOW}
    listener = Listener(lambda m: UNKNOW, lambda m: decision["state"])
    clients = []
    try:
        producer = TransactionMQProducer("tx_crash_pg")
        clients.append(producer)
        producer.set_namesrv_addr(ns.addr)
        for k, v in FAST.items():
            setattr(producer, k, v)
        producer.set_transaction_listener(listener)
        producer.start()
        r = producer.send_message_in_transaction(Message("TxCrash", b"survives"), None)
        assert wait_until(lambda: listener.checks, timeout=20)
        broker.proc.kill()
        before = len(listener.checks)
        decision["state"] = COMMIT
        broker.proc.start(ready_line="boot success", ready_port=int(props["listenPort"]))
        consumer = DefaultMQPushConsumer("tx_crash_cg")
        clients.append(consumer)
        consumer.set_namesrv_addr(ns.addr)
        for k, v in FAST.items():
            setattr(consumer, k, v)
        consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
        consumer.subscribe("TxCrash", "*")
        got: list[Any] = []
        consumer.register_message_listener(lambda msgs, ctx: got.extend(msgs) or ConsumeConcurrentlyStatus.CONSUME_SUCCESS)
        consumer.start()
        assert wait_until(lambda: got, timeout=30), listener.checks
        assert len(listener.checks) > before and got[0].msg_id == r.msg_id and bytes(got[0].body) == b"survives"
    finally:
        for c in reversed(clients):
            c.shutdown()


def _run_producer(namesrv: str, group: str, topic: str) -> None:
    """The killed producer: store a half message, say its id, then hang in the local transaction."""
    class Hang(TransactionListener):
        def execute_local_transaction(self, msg, arg):
            print("PREPARED", msg.get_property("UNIQ_KEY"), flush=True)
            time.sleep(600)

        def check_local_transaction(self, msg):
            time.sleep(600)

    p = TransactionMQProducer(group)
    p.set_namesrv_addr(namesrv)
    p.set_transaction_listener(Hang())
    p.start()
    p.send_message_in_transaction(Message(topic, b"from-a-dead-producer"), None)


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "--producer":
    _run_producer(*sys.argv[2:])
