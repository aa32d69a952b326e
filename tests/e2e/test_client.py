"""The client against real ``mqnamesrv`` + ``mqbroker`` processes (two brokers, one cluster).

Timers are shortened through the client's own config (route refresh, heartbeat, rebalance wait) so
the set stays well under two minutes; every wait is a bounded poll.
"""
from __future__ import annotations

import functools
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus, ConsumeFromWhere,
                                          DefaultLitePullConsumer, DefaultMQPullConsumer,
                                          DefaultMQPushConsumer, MessageModel, PullStatus)
from rocketmq_ref.client.producer import DefaultMQProducer, SendCallback, SendStatus
from rocketmq_ref.common.message import Message, MessageQueue
from tests.broker.support import broker_props, start_broker, start_namesrv
from tests.support.clients import ClusterClients
from tests.support.processes import ProcessFactory
from tests.support.wait import wait_until

pytestmark = pytest.mark.e2e

wait_until = functools.partial(wait_until, timeout=20.0)  # this file's waits default to 20 s


def create_topic_everywhere(producer: DefaultMQProducer, topic: str, queues: int) -> None:
    """UPDATE_AND_CREATE_TOPIC on both brokers, then wait until the name server's route has both."""
    producer.create_topic("TBW102", topic, queues)
    assert wait_until(lambda: {mq.broker_name for mq in producer.fetch_publish_message_queues(topic)}
                      == {"broker-a", "broker-b"})


class Cluster(ClusterClients):
    def __init__(self, tmp: Path, brokers: int = 2) -> None:
        self.factory = ProcessFactory(tmp)
        self.namesrv = start_namesrv(self.factory, tmp)
        self.brokers = [start_broker(self.factory, tmp, broker_props(
            tmp, self.namesrv.addr, name=f"broker-{chr(ord('a') + i)}",
            messageDelayLevel="1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s"))
            for i in range(brokers)]
        self.clients: list[Any] = []

    @property
    def addr(self) -> str:
        return self.namesrv.addr

    def producer(self, group: str) -> DefaultMQProducer:
        p = self.configure(DefaultMQProducer(group))
        p.start()
        return p

    def push_consumer(self, group: str, topic: str, listener: Any, expression: str = "*",
                      start: bool = True, **settings: Any) -> DefaultMQPushConsumer:
        c = self.configure(DefaultMQPushConsumer(group))
        c.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
        for k, v in settings.items():
            setattr(c, k, v)
        c.subscribe(topic, expression)
        c.register_message_listener(listener)
        if start:
            c.start()
            c.default_mq_push_consumer_impl.mq_client_factory.rebalance_service.wait_interval = 1000
        return c

    def close(self) -> None:
        self.shutdown_clients()
        self.factory.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    c = Cluster(tmp_path_factory.mktemp("client-e2e"))
    yield c
    c.close()


class Collector:
    """A listener that records what it got (optionally held until ``hold`` is set)."""

    def __init__(self, hold: threading.Event | None = None) -> None:
        self.msgs: list[Any] = []
        self.hold = hold
        self.lock = threading.Lock()
        self.threads: set[str] = set()

    def __call__(self, msgs, context):
        if self.hold is not None:
            self.hold.wait(30)
        with self.lock:
            self.msgs.extend(msgs)
            self.threads.add(threading.current_thread().name)
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

    def bodies(self) -> set[bytes]:
        with self.lock:
            return {bytes(m.body) for m in self.msgs}


def owned(consumer: DefaultMQPushConsumer, topic: str) -> set[MessageQueue]:
    table = consumer.default_mq_push_consumer_impl.rebalance_impl.process_queue_table
    return {mq for mq, pq in list(table.items()) if mq.topic == topic and not pq.is_dropped()}


