"""Plain ACL against real ``mqnamesrv`` + ``mqbroker`` processes (``aclEnable=true``, the accounts
in ``${rocketmqHome}/conf/plain_acl.yml``; A8.2).

A refused request is answered as Java 4.9.8 answers it: the validator's ``AclException`` leaves the
RPC hook and the remoting layer replies SYSTEM_ERROR (1) with the exception's simple description.
"""
from __future__ import annotations

import io
import time
from pathlib import Path

import pytest
import yaml

from rocketmq_ref.acl.common import AclClientRPCHook, SessionCredentials
from rocketmq_ref.client.consumer import ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultMQPushConsumer
from rocketmq_ref.client.exception import MQBrokerException, MQClientException
from rocketmq_ref.client.producer import DefaultMQProducer, SendStatus
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import mqadmin
from tests.broker.support import broker_props, start_broker, start_namesrv
from tests.support.clients import ClusterClients
from tests.support.processes import process_factory  # noqa: F401  (fixture)
from tests.support.wait import wait_until

pytestmark = pytest.mark.e2e

TOPIC, GROUP = "AclTopic", "aclGroup"
ADMIN = ("adminUser1", "admin-secret-1")
PRODUCER = ("producer01", "producer-secret")
CONSUMER = ("consumer01", "consumer-secret")
PLAIN_ACL = {
    "globalWhiteRemoteAddresses": ["10.10.103.*"],
    "accounts": [
        {"accessKey": ADMIN[0], "secretKey": ADMIN[1], "admin": True},
        {"accessKey": PRODUCER[0], "secretKey": PRODUCER[1], "defaultTopicPerm": "DENY",
         "topicPerms": [f"{TOPIC}=PUB"]},
        {"accessKey": CONSUMER[0], "secretKey": CONSUMER[1], "defaultTopicPerm": "DENY",
         "defaultGroupPerm": "DENY", "topicPerms": [f"{TOPIC}=SUB"], "groupPerms": [f"{GROUP}=SUB"]},
    ],
}


def hook(keys: tuple[str, str]) -> AclClientRPCHook:
    return AclClientRPCHook(SessionCredentials(*keys))


def error_code(e: BaseException) -> int | None:
    """The broker's response code behind a failed send (the MQBrokerException, maybe as a cause)."""
    while e is not None:
        if isinstance(e, MQBrokerException):
            return e.response_code
        e = e.__cause__ or getattr(e, "cause", None)
    return None


class AclCluster(ClusterClients):
    def __init__(self, home: Path, factory) -> None:
        (home / "conf").mkdir(parents=True)
        (home / "conf" / "plain_acl.yml").write_text(yaml.safe_dump(PLAIN_ACL, sort_keys=False))
        self.home = home
        self.namesrv = start_namesrv(factory, home)
        self.broker = start_broker(factory, home, broker_props(home, self.namesrv.addr, name="broker-acl",
                                                               aclEnable=True, rocketmqHome=home))
        self.clients: list = []

    def configure(self, client):
        super().configure(client)
        if hasattr(client, "retry_times_when_send_failed"):
            client.retry_times_when_send_failed = 0  # a refused send fails at once
        return client

    def producer(self, keys: tuple[str, str], group: str) -> DefaultMQProducer:
        p = self.configure(DefaultMQProducer(group, rpc_hook=hook(keys)))
        p.start()
        return p

    def close(self) -> None:
        self.shutdown_clients()


@pytest.fixture
def cluster(process_factory, tmp_path):  # noqa: F811
    c = AclCluster(tmp_path / "home", process_factory)
    yield c
    c.close()


def send(producer: DefaultMQProducer, body: bytes, topic: str = TOPIC):
    return producer.send(Message(topic, body=body), 3000)


