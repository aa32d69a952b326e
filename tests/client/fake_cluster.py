"""In-process stand-ins for a name server and brokers, built on the real ``NettyRemotingServer``.

They answer only what the producer tests need (routes, sends, heartbeats) and can misbehave on
purpose -- answer an error code, never answer, or go away -- which a real broker cannot be asked to
do.  End-to-end behaviour against real ``mqnamesrv``/``mqbroker`` processes is in tests/e2e.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.route import BrokerData, QueueData, TopicRouteData
from rocketmq_ref.remoting.netty.configs import NettyServerConfig
from rocketmq_ref.remoting.netty.remoting_server import NettyRemotingServer
from rocketmq_ref.remoting.protocol import RemotingCommand

V2_NAMES = {"a": "producerGroup", "b": "topic", "c": "defaultTopic", "d": "defaultTopicQueueNums",
            "e": "queueId", "f": "sysFlag", "g": "bornTimestamp", "h": "flag", "i": "properties",
            "j": "reconsumeTimes", "k": "unitMode", "l": "maxReconsumeTimes", "m": "batch",
            "n": "bname"}


@dataclass
class Received:
    code: int
    fields: dict[str, str]
    body: bytes


@dataclass
class FakeBroker:
    name: str
    server: NettyRemotingServer
    received: list[Received] = field(default_factory=list)
    heartbeats: list[bytes] = field(default_factory=list)
    answer_code: int = 0
    answer_remark: str | None = None
    silent: bool = False
    offsets: dict[int, int] = field(default_factory=dict)
    arrived: threading.Event = field(default_factory=threading.Event)

    @property
    def addr(self) -> str:
        return f"127.0.0.1:{self.server.local_listen_port()}"

    def sends(self) -> list[Received]:
        return [r for r in self.received if r.code in (RequestCode.SEND_MESSAGE_V2,
                                                       RequestCode.SEND_BATCH_MESSAGE)]


class _BrokerProcessor:
    def __init__(self, broker: FakeBroker) -> None:
        self.broker = broker
        self.lock = threading.Lock()

    def reject_request(self) -> bool:
        return False

    def process_request(self, ctx: Any, request: RemotingCommand) -> RemotingCommand | None:
        b = self.broker
        fields = dict(request.ext_fields or {})
        if request.code == RequestCode.HEART_BEAT:
            b.heartbeats.append(bytes(request.body or b""))
            return RemotingCommand.create_response_command(0, None)
        if request.code == RequestCode.UNREGISTER_CLIENT:
            return RemotingCommand.create_response_command(0, None)
        named = {V2_NAMES.get(k, k): v for k, v in fields.items()}
        b.received.append(Received(request.code, named, bytes(request.body or b"")))
        b.arrived.set()
        if b.silent or request.is_oneway_rpc():
            return None
        if b.answer_code != 0:
            return RemotingCommand.create_response_command(b.answer_code, b.answer_remark)
        with self.lock:
            qid = int(named.get("queueId", "0"))
            offset = b.offsets.get(qid, 0)
            count = 1
            b.offsets[qid] = offset + count
        response = RemotingCommand.create_response_command(0, None)
        response.ext_fields = {"msgId": "7F00000100002A9F%016X" % len(b.received),
                               "queueId": str(qid), "queueOffset": str(offset),
                               "MSG_REGION": "DefaultRegion", "TRACE_ON": "true"}
        return response


class FakeCluster:
    """One name server and ``brokers`` brokers with 4 queues each for every topic (and TBW102)."""

    def __init__(self, brokers: int = 2, queues: int = 4, known_topics: tuple[str, ...] = ()) -> None:
        self.queues = queues
        self.known_topics = set(known_topics)
        self.brokers: list[FakeBroker] = []
        for i in range(brokers):
            server = NettyRemotingServer(NettyServerConfig(listen_port=0, bind_address="127.0.0.1"),
                                         name=f"FakeBroker{i}")
            broker = FakeBroker(f"broker-{chr(ord('a') + i)}", server)
            server.register_default_processor(_BrokerProcessor(broker))
            self.brokers.append(broker)
        self.namesrv = NettyRemotingServer(NettyServerConfig(listen_port=0, bind_address="127.0.0.1"),
                                           name="FakeNamesrv")
        self.namesrv.register_default_processor(self)
        self.route_requests: list[str] = []

    def start(self) -> "FakeCluster":
        for b in self.brokers:
            b.server.start()
        self.namesrv.start()
        return self

    def stop(self) -> None:
        self.namesrv.shutdown()
        for b in self.brokers:
            b.server.shutdown()

    @property
    def namesrv_addr(self) -> str:
        return f"127.0.0.1:{self.namesrv.local_listen_port()}"

    def reject_request(self) -> bool:
        return False

    def route(self) -> TopicRouteData:
        return TopicRouteData(
            queue_datas=[QueueData(b.name, self.queues, self.queues, 6) for b in self.brokers],
            broker_datas=[BrokerData("c1", b.name, {0: b.addr}) for b in self.brokers])

    def process_request(self, ctx: Any, request: RemotingCommand) -> RemotingCommand:
        if request.code != RequestCode.GET_ROUTEINFO_BY_TOPIC:
            return RemotingCommand.create_response_command(3, "not supported here")
        topic = (request.ext_fields or {}).get("topic", "")
        self.route_requests.append(topic)
        if topic != "TBW102" and topic not in self.known_topics:
            return RemotingCommand.create_response_command(
                17, f"No topic route info in name server for the topic: {topic}")
        response = RemotingCommand.create_response_command(0, None)
        response.body = self.route().encode(fastjson=False)
        return response