def test_round_trip_across_two_brokers_with_tag_filter(cluster, spans):
    producer = cluster.producer("rt_pg")
    create_topic_everywhere(producer, "RoundTrip", 4)
    sent = {}
    for i in range(16):
        tag = "TagA" if i % 2 == 0 else "TagC"
        r = producer.send(Message("RoundTrip", tags=tag, keys=f"k{i}", body=b"rt-%d" % i))
        assert r.send_status is SendStatus.SEND_OK
        sent[r.msg_id] = (tag, r)
    assert {r.message_queue.broker_name for _, r in sent.values()} == {"broker-a", "broker-b"}
    got = Collector()
    cluster.push_consumer("rt_cg", "RoundTrip", got, "TagA || TagB")
    assert wait_until(lambda: len(got.bodies()) >= 8)
    time.sleep(0.5)
    assert got.bodies() == {b"rt-%d" % i for i in range(0, 16, 2)}
    for m in got.msgs:
        tag, result = sent[m.msg_id]
        assert m.tags == "TagA" and m.topic == "RoundTrip" and m.reconsume_times == 0
        assert m.queue_offset == result.queue_offset and m.broker_name == result.message_queue.broker_name
        assert m.keys.startswith("k")
    assert all(t.startswith("ConsumeMessageThread_") for t in got.threads)
    # the consumer's process span links back to the producer's send span
    finished = spans.get_finished_spans()
    sends = {s.context.span_id for s in finished if s.name == "send RoundTrip"}
    process = [s for s in finished if s.name == "process RoundTrip"]
    assert process and all(s.kind.name == "CONSUMER" for s in process)
    assert any(link.context.span_id in sends for s in process for link in s.links)
    assert any(s.name == "receive RoundTrip" for s in finished)
    assert any(s.name == "MQClientInstance.update_topic_route_info_from_name_server" and
               s.attributes.get("messaging.destination.name") == "RoundTrip" for s in finished)
    assert any(s.name == "MQClientInstance.send_heartbeat_to_all_broker" for s in finished)
    assert any(s.name == "settle RoundTrip" for s in finished)
    assert any(s.name == "RebalanceImpl.rebalance_by_topic" and
               s.attributes.get("messaging.destination.name") == "RoundTrip" for s in finished)


def test_sync_async_oneway_and_batch_sends_all_arrive(cluster):
    producer = cluster.producer("modes_pg")
    producer.send(Message("Modes", body=b"sync"))

    class Cb(SendCallback):
        def __init__(self):
            self.ok = threading.Event()
            self.result = None

        def on_success(self, r):
            self.result = r
            self.ok.set()

        def on_exception(self, e):
            self.result = e
            self.ok.set()

    cb = Cb()
    producer.send(Message("Modes", body=b"async"), cb)
    assert cb.ok.wait(10) and cb.result.send_status is SendStatus.SEND_OK
    producer.send_oneway(Message("Modes", body=b"oneway"))
    batch = producer.send([Message("Modes", body=b"batch-%d" % i) for i in range(3)])
    assert len(batch.msg_id.split(",")) == 3
    big = b"z" * 10000  # compressed on the wire, plain for the consumer
    producer.send(Message("Modes", body=big))
    got = Collector()
    cluster.push_consumer("modes_cg", "Modes", got)
    expected = {b"sync", b"async", b"oneway", b"batch-0", b"batch-1", b"batch-2", big}
    assert wait_until(lambda: got.bodies() >= expected), got.bodies()


def test_selector_keeps_an_order_id_in_one_queue_in_send_order(cluster):
    producer = cluster.producer("order_pg")

    def by_order_id(mqs, msg, arg):
        return mqs[arg % len(mqs)]

    results = {oid: [] for oid in range(3)}
    for i in range(15):
        oid = i % 3
        r = producer.send(Message("Ordered", body=f"{oid}:{i}".encode()), by_order_id, oid)
        results[oid].append(r)
    puller = cluster.configure(DefaultMQPullConsumer("order_pull"))
    puller.start()
    for oid, rs in results.items():
        mq = rs[0].message_queue
        assert {r.message_queue for r in rs} == {mq}
        pulled = puller.pull(mq, "*", rs[0].queue_offset, 32)
        bodies = [m.body.decode() for m in pulled.msg_found_list if m.body.decode().startswith(f"{oid}:")]
        assert bodies == [f"{oid}:{i}" for i in range(oid, 15, 3)]


