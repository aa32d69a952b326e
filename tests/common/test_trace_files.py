"""The traces/ file format (OTLP JSON lines) and the SDK set-up entry points use."""
from __future__ import annotations

import io
import json
import subprocess
import sys

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.trace import Link, SpanKind

from rocketmq_ref.common.otlp_json import JsonLinesSpanExporter, encode_traces_data, read_spans
from rocketmq_ref.common.tracing_setup import ConsoleTreeExporter, format_tree


def _spans():
    provider = TracerProvider(resource=Resource({"service.name": "broker"}))
    memory = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("SEND_MESSAGE_V2", kind=SpanKind.SERVER) as server:
        with tracer.start_as_current_span("CommitLog.put_message",
                                          attributes={"code.line.number": 42,
                                                      "rocketmq_ref.book.sections": ("B4.3",)}) as put:
            put.add_event("appended", {"bytes": 1024})
    with tracer.start_as_current_span("process T", kind=SpanKind.CONSUMER,
                                      links=[Link(server.get_span_context())]):
        pass
    return memory.get_finished_spans()


def test_traces_data_has_hex_ids_kinds_parents_events_and_links():
    data = encode_traces_data(_spans())
    (rs,) = data["resourceSpans"]
    assert {"key": "service.name", "value": {"stringValue": "broker"}} in rs["resource"]["attributes"]
    spans = {s["name"]: s for s in rs["scopeSpans"][0]["spans"]}
    server, put, process = spans["SEND_MESSAGE_V2"], spans["CommitLog.put_message"], spans["process T"]
    assert len(server["traceId"]) == 32 and len(server["spanId"]) == 16
    assert server["kind"] == 2 and process["kind"] == 5 and put["kind"] == 1
    assert put["parentSpanId"] == server["spanId"] and "parentSpanId" not in server
    assert put["events"][0]["name"] == "appended"
    assert {"key": "code.line.number", "value": {"intValue": "42"}} in put["attributes"]
    assert process["links"][0]["spanId"] == server["spanId"]
    json.dumps(data)  # plain JSON all the way down


def test_jsonl_file_round_trips_to_flat_spans(tmp_path):
    path = tmp_path / "t.jsonl"
    exporter = JsonLinesSpanExporter(path)
    exporter.export(_spans())
    exporter.export(_spans())
    exporter.shutdown()
    assert len(path.read_text().splitlines()) == 2
    spans = read_spans(path)
    assert len(spans) == 6
    put = next(s for s in spans if s["name"] == "CommitLog.put_message")
    assert put["service"] == "broker"
    assert put["attrs"]["rocketmq_ref.book.sections"] == ["B4.3"]
    assert put["attrs"]["code.line.number"] == 42


def test_reading_a_corrupt_trace_file_names_the_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"resourceSpans": []}\n{not json\n')
    try:
        read_spans(path)
    except ValueError as e:
        assert ":2:" in str(e)
    else:
        raise AssertionError("a corrupt line must be reported")


def test_processes_appending_to_one_file_keep_whole_lines(tmp_path):
    path = tmp_path / "shared.jsonl"
    child = (
        "import sys\n"
        "from rocketmq_ref.common.tracing_setup import configure_tracing, shutdown_tracing\n"
        "from rocketmq_ref.common.tracing import span\n"
        "configure_tracing(sys.argv[1], jsonl_path=sys.argv[2], batch=False)\n"
        "for i in range(200):\n"
        "    with span('work', attributes={'i': i, 'pad': 'x' * 2000}):\n"
        "        pass\n"
        "shutdown_tracing()\n")
    procs = [subprocess.Popen([sys.executable, "-c", child, f"svc{i}", str(path)]) for i in range(3)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    spans = read_spans(path)
    assert len(spans) == 600
    assert {s["service"] for s in spans} == {"svc0", "svc1", "svc2"}


def test_console_tree_indents_children_under_parents():
    out = io.StringIO()
    exporter = ConsoleTreeExporter(out)
    exporter.export(_spans())
    exporter.shutdown()
    lines = out.getvalue().splitlines()
    server = next(i for i, l in enumerate(lines) if l.startswith("SEND_MESSAGE_V2"))
    assert lines[server + 1].startswith("  CommitLog.put_message [INTERNAL broker]")
    assert "B4.3" in lines[server + 1]
    assert format_tree(_spans()).count("\n") == 3
