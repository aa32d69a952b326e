"""SDK set-up for entry points and tests only (library code never imports this module).

``configure_tracing("broker", jsonl_path="traces/x.jsonl")`` installs a tracer provider with:
- the standard ``OTEL_*`` variables: ``OTEL_TRACES_EXPORTER=otlp`` (or an
  ``OTEL_EXPORTER_OTLP[_TRACES]_ENDPOINT``) exports to a collector the user runs, when the ``otlp``
  extra is installed;
- a file of OTLP JSON lines (the ``traces/`` format) from ``jsonl_path`` or ``ROCKETMQ_REF_TRACE_FILE``;
- a console tree printed at shutdown (``console=True`` or ``ROCKETMQ_REF_TRACE_CONSOLE=1``);
- an in-memory exporter for tests (``memory=True``; read it from ``provider.memory``).

The provider's tracers make spans the fast way when the SDK is set as it is by default (parent-based
always-on sampling, no attribute length limits, no SDK self-metrics): attributes the helper has
already checked (``tracing.CheckedAttributes``) are taken without the SDK checking them again, a
span is its own finished form (no copy at ``end``), and processors whose ``on_start`` does nothing
are not called.  Anything else (links, other samplers, limits) goes through the SDK's own code.
"""
from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Mapping, Sequence
from random import getrandbits as _getrandbits
from time import time_ns
from typing import Any, TextIO

from opentelemetry import trace
from opentelemetry.attributes import BoundedAttributes
from opentelemetry.context import get_current
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import (Event, ReadableSpan, Span, SpanProcessor,
                                     SynchronousMultiSpanProcessor, Tracer, TracerProvider, sampling)
from opentelemetry.sdk.trace._tracer_metrics import NoOpTracerMetrics
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.sdk.trace.export import (BatchSpanProcessor, SimpleSpanProcessor, SpanExporter,
                                            SpanExportResult)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.util import BoundedList
from opentelemetry.trace import INVALID_SPAN_CONTEXT as _INVALID
from opentelemetry.trace import SpanContext, TraceFlags
from opentelemetry.trace.propagation import _SPAN_KEY  # where set_span_in_context keeps the span
from opentelemetry.trace.span import DEFAULT_TRACE_STATE
from opentelemetry.trace.status import Status, StatusCode

from rocketmq_ref.common.otlp_json import JsonLinesSpanExporter
from rocketmq_ref.common.tracing import (_PLAIN, ATTR_BOOK, ATTR_CODE_FILE, ATTR_CODE_LINE,
                                         CheckedAttributes, plain_attributes)

log = logging.getLogger("rocketmq_ref.common")

ENV_TRACE_FILE = "ROCKETMQ_REF_TRACE_FILE"
ENV_TRACE_CONSOLE = "ROCKETMQ_REF_TRACE_CONSOLE"
JSONL_QUEUE_SIZE = 65536


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


_UNSET = Status(StatusCode.UNSET)
_SAMPLED = TraceFlags(TraceFlags.SAMPLED)
_SAMPLED_RANDOM = TraceFlags(TraceFlags.SAMPLED | TraceFlags.RANDOM_TRACE_ID)
_NO_EVENTS: tuple[Event, ...] = ()
_PLAIN_TYPES = tuple(_PLAIN)
_SHARED_LOCK = threading.Lock()  # immutable attribute maps never take it but deep copies
_DEFAULT_SAMPLER = sampling.ParentBased(sampling.ALWAYS_ON).get_description()


class _Attributes(BoundedAttributes):
    """``BoundedAttributes`` whose usual starting state is the class's: fewer stores per span."""

    dropped = 0
    max_value_len = None
    _immutable = False


class _FrozenAttributes(_Attributes):
    """An event's attributes: immutable from the start (they never take the lock but to copy)."""

    _immutable = True
    _lock = _SHARED_LOCK


def _bounded(values: dict[str, Any], maxlen: int | None) -> BoundedAttributes:
    """A span's ``BoundedAttributes`` holding ``values`` (already checked, within ``maxlen``)."""
    bounded = _Attributes.__new__(_Attributes)
    bounded._dict = values
    bounded.maxlen = maxlen
    bounded._lock = threading.Lock()
    return bounded