def test_reconsume_later_twice_then_success_shows_reconsume_times(cluster):
    producer = cluster.producer("retry_pg")
    producer.send(Message("RetryT", body=b"retry-me"))
    deliveries: list[Any] = []

    def listener(msgs, context):
        deliveries.extend(msgs)
        if msgs[0].reconsume_times < 2:  # RECONSUME_LATER twice, then success
            context.delay_level_when_next_consume = 1
            return ConsumeConcurrentlyStatus.RECONSUME_LATER
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

    cluster.push_consumer("retry_cg", "RetryT", listener)
    assert wait_until(lambda: any(m.reconsume_times == 2 for m in deliveries), timeout=30)
    time.sleep(1.5)
    times = [m.reconsume_times for m in deliveries]
    # at-least-once: a rebalance may redeliver a copy, but each round comes back exactly once more
    assert times[0] == 0 and sorted(set(times)) == [0, 1, 2], times
    assert all(m.topic == "RetryT" and m.body == b"retry-me" for m in deliveries)
    assert len({m.msg_id for m in deliveries}) == 1  # the client id travels with the retries


def test_broadcasting_delivers_every_message_to_every_consumer(cluster, tmp_path, monkeypatch):
    monkeypatch.setenv("ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR", str(tmp_path))
    producer = cluster.producer("bc_pg")
    create_topic_everywhere(producer, "Broadcast", 4)
    producer.send(Message("Broadcast", body=b"warm-up"))
    a, b = Collector(), Collector()
    # broadcasting keeps the default instance name: two consumers of one group in one process need
    # their own names, exactly as in Java
    c1 = cluster.push_consumer("bc_cg", "Broadcast", a, message_model=MessageModel.BROADCASTING,
                               instance_name="bc1")
    c2 = cluster.push_consumer("bc_cg", "Broadcast", b, message_model=MessageModel.BROADCASTING,
                               instance_name="bc2")
    for i in range(6):
        producer.send(Message("Broadcast", body=b"bc-%d" % i))
    expected = {b"bc-%d" % i for i in range(6)} | {b"warm-up"}
    assert wait_until(lambda: a.bodies() >= expected and b.bodies() >= expected)
    assert len(owned(c1, "Broadcast")) == len(owned(c2, "Broadcast")) == 8
    c1.shutdown()
    assert list(tmp_path.glob("*/bc_cg/offsets.json"))  # broadcasting offsets live on the client


def test_three_consumers_joining_and_leaving_share_every_queue_exactly_once(cluster):
    topic = "Joining"
    producer = cluster.producer("join_pg")
    create_topic_everywhere(producer, topic, 4)
    producer.send(Message(topic, body=b"create"))
    got = Collector()
    consumers = [cluster.push_consumer("join_cg", topic, got)]
    assert wait_until(lambda: len(owned(consumers[0], topic)) == 8)
    stop = threading.Event()
    sent: list[bytes] = []

    def keep_sending():
        i = 0
        while not stop.is_set() and i < 2000:
            body = b"j-%d" % i
            producer.send(Message(topic, body=body))
            sent.append(body)
            i += 1
            time.sleep(0.01)

    sender = threading.Thread(target=keep_sending)
    sender.start()

    def settled(group: list[DefaultMQPushConsumer]) -> bool:
        sets = [owned(c, topic) for c in group]
        union = set().union(*sets)
        return len(union) == 8 and sum(len(s) for s in sets) == 8 and all(sets)

    try:
        consumers.append(cluster.push_consumer("join_cg", topic, got))
        consumers.append(cluster.push_consumer("join_cg", topic, got))
        assert wait_until(lambda: settled(consumers), timeout=20)
        leaving = consumers.pop()
        leaving.shutdown()
        assert wait_until(lambda: settled(consumers), timeout=20)
    finally:
        stop.set()
        sender.join(10)
    assert wait_until(lambda: got.bodies() >= set(sent) | {b"create"}, timeout=20)
    dupes = len(got.msgs) - len(got.bodies())
    assert dupes <= len(sent) // 2  # duplicates only around the ownership changes


