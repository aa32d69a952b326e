"""A delayed message read back by a pull consumer, on a local cluster.

The producer sends one message with delay level 1 (1 s).  The broker's commit log stores it under
SCHEDULE_TOPIC_XXXX, queue 0 (level 1), and the ScheduleMessageService timer puts it back on its
real topic when it is due.  A DefaultMQPullConsumer -- which chooses its own queues and offsets --
pulls the queue at once (nothing yet), then pulls again asking the broker to hold the request
until a message arrives; it stores the next offset, which shutdown commits to the broker.
"""
from __future__ import annotations

import tempfile

from rocketmq_ref.client.consumer import DefaultMQPullConsumer
from rocketmq_ref.client.consumer.pull_result import PullStatus
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.client.producer.send_result import SendStatus
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicDelay"
GROUP = "walkthrough_pull_group"
DELAY_LEVEL = 1  # "1s" in the broker's default messageDelayLevel


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-delay-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1)
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        producer = consumer = None
        lines: list[str] = []
        try:
            producer = DefaultMQProducer("walkthrough_producer_group")
            producer.set_namesrv_addr(state.namesrv_addr)
            producer.start()
            msg = Message(TOPIC, b"remind me in a second", tags="TagA", keys="REMINDER-1")
            msg.delay_time_level = DELAY_LEVEL  # A3.2.2
            sent = producer.send(msg)
            assert sent.send_status is SendStatus.SEND_OK, sent
            mq = sent.message_queue
            lines.append(f"sent to {mq.topic} queue {mq.queue_id}, msgId {sent.msg_id}")
            # the send auto-created the topic; the broker registers it with the name server in
            # the background, so wait for the route before a consumer asks for it
            cluster.wait_topic_route(state.namesrv_addr, TOPIC)

            consumer = DefaultMQPullConsumer(GROUP)
            consumer.set_namesrv_addr(state.namesrv_addr)
            consumer.start()
            queues = consumer.fetch_subscribe_message_queues(TOPIC)  # A3.1.4: the consumer picks
            assert mq in queues, (mq, queues)
            offset = max(consumer.fetch_consume_offset(mq, True), 0)
            # the message waits in SCHEDULE_TOPIC_XXXX: its real queue is still empty
            first = consumer.pull(mq, "*", offset, 32)
            lines.append(f"pull at once:      {first.pull_status.name}")
            # the broker holds this pull until the timer re-puts the message (long polling)
            held = consumer.pull_block_if_not_found(mq, "*", offset, 32)
            assert held.pull_status is PullStatus.FOUND, held
            got = held.msg_found_list[0]
            waited = got.store_timestamp - got.born_timestamp
            lines.append(f"pull held:         {held.pull_status.name}, keys {got.keys}, "
                         f"REAL_TOPIC {got.get_property('REAL_TOPIC')}, "
                         f"DELAY {got.get_property('DELAY')}, "
                         f"stored again {'>= 1 s' if waited >= 1000 else '< 1 s'} after birth")
            consumer.update_consume_offset(mq, held.next_begin_offset)  # in memory until persisted
            lines.append(f"next offset {held.next_begin_offset} kept by the consumer's offset store")
        finally:
            for client in (consumer, producer):
                if client is not None:
                    client.shutdown()  # the pull consumer persists its offset to the broker
            cluster.stop(state)
    return {"pulls": "\n".join(lines)}


WALKTHROUGH = Walkthrough(
    name="delay_pull",
    title="Delay levels and the pull consumer: SCHEDULE_TOPIC_XXXX, the timer, a held pull",
    sections=("A3.2.2", "B5.7", "B5.7.1", "B5.7.2", "B5.7.3", "A3.1.4", "A3.3"),
    scenario=scenario,
    stops=(
        Stop("CommitLog.async_put_message", locals=("msg",),
             note="in the broker process: the delay rewrite happens before the append"),
        Stop("ScheduleMessageService.deliver", locals=("msg_inner",),
             note="in the broker process, on the level-1 timer"),
    ),
    service="consumer",
)
