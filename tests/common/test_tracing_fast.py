"""The fast span path: the helper's checked attributes, tracing_setup's tracer and the JSON-lines
encoder must give the spans (and the file) the SDK's own path gives."""
from __future__ import annotations

import json

import pytest
from opentelemetry import context as otel_context
from opentelemetry.sdk.trace import SpanLimits
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from rocketmq_ref.common.otlp_json import (JsonLinesSpanExporter, TracesDataEncoder,
                                           encode_traces_data, read_spans)
from rocketmq_ref.common.tracing import (ATTR_BOOK, ATTR_JAVA, CheckedAttributes, SpanKind, extract,
                                         inject, link_from, messaging_span, record_error, span,
                                         start_span, traced)
from rocketmq_ref.common.tracing_setup import ConfiguredProvider


@traced("org.apache.rocketmq.store.CommitLog#putMessage", books=("B4.3", "B4.8"))
def put_message(topic):
    with span("CommitLog.append", java="org.apache.rocketmq.store.MappedFile#appendMessage",
              books=("B4.3",), attributes={"rocketmq_ref.store.queue_id": 3}) as s:
        s.set_attributes({"messaging.destination.name": topic, "rocketmq_ref.store.size": 1229})
        s.add_event("dispatch", {"rocketmq_ref.store.queue_offset": 7, "ok": True})
    return topic


def _mixed_spans(spans):
    """Spans of every shape: decorated, block, messaging with inject/extract/links, errors, events,
    values the SDK must clean (lists, None), a fixed attribute overwritten, unicode."""
    props: dict[str, str] = {}
    with messaging_span("send", "TopicTest", SpanKind.PRODUCER, java="x.Producer#send",
                        books=("B3.4.4",), attributes={"messaging.rocketmq.message.tag": "TagA"}):
        inject(props)
        put_message("TopicTest")
    with span("SEND_MESSAGE_V2", kind=SpanKind.SERVER, context=extract(props)) as s:
        s.set_attribute("code.line.number", 1)  # overwrites a fixed attribute of the site
        s.set_attributes({"ratio": 0.5, "list": [1, 2], "naïve \"key\"": "värde\n"})
        record_error(s, "NO_PERMISSION ✓")
    with messaging_span("process", "TopicTest", SpanKind.CONSUMER, links=link_from(props),
                        attributes={"none": None}):
        pass
    with pytest.raises(ValueError):
        with span("Failing.op"):
            raise ValueError("bad")
    held = start_span("PullRequestHoldService.hold", java="a.B#c", books=("B5.4.3",))
    held.end()
    return spans.get_finished_spans()


def test_exported_line_is_what_the_generic_encoder_gives(spans):
    finished = _mixed_spans(spans)
    assert len(finished) == 7
    line = TracesDataEncoder().encode(finished)
    assert "\n" not in line
    assert json.loads(line) == json.loads(json.dumps(encode_traces_data(finished)))


def test_spans_keep_code_location_java_books_and_the_trace_context(spans):
    by_name = {s.name: s for s in _mixed_spans(spans)}
    send, put, append = by_name["send TopicTest"], by_name["put_message"], by_name["CommitLog.append"]
    server, process = by_name["SEND_MESSAGE_V2"], by_name["process TopicTest"]
    assert put.parent.span_id == send.context.span_id
    assert append.parent.span_id == put.context.span_id
    assert server.context.trace_id == send.context.trace_id
    assert server.parent.span_id == send.context.span_id and server.parent.is_remote
    assert [link.context.span_id for link in process.links] == [send.context.span_id]
    a = append.attributes
    assert a[ATTR_JAVA] == "org.apache.rocketmq.store.MappedFile#appendMessage"
    assert a[ATTR_BOOK] == ("B4.3",)
    assert a["code.file.path"] == "tests/common/test_tracing_fast.py"
    assert a["code.function.name"] == f"{__name__}.put_message"
    assert a["rocketmq_ref.store.queue_id"] == 3 and a["messaging.destination.name"] == "TopicTest"
    assert [(e.name, dict(e.attributes)) for e in append.events] == [
        ("dispatch", {"rocketmq_ref.store.queue_offset": 7, "ok": True})]
    assert put.attributes[ATTR_BOOK] == ("B4.3", "B4.8")
    assert send.attributes["messaging.operation.type"] == "send"
    assert send.attributes["messaging.rocketmq.message.tag"] == "TagA"
    # what the SDK cleans is cleaned as before
    assert server.attributes["list"] == (1, 2) and server.attributes["code.line.number"] == 1
    assert server.status.description == "NO_PERMISSION ✓"
    assert by_name["Failing.op"].events[0].name == "exception"


def test_a_remote_parent_that_is_not_sampled_is_not_recorded(spans):
    carrier = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"}
    with span("SEND_MESSAGE_V2", kind=SpanKind.SERVER, context=extract(carrier)) as s:
        assert not s.is_recording()
        assert format(s.get_span_context().trace_id, "032x") == "0af7651916cd43dd8448eb211c80319c"
    assert spans.get_finished_spans() == ()