def test_flow_control_pauses_pulls_while_the_cache_is_full(cluster, spans):
    producer = cluster.producer("fc_pg")
    producer.send(Message("FlowCtl", body=b"create"))
    mq = MessageQueue("FlowCtl", "broker-a", 0)
    for i in range(60):
        producer.send(Message("FlowCtl", body=b"fc-%d" % i), mq)
    hold = threading.Event()
    got = Collector(hold=hold)
    consumer = cluster.push_consumer("fc_cg", "FlowCtl", got, pull_threshold_for_queue=5,
                                     pull_batch_size=4, consume_thread_min=1, consume_thread_max=1)
    impl = consumer.default_mq_push_consumer_impl
    assert wait_until(lambda: impl.queue_flow_control_times > 3)
    pq = impl.rebalance_impl.process_queue_table[mq]
    assert pq.msg_count <= 5 + 4  # never more than one batch past the threshold
    assert any(s.name == "DefaultMQPushConsumerImpl.flow_control" and
               s.attributes["rocketmq_ref.flow_control.reason"] == "count"
               for s in spans.get_finished_spans())
    hold.set()
    assert wait_until(lambda: len(got.bodies()) >= 61, timeout=30)


def test_offsets_are_kept_across_a_consumer_restart(cluster):
    producer = cluster.producer("restart_pg")
    for i in range(10):
        producer.send(Message("Restart", body=b"first-%d" % i))
    first = Collector()
    c1 = cluster.push_consumer("restart_cg", "Restart", first)
    assert wait_until(lambda: len(first.bodies()) >= 10)
    time.sleep(0.3)  # let the last offsets reach the offset store
    c1.shutdown()  # persists offsets on the brokers
    for i in range(10):
        producer.send(Message("Restart", body=b"second-%d" % i))
    second = Collector()
    cluster.push_consumer("restart_cg", "Restart", second)
    assert wait_until(lambda: len(second.bodies()) >= 10)
    time.sleep(1.0)
    assert second.bodies() == {b"second-%d" % i for i in range(10)}


def test_a_new_last_offset_group_reads_history_still_in_memory(cluster):
    """Reader question 2: CONSUME_FROM_LAST_OFFSET for a group with no stored offset.  While the
    queue's first message is still in memory the broker answers QUERY_CONSUMER_OFFSET with 0 (Java
    ``ConsumerManageProcessor.queryConsumerOffset``), so the new group reads the whole history."""
    producer = cluster.producer("q2_last_pg")
    create_topic_everywhere(producer, "LastOffset", 2)
    for i in range(6):
        producer.send(Message("LastOffset", body=b"old-%d" % i))
    got = Collector()
    consumer = cluster.push_consumer("q2_last_cg", "LastOffset", got, start=False)
    consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET)
    consumer.start()
    wait_until(lambda: len(got.bodies()) >= 6)
    assert got.bodies() == {b"old-%d" % i for i in range(6)}


