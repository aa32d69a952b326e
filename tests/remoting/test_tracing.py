"""Every outbound request is a CLIENT span and every inbound one a SERVER span, named by the
request code, joined into one trace through the ext fields."""
from __future__ import annotations

import asyncio
import threading
import time

from opentelemetry.trace import SpanKind

from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.tracing import span
from rocketmq_ref.remoting.protocol import RemotingCommand
from tests.remoting.conftest import Echo


def _wait_spans(spans, n, timeout=5.0):
    deadline = time.monotonic() + timeout
    while len(spans.get_finished_spans()) < n and time.monotonic() < deadline:
        time.sleep(0.01)
    return list(spans.get_finished_spans())


def test_sync_request_makes_client_and_server_spans_in_one_trace(server, client, addr, spans):
    server.register_processor(RequestCode.SEND_MESSAGE_V2, Echo())
    client.invoke_sync(addr, RemotingCommand(RequestCode.SEND_MESSAGE_V2), 3000)  # connect first
    spans.clear()
    with span("test.caller") as parent:
        req = RemotingCommand(RequestCode.SEND_MESSAGE_V2, body=b"m")
        client.invoke_sync(addr, req, 3000)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        finished = [s for s in spans.get_finished_spans() if s.name == "SEND_MESSAGE_V2"
                    and s.attributes.get("rocketmq.remoting.opaque") == req.opaque]
        if len(finished) == 2:
            break
        time.sleep(0.01)
    by_kind = {s.kind: s for s in finished}
    c, s = by_kind[SpanKind.CLIENT], by_kind[SpanKind.SERVER]
    assert c.parent.span_id == parent.get_span_context().span_id
    assert s.context.trace_id == c.context.trace_id == parent.get_span_context().trace_id
    assert s.parent.span_id == c.context.span_id
    for sp in (c, s):
        assert sp.attributes["rocketmq.remoting.code"] == 310
        assert sp.attributes["rocketmq.remoting.opaque"] == req.opaque
        assert sp.attributes["rocketmq.remoting.response_code"] == 0
        assert sp.attributes["rocketmq_ref.java.method"].startswith(
            "org.apache.rocketmq.remoting.netty.NettyRemotingAbstract#")
    assert c.attributes["network.peer.address"] == addr
    assert s.attributes["network.peer.address"] == client.channel_tables[addr].local_addr
    assert s.attributes["code.file.path"].endswith("remoting_abstract.py")


def test_async_oneway_and_awaitable_requests_are_traced_too(server, client, addr, spans):
    seen = threading.Event()

    class OnewaySink:
        def process_request(self, ctx, request):
            seen.set()

    server.register_processor(RequestCode.HEART_BEAT, Echo())
    server.register_processor(RequestCode.UPDATE_CONSUMER_OFFSET, OnewaySink())
    client.invoke_sync(addr, RemotingCommand(RequestCode.HEART_BEAT), 3000)
    spans.clear()
    done = threading.Event()
    with span("test.async") as p1:
        client.invoke_async(addr, RemotingCommand(RequestCode.HEART_BEAT), 3000, lambda rf: done.set())
    assert done.wait(5)
    with span("test.oneway") as p2:
        client.invoke_oneway(addr, RemotingCommand(RequestCode.UPDATE_CONSUMER_OFFSET), 3000)
    assert seen.wait(5)

    async def awaited():
        with span("test.await") as p3:
            await client.invoke(addr, RemotingCommand(RequestCode.HEART_BEAT), 3000)
        return p3

    p3 = asyncio.run(awaited())
    finished = _wait_spans(spans, 9)
    for parent, name in ((p1, "HEART_BEAT"), (p2, "UPDATE_CONSUMER_OFFSET"), (p3, "HEART_BEAT")):
        trace_id = parent.get_span_context().trace_id
        mine = [s for s in finished if s.context.trace_id == trace_id and s.name == name]
        kinds = sorted(s.kind.name for s in mine)
        assert kinds == ["CLIENT", "SERVER"], (name, kinds)
    oneway_client = next(s for s in finished if s.name == "UPDATE_CONSUMER_OFFSET"
                         and s.kind is SpanKind.CLIENT)
    assert oneway_client.attributes["rocketmq.remoting.oneway"] is True


def test_error_responses_mark_the_spans_failed(client, addr, spans):
    client.invoke_sync(addr, RemotingCommand(31337), 3000)
    finished = _wait_spans(spans, 2)
    named = [s for s in finished if s.name == "CODE_31337"]
    assert len(named) == 2
    assert all(not s.status.is_ok for s in named)
    assert all(s.attributes["rocketmq.remoting.response_code"] == 3 for s in named)