class _FastSpan(Span):
    """An SDK span made by ``_FastTracer``: plain attribute values are stored without the SDK's
    per-value checks, events are allocated on the first one, and the span is its own finished
    (readable) form.  ``_static`` is the call site's fixed attributes while they are still the
    span's first entries, unchanged (the JSON-lines exporter encodes them once per site)."""

    _static: dict[str, Any] | None = None
    # what every span starts with; _FastTracer's subclass adds its tracer's own
    _end_time = None
    _events = _NO_EVENTS
    _links = _NO_EVENTS
    _status = _UNSET
    _trace_config = None
    _record_exception = True
    _set_status_on_exception = True
    _record_end_metrics = None

    def set_attribute(self, key: str, value: Any) -> None:
        self.set_attributes({key: value})

    def set_attributes(self, attributes: Mapping[str, Any]) -> None:
        with self._lock:
            if self._end_time is not None:
                log.warning("Setting attribute on ended span.")
                return
            bounded = self._attributes
            d = bounded._dict  # type: ignore[union-attr]
            static = self._static
            if plain_attributes(attributes) and len(d) + len(attributes) <= bounded.maxlen:  # type: ignore[union-attr,operator]
                if static is not None and not static.keys().isdisjoint(attributes):
                    self._static = None  # a fixed attribute changes: encode it anew
                d.update(attributes)
                return
            for k, v in attributes.items():
                if static is not None and k in static:
                    self._static = static = None  # a fixed attribute changes: encode it anew
                # the SDK keeps any str/bool/int/float as it is, subclasses too (an IntEnum code)
                if isinstance(v, _PLAIN_TYPES) and type(k) is str and k and (
                        k in d or len(d) < bounded.maxlen):  # type: ignore[union-attr,operator]
                    d[k] = v
                else:  # the SDK's own checks (and, when full, the oldest attribute dropped)
                    self._static = static = None
                    bounded[k] = v  # type: ignore[index]

    def add_event(self, name: str, attributes: Mapping[str, Any] | None = None,
                  timestamp: int | None = None) -> None:
        limits = self._limits
        if attributes and (len(attributes) > limits.max_event_attributes
                           or not plain_attributes(attributes)):
            super().add_event(name, attributes, timestamp)
            return
        frozen = _FrozenAttributes.__new__(_FrozenAttributes)
        frozen._dict = dict(attributes) if attributes else {}
        frozen.maxlen = limits.max_event_attributes
        event = Event.__new__(Event)  # what Event(name, frozen, timestamp) sets, directly
        event._name = name
        event._timestamp = timestamp if timestamp is not None else time_ns()
        event._attributes = frozen
        self._add_event(event)

    def _add_event(self, event: Any) -> None:
        with self._lock:
            if self._end_time is not None:
                log.warning("Tried calling _add_event on an ended span.")
                return
            events = self._events
            if events is _NO_EVENTS:
                events = self._events = BoundedList(self._limits.max_events)
            events.append(event)

    def _readable_span(self) -> ReadableSpan:
        return self

    def end(self, end_time: int | None = None) -> None:
        with self._lock:
            if self._end_time is not None:
                log.warning("Calling end() on an ended span.")
                return
            self._end_time = end_time if end_time is not None else time_ns()
            self._attributes._immutable = True  # type: ignore[union-attr]
        processor = self._span_processor
        if processor._enders:
            processor._on_ending(self)
        processor.on_end(self)