def test_pull_consumer_pulls_by_offset_and_long_polls(cluster):
    producer = cluster.producer("pull_pg")
    mq = MessageQueue("PullT", "broker-b", 1)
    producer.send(Message("PullT", body=b"create"))
    for i in range(5):
        producer.send(Message("PullT", tags="P", body=b"p-%d" % i), mq)
    puller = cluster.configure(DefaultMQPullConsumer("pull_cg"))
    puller.start()
    assert mq in puller.fetch_subscribe_message_queues("PullT")
    result = puller.pull(mq, "P", 0, 32)
    assert result.pull_status is PullStatus.FOUND
    assert [m.body for m in result.msg_found_list] == [b"p-%d" % i for i in range(5)]
    end = result.next_begin_offset
    assert puller.pull(mq, "*", end, 32).pull_status is PullStatus.NO_NEW_MSG
    puller.update_consume_offset(mq, end)
    assert puller.fetch_consume_offset(mq, False) == end
    # a held pull returns as soon as a message arrives
    out: dict[str, Any] = {}
    t = threading.Thread(target=lambda: out.setdefault(
        "r", puller.pull_block_if_not_found(mq, "*", end, 32)))
    t.start()
    time.sleep(0.5)
    producer.send(Message("PullT", body=b"late"), mq)
    t.join(15)
    assert out["r"].pull_status is PullStatus.FOUND and out["r"].msg_found_list[0].body == b"late"


def test_pull_consumer_queue_listener_hears_its_share_of_the_queues(cluster):
    from rocketmq_ref.client.consumer import MessageQueueListener

    producer = cluster.producer("mql_pg")
    create_topic_everywhere(producer, "MqlT", 2)
    heard: dict[str, set] = {}

    class Listener(MessageQueueListener):
        def message_queue_changed(self, topic, mq_all, mq_divided):
            heard[topic] = set(mq_divided)

    puller = cluster.configure(DefaultMQPullConsumer("mql_cg"))
    puller.register_message_queue_listener("MqlT", Listener())
    puller.start()
    puller.default_mq_pull_consumer_impl.mq_client_factory.rebalance_service.wait_interval = 1000
    assert wait_until(lambda: len(heard.get("MqlT", ())) == 4)
    assert puller.fetch_message_queues_in_balance("MqlT") == heard["MqlT"]


def test_lite_pull_consumer_subscribe_poll_commit_and_assign_seek(cluster):
    producer = cluster.producer("lite_pg")
    create_topic_everywhere(producer, "LiteT", 4)
    for i in range(8):
        producer.send(Message("LiteT", body=b"l-%d" % i))
    lite = cluster.configure(DefaultLitePullConsumer("lite_cg"))
    lite.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
    lite.subscribe("LiteT", "*")
    lite.start()
    seen: list[bytes] = []
    deadline = time.monotonic() + 20
    while len(seen) < 8 and time.monotonic() < deadline:
        seen.extend(bytes(m.body) for m in lite.poll(500))
    seen.extend(bytes(m.body) for m in lite.poll(300))  # nothing delivered twice
    assert sorted(seen) == sorted(b"l-%d" % i for i in range(8))
    lite.commit_sync()
    assert len(lite.assignment()) == 8
    lite.shutdown()

    mq = MessageQueue("LiteT", "broker-a", 0)
    assigned = cluster.configure(DefaultLitePullConsumer("lite_assign_cg"))
    assigned.assign([mq])
    assigned.start()
    first = wait_until(lambda: assigned.poll(200), timeout=10)
    assert first and all(m.queue_id == 0 and m.broker_name == "broker-a" for m in first)
    assigned.seek(mq, 0)
    again = wait_until(lambda: assigned.poll(200), timeout=10)
    assert again[0].queue_offset == 0


def test_failover_to_the_other_broker_when_one_dies(tmp_path):
    cluster = Cluster(tmp_path)
    try:
        producer = cluster.producer("fo_pg")
        producer.set_send_msg_timeout(3000)
        create_topic_everywhere(producer, "Failover", 4)
        results = [producer.send(Message("Failover", body=b"before-%d" % i)) for i in range(8)]
        assert {r.message_queue.broker_name for r in results} == {"broker-a", "broker-b"}
        cluster.brokers[1].proc.kill()  # kill -9 broker-b
        after = [producer.send(Message("Failover", body=b"after-%d" % i)) for i in range(20)]
        assert all(r.send_status is SendStatus.SEND_OK for r in after)
        assert after[-1].message_queue.broker_name == "broker-a"
        # the route drops broker-b: later sends never try it again
        info = producer.default_mq_producer_impl.topic_publish_info_table
        assert wait_until(lambda: {q.broker_name for q in info["Failover"].message_queue_list}
                          == {"broker-a"}, timeout=15)
        got = Collector()
        cluster.push_consumer("fo_cg", "Failover", got)
        assert wait_until(lambda: got.bodies() >= {b"after-%d" % i for i in range(20)})
    finally:
        cluster.close()


