"""OTLP JSON lines: the file format of ``traces/`` (one ``TracesData`` object per line, as Jaeger
uploads it), written from SDK spans and read back as plain dicts for the viewer and the drift check.
"""
from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from json.encoder import encode_basestring  # type: ignore[attr-defined]
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import SpanKind, StatusCode

# OTLP enum SpanKind: UNSPECIFIED 0, INTERNAL 1, SERVER 2, CLIENT 3, PRODUCER 4, CONSUMER 5
_KIND = {SpanKind.INTERNAL: 1, SpanKind.SERVER: 2, SpanKind.CLIENT: 3,
         SpanKind.PRODUCER: 4, SpanKind.CONSUMER: 5}
KIND_NAMES = {1: "INTERNAL", 2: "SERVER", 3: "CLIENT", 4: "PRODUCER", 5: "CONSUMER"}
_STATUS = {StatusCode.UNSET: 0, StatusCode.OK: 1, StatusCode.ERROR: 2}
# the same by identity: an enum member's own hash is a Python-level call
_KIND_BY_ID = {id(k): v for k, v in _KIND.items()}
_STATUS_BY_ID = {id(k): v for k, v in _STATUS.items()}


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


class TracesDataEncoder:
    """``encode_traces_data`` straight to one JSON line, with what repeats encoded once: each
    resource and scope, each attribute key, each span name, and each call site's fixed attributes
    (a span that carries ``_static``, set by ``tracing_setup``'s tracer, starts with them).  The
    line has the same content as ``json.dumps(encode_traces_data(spans))``."""

    _MAX_CACHED = 4096  # span names and attribute keys kept (names may carry topics)

    def __init__(self) -> None:
        self._heads: dict[tuple[int, int], tuple[Any, Any, str, str]] = {}
        self._statics: dict[int, tuple[Mapping[str, Any], str]] = {}
        self._keys: dict[str, str] = {}
        self._names: dict[str, str] = {}

    def encode(self, spans: Sequence[ReadableSpan]) -> str:
        by_resource: dict[int, tuple[str, dict[int, tuple[str, list[str]]]]] = {}
        last_resource = last_scope = lines = None
        span = self.span
        for s in spans:
            resource, scope = s._resource, s._instrumentation_scope
            if resource is not last_resource or scope is not last_scope:  # rare: one per batch
                last_resource, last_scope = resource, scope
                head = self._heads.get((id(resource), id(scope)))
                if head is None or head[0] is not resource or head[1] is not scope:
                    head = self._head(resource, scope)
                scopes = by_resource.get(id(resource))
                if scopes is None:
                    scopes = by_resource[id(resource)] = (head[2], {})
                entry = scopes[1].get(id(scope))
                if entry is None:
                    entry = scopes[1][id(scope)] = (head[3], [])
                lines = entry[1]
            lines.append(span(s))  # type: ignore[union-attr]
        return '{"resourceSpans":[' + ",".join(
            resource_head + ",".join(scope_head + ",".join(lines) + "]}"
                                     for scope_head, lines in scopes.values()) + "]}"
            for resource_head, scopes in by_resource.values()) + "]}"

    def _head(self, resource: Any, scope: Any) -> tuple[Any, Any, str, str]:
        resource_head = ('{"resource":{"attributes":' + _dumps(key_values(
            resource.attributes if resource else {})) + '},"scopeSpans":[')
        name, version = (scope.name, scope.version or "") if scope else ("", "")
        scope_head = '{"scope":' + _dumps({"name": name, **({"version": version} if version else {})}
                                          ) + ',"spans":['
        head = self._heads[(id(resource), id(scope))] = (resource, scope, resource_head, scope_head)
        return head

    def span(self, s: ReadableSpan) -> str:
        # the SDK's own fields, not its properties (each a Python call): this runs once a span
        ctx = s._context
        name = self._names.get(s._name)
        if name is None:
            name = encode_basestring(s._name)
            if len(self._names) < self._MAX_CACHED:
                self._names[s._name] = name
        out = (f'{{"traceId":"{ctx[0]:032x}","spanId":"{ctx[1]:016x}","name":{name},'
               f'"kind":{_KIND_BY_ID.get(id(s._kind), 1)},"startTimeUnixNano":"{s._start_time or 0}",'
               f'"endTimeUnixNano":"{s._end_time or 0}","attributes":['
               f'{self.attributes(_items_of(s._attributes), getattr(s, "_static", None))}]')
        if s._parent is not None:
            out += f',"parentSpanId":"{s._parent[1]:016x}"'
        if s._events:
            out += ',"events":[' + ",".join([
                f'{{"timeUnixNano":"{e._timestamp}","name":{encode_basestring(e._name)},'
                f'"attributes":[{self.attributes(_items_of(e._attributes), None)}]}}'
                for e in s._events]) + "]"
        if s._links:
            out += ',"links":' + _dumps([{"traceId": format(link.context.trace_id, "032x"),
                                          "spanId": format(link.context.span_id, "016x"),
                                          "attributes": key_values(link.attributes)}
                                         for link in s._links])
        status = s._status
        code = _STATUS_BY_ID.get(id(status._status_code), 0)
        if status._description:
            return out + f',"status":{{"code":{code},"message":{encode_basestring(status._description)}}}}}'
        return out + f',"status":{{"code":{code}}}}}'

    def attributes(self, attrs: Mapping[str, Any] | None, static: Mapping[str, Any] | None) -> str:
        if not attrs:
            return ""
        if static is None:
            return self._key_values(attrs.items())
        cached = self._statics.get(id(static))
        if cached is None or cached[0] is not static:
            cached = self._statics[id(static)] = (static, self._key_values(static.items()))
        if len(attrs) == len(static):
            return cached[1]
        rest = self._key_values(islice(attrs.items(), len(static), None))
        return cached[1] + "," + rest if cached[1] else rest

    def _key_values(self, items: Iterable[tuple[str, Any]]) -> str:
        """``key_values`` as JSON text: one loop, each key's ``{"key":..,"value":`` cached."""
        keys = self._keys
        out = []
        for key, value in items:
            head = keys.get(key)
            if head is None:
                head = '{"key":' + encode_basestring(key) + ',"value":'
                if len(keys) < self._MAX_CACHED:
                    keys[key] = head
            t = type(value)
            if t is str:
                out.append(head + '{"stringValue":' + encode_basestring(value) + "}}")
            elif t is int:
                out.append(f'{head}{{"intValue":"{value}"}}}}')
            elif t is bool:
                out.append(head + ('{"boolValue":true}}' if value else '{"boolValue":false}}'))
            elif isinstance(value, int) and not isinstance(value, bool):  # an IntEnum code
                out.append(f'{head}{{"intValue":"{value!s}"}}}}')
            else:
                out.append(head + _dumps(any_value(value)) + "}")
        return ",".join(out)


def _items_of(attrs: Any) -> Mapping[str, Any] | None:
    """The plain dict inside the SDK's ``BoundedAttributes`` (iterating that is a C loop; the
    Mapping protocol around it is a Python call per key)."""
    d = getattr(attrs, "_dict", None)
    return d if type(d) is dict else attrs


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


class JsonLinesSpanExporter(SpanExporter):
    """Appends one ``TracesData`` line per export to a file; several processes may share the file
    (each line is a single ``write`` on a descriptor opened with ``O_APPEND``)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._lock = threading.Lock()
        self._encoder = TracesDataEncoder()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if not spans:
            return SpanExportResult.SUCCESS
        with self._lock:
            if self._fd < 0:
                return SpanExportResult.FAILURE
            data = (self._encoder.encode(spans) + "\n").encode("utf-8")
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
