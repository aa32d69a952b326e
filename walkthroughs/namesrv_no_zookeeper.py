"""Two name servers that never talk to each other, two brokers that register with both, and a
name server killed with SIGKILL: producers and consumers carry on with the one left.

The cluster runs from its config files (two name servers, masters broker-a and broker-b).  Each
name server is asked on its own for the cluster; then namesrv-0 is killed, and a producer and a
pull consumer given both addresses still find routes, send and read.  The processes append to the
same trace file.
"""
from __future__ import annotations

import os
import signal
import tempfile

from rocketmq_ref.client.consumer import DefaultMQPullConsumer
from rocketmq_ref.client.consumer.pull_result import PullStatus
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.client.producer.send_result import SendStatus
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicTest"


def brokers_known(addr: str) -> str:
    info = cluster.cluster_info(addr)
    names = sorted(info.get("brokerAddrTable", {}))
    return ", ".join(names) or "none"


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-namesrv2-") as tmp:
        state = cluster.plan(tmp, namesrv=2, masters=2)
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        producer = consumer = None
        lines: list[str] = []
        try:
            namesrvs = [n for n in state.nodes if n.role == "NAMESRV"]
            for n in namesrvs:  # each name server learned both brokers from the brokers themselves
                lines.append(f"{n.name} knows: {brokers_known(n.addr)}")
            victim = namesrvs[0]
            os.kill(victim.pid, signal.SIGKILL)  # no goodbye: the other name server is not told
            os.waitpid(victim.pid, 0)  # a child of this process: reap it
            lines.append(f"{victim.name} killed (SIGKILL)")

            producer = DefaultMQProducer("walkthrough_producer_group")
            producer.set_namesrv_addr(state.namesrv_addr)  # both addresses, one of them dead
            producer.start()
            sent = [producer.send(Message(TOPIC, f"after the kill {i}".encode(), tags="TagA"))
                    for i in range(2)]
            assert all(r.send_status is SendStatus.SEND_OK for r in sent), sent
            lines.append("producer: " + ", ".join(f"sent to {r.message_queue.broker_name} queue "
                                                  f"{r.message_queue.queue_id}" for r in sent))
            cluster.wait_topic_route(namesrvs[1].addr, TOPIC)  # registered in the background
            consumer = DefaultMQPullConsumer("walkthrough_pull_group")
            consumer.set_namesrv_addr(state.namesrv_addr)
            consumer.start()
            queues = consumer.fetch_subscribe_message_queues(TOPIC)
            found = 0
            for r in sent:
                result = consumer.pull(r.message_queue, "*", r.queue_offset, 1)
                assert result.pull_status is PullStatus.FOUND, result
                found += len(result.msg_found_list)
            lines.append(f"pull consumer: route with {len(queues)} queues on "
                         f"{len({q.broker_name for q in queues})} brokers, read back {found}")
            lines.append(f"{namesrvs[1].name} still knows: {brokers_known(namesrvs[1].addr)}")
        finally:
            for client in (consumer, producer):
                if client is not None:
                    client.shutdown()
            cluster.stop(state)
    return {"cluster": "\n".join(lines)}


WALKTHROUGH = Walkthrough(
    name="namesrv_no_zookeeper",
    title="Two name servers, two brokers, one name server killed: why no ZooKeeper",
    sections=("A4.2.2", "B2", "B2.1", "B2.4", "A2.2", "A2.2.1", "A6.3", "A6.3.1"),
    scenario=scenario,
    stops=(
        Stop("RouteInfoManager.register_broker", locals=("cluster_name", "broker_name"),
             note="in each name server process"),
        Stop("MQClientInstance.update_topic_route_info_from_name_server", locals=("topic",)),
    ),
    service="client",
    # how many brokers each client says goodbye to depends on which broker the first send created
    # TopicTest on, and on the shared client instance's broker table at that moment
    ignore_spans=("UNREGISTER_CLIENT",),
)
