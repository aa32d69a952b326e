"""What a managed (cloud) RocketMQ asks of a client, on a local broker with ACL enabled (book
A8.2): every request signed with an access key and secret, and each account allowed only its own
topics.

The broker runs with ``aclEnable=true`` and one account in ``conf/plain_acl.yml``: ``producer01``
may publish to TopicAcl and nothing else.  A producer without credentials, one with a wrong
secret, and one with the right secret each try TopicAcl; the signed producer also tries another
topic.  The name server and the broker run as processes and append to the same trace file.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import yaml

from rocketmq_ref.acl.common import AclClientRPCHook, SessionCredentials
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

TOPIC = "TopicAcl"
PLAIN_ACL = {
    "accounts": [
        {"accessKey": "producer01", "secretKey": "producer-secret", "defaultTopicPerm": "DENY",
         "topicPerms": [f"{TOPIC}=PUB"]},
    ],
}
ATTEMPTS = (  # who, credentials, topic
    ("no credentials", None, TOPIC),
    ("producer01, wrong secret", ("producer01", "guessed"), TOPIC),
    ("producer01", ("producer01", "producer-secret"), TOPIC),
    ("producer01", ("producer01", "producer-secret"), "TopicOther"),
)


def attempt(namesrv: str, credentials: tuple[str, str] | None, topic: str) -> str:
    """One producer, one send; the result or the first line of the broker's refusal."""
    hook = AclClientRPCHook(SessionCredentials(*credentials)) if credentials else None
    producer = DefaultMQProducer("acl_producer_group", rpc_hook=hook)
    producer.set_namesrv_addr(namesrv)
    producer.set_retry_times_when_send_failed(0)
    producer.start()
    try:
        return producer.send(Message(topic, b"hello", tags="TagA")).send_status.name
    except Exception as e:  # noqa: BLE001 - the refusal is what the page shows
        text = str(e).splitlines()[0]
        return "refused, " + text[text.find("broker answered"):]
    finally:
        producer.shutdown()


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-acl-") as tmp:
        home = Path(tmp, "home")
        (home / "conf").mkdir(parents=True)
        (home / "conf" / "plain_acl.yml").write_text(yaml.safe_dump(PLAIN_ACL, sort_keys=False))
        state = cluster.plan(tmp, namesrv=1, masters=1,
                             broker_props={"aclEnable": "true", "rocketmqHome": str(home)})
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        lines = []
        try:
            for who, credentials, topic in ATTEMPTS:
                lines.append(f"{who:26} -> {topic:10}: "
                             f"{attempt(state.namesrv_addr, credentials, topic)}")
        finally:
            cluster.stop(state)
    assert [line.rsplit(": ", 1)[-1] for line in lines][2] == "SEND_OK", lines
    assert sum("refused" in line for line in lines) == 3, lines
    return {"attempts": "\n".join(lines),
            "plain_acl": "$ cat home/conf/plain_acl.yml\n" + yaml.safe_dump(PLAIN_ACL, sort_keys=False)}


WALKTHROUGH = Walkthrough(
    name="acl_access",
    title="Signed requests and per-topic permissions: a broker with ACL enabled",
    sections=("A8.2",),
    scenario=scenario,
    stops=(
        Stop("SendMessageProcessor.async_send_message", locals=("request",),
             note="in the broker process, reached only by a request the ACL hook let through"),
    ),
    service="producer",
    # heartbeats and the shutdown goodbye: how many fall inside a producer's short life varies
    ignore_spans=("MQClientInstance.send_heartbeat_to_all_broker", "UNREGISTER_CLIENT"),
)
