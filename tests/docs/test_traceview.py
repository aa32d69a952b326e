"""Trace viewer server, Chrome trace-event conversion and Java twin links."""
from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from rocketmq_ref.common.otlp_json import JsonLinesSpanExporter, read_spans
from rocketmq_ref.common.tracing import Link, SpanKind, span
from rocketmq_ref.tools import trace_convert
from rocketmq_ref.tools.traceview import (java_source_url, make_server, serve_in_thread,
                                          trace_script)


@pytest.fixture
def linked_trace(spans, tmp_path) -> Path:
    """A producer span and a consumer span linked to it, written as OTLP JSON lines."""
    with span("send TopicTest", kind=SpanKind.PRODUCER, books=("B3.4",)) as producer:
        with span("SendMessageProcessor.process", kind=SpanKind.SERVER):
            pass
    with span("process TopicTest", kind=SpanKind.CONSUMER,
              links=[Link(producer.get_span_context())]) as consumer:
        consumer.add_event("consumed", {"msg.count": 1})
    path = tmp_path / "linked.jsonl"
    exporter = JsonLinesSpanExporter(path)
    exporter.export(spans.get_finished_spans())
    exporter.shutdown()
    return path


def test_java_twin_links_point_at_the_module_file_of_the_outer_class():
    assert java_source_url("org.apache.rocketmq.store.CommitLog$GroupCommitService#doCommit") == (
        "https://github.com/apache/rocketmq/blob/rocketmq-all-4.9.8/store/src/main/java/"
        "org/apache/rocketmq/store/CommitLog.java")
    assert "/namesrv/src/main/java/org/apache/rocketmq/namesrv/routeinfo/RouteInfoManager.java" \
        in java_source_url("org.apache.rocketmq.namesrv.routeinfo.RouteInfoManager#registerBroker")


def test_chrome_trace_has_one_complete_event_per_span_and_a_flow_per_link(linked_trace, tmp_path):
    out = tmp_path / "chrome.json"
    assert trace_convert.main([str(linked_trace), "-o", str(out)]) == 0
    events = json.loads(out.read_text())["traceEvents"]
    complete = [e for e in events if e["ph"] == "X"]
    assert sorted(e["name"] for e in complete) == sorted(
        ["send TopicTest", "SendMessageProcessor.process", "process TopicTest"])
    assert all(e["dur"] >= 0 and e["args"]["code.file.path"] for e in complete)
    start, finish = ([e for e in events if e["ph"] == ph] for ph in ("s", "f"))
    assert len(start) == len(finish) == 1 and start[0]["id"] == finish[0]["id"]
    assert [e["args"]["name"] for e in events if e["name"] == "process_name"] == ["tests"]
    assert any(e["ph"] == "i" and e["name"] == "consumed" for e in events)


def test_converter_rejects_a_file_that_is_not_json_lines(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    assert trace_convert.main([str(bad)]) == 2
    assert "not a JSON line" in capsys.readouterr().err


def get(url: str) -> tuple[int, str, str]:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read().decode("utf-8")


def test_server_serves_viewer_recording_and_numbered_source(linked_trace, tmp_path):
    server = make_server(linked_trace, 0, docs_dir=tmp_path / "no-docs")
    serve_in_thread(server)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        status, kind, body = get(base + "/")  # redirected to the viewer page
        assert status == 200 and "text/html" in kind and "traceview.js" in body
        _, kind, script = get(base + "/_static/traces/linked.js")
        assert "javascript" in kind
        assert script == trace_script("linked", linked_trace.read_text())
        _, _, source = get(base + "/_modules/rocketmq_ref/common/tracing.html")
        assert 'id="L1"' in source and "def span(" in source
        with pytest.raises(urllib.error.HTTPError) as e:
            get(base + "/_modules/rocketmq_ref/../../etc/passwd.html")
        assert e.value.code == 404
    finally:
        server.shutdown()
        server.server_close()


def test_trace_script_round_trips_the_spans(linked_trace):
    script = trace_script("x", linked_trace.read_text())
    payload = json.loads(script.split(" = ", 2)[-1].rstrip(";\n"))
    names = sorted(s["name"] for line in payload for rs in line["resourceSpans"]
                   for ss in rs["scopeSpans"] for s in ss["spans"])
    assert names == sorted(s["name"] for s in read_spans(linked_trace))


def test_traceview_cli_refuses_a_missing_file(tmp_path, capsys):
    from rocketmq_ref.tools.traceview import main
    assert main([str(tmp_path / "nope.jsonl"), "--port", "0"]) == 2
    assert "no trace file" in capsys.readouterr().err
