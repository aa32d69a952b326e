"""TLS end to end: real ``mqnamesrv`` and ``mqbroker`` in ENFORCING mode (``tls.*`` settings in
their environment, a throwaway certificate), the broker registering over TLS, and a producer and
a push consumer with ``use_tls`` sending and consuming; a plain client is turned away."""
from __future__ import annotations

import threading

import pytest

from rocketmq_ref.client.consumer import ConsumeConcurrentlyStatus, ConsumeFromWhere, DefaultMQPushConsumer
from rocketmq_ref.client.producer import DefaultMQProducer, SendStatus
from rocketmq_ref.common.message import Message
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.remoting.exception import RemotingException
from rocketmq_ref.remoting.netty.configs import NettyClientConfig
from rocketmq_ref.remoting.netty.remoting_client import NettyRemotingClient
from rocketmq_ref.remoting.protocol import RemotingCommand
from tests.broker.support import NAMESRV_MODULE, Node, broker_props, start_broker, write_properties
from tests.remoting.test_tls import make_cert
from tests.support.processes import free_port, process_factory  # noqa: F401  (fixture import)
from tests.support.wait import wait_until

pytestmark = pytest.mark.e2e

FAST = {"poll_name_server_interval": 500, "heartbeat_broker_interval": 1000,
        "persist_consumer_offset_interval": 1000}


def test_enforcing_cluster_serves_tls_clients_and_refuses_plain_ones(process_factory, tmp_path):
    cert, key = make_cert(tmp_path)
    env = {"tls.server.mode": "enforcing", "tls.test.mode.enable": "false",
           "tls.server.certPath": cert, "tls.server.keyPath": key,
           "tls.config.file": str(tmp_path / "no-tls.properties")}
    port = free_port()
    conf = write_properties(tmp_path / "namesrv.properties",
                            {"listenPort": port, "kvConfigPath": tmp_path / "ns" / "kvConfig.json"})
    ns = process_factory.start(NAMESRV_MODULE, ["-c", str(conf)], name="namesrv", env=env,
                               ready_line="The Name Server boot success", ready_port=port)
    namesrv = Node(ns, f"127.0.0.1:{port}", conf)
    broker = start_broker(process_factory, tmp_path, broker_props(tmp_path, namesrv.addr), env=env)

    clients = []
    try:
        producer = DefaultMQProducer("tls_pg")
        consumer = DefaultMQPushConsumer("tls_cg")
        for c in (producer, consumer):
            c.set_namesrv_addr(namesrv.addr)
            c.use_tls = True
            for k, v in FAST.items():
                setattr(c, k, v)
        producer.start()
        clients.append(producer)
        # the broker registered over TLS: its route is served, and the send goes over TLS too
        result = wait_until(lambda: _send(producer), timeout=15)
        assert result.send_status is SendStatus.SEND_OK

        got = threading.Event()

        def listener(msgs, context):
            if any(m.body == b"secret body" for m in msgs):
                got.set()
            return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

        consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
        consumer.subscribe("TlsTopic", "*")
        consumer.register_message_listener(listener)
        consumer.start()
        clients.append(consumer)
        consumer.default_mq_push_consumer_impl.mq_client_factory.rebalance_service.wait_interval = 1000
        assert got.wait(15)

        plain = NettyRemotingClient(NettyClientConfig(connect_timeout_millis=2000))
        plain.start()
        clients.append(plain)
        for node in (namesrv, broker):
            with pytest.raises(RemotingException):
                plain.invoke_sync(node.addr, RemotingCommand(RequestCode.GET_BROKER_CLUSTER_INFO), 3000)
            assert wait_until(lambda n=node: "insecure connection" in n.proc.log_text(), timeout=5)
    finally:
        for c in reversed(clients):
            c.shutdown()


def _send(producer):
    try:
        return producer.send(Message("TlsTopic", b"secret body"))
    except Exception:  # noqa: BLE001 - the route may not be there yet
        return None