def test_orderly_consumer_keeps_queue_order_through_a_suspend(cluster, spans):
    from rocketmq_ref.client.consumer.listener import (ConsumeOrderlyStatus,
                                                       MessageListenerOrderly)

    producer = cluster.producer("orderly_pg")
    create_topic_everywhere(producer, "OrderlyT", 2)
    producer.send(Message("OrderlyT", body=b"create"))

    def by_order_id(mqs, msg, arg):
        return mqs[arg % len(mqs)]

    queue_of = {}
    for i in range(30):
        oid = i % 3
        r = producer.send(Message("OrderlyT", body=f"{oid}:{i}".encode()), by_order_id, oid)
        queue_of[oid] = r.message_queue

    class Listener(MessageListenerOrderly):
        def __init__(self):
            self.seen: list[tuple[str, int]] = []
            self.suspended = False
            self.lock = threading.Lock()

        def consume_message(self, msgs, context):
            with self.lock:
                body = msgs[0].body.decode()
                if body == "1:10" and not self.suspended:  # first delivery: pause the queue
                    self.suspended = True
                    context.suspend_current_queue_time_millis = 200
                    return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT
                self.seen.extend((m.body.decode(), m.reconsume_times) for m in msgs)
            return ConsumeOrderlyStatus.SUCCESS

    listener = Listener()
    consumer = cluster.push_consumer("orderly_cg", "OrderlyT", listener)
    assert consumer.default_mq_push_consumer_impl.consume_orderly
    assert wait_until(lambda: len([b for b, _ in listener.seen if ":" in b]) >= 30, timeout=30)
    for oid in range(3):
        bodies = [b for b, _ in listener.seen if b.startswith(f"{oid}:")]
        assert bodies == [f"{oid}:{i}" for i in range(oid, 30, 3)]
    assert dict(listener.seen)["1:10"] == 1  # redelivered once, still before 1:13
    table = consumer.default_mq_push_consumer_impl.rebalance_impl.process_queue_table
    assert all(pq.is_locked() for mq, pq in table.items() if mq.topic == "OrderlyT")
    assert any(s.name == "process OrderlyT" and
               s.attributes.get("messaging.rocketmq.consumption_mode") == "orderly"
               for s in spans.get_finished_spans())


def test_delay_level_holds_a_message_back_and_namespaces_stay_invisible(cluster):
    producer = cluster.configure(DefaultMQProducer("ns_pg", namespace="ns1"))
    producer.start()
    delayed = Message("NsTopic", body=b"later")
    delayed.delay_time_level = 2  # "1s" in this cluster's messageDelayLevel
    sent_at = time.monotonic()
    r = producer.send(delayed)
    assert r.message_queue.topic == "NsTopic"  # the namespace never shows
    producer.send(Message("NsTopic", body=b"now"))
    arrivals: dict[bytes, float] = {}

    def listener(msgs, ctx):
        for m in msgs:
            arrivals[bytes(m.body)] = time.monotonic()
            assert m.topic == "NsTopic"
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

    consumer = cluster.configure(DefaultMQPushConsumer("ns_cg", namespace="ns1"))
    consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
    consumer.subscribe("NsTopic", "*")
    consumer.register_message_listener(listener)
    consumer.start()
    assert wait_until(lambda: len(arrivals) == 2)
    assert consumer.consumer_group == "ns1%ns_cg"
    assert arrivals[b"later"] - sent_at >= 0.9


