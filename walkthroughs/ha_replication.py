"""Master/slave replication on a local cluster: a SYNC_MASTER, its SLAVE, and a kill -9.

The master's sends wait in GroupTransferService until the slave's HAClient, which reads the
commit-log bytes the master's WriteSocketService ships, reports an offset past them.  A pull from
the master answers suggestWhichBrokerId=1 (slaveReadEnable, and accessMessageInMemoryMaxRatio=0 so
the master always counts the data as "not in memory"), so the consumer's next pulls go to the
slave -- and keep being answered there after the master is killed: a 4.x slave never becomes
master, but it does serve reads.
"""
from __future__ import annotations

import os
import signal
import tempfile
import time
from pathlib import Path

from opentelemetry import trace

from rocketmq_ref.client.consumer import DefaultMQPullConsumer
from rocketmq_ref.client.consumer.pull_result import PullStatus
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.client.producer.send_result import SendStatus
from rocketmq_ref.common.message import Message
from rocketmq_ref.common.topic_config import TopicConfig
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.admin.default_mq_admin_ext import DefaultMQAdminExt
from rocketmq_ref.common.otlp_json import read_spans
from rocketmq_ref.tools.walkthrough_model import ENV_TRACE_FILE, Stop, Walkthrough

TOPIC = "TopicHA"
GROUP = "walkthrough_ha_group"
MASTER_SERVICE, SLAVE_SERVICE = "broker-master", "broker-slave"
BROKER_PROPS = {
    "haSendHeartbeatInterval": "1000",     # the slave's first report waits one interval
    "slaveReadEnable": "true",             # B7.2: the master may suggest the slave
    "accessMessageInMemoryMaxRatio": "0",  # ... and, with 0 % "in memory", always does
}


