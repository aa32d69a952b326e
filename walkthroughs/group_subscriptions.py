"""One consumer group, two different subscriptions (reader question 4), on a local cluster: push
consumer ``c1`` subscribes TopicSubscriptions with ``TagA``, ``c2`` in the SAME group with ``TagB``.

The broker keeps one SubscriptionData per topic per group (ConsumerGroupInfo#updateSubscription): a
heartbeat whose subscription has a newer subVersion replaces it.  A push consumer gives its
subscription a new version whenever a rebalance changes its queues (RebalancePushImpl
#messageQueueChanged) and heartbeats at once, so the group's subscription is that of the member
whose rebalance came last when c2 joined (either one; the result names it).  Rebalance gives each
member two of the four queues.  Two ``TagA`` and two ``TagB`` messages go to every queue.  The
broker filters every pull by the one subscription: the other tag reaches nobody; the winner
consumes its tag in its own queues; the loser gets the winner's tag and drops it (its own filter
differs).  Yet every queue's offset moves to its end: the lost messages are never redelivered.
"""
from __future__ import annotations

import tempfile
import threading
import time
from collections import Counter

from opentelemetry import trace

from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus, ConsumeFromWhere,
                                          DefaultMQPushConsumer)
from rocketmq_ref.client.consumer.store.offset_store import ReadOffsetType
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.common.message import Message, MessageQueue
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.admin.default_mq_admin_ext import DefaultMQAdminExt
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicSubscriptions"
GROUP = "walkthrough_group_subscriptions"
QUEUES = 4
PER_TAG_PER_QUEUE = 2


def impl(consumer: DefaultMQPushConsumer):  # noqa: ANN201 - DefaultMQPushConsumerImpl
    return consumer.default_mq_push_consumer_impl


def owned(consumer: DefaultMQPushConsumer) -> list[MessageQueue]:
    table = impl(consumer).rebalance_impl.process_queue_table
    return sorted((mq for mq, pq in table.items() if mq.topic == TOPIC and not pq.is_dropped()),
                  key=lambda mq: mq.queue_id)


def version(consumer: DefaultMQPushConsumer) -> int:
    return impl(consumer).rebalance_impl.subscription_inner[TOPIC].sub_version


def broker_subscription(admin: DefaultMQAdminExt):  # noqa: ANN201 - SubscriptionData
    return admin.examine_consumer_connection_info(GROUP).subscription_table[TOPIC]


def wait_until(what: str, condition, seconds: float = 10.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"group_subscriptions walkthrough: {what}")
        time.sleep(0.05)


def new_consumer(name: str, tag: str, namesrv_addr: str, consumed: Counter, lock: threading.Lock
                 ) -> DefaultMQPushConsumer:
    def listener(msgs, ctx):  # noqa: ANN001, ANN202
        with lock:
            consumed.update((name, m.tags) for m in msgs)
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

    consumer = DefaultMQPushConsumer(GROUP)
    consumer.set_namesrv_addr(namesrv_addr)
    consumer.set_instance_name(name)  # its own client id, so its own MQClientInstance
    consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
    consumer.subscribe(TOPIC, tag)
    consumer.register_message_listener(listener)
    consumer.start()
    # the broker's NOTIFY_CONSUMER_IDS_CHANGED wakes the rebalance; a short wait bounds a missed one
    impl(consumer).mq_client_factory.rebalance_service.wait_interval = 500
    return consumer