def test_asyncio_face_sends_and_consumes_with_an_async_listener(cluster):
    import asyncio

    from rocketmq_ref.client import aio

    async def scenario() -> list[bytes]:
        got: list[bytes] = []
        done = asyncio.Event()
        loop = asyncio.get_running_loop()

        async def listener(msgs, ctx):
            assert asyncio.get_running_loop() is loop  # runs on the caller's loop
            got.extend(bytes(m.body) for m in msgs)
            if len(got) >= 3:
                done.set()
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

        producer = aio.DefaultMQProducer("aio_e2e_pg")
        producer.set_namesrv_addr(cluster.addr)
        consumer = aio.DefaultMQPushConsumer("aio_e2e_cg")
        consumer.set_namesrv_addr(cluster.addr)
        consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
        consumer.subscribe("AioT", "*")
        consumer.register_message_listener(listener)
        async with producer:
            results = await asyncio.gather(*(producer.send(Message("AioT", body=b"a%d" % i))
                                             for i in range(3)))
            assert all(r.send_status is SendStatus.SEND_OK for r in results)
            async with consumer:
                await asyncio.wait_for(done.wait(), 20)
        return got

    assert sorted(asyncio.run(scenario())) == [b"a0", b"a1", b"a2"]


def test_brokers_reach_the_consumer_for_running_info_and_offset_reset(cluster):
    from rocketmq_ref.tools.admin.default_mq_admin_ext import DefaultMQAdminExt

    producer = cluster.producer("reset_pg")
    create_topic_everywhere(producer, "ResetT", 1)
    for i in range(5):
        producer.send(Message("ResetT", body=b"r-%d" % i))
    got = Collector()
    consumer = cluster.push_consumer("reset_cg", "ResetT", got)
    assert wait_until(lambda: len(got.bodies()) == 5)
    impl = consumer.default_mq_push_consumer_impl
    time.sleep(0.3)
    impl.persist_consumer_offset()  # Java's timer would do it 10 s after start
    admin = cluster.configure(DefaultMQAdminExt())
    admin.start()
    client_id = impl.mq_client_factory.client_id
    info = admin.get_consumer_running_info("reset_cg", client_id)  # GET_CONSUMER_RUNNING_INFO
    assert info["properties"]["PROP_CONSUME_TYPE"] == "CONSUME_PASSIVELY"
    assert info["properties"]["consumerGroup"] == "reset_cg"  # Java's object2Properties fields
    reset_queues = [dict(k) for k in info["mqTable"] if dict(k)["topic"] == "ResetT"]
    assert sorted(q["brokerName"] for q in reset_queues) == ["broker-a", "broker-b"]
    # RESET_CONSUMER_CLIENT_OFFSET: the live consumer goes back to offset 0 and consumes again
    table = admin.reset_offset_by_timestamp("ResetT", "reset_cg", 0, True)
    assert table and set(table.values()) == {0}
    assert wait_until(lambda: len(got.msgs) >= 10, timeout=20)
    assert sorted(bytes(m.body) for m in got.msgs[5:]) == sorted(got.bodies())


CLIENT_THREAD_PREFIXES = ("PullMessageService", "RebalanceService", "MQClientFactoryScheduledThread",
                          "PullMessageServiceScheduledThread", "ConsumeMessageThread_",
                          "ConsumeMessageScheduledThread_", "CleanExpireMsgScheduledThread_",
                          "AsyncSenderExecutor_", "PullMsgThread-", "NettyClient")


def test_shutdown_leaves_no_client_thread_behind(cluster):
    producer = cluster.producer("last_pg")
    producer.send(Message("LastT", body=b"x"))
    got = Collector()
    cluster.push_consumer("last_cg", "LastT", got)
    assert wait_until(lambda: got.msgs)
    for client in list(cluster.clients):
        client.shutdown()
    cluster.clients.clear()
    alive = lambda: [t.name for t in threading.enumerate()  # noqa: E731
                     if t.name.startswith(CLIENT_THREAD_PREFIXES)]
    assert wait_until(lambda: not alive(), timeout=10), alive()
