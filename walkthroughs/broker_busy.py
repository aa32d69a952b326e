"""``broker busy`` (reader question 14), on a local cluster: a broker whose transient store pool
has a single buffer (``transientStorePoolEnable=true``, ``transientStorePoolSize=1``).  The first
send opens the first commit-log file, which borrows that buffer until the file is full; from then
on the pool is deficient, and the broker refuses every send on receipt, before it reaches the
store: ``SYSTEM_BUSY`` with the remark ``[REJECTREQUEST]`` (NettyRemotingAbstract asks the
processor's ``rejectRequest``, which also says yes while the page cache is busy).

The producer's side: SYSTEM_BUSY is not one of a producer's retry response codes, so a
synchronous send throws MQBrokerException after one attempt; with the code added
(``addRetryResponseCode``) it makes 1 + ``retryTimesWhenSendFailed`` attempts and then throws
"Send [3] times, still failed"; an asynchronous send is never retried on a broker's answer and
gets the exception in its callback.

Sends never wait in a queue here (SendMessageProcessor runs on the remoting loop), so the
``[TIMEOUT_CLEAN_QUEUE]`` and ``[PCBUSY_CLEAN_QUEUE]`` answers of BrokerFastFailure, which a Java
broker gives to sends that waited in its SendMessageThread_ queue, come here only from the pull
and heartbeat queues.
"""
from __future__ import annotations

import re
import tempfile
import threading

from rocketmq_ref.client.exception import MQBrokerException, MQClientException
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.common.message import Message
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicBusy"


def describe(e: BaseException) -> str:
    """The exception without the broker's address (a free port that changes from run to run)."""
    if isinstance(e, MQBrokerException):
        return f"{type(e).__name__} CODE: {e.response_code}  DESC: {e.error_message}"
    first_line = re.sub(r"cost \[\d+\]ms, ", "", str(e).splitlines()[0])  # the time varies
    return f"{type(e).__name__} {first_line}"


def scenario() -> dict[str, str]:
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="walkthrough-broker-busy-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1, broker_props={
            "transientStorePoolEnable": "true", "transientStorePoolSize": "1",
            "mappedFileSizeCommitLog": str(1024 * 1024)})
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        producer = None
        try:
            producer = DefaultMQProducer("walkthrough_busy_producer")
            producer.set_namesrv_addr(state.namesrv_addr)
            producer.start()
            first = producer.send(Message(TOPIC, b"opens the first commit-log file", keys="first"))
            lines.append(f"first send: {first.send_status.name} at queue offset {first.queue_offset}")

            try:
                producer.send(Message(TOPIC, b"sync", keys="sync"))
                lines.append("synchronous send: accepted (unexpected)")
            except MQBrokerException as e:  # SYSTEM_BUSY is not a retry code: one attempt
                lines.append(f"synchronous send, one attempt: {describe(e)}")

            # opt in to retrying it (Java addRetryResponseCode): 1 + retryTimesWhenSendFailed
            # attempts, all refused, then the "still failed" exception
            producer.add_retry_response_code(ResponseCode.SYSTEM_BUSY)
            try:
                producer.send(Message(TOPIC, b"sync, retried", keys="sync-retried"))
                lines.append("synchronous send with retries: accepted (unexpected)")
            except MQClientException as e:
                lines.append(f"synchronous send, SYSTEM_BUSY made a retry code: {describe(e)}")
            producer.retry_response_codes.discard(ResponseCode.SYSTEM_BUSY)

            answered = threading.Event()
            outcome: list[str] = []

            def on_success(result) -> None:  # noqa: ANN001
                outcome.append(f"accepted (unexpected): {result.send_status.name}")
                answered.set()

            def on_exception(e: BaseException) -> None:
                outcome.append(describe(e))
                answered.set()

            producer.send(Message(TOPIC, b"async", keys="async"), (on_success, on_exception))
            if not answered.wait(10):
                raise TimeoutError("broker_busy walkthrough: no answer to the asynchronous send")
            lines.append(f"asynchronous send, one attempt: {outcome[0]}")
        finally:
            if producer is not None:
                producer.shutdown()
            cluster.stop(state)
    return {"result": "\n".join(lines)}


WALKTHROUGH = Walkthrough(
    name="broker_busy",
    title="Broker busy: SYSTEM_BUSY answers and the producer's retries",
    sections=("A7.5",),
    scenario=scenario,
    stops=(
        Stop("DefaultMQProducerImpl.send_kernel_impl", locals=("mq", "times")),
    ),
    service="producer",
)
