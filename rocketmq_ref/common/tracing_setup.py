"""SDK set-up for entry points and tests only (library code never imports this module).

``configure_tracing("broker", jsonl_path="traces/x.jsonl")`` installs a tracer provider with:
- the standard ``OTEL_*`` variables: ``OTEL_TRACES_EXPORTER=otlp`` (or an
  ``OTEL_EXPORTER_OTLP[_TRACES]_ENDPOINT``) exports to a collector the user runs, when the ``otlp``
  extra is installed;
- a file of OTLP JSON lines (the ``traces/`` format) from ``jsonl_path`` or ``ROCKETMQ_REF_TRACE_FILE``;
- a console tree printed at shutdown (``console=True`` or ``ROCKETMQ_REF_TRACE_CONSOLE=1``);
- an in-memory exporter for tests (``memory=True``; read it from ``provider.memory``).
"""
from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (BatchSpanProcessor, SimpleSpanProcessor, SpanExporter,
                                            SpanExportResult)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from rocketmq_ref.common.otlp_json import JsonLinesSpanExporter
from rocketmq_ref.common.tracing import ATTR_BOOK, ATTR_CODE_FILE, ATTR_CODE_LINE

log = logging.getLogger("rocketmq_ref.common")

ENV_TRACE_FILE = "ROCKETMQ_REF_TRACE_FILE"
ENV_TRACE_CONSOLE = "ROCKETMQ_REF_TRACE_CONSOLE"


class ConsoleTreeExporter(SpanExporter):
    """Keeps finished spans and prints them as an indented tree when the provider shuts down."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stderr
        self.spans: list[ReadableSpan] = []

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.spans.extend(spans)
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        if self.spans:
            self.out.write(format_tree(self.spans))
            self.out.flush()


def format_tree(spans: Sequence[ReadableSpan]) -> str:
    """An indented text tree of spans: name, kind, duration, code location and book ids."""
    by_parent: dict[int | None, list[ReadableSpan]] = {}
    ids = {s.context.span_id for s in spans}
    for s in spans:
        parent = s.parent.span_id if s.parent is not None and s.parent.span_id in ids else None
        by_parent.setdefault(parent, []).append(s)
    lines: list[str] = []

    def walk(parent: int | None, depth: int) -> None:
        for s in sorted(by_parent.get(parent, []), key=lambda x: x.start_time or 0):
            attrs = s.attributes or {}
            ms = ((s.end_time or 0) - (s.start_time or 0)) / 1e6
            where = f"{attrs.get(ATTR_CODE_FILE, '')}:{attrs.get(ATTR_CODE_LINE, '')}"
            books = ",".join(attrs.get(ATTR_BOOK, ()))
            service = s.resource.attributes.get("service.name", "") if s.resource else ""
            lines.append(f"{'  ' * depth}{s.name} [{s.kind.name} {service}] {ms:.3f} ms "
                         f"{where} {books}".rstrip())
            walk(s.context.span_id, depth + 1)

    walk(None, 0)
    return "\n".join(lines) + "\n"


class ConfiguredProvider(TracerProvider):
    """A TracerProvider that also remembers its in-memory exporter (tests read spans from it)."""

    memory: InMemorySpanExporter | None = None


def _otlp_requested() -> bool:
    exporters = os.environ.get("OTEL_TRACES_EXPORTER", "")
    if "otlp" in exporters.split(","):
        return True
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
                or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"))


def configure_tracing(service_name: str, *, jsonl_path: str | None = None, console: bool | None = None,
                      memory: bool = False, batch: bool = True,
                      set_global: bool = True) -> ConfiguredProvider:
    """Install (or return) a tracer provider for this process; see the module docstring."""
    resource = Resource({"service.name": os.environ.get("OTEL_SERVICE_NAME", service_name),
                         "telemetry.sdk.language": "python",
                         "service.namespace": "rocketmq-ref"})
    provider = ConfiguredProvider(resource=resource)
    processor = BatchSpanProcessor if batch else SimpleSpanProcessor
    jsonl_path = jsonl_path or os.environ.get(ENV_TRACE_FILE)
    if jsonl_path:
        provider.add_span_processor(processor(JsonLinesSpanExporter(jsonl_path)))
    if console if console is not None else os.environ.get(ENV_TRACE_CONSOLE) == "1":
        provider.add_span_processor(SimpleSpanProcessor(ConsoleTreeExporter()))
    if memory:
        provider.memory = InMemorySpanExporter()
        provider.add_span_processor(SimpleSpanProcessor(provider.memory))
    if _otlp_requested():
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        except ImportError:
            log.warning("OTLP export requested by OTEL_* variables but the exporter is not "
                        "installed: pip install 'rocketmq-ref[otlp]'")
        else:
            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    if set_global:
        trace.set_tracer_provider(provider)
    return provider


def configure_tracing_from_env(service_name: str) -> ConfiguredProvider | None:
    """What server entry points call: set up the SDK only when some exporter is asked for."""
    if (os.environ.get(ENV_TRACE_FILE) or os.environ.get(ENV_TRACE_CONSOLE) == "1"
            or _otlp_requested()):
        return configure_tracing(service_name)
    return None


def shutdown_tracing() -> None:
    """Flush and close the global provider's exporters (entry points call this on exit)."""
    provider = trace.get_tracer_provider()
    shutdown = getattr(provider, "shutdown", None)
    if shutdown is not None:
        shutdown()