def test_signed_clients_send_and_consume_and_a_wrong_secret_is_refused(cluster, monkeypatch, spans):
    admin = cluster.producer(ADMIN, "aclAdminPG")
    admin.create_topic("TBW102", TOPIC, 2)  # UPDATE_AND_CREATE_TOPIC: an admin code
    assert wait_until(lambda: admin.fetch_publish_message_queues(TOPIC), timeout=15)

    producer = cluster.producer(PRODUCER, "aclPG")
    assert send(producer, b"signed-1").send_status is SendStatus.SEND_OK
    # tracing is on in this process: the request carried a traceparent, signed when it was encoded
    assert any(s.name == "SEND_MESSAGE_V2" and s.kind.name == "CLIENT" for s in spans.get_finished_spans())

    got: list[bytes] = []
    consumer = cluster.configure(DefaultMQPushConsumer(GROUP, rpc_hook=hook(CONSUMER)))
    consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
    consumer.subscribe(TOPIC, "*")
    consumer.register_message_listener(
        lambda msgs, ctx: (got.extend(bytes(m.body) for m in msgs), ConsumeConcurrentlyStatus.CONSUME_SUCCESS)[1])
    consumer.start()
    assert wait_until(lambda: b"signed-1" in got, timeout=15)

    # the producer account has no right to other topics, nor to admin codes
    with pytest.raises((MQBrokerException, MQClientException)) as denied:
        send(producer, b"x", topic="OtherTopic")
    assert "No default permission for topic:OtherTopic" in str(denied.value) or \
        "No default permission for topic:OtherTopic" in repr(denied.value.__cause__)
    with pytest.raises((MQBrokerException, MQClientException), match="Need admin permission for request code=17"):
        producer.create_topic("TBW102", "SneakyTopic", 1)

    # a wrong secret: code 1 (SYSTEM_ERROR, as Java 4.9.8) and Java's reason in the remark
    wrong = cluster.producer((PRODUCER[0], "not-the-secret"), "aclWrongPG")
    with pytest.raises((MQBrokerException, MQClientException)) as refused:
        send(wrong, b"forged")
    assert error_code(refused.value) == 1
    assert "AclException: Check signature failed for accessKey=producer01" in str(refused.value) + repr(
        refused.value.__cause__)
    unknown = cluster.producer(("nobodyHere", "whatever-secret"), "aclNobodyPG")
    with pytest.raises((MQBrokerException, MQClientException)):
        send(unknown, b"who")

    # the broker keeps serving the right keys
    assert send(producer, b"signed-2").send_status is SendStatus.SEND_OK
    assert wait_until(lambda: b"signed-2" in got, timeout=15)
    assert b"forged" not in got
    assert cluster.broker.proc.is_running()

    # mqadmin signs with conf/tools.yml; without it the broker refuses the ACL update
    argv = ["updateAclConfig", "-n", cluster.namesrv.addr, "-b", cluster.broker.addr, "-a", "newUser01",
            "-s", "newSecret01", "-t", f"{TOPIC}=PUB"]
    monkeypatch.setenv("ROCKETMQ_HOME", str(cluster.home))
    out, err = io.StringIO(), io.StringIO()
    assert mqadmin.main(argv, out, err) == 1
    assert "No accessKey is configured" in err.getvalue()
    (cluster.home / "conf" / "tools.yml").write_text(f"accessKey: {ADMIN[0]}\nsecretKey: {ADMIN[1]}\n")
    out, err = io.StringIO(), io.StringIO()
    assert mqadmin.main(argv, out, err) == 0, err.getvalue()
    assert out.getvalue().startswith(f"create or update plain access config to {cluster.broker.addr} success.\n")
    written = yaml.safe_load((cluster.home / "conf" / "plain_acl.yml").read_text())
    assert {"accessKey": "newUser01", "secretKey": "newSecret01", "admin": False,
            "topicPerms": [f"{TOPIC}=PUB"]} in written["accounts"]
    assert written["dataVersion"][0]["counter"] == 1

    newcomer = cluster.producer(("newUser01", "newSecret01"), "aclNewPG")
    assert send(newcomer, b"from-newcomer").send_status is SendStatus.SEND_OK
    assert wait_until(lambda: b"from-newcomer" in got, timeout=15)

    out = io.StringIO()
    assert mqadmin.main(["clusterAclConfigVersion", "-n", cluster.namesrv.addr, "-c", "DefaultCluster"],
                        out, io.StringIO()) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("#Cluster Name") and lines[-1] == "get cluster's plain access config version success."
    row = [line for line in lines if "plain_acl.yml" in line]
    assert row and row[0].split()[:3] == ["DefaultCluster", "broker-acl", cluster.broker.addr]
    assert row[0].split()[4] == "1"

    out = io.StringIO()
    assert mqadmin.main(["deleteAclConfig", "-n", cluster.namesrv.addr, "-b", cluster.broker.addr,
                         "-a", "newUser01"], out, io.StringIO()) == 0
    assert out.getvalue().endswith("account's accesskey is:newUser01")
    with pytest.raises((MQBrokerException, MQClientException)):
        send(newcomer, b"after-delete")