def scenario() -> dict[str, str]:
    consumed: Counter = Counter()
    lock = threading.Lock()
    with tempfile.TemporaryDirectory(prefix="walkthrough-group-subscriptions-") as tmp:
        # short polling: an empty pull comes back after 1 s instead of being held 15 s, so the
        # offsets of c1's queues reach their end (NO_NEW_MSG -> correctTagsOffset) within the run
        state = cluster.plan(tmp, namesrv=1, masters=1, broker_props={"longPollingEnable": "false"})
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        producer = admin = None
        consumers: list[DefaultMQPushConsumer] = []
        try:
            producer = DefaultMQProducer("walkthrough_producer_group")
            producer.set_namesrv_addr(state.namesrv_addr)
            producer.start()
            first = producer.send(Message(TOPIC, b"creates the topic", tags="TagC"))
            broker_name = first.message_queue.broker_name

            consumers.append(new_consumer("c1", "TagA", state.namesrv_addr, consumed, lock))
            consumers.append(new_consumer("c2", "TagB", state.namesrv_addr, consumed, lock))
            wait_until("two queues each", lambda: [len(owned(c)) for c in consumers] == [2, 2])

            admin = DefaultMQAdminExt()
            admin.set_namesrv_addr(state.namesrv_addr)
            admin.start()
            # each member's rebalance gave its subscription a new subVersion and sent a heartbeat;
            # the broker keeps the newest: wait until it holds it, then ask it which one that is
            versions = {c.get_instance_name(): version(c) for c in consumers}
            newest = max(versions.values())
            with trace.use_span(trace.INVALID_SPAN):  # the polls in traces of their own
                wait_until("the broker holds the newest subscription",
                           lambda: broker_subscription(admin).sub_version == newest)
            sub = broker_subscription(admin)
            winner = next(name for name, v in versions.items() if v == newest)
            broker_view = (f"broker's subscription of the group to {TOPIC}: {sub.sub_string} "
                           f"(the newest subVersion, from {winner}'s last rebalance)")

            sent: Counter = Counter()
            for queue_id in range(QUEUES):
                mq = MessageQueue(TOPIC, broker_name, queue_id)
                for i in range(PER_TAG_PER_QUEUE):
                    for tag in ("TagA", "TagB"):
                        producer.send(Message(TOPIC, f"{tag} #{i} q{queue_id}".encode(), tags=tag), mq)
                        sent[tag] += 1
            end = {q: admin.max_offset(MessageQueue(TOPIC, broker_name, q)) for q in range(QUEUES)}

            def offset(c: DefaultMQPushConsumer, mq: MessageQueue) -> int:
                return impl(c).offset_store.read_offset(mq, ReadOffsetType.READ_FROM_MEMORY)

            wait_until("every queue's offset at its end", lambda: all(
                offset(c, mq) == end[mq.queue_id] for c in consumers for mq in owned(c)))
            lines = [broker_view]
            for c, tag in zip(consumers, ("TagA", "TagB")):
                name = c.get_instance_name()
                queues = ", ".join(f"q{mq.queue_id} at {offset(c, mq)}/{end[mq.queue_id]}"
                                   for mq in owned(c))
                lines.append(f"{name} subscribes {tag}, owns {queues}; consumed "
                             f"TagA {consumed[(name, 'TagA')]}, TagB {consumed[(name, 'TagB')]}")
            for tag in ("TagA", "TagB"):
                got = sum(n for (_, t), n in consumed.items() if t == tag)
                lines.append(f"{tag}: sent {sent[tag]}, consumed {got}, lost {sent[tag] - got}")
        finally:
            # teardown in traces of its own: as one member leaves, the other may take its queues
            # and commit them too
            with trace.use_span(trace.INVALID_SPAN):
                for client in [admin, *reversed(consumers), producer]:
                    if client is not None:
                        client.shutdown()
            cluster.stop(state)
    return {"result": "\n".join(lines)}


WALKTHROUGH = Walkthrough(
    name="group_subscriptions",
    title="One group, two subscriptions: the broker keeps one, and messages are lost",
    sections=("B9.9",),
    scenario=scenario,
    stops=(
        Stop("ClientManageProcessor.heart_beat", locals=("data",), note="in the broker process"),
        Stop("RebalanceImpl.rebalance_by_topic", locals=("topic",)),
        Stop("PullMessageProcessor._process_request", locals=("subscription_data",),
             note="in the broker process: the group's one subscription filters every member's pull"),
    ),
    service="consumer",
    # which consumer commits which queue as the others leave depends on timing
    ignore_spans=("settle .*", "UNREGISTER_CLIENT"),
)
