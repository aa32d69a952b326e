"""Two kinds of consumer on one queue of a local cluster, and the push consumer's flow control.

Twelve messages go to queue 0 of TopicFlow.  A push consumer with one consume thread and a
per-queue threshold of one cached message starts (subscription, client instance, heartbeat),
pulls the twelve at once and -- while its listener is still busy with the first -- throttles the
next pull of that queue.  Then a lite pull consumer of another group subscribes to the same topic
and polls the twelve on the application's thread.  Both shut down: offsets committed, client
unregistered.  The name server and the broker run as processes and append to the same trace file.
"""
from __future__ import annotations

import tempfile
import threading
import time

from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus, ConsumeFromWhere,
                                          DefaultLitePullConsumer, DefaultMQPushConsumer)
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicFlow"
COUNT = 12


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-consumers-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1)
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        producer = push = lite = None
        lines: list[str] = []
        try:
            producer = DefaultMQProducer("walkthrough_producer_group")
            producer.set_namesrv_addr(state.namesrv_addr)
            producer.start()
            for i in range(COUNT):  # all in queue 0, so one queue's cache fills up
                producer.send(Message(TOPIC, f"job {i}".encode(), tags="TagA", keys=f"JOB-{i}"),
                              lambda mqs, msg, arg: mqs[0], None)

            consumed: list[str] = []
            all_done = threading.Event()
            throttled = threading.Event()

            def listener(msgs, context):
                # the first message waits until the pull service has throttled this queue (A3.1.3)
                if not consumed:
                    throttled.wait(10)
                consumed.extend(m.keys for m in msgs)
                if len(consumed) >= COUNT:
                    all_done.set()
                return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

            push = DefaultMQPushConsumer("walkthrough_push_group")
            push.set_namesrv_addr(state.namesrv_addr)
            push.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
            push.set_consume_thread_min(1)
            push.set_consume_thread_max(1)
            push.set_pull_threshold_for_queue(1)  # more than one cached message: wait 50 ms
            push.subscribe(TOPIC, "*")
            push.register_message_listener(listener)
            # the group's retry topic appears only after the first heartbeat: poll its route every
            # second (not 30 s) so that every run owns, and at shutdown settles, its queue
            push.set_poll_name_server_interval(1000)
            push.start()  # B5.3
            impl = push.default_mq_push_consumer_impl
            impl.mq_client_factory.rebalance_service.wait_interval = 500
            deadline = time.monotonic() + 20
            while impl.queue_flow_control_times == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            throttled.set()
            assert impl.queue_flow_control_times > 0, "the queue was never throttled"
            if not all_done.wait(20):
                raise TimeoutError(f"push consumer: consumed so far {consumed}")
            lines.append(f"push consumer:     {len(consumed)} messages, the queue was throttled "
                         f"at least once")
            while not any(mq.topic.startswith("%RETRY%") for mq in impl.offset_store.offset_table):
                if time.monotonic() > deadline:
                    raise TimeoutError("push consumer: the retry queue was never pulled")
                time.sleep(0.05)
            time.sleep(0.2)  # let the last acknowledgement reach the offset store
            push.shutdown()  # A3.1.5: persist offsets, unregister
            push = None

            lite = DefaultLitePullConsumer("walkthrough_lite_group")
            lite.set_namesrv_addr(state.namesrv_addr)
            lite.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
            lite.subscribe(TOPIC, "*")
            lite.start()
            polled: list[str] = []
            deadline = time.monotonic() + 20
            while len(polled) < COUNT and time.monotonic() < deadline:
                polled.extend(m.keys for m in lite.poll(1000))
            assert sorted(polled) == sorted(f"JOB-{i}" for i in range(COUNT)), polled
            lines.append(f"lite pull consumer: {len(polled)} messages polled on this thread")
        finally:
            for client in (push, lite, producer):
                if client is not None:
                    client.shutdown()
            cluster.stop(state)
    return {"consumers": "\n".join(lines)}


WALKTHROUGH = Walkthrough(
    name="consumer_kinds",
    title="Consumer kinds: push consumer start-up, flow control and shutdown; lite pull consumer",
    sections=("A3", "A3.1", "A3.1.3", "A3.1.5", "B5", "B5.1", "B5.2", "B5.3"),
    scenario=scenario,
    stops=(
        Stop("DefaultMQPushConsumerImpl.start", locals=("self",)),
        Stop("DefaultMQPushConsumerImpl.flow_control", locals=("pull_request", "reason")),
        Stop("DefaultMQPushConsumerImpl.shutdown", locals=("self",)),
    ),
    service="consumer",
)
