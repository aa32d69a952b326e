"""The spans a reader follows through the broker (issue 6 "Tracing"): registration CLIENT span into
the name server's SERVER span; send SERVER span -> SendMessageProcessor -> CommitLog.put_message;
pull suspend and wake-up events with the wait time; send-back to retry and DLQ; heartbeat; offset
update. An in-process name server and broker on 127.0.0.1 free ports, driven with raw frames."""
from __future__ import annotations

import json
import threading
import time

import pytest

from tests.support import wire
from tests.support.inproc import inproc_broker


@pytest.fixture(scope="module")
def inproc_cluster(tmp_path_factory):
    with inproc_broker(tmp_path_factory.mktemp("trace-cluster"), "broker-t",
                       message_delay_level=" ".join(["1s"] * 18)) as pair:
        yield pair


def by_name(spans, name):
    return [s for s in spans if s.name == name]


def wait_spans(exporter, predicate, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [s for s in exporter.get_finished_spans() if predicate(s)]
        if found:
            return found
        time.sleep(0.05)
    return []


def test_registration_client_span_is_the_parent_of_the_name_server_server_span(inproc_cluster, spans):
    from opentelemetry import trace

    namesrv, broker = inproc_cluster
    # the broker's own start-up and periodic registrations run beside this one: follow ours only
    with trace.get_tracer("tests").start_as_current_span("test registration") as root:
        broker.do_register_broker_all_now(True, False, True)
    trace_id = root.get_span_context().trace_id

    def ours(name, kind=None):
        return [s for s in spans.get_finished_spans() if s.name == name
                and s.context.trace_id == trace_id and (kind is None or s.kind.name == kind)]

    server = wait_spans(spans, lambda s: s.name == "REGISTER_BROKER" and s.kind.name == "SERVER"
                        and s.context.trace_id == trace_id)
    client = ours("REGISTER_BROKER", "CLIENT")
    assert len(server) == 1 and len(client) == 1, (server, client)
    assert server[0].parent.span_id == client[0].context.span_id
    outer = ours("BrokerOuterAPI.register_broker_all")
    assert len(outer) == 1 and outer[0].parent.span_id == root.get_span_context().span_id
    assert client[0].parent.span_id == outer[0].context.span_id
    assert outer[0].attributes["rocketmq_ref.java.method"].endswith("BrokerOuterAPI#registerBrokerAll")


def test_send_span_chain_reaches_the_commit_log(inproc_cluster, spans):
    namesrv, broker = inproc_cluster
    addr = broker.get_broker_addr()
    assert wire.create_topic(addr, "TraceTopic", 1)["code"] == 0
    spans.clear()
    with wire.WireConnection(addr) as c:
        assert wire.send_v2(c, "TraceTopic", b"traced")[0]["code"] == 0
    server = wait_spans(spans, lambda s: s.name == "SEND_MESSAGE_V2")[0]
    finished = spans.get_finished_spans()
    processor = [s for s in by_name(finished, "SendMessageProcessor.async_send_message")
                 if s.parent.span_id == server.context.span_id]
    assert processor, [s.name for s in finished]
    assert "B3.4.4" in processor[0].attributes["rocketmq_ref.book.sections"]
    put = [s for s in finished if s.name.startswith("CommitLog.")
           and s.context.trace_id == server.context.trace_id]
    assert put, "the store append is part of the send trace"


def test_pull_suspend_and_wake_up_are_events_with_the_wait_time(inproc_cluster, spans):
    namesrv, broker = inproc_cluster
    addr = broker.get_broker_addr()
    assert wire.create_topic(addr, "TracePull", 1)["code"] == 0
    spans.clear()
    result = {}

    def held():
        with wire.WireConnection(addr) as c:
            result["r"] = wire.pull(c, "trace_cg", "TracePull", 0, 0, suspend_ms=10000)

    t = threading.Thread(target=held)
    t.start()
    # send only once the pull is held, or it would find the message without suspending
    deadline = time.monotonic() + 10
    while broker.pull_request_hold_service.held_count() == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert broker.pull_request_hold_service.held_count() == 1
    time.sleep(0.3)  # the wait time the wake-up event reports
    with wire.WireConnection(addr) as c:
        assert wire.send_v2(c, "TracePull", b"x")[0]["code"] == 0
    t.join(10)
    assert result["r"][0]["code"] == 0
    server = wait_spans(spans, lambda s: s.name == "PULL_MESSAGE")[0]
    finished = spans.get_finished_spans()
    in_trace = [s for s in finished if s.context.trace_id == server.context.trace_id]
    suspend = [e for s in in_trace for e in s.events if e.name == "pull.suspend"]
    wake = [e for s in in_trace for e in s.events if e.name == "pull.wakeup"]
    assert suspend and suspend[0].attributes["rocketmq.pull.suspend_timeout_ms"] == 10000
    assert wake and wake[0].attributes["reason"] == "message arrived"
    assert wake[0].attributes["rocketmq.pull.wait_ms"] >= 300


def test_heartbeat_offset_update_and_send_back_have_their_spans(inproc_cluster, spans):
    namesrv, broker = inproc_cluster
    addr = broker.get_broker_addr()
    assert wire.create_topic(addr, "TraceBack", 1)["code"] == 0
    spans.clear()
    with wire.WireConnection(addr) as c:
        assert c.request(wire.HEART_BEAT, None, wire.heartbeat_body("cid", ["trace_back_cg"], [], ["TraceBack"]))[0][
            "code"] == 0
        c.request(wire.UPDATE_CONSUMER_OFFSET, {"consumerGroup": "trace_back_cg", "topic": "TraceBack",
                                                "queueId": 0, "commitOffset": 1})
        assert wire.send_v2(c, "TraceBack", b"fail me")[0]["code"] == 0
        msg = wire.decode_messages(wire.pull_found(c, "trace_back_cg", "TraceBack", 0, 0)[1])[0]
        h, _ = c.request(wire.CONSUMER_SEND_MSG_BACK, {"offset": msg["phys_offset"], "group": "trace_back_cg",
                                                       "delayLevel": -1})
        assert h["code"] == 0
    wait_spans(spans, lambda s: s.name == "SendMessageProcessor.handle_retry_and_dlq")
    finished = spans.get_finished_spans()
    assert by_name(finished, "ClientManageProcessor.heart_beat")[0].attributes["rocketmq.client_id"] == "cid"
    upd = by_name(finished, "ConsumerManageProcessor.update_consumer_offset")[0]
    assert upd.attributes["rocketmq.commit_offset"] == 1
    back = by_name(finished, "SendMessageProcessor.handle_retry_and_dlq")[0]
    assert back.attributes["rocketmq.dlq"] is True
    assert back.attributes["messaging.destination.name"] == "%DLQ%trace_back_cg"
    assert json.loads(json.dumps(dict(back.attributes)))  # plain attribute values


def test_need_register_asks_the_name_servers_for_their_data_version(inproc_cluster):
    namesrv, broker = inproc_cluster
    c = broker.broker_config
    broker.do_register_broker_all_now(True, False, True)

    def need() -> bool:
        return broker.broker_outer_api.need_register(c.broker_cluster_name, broker.get_broker_addr(), c.broker_name,
                                                     c.broker_id, broker._build_wrapper(), 3000)
    assert need() is False
    broker.topic_config_manager.data_version.next_version()
    assert need() is True
    broker.do_register_broker_all_now(True, False, False)
    assert need() is False
