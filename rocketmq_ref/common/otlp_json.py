"""OTLP JSON lines: the file format of ``traces/`` (one ``TracesData`` object per line, as Jaeger
uploads it), written from SDK spans and read back as plain dicts for the viewer and the drift check.
"""
from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import SpanKind, StatusCode

# OTLP enum SpanKind: UNSPECIFIED 0, INTERNAL 1, SERVER 2, CLIENT 3, PRODUCER 4, CONSUMER 5
_KIND = {SpanKind.INTERNAL: 1, SpanKind.SERVER: 2, SpanKind.CLIENT: 3,
         SpanKind.PRODUCER: 4, SpanKind.CONSUMER: 5}
KIND_NAMES = {1: "INTERNAL", 2: "SERVER", 3: "CLIENT", 4: "PRODUCER", 5: "CONSUMER"}
_STATUS = {StatusCode.UNSET: 0, StatusCode.OK: 1, StatusCode.ERROR: 2}


def any_value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, (list, tuple)):
        return {"arrayValue": {"values": [any_value(v) for v in value]}}
    if isinstance(value, bytes):
        return {"stringValue": value.hex()}
    return {"stringValue": str(value)}


def from_any_value(value: dict[str, Any]) -> Any:
    if "stringValue" in value:
        return value["stringValue"]
    if "intValue" in value:
        return int(value["intValue"])
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "doubleValue" in value:
        return float(value["doubleValue"])
    if "arrayValue" in value:
        return [from_any_value(v) for v in value["arrayValue"].get("values", [])]
    return None


def key_values(attrs: Any) -> list[dict[str, Any]]:
    return [{"key": k, "value": any_value(v)} for k, v in (attrs or {}).items()]


def _span_json(s: ReadableSpan) -> dict[str, Any]:
    ctx = s.context
    out: dict[str, Any] = {
        "traceId": format(ctx.trace_id, "032x"),
        "spanId": format(ctx.span_id, "016x"),
        "name": s.name,
        "kind": _KIND.get(s.kind, 1),
        "startTimeUnixNano": str(s.start_time or 0),
        "endTimeUnixNano": str(s.end_time or 0),
        "attributes": key_values(s.attributes),
    }
    if s.parent is not None:
        out["parentSpanId"] = format(s.parent.span_id, "016x")
    if s.events:
        out["events"] = [{"timeUnixNano": str(e.timestamp), "name": e.name,
                          "attributes": key_values(e.attributes)} for e in s.events]
    if s.links:
        out["links"] = [{"traceId": format(link.context.trace_id, "032x"),
                         "spanId": format(link.context.span_id, "016x"),
                         "attributes": key_values(link.attributes)} for link in s.links]
    status: dict[str, Any] = {"code": _STATUS.get(s.status.status_code, 0)}
    if s.status.description:
        status["message"] = s.status.description
    out["status"] = status
    return out


def encode_traces_data(spans: Sequence[ReadableSpan]) -> dict[str, Any]:
    """Group spans by resource and scope into one OTLP ``TracesData`` object."""
    by_resource: dict[int, tuple[Any, dict[tuple[str, str], list[dict[str, Any]]]]] = {}
    for s in spans:
        res_key = id(s.resource)
        resource, scopes = by_resource.setdefault(res_key, (s.resource, {}))
        scope = s.instrumentation_scope
        scope_key = (scope.name, scope.version or "") if scope else ("", "")
        scopes.setdefault(scope_key, []).append(_span_json(s))
    resource_spans = []
    for resource, scopes in by_resource.values():
        resource_spans.append({
            "resource": {"attributes": key_values(resource.attributes if resource else {})},
            "scopeSpans": [{"scope": {"name": n, **({"version": v} if v else {})}, "spans": sp}
                           for (n, v), sp in scopes.items()],
        })
    return {"resourceSpans": resource_spans}


class JsonLinesSpanExporter(SpanExporter):
    """Appends one ``TracesData`` line per export to a file; several processes may share the file
    (each line is a single ``write`` on a descriptor opened with ``O_APPEND``)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if not spans:
            return SpanExportResult.SUCCESS
        line = json.dumps(encode_traces_data(spans), separators=(",", ":"), ensure_ascii=False)
        data = (line + "\n").encode("utf-8")
        with self._lock:
            if self._fd < 0:
                return SpanExportResult.FAILURE
            os.write(self._fd, data)
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


def read_spans(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every span of an OTLP JSON lines file as a flat dict: the span's own fields plus
    ``service`` (the resource's ``service.name``) and ``attrs`` (attributes as a plain dict)."""
    spans: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path}:{number}: not a JSON line: {e}") from None
            spans.extend(flatten(data))
    return spans


def flatten(data: dict[str, Any]) -> Iterable[dict[str, Any]]:
    for rs in data.get("resourceSpans", []):
        res = {kv["key"]: from_any_value(kv["value"])
               for kv in rs.get("resource", {}).get("attributes", [])}
        for ss in rs.get("scopeSpans", []):
            for sp in ss.get("spans", []):
                flat = dict(sp)
                flat["service"] = res.get("service.name", "?")
                flat["attrs"] = {kv["key"]: from_any_value(kv["value"])
                                 for kv in sp.get("attributes", [])}
                yield flat