def test_the_json_lines_file_carries_every_attribute(spans, tmp_path):
    finished = _mixed_spans(spans)
    path = tmp_path / "t.jsonl"
    exporter = JsonLinesSpanExporter(path)
    exporter.export(finished[:3])
    exporter.export(finished[3:])
    exporter.shutdown()
    read = {s["name"]: s for s in read_spans(path)}
    assert set(read) == {s.name for s in finished}
    append = read["CommitLog.append"]
    assert append["attrs"]["code.file.path"] == "tests/common/test_tracing_fast.py"
    assert append["attrs"][ATTR_BOOK] == ["B4.3"] and append["attrs"]["rocketmq_ref.store.size"] == 1229
    assert append["parentSpanId"] == read["put_message"]["spanId"]
    assert read["SEND_MESSAGE_V2"]["attrs"]["code.line.number"] == 1
    assert read["SEND_MESSAGE_V2"]["attrs"]["naïve \"key\""] == "värde\n"


def test_attribute_limits_set_on_the_provider_still_apply():
    memory = InMemorySpanExporter()
    provider = ConfiguredProvider(span_limits=SpanLimits(max_span_attribute_length=4,
                                                         max_events=2))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("t")
    attrs = CheckedAttributes({"k": "abcdefgh"})
    attrs.static = attrs
    s = tracer.start_span("x", attributes=attrs)
    for i in range(5):
        s.add_event("e", {"i": i})
    s.end()
    (f,) = memory.get_finished_spans()
    assert f.attributes["k"] == "abcd"
    assert [e.attributes["i"] for e in f.events] == [3, 4] and f.dropped_events == 3
    provider.shutdown()


def test_events_beyond_the_limit_are_counted_as_dropped(spans):
    with span("ReputMessageService.do_reput") as s:
        for i in range(200):
            s.add_event("dispatch", {"rocketmq_ref.store.queue_offset": i})
    (f,) = spans.get_finished_spans()
    assert len(f.events) == 128 and f.dropped_events == 72
    assert f.events[-1].attributes["rocketmq_ref.store.queue_offset"] == 199


def test_a_span_ended_twice_or_changed_after_end_keeps_its_first_end(spans):
    with span("X.y") as s:
        pass
    end = s.end_time
    s.end()
    s.set_attribute("late", 1)
    s.add_event("late")
    (f,) = spans.get_finished_spans()
    assert f.end_time == end and "late" not in f.attributes and not f.events


def test_current_context_is_restored_after_traced_calls_and_errors(spans):
    before = otel_context.get_current()
    put_message("T")
    with pytest.raises(ZeroDivisionError):
        traced("a.B#c")(lambda: 1 / 0)()
    assert otel_context.get_current() == before
    failed = [s for s in spans.get_finished_spans() if s.status.status_code.name == "ERROR"]
    assert len(failed) == 1 and "ZeroDivisionError" in failed[0].status.description


def test_an_int_enum_value_keeps_the_fixed_attributes_encoded_once(spans):
    from rocketmq_ref.common.protocol.response_code import ResponseCode

    with span("SEND_MESSAGE_V2", kind=SpanKind.SERVER) as s:
        s.set_attribute("rocketmq.remoting.response_code", ResponseCode.SYSTEM_ERROR)
    (f,) = spans.get_finished_spans()
    assert f.attributes["rocketmq.remoting.response_code"] == 1
    assert getattr(f, "_static", None) is not None  # the exporter may reuse the site's encoding
    assert json.loads(TracesDataEncoder().encode([f])) == json.loads(json.dumps(encode_traces_data([f])))


def test_values_the_sdk_must_check_are_kept_as_the_sdk_keeps_them(spans):
    class Code(int):
        pass

    with span("X.y", attributes={"k": "v"}) as s:
        s.set_attributes({"code": Code(7), "n": None, "plain": 1})
        s.set_attribute("rocketmq_ref.java.method", "changed")
    (f,) = spans.get_finished_spans()
    assert f.attributes["code"] == 7 and f.attributes["plain"] == 1 and f.attributes["n"] is None
    assert f.attributes["rocketmq_ref.java.method"] == "changed"
    assert json.loads(TracesDataEncoder().encode([f])) == json.loads(json.dumps(encode_traces_data([f])))


def test_a_burst_of_spans_is_written_whole_to_the_json_lines_file(tmp_path, monkeypatch):
    """While the exporter is busy writing a batch, spans keep coming: the queue holds them (the
    SDK's default queue of 2048 would drop the rest)."""
    import threading

    from rocketmq_ref.common.tracing_setup import configure_tracing

    release = threading.Event()
    write = JsonLinesSpanExporter.export

    def slow_export(self, batch):
        release.wait(30)  # a slow disk
        return write(self, batch)

    monkeypatch.setattr(JsonLinesSpanExporter, "export", slow_export)
    path = tmp_path / "burst.jsonl"
    provider = configure_tracing("burst", jsonl_path=str(path), set_global=False)
    tracer = provider.get_tracer("rocketmq_ref")
    for i in range(5000):
        tracer.start_span("CommitLog.put_message", attributes={"i": i}).end()
    release.set()
    provider.shutdown()
    read = read_spans(path)
    assert len(read) == 5000 and {s["attrs"]["i"] for s in read} == set(range(5000))