class _FastTracer(Tracer):
    """``Tracer.start_span`` with the default sampler's decision made inline (record every span
    whose parent is sampled or absent) and helper-checked attributes taken as they are."""

    _fast = False

    def _check_fast(self) -> None:
        limits = self._span_limits
        self._fast = (self.sampler.get_description() == _DEFAULT_SAMPLER
                      and limits.max_span_attribute_length is None
                      and limits.max_attribute_length is None
                      and limits.max_span_attributes is not None
                      and type(self._tracer_metrics) is NoOpTracerMetrics
                      and isinstance(self.span_processor, _FastMultiSpanProcessor))
        self._random_ids = type(self.id_generator) is RandomIdGenerator
        self._span_class = type("_FastSpan", (_FastSpan,), {
            "_instrumentation_info": self.instrumentation_info,
            "_instrumentation_scope": self._instrumentation_scope, "_resource": self.resource,
            "_sampler": self.sampler, "_span_processor": self.span_processor, "_limits": limits,
            "__module__": __name__})

    def _set_resource(self, resource: Any) -> None:
        super()._set_resource(resource)
        if self._fast:
            self._span_class._resource = resource

    def start_span(self, name: str, context: Any = None, kind: trace.SpanKind = trace.SpanKind.INTERNAL,
                   attributes: Any = None, links: Any = (), start_time: int | None = None,
                   record_exception: bool = True, set_status_on_exception: bool = True
                   ) -> trace.Span:
        if links or not self._fast or not self._tracer_config.is_enabled:
            return super().start_span(name, context, kind, attributes, links, start_time,
                                      record_exception, set_status_on_exception)
        parent_span = (context if context is not None else get_current()).get(_SPAN_KEY)
        parent = _INVALID if parent_span is None else parent_span.get_span_context()
        if parent[5]:  # SpanContext is a tuple: (trace_id, span_id, remote, flags, state, valid)
            flags = parent[3]
            if not flags & TraceFlags.SAMPLED:  # the parent-based sampler drops it
                return super().start_span(name, context, kind, attributes, links, start_time,
                                          record_exception, set_status_on_exception)
            trace_id = parent[0]
            flags = _SAMPLED_RANDOM if flags & TraceFlags.RANDOM_TRACE_ID else _SAMPLED
            state = parent[4]
        else:
            parent = None
            ids = self.id_generator
            trace_id = ids.generate_trace_id()
            flags = _SAMPLED_RANDOM if ids.is_trace_id_random() else _SAMPLED
            state = DEFAULT_TRACE_STATE
        limits = self._span_limits
        if type(attributes) is CheckedAttributes and len(attributes) <= limits.max_span_attributes:
            bounded = _bounded(attributes.copy(), limits.max_span_attributes)
            static = attributes.static
        else:
            bounded = BoundedAttributes(limits.max_span_attributes, attributes, immutable=False)
            static = None
        s = object.__new__(self._span_class)  # Span.__new__ only refuses the abstract Span
        s._name = name
        span_id = _getrandbits(64) if self._random_ids else 0
        if not span_id:
            span_id = self.id_generator.generate_span_id()
        s._context = tuple.__new__(SpanContext, (trace_id, span_id, False, flags, state, True))
        s._kind = kind
        s._parent = parent
        s._start_time = start_time if start_time is not None else time_ns()
        s._attributes = bounded
        s._lock = threading.Lock()
        if static is not None:
            s._static = static
        if not (record_exception and set_status_on_exception):
            s._record_exception = record_exception
            s._set_status_on_exception = set_status_on_exception
        processor = self.span_processor
        if processor._starters:
            processor.on_start(s, parent_context=context)
        return s


class _FastMultiSpanProcessor(SynchronousMultiSpanProcessor):
    """Calls ``on_start``/``_on_ending`` only on processors that do something there (the SDK's
    batch and simple processors do nothing)."""

    _NOOP_ON_START = {SpanProcessor.on_start, BatchSpanProcessor.on_start,
                      SimpleSpanProcessor.on_start}
    _NOOP_ON_ENDING = {SpanProcessor._on_ending, BatchSpanProcessor._on_ending,
                       SimpleSpanProcessor._on_ending}

    def __init__(self) -> None:
        super().__init__()
        self._starters: tuple[SpanProcessor, ...] = ()
        self._enders: tuple[SpanProcessor, ...] = ()

    def add_span_processor(self, span_processor: SpanProcessor) -> None:
        super().add_span_processor(span_processor)
        with self._lock:
            self._starters = tuple(p for p in self._span_processors
                                   if type(p).on_start not in self._NOOP_ON_START)
            self._enders = tuple(p for p in self._span_processors
                                 if type(p)._on_ending not in self._NOOP_ON_ENDING)

    def on_start(self, span: Any, parent_context: Any = None) -> None:
        for sp in self._starters:
            sp.on_start(span, parent_context=parent_context)

    def _on_ending(self, span: Any) -> None:
        for sp in self._enders:
            sp._on_ending(span)


class ConfiguredProvider(TracerProvider):
    """A TracerProvider whose tracers make spans the fast way (see the module docstring) and that
    remembers its in-memory exporter (tests read spans from it)."""

    memory: InMemorySpanExporter | None = None

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("active_span_processor", _FastMultiSpanProcessor())
        super().__init__(**kwargs)

    def get_tracer(self, *args: Any, **kwargs: Any) -> trace.Tracer:
        tracer = super().get_tracer(*args, **kwargs)
        if type(tracer) is Tracer:
            tracer.__class__ = _FastTracer  # same state, another start_span
            tracer._check_fast()  # type: ignore[attr-defined]
        return tracer


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
    jsonl_path = jsonl_path or os.environ.get(ENV_TRACE_FILE)
    if jsonl_path:
        exporter = JsonLinesSpanExporter(jsonl_path)
        # a queue deep enough that a burst of sends (3-4 spans each) is written, not dropped
        provider.add_span_processor(BatchSpanProcessor(exporter, max_queue_size=JSONL_QUEUE_SIZE)
                                    if batch else SimpleSpanProcessor(exporter))
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