def _ha_connection_established(ha_port: int) -> bool:
    """An ESTABLISHED TCP connection on the master's HA port (Linux /proc; no request, no span)."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == ha_port and fields[3] == "01":
                return True
    return False


def _master_exported_both_sends() -> bool:
    """The master's span of the second send -- its last of this scenario -- is in the trace file
    (a batch exporter writes spans in the order they end)."""
    path = os.environ.get(ENV_TRACE_FILE)
    if not path:  # not recording: nothing to lose
        return True
    return os.path.exists(path) and sum(
        1 for s in read_spans(path) if s["service"] == MASTER_SERVICE
        and s["name"] == "SEND_MESSAGE_V2" and s["kind"] == 2) >= 2


def _cq_units(path: Path) -> int:
    """Units written to a consume-queue file (20 bytes each; a unit's size field is never 0)."""
    try:
        data = path.read_bytes()
    except OSError:
        return 0
    n = 0
    while n * 20 + 20 <= len(data) and int.from_bytes(data[n * 20 + 8:n * 20 + 12], "big") > 0:
        n += 1
    return n


def _wait(predicate, timeout_s: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not in {timeout_s} s: {predicate}")
        time.sleep(0.05)


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-ha-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1, slaves=1, broker_props=BROKER_PROPS)
        master = next(n for n in state.nodes if n.role == "MASTER")
        slave = next(n for n in state.nodes if n.role == "SLAVE")
        conf = Path(master.conf)  # the runner plans an ASYNC_MASTER; this one waits for its slave
        conf.write_text(conf.read_text().replace("brokerRole=ASYNC_MASTER", "brokerRole=SYNC_MASTER"))
        namesrv = next(n for n in state.nodes if n.role == "NAMESRV")
        admin = producer = consumer = None
        lines: list[str] = []
        try:
            # the processes inherit ROCKETMQ_REF_TRACE_FILE; the slave starts after the topic
            # exists, since a slave refuses UPDATE_AND_CREATE_TOPIC and learns topics only from
            # SlaveSynchronize (A12.1), whose first round runs 3 s after start-up
            cluster.start(cluster.ClusterState(state.directory, state.cluster_name, [namesrv]))
            # the master exports its spans every 100 ms under its own name, so the ones of this
            # scenario can be waited for before its kill -9 (which loses whatever is unexported)
            cluster.start(cluster.ClusterState(state.directory, state.cluster_name, [master]),
                          env={"OTEL_SERVICE_NAME": MASTER_SERVICE, "OTEL_BSP_SCHEDULE_DELAY": "100"})
            cluster.wait_registered(cluster.ClusterState(state.directory, state.cluster_name,
                                                         [namesrv, master]), 15)
            admin = DefaultMQAdminExt()
            admin.set_namesrv_addr(state.namesrv_addr)
            admin.start()
            admin.create_and_update_topic_config(
                master.addr, TopicConfig(topic_name=TOPIC, read_queue_nums=1, write_queue_nums=1))
            cluster.start(cluster.ClusterState(state.directory, state.cluster_name, [slave]),
                          env={"OTEL_SERVICE_NAME": SLAVE_SERVICE})
            # haListenPort is listenPort + 1; a sync send before the slave connects would answer
            # SLAVE_NOT_AVAILABLE, a pull from the slave before its first sync TOPIC_NOT_EXIST
            _wait(lambda: _ha_connection_established(master.port + 1), 15)
            topics = Path(state.directory) / "data" / slave.name / "config" / "topics.json"
            _wait(lambda: topics.exists() and TOPIC in topics.read_text(), 15)

            # client start-up in traces of its own: what its first heartbeat reaches depends on
            # whether its background route refresh ran first
            with trace.use_span(trace.INVALID_SPAN):
                producer = DefaultMQProducer("walkthrough_ha_producer")
                producer.set_namesrv_addr(state.namesrv_addr)
                producer.start()
                consumer = DefaultMQPullConsumer(GROUP)
                consumer.set_namesrv_addr(state.namesrv_addr)
                consumer.start()
                impl = consumer.default_mq_pull_consumer_impl
                impl.mq_client_factory.update_topic_route_info_from_name_server(TOPIC)
            wrapper = impl.pull_api_wrapper

            first = producer.send(Message(TOPIC, b"replicated before SEND_OK", keys="HA-1"))
            assert first.send_status is SendStatus.SEND_OK, first  # the slave has it already
            mq = first.message_queue
            lines.append(f"send 1 (SYNC_MASTER): {first.send_status.name}, {mq.broker_name} "
                         f"queue {mq.queue_id} offset {first.queue_offset}")

            got = consumer.pull(mq, "*", 0, 1)  # to the master: pull_from_which_node starts at 0
            assert got.pull_status is PullStatus.FOUND, got
            suggested = wrapper.recalculate_pull_from_which_node(mq)
            lines.append(f"pull 0 from the master: {got.pull_status.name} "
                         f"{got.msg_found_list[0].keys}, suggestWhichBrokerId={suggested}")

            second = producer.send(Message(TOPIC, b"read from the slave", keys="HA-2"))
            assert second.send_status is SendStatus.SEND_OK, second
            lines.append(f"send 2 (SYNC_MASTER): {second.send_status.name}, "
                         f"offset {second.queue_offset}")

            cq = (Path(state.directory) / "data" / slave.name / "consumequeue" / TOPIC
                  / str(mq.queue_id) / f"{0:020d}")
            _wait(lambda: _cq_units(cq) >= 2, 10)  # the slave's reput has built its queue entry
            got = consumer.pull(mq, "*", got.next_begin_offset, 1)  # to the slave
            assert got.pull_status is PullStatus.FOUND, got
            lines.append(f"pull 1 from broker {suggested}: {got.pull_status.name} "
                         f"{got.msg_found_list[0].keys}")

            _wait(_master_exported_both_sends, 10)
            os.kill(master.pid, signal.SIGKILL)  # kill -9: no unregistering, no flush
            _wait(lambda: not cluster.pid_alive(master.pid), 10)
            lines.append("master killed (SIGKILL)")
            got = consumer.pull(mq, "*", 0, 32)  # still suggested: broker 1
            assert got.pull_status is PullStatus.FOUND, got
            lines.append(f"pull 0..{got.next_begin_offset - 1} from broker "
                         f"{wrapper.recalculate_pull_from_which_node(mq)} after the kill: "
                         f"{got.pull_status.name} {[m.keys for m in got.msg_found_list]}")
        finally:
            # teardown in traces of its own: which brokers a shutdown unregisters from (the dead
            # master fails) depends on the client's route tables, not on replication
            with trace.use_span(trace.INVALID_SPAN):
                for client in (consumer, producer, admin):
                    if client is not None:
                        client.shutdown()
            cluster.stop(state)  # the same Node objects: every pid started above
    return {"ha": "\n".join(lines)}


WALKTHROUGH = Walkthrough(
    name="ha_replication",
    title="Master/slave replication: a SYNC_MASTER send waits for the slave; reads from the slave",
    sections=("B7", "B7.1", "B7.1.1", "B7.1.2", "B7.1.3", "B7.1.4", "B7.1.5", "B7.2", "B7.3",
              "A6.4", "A12", "A12.1", "A12.2", "A12.3"),
    scenario=scenario,
    stops=(
        Stop("GroupTransferService.do_wait_transfer", locals=("req", "transfer_ok"),
             note="in the master process: the send's request waits for push2SlaveMaxOffset"),
        Stop("HAClient.dispatch_read_request", locals=("master_phy_offset", "size"),
             note="in the slave process: one transfer frame appended to the slave's commit log"),
        Stop("ReadSocketService.process_read_event", locals=("read_offset",),
             note="in the master process: the slave's report, which wakes GroupTransferService"),
    ),
    service="client",
)
