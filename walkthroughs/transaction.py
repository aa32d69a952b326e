"""Transactional messages on a local cluster: a TransactionMQProducer sends three half messages; its
local transaction answers COMMIT for the first, ROLLBACK for the second and UNKNOW for the third.
The broker's check-back asks the producer group about the third; the check listener commits it.
A push consumer then sees exactly the two committed messages.

The broker runs with a one-second check interval and transaction timeout (Java: 60 s and 6 s) and
a maximum of three checks, so the check-back comes within two seconds.  After the consumer got
both messages the scenario reads the half topic and the op topic back with a pull consumer: its
output shows what the broker stored for each transaction.
"""
from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus, ConsumeFromWhere,
                                          DefaultMQPushConsumer)
from rocketmq_ref.client.producer import (LocalTransactionState, SendStatus, TransactionListener,
                                          TransactionMQProducer)
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.store_dump import iter_commitlog
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicTransaction"
PRODUCER_GROUP = "walkthrough_tx_producer_group"
CONSUMER_GROUP = "walkthrough_tx_consumer_group"
OP_TOPIC = "RMQ_SYS_TRANS_OP_HALF_TOPIC"
BROKER_PROPS = {"transactionCheckInterval": "1000", "transactionTimeOut": "1000",
                "transactionCheckMax": "3"}
# what the local transaction answers, by message key
LOCAL_ANSWERS = {"TX-COMMIT": LocalTransactionState.COMMIT_MESSAGE,
                 "TX-ROLLBACK": LocalTransactionState.ROLLBACK_MESSAGE,
                 "TX-UNKNOW": LocalTransactionState.UNKNOW}
COMMITTED = {"TX-COMMIT", "TX-UNKNOW"}


class OrderTransactionListener(TransactionListener):
    """The application's side: the local transaction, and the answer to a check-back."""

    def __init__(self) -> None:
        self.outcomes: dict[str, LocalTransactionState] = {}  # stands for the application's database
        self.checked = threading.Event()

    def execute_local_transaction(self, msg: Any, arg: Any) -> LocalTransactionState:
        answer = LOCAL_ANSWERS[msg.keys]
        # TX-UNKNOW: the producer answers before its local transaction has finished; by the
        # time the broker asks, it has committed
        self.outcomes[msg.keys] = (LocalTransactionState.COMMIT_MESSAGE
                                   if answer is LocalTransactionState.UNKNOW else answer)
        return answer

    def check_local_transaction(self, msg: Any) -> LocalTransactionState:
        # answer from the stored outcome, so a check that comes after the decision (question 7:
        # a lost END_TRANSACTION, or a pause longer than transactionTimeOut) repeats it
        if msg.keys == "TX-UNKNOW":
            self.checked.set()
        return self.outcomes.get(msg.keys, LocalTransactionState.UNKNOW)


def commit_log_records(store_dir: Path) -> str:
    """The broker's commit log after the run, one line per record: where each transaction's half
    message, op message and real message went (read with the store dump tool's parser)."""
    lines = []
    for _, _, rec in iter_commitlog(str(store_dir / "commitlog")):
        if rec is None or rec.blank:
            continue
        topic, props = rec.value("TOPIC"), rec.value("PROPERTIES")
        tran = next(f.note for f in rec.fields if f.name == "SYSFLAG").split()[1]
        what = (f"keys={props.get('KEYS')}" if topic != OP_TOPIC
                else f"body={bytes(rec.value('BODY')).decode()}, the half offset it resolves")
        extra = "".join(f" {k}={props[k]}" for k in ("REAL_TOPIC", "TRANSACTION_CHECK_TIMES") if k in props)
        lines.append(f"{topic:28} queue {rec.value('QUEUEID')} offset {rec.value('QUEUEOFFSET')}  {tran:13} {what}{extra}")
    return "\n".join(lines)


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-tx-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1, broker_props=BROKER_PROPS)
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        producer = consumer = None
        try:
            listener = OrderTransactionListener()
            producer = TransactionMQProducer(PRODUCER_GROUP)
            producer.set_namesrv_addr(state.namesrv_addr)
            producer.set_transaction_listener(listener)
            producer.start()
            results = []
            for key in LOCAL_ANSWERS:
                r = producer.send_message_in_transaction(
                    Message(TOPIC, f"order {key}".encode(), tags="TagA", keys=key), None)
                assert r.send_status is SendStatus.SEND_OK, r
                results.append(f"{key}: half message {r.msg_id} stored, local transaction "
                               f"answered {r.local_transaction_state.name}")

            got: list[str] = []
            lock = threading.Lock()
            done = threading.Event()

            def on_messages(msgs: list[Any], context: Any) -> ConsumeConcurrentlyStatus:
                with lock:
                    got.extend(m.keys for m in msgs)
                    if set(got) >= COMMITTED:
                        done.set()
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

            consumer = DefaultMQPushConsumer(CONSUMER_GROUP)
            consumer.set_namesrv_addr(state.namesrv_addr)
            consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
            consumer.subscribe(TOPIC, "*")
            consumer.register_message_listener(on_messages)
            consumer.start()  # it gets TX-COMMIT now; TX-UNKNOW only once the check-back commits it
            # the broker checks TX-UNKNOW back once it is older than transactionTimeOut
            # (generous bounds: under a debugger a stop may hold a thread for a while)
            if not listener.checked.wait(120):
                raise TimeoutError("transaction walkthrough: no check-back within 120 s")
            if not done.wait(60):
                raise TimeoutError(f"transaction walkthrough: consumed only {got}")
            time.sleep(0.2)  # let the acknowledgement reach the offset store
            assert set(got) == COMMITTED, got  # the rolled-back one never arrives
        finally:
            for client in (consumer, producer):
                if client is not None:
                    client.shutdown()
            cluster.stop(state)
        store = Path(state.directory, "data", next(n.name for n in state.nodes if n.role == "MASTER"))
        return {"sends": "\n".join(results), "consumed": ", ".join(got),
                "commitlog": commit_log_records(store)}


WALKTHROUGH = Walkthrough(
    name="transaction",
    title="Transactional messages: half message, local transaction, END_TRANSACTION, check-back",
    sections=("B8", "B8.2", "B8.3", "B8.4", "A3.2.4"),
    scenario=scenario,
    stops=(
        Stop("DefaultMQProducerImpl.send_message_in_transaction", locals=("msg", "group")),
        Stop("TransactionalMessageBridge.parse_half_message_inner", locals=("msg_inner",),
             note="in the broker process"),
        Stop("TransactionListener.execute_local_transaction", locals=("msg", "send_result")),
        Stop("EndTransactionProcessor.process_request", locals=("request",),
             note="in the broker process"),
        Stop("AbstractTransactionalMessageCheckListener.send_check_message", locals=("msg_ext",),
             note="in the broker process"),
        Stop("DefaultMQProducerImpl.check_transaction_state", locals=("msg", "header"),
             note="on the producer's check thread"),
    ),
    service="producer",
    # whether shutdown has a retry-queue offset to persist depends on how far rebalance got
    ignore_spans=("settle %RETRY%.*",),
)