def test_hand_edits_of_plain_acl_are_picked_up(cluster):
    """The broker watches plain_acl.yml (every 5 s, as Java): an account added by hand can send."""
    admin = cluster.producer(ADMIN, "aclAdminPG2")
    admin.create_topic("TBW102", TOPIC, 1)
    edited = dict(PLAIN_ACL, accounts=PLAIN_ACL["accounts"] + [
        {"accessKey": "handEdited", "secretKey": "hand-secret", "topicPerms": [f"{TOPIC}=PUB"]}])
    path = cluster.home / "conf" / "plain_acl.yml"
    time.sleep(0.01)
    path.write_text(yaml.safe_dump(edited, sort_keys=False))
    hand = cluster.producer(("handEdited", "hand-secret"), "aclHandPG")

    def sent() -> bool:
        try:
            return send(hand, b"by-hand").send_status is SendStatus.SEND_OK
        except (MQBrokerException, MQClientException):
            return False
    assert wait_until(sent, timeout=15)


def test_update_global_white_addr_lets_unsigned_clients_in(cluster, monkeypatch):
    (cluster.home / "conf" / "tools.yml").write_text(f"accessKey: {ADMIN[0]}\nsecretKey: {ADMIN[1]}\n")
    monkeypatch.setenv("ROCKETMQ_HOME", str(cluster.home))
    plain = cluster.configure(DefaultMQProducer("aclPlainPG"))
    plain.start()
    with pytest.raises((MQBrokerException, MQClientException)):
        send(plain, b"unsigned")
    base = ["updateGlobalWhiteAddr", "-n", cluster.namesrv.addr, "-b", cluster.broker.addr, "-g", "127.0.0.1"]
    # Java 4.9.8's broker needs aclFileFullPath (@CFNotNull), so -p cannot be left out
    err = io.StringIO()
    assert mqadmin.main(base, io.StringIO(), err) == 1
    assert "aclFileFullPath" in err.getvalue()
    path = str(cluster.home / "conf" / "plain_acl.yml")
    out = io.StringIO()
    assert mqadmin.main(base + ["-p", path], out, io.StringIO()) == 0
    assert out.getvalue() == f"update global white remote addresses to {cluster.broker.addr} success.\n"
    assert yaml.safe_load(Path(path).read_text())["globalWhiteRemoteAddresses"] == ["127.0.0.1"]
    assert send(plain, b"unsigned").send_status is SendStatus.SEND_OK  # auto-created, no key at all
    # GET_BROKER_CLUSTER_ACL_CONFIG (54, answered by 4.8.0-4.9.7) is gone from 4.9.8: not supported
    api = plain.default_mq_producer_impl.mq_client_factory.mq_client_api_impl
    response = api.invoke_broker(cluster.broker.addr, 54, None, None, 3000, ok_codes=(3,))
    assert response.remark == " request type 54 not supported"
