"""The one helper every module opens spans with (no Java twin: Java 4.x has only its own msg-trace hook).

Every span it opens says where it comes from: the Python function and line (``code.*``), the Java
method it mirrors (``rocketmq_ref.java.method``) and the book sections it belongs to
(``rocketmq_ref.book.sections``).  Library code depends on the OpenTelemetry API only; with no SDK
installed the spans are non-recording and the helper does no attribute work at all.

    @traced("org.apache.rocketmq.store.CommitLog#asyncPutMessage", books=("B4.3",))
    def put_message(self, msg): ...

    with span("ReputMessageService.do_reput", java="...#doReput", books=("B4.6",)) as s:
        ...

    with messaging_span("send", topic, SpanKind.PRODUCER, java=..., books=...) as s:
        inject(msg_properties)
"""
from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from typing import Any, Callable, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Link, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

__all__ = [
    "ATTR_BOOK", "ATTR_JAVA", "SpanKind", "Link", "traced", "span", "messaging_span",
    "inject", "extract", "current_span", "link_from", "record_error", "code_path",
]

TRACER_NAME = "rocketmq_ref"
ATTR_JAVA = "rocketmq_ref.java.method"
ATTR_BOOK = "rocketmq_ref.book.sections"
ATTR_CODE_FUNCTION = "code.function.name"
ATTR_CODE_FILE = "code.file.path"
ATTR_CODE_LINE = "code.line.number"

_tracer = trace.get_tracer(TRACER_NAME)
_propagator = TraceContextTextMapPropagator()
_PACKAGE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

F = TypeVar("F", bound=Callable[..., Any])


def code_path(filename: str) -> str:
    """A source path as the docs link it: relative to the project root, '/'-separated."""
    path = os.path.abspath(filename)
    if path.startswith(_PACKAGE_ROOT + os.sep):
        path = os.path.relpath(path, _PACKAGE_ROOT)
    return path.replace(os.sep, "/")


def _static_attributes(java: str | None, books: Sequence[str]) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    if java:
        attrs[ATTR_JAVA] = java
    if books:
        attrs[ATTR_BOOK] = tuple(books)
    return attrs


def _code_attributes(module: str, qualname: str, filename: str, line: int) -> dict[str, Any]:
    return {
        ATTR_CODE_FUNCTION: f"{module}.{qualname}",
        ATTR_CODE_FILE: code_path(filename),
        ATTR_CODE_LINE: line,
    }


def _span_name_of(fn: Callable[..., Any]) -> str:
    parts = fn.__qualname__.split(".")
    parts = [p for p in parts if p != "<locals>"]
    return ".".join(parts[-2:])


def traced(java: str | None = None, *, books: Sequence[str] = (), name: str | None = None,
           kind: SpanKind = SpanKind.INTERNAL, attributes: Mapping[str, Any] | None = None
           ) -> Callable[[F], F]:
    """Decorate a function (plain or ``async``) so that each call is one span named ``Class.method``.

    The code location is the ``def`` line of the function, fixed once at decoration time.
    """

    def decorate(fn: F) -> F:
        span_name = name or _span_name_of(fn)
        target = inspect.unwrap(fn)
        code = target.__code__
        attrs = _static_attributes(java, books)
        attrs.update(_code_attributes(target.__module__, target.__qualname__,
                                      code.co_filename, code.co_firstlineno))
        if attributes:
            attrs.update(attributes)
        start = _tracer.start_as_current_span

        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                with start(span_name, kind=kind, attributes=attrs):
                    return await fn(*args, **kwargs)
            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with start(span_name, kind=kind, attributes=attrs):
                return fn(*args, **kwargs)
        return wrapper  # type: ignore[return-value]

    return decorate


@contextmanager
def span(name: str, *, java: str | None = None, books: Sequence[str] = (),
         kind: SpanKind = SpanKind.INTERNAL, attributes: Mapping[str, Any] | None = None,
         links: Sequence[Link] | None = None, context: otel_context.Context | None = None,
         start_time: int | None = None, end_on_exit: bool = True,
         _depth: int = 2) -> Iterator[trace.Span]:
    """Open a span around a block; the code location is the line of the ``with`` statement.

    ``context`` makes the span a child of an extracted remote context; ``links`` join it to others
    (a consumer's ``process`` span links to the producer's context).
    """
    with _tracer.start_as_current_span(name, context=context, kind=kind, links=links,
                                       start_time=start_time, end_on_exit=end_on_exit) as s:
        if s.is_recording():
            frame = sys._getframe(_depth)
            code = frame.f_code
            attrs = _static_attributes(java, books)
            attrs.update(_code_attributes(frame.f_globals.get("__name__", "?"), code.co_qualname,
                                          code.co_filename, frame.f_lineno))
            if attributes:
                attrs.update(attributes)
            s.set_attributes(attrs)
        yield s


@contextmanager
def messaging_span(operation: str, topic: str, kind: SpanKind, *, java: str | None = None,
                   books: Sequence[str] = (), attributes: Mapping[str, Any] | None = None,
                   links: Sequence[Link] | None = None,
                   context: otel_context.Context | None = None) -> Iterator[trace.Span]:
    """A span named per the OpenTelemetry messaging conventions: ``send TopicTest``, ``process ...``.

    ``operation`` is one of ``send``, ``receive``, ``process``, ``settle`` (or ``create``).
    """
    attrs: dict[str, Any] = {
        "messaging.system": "rocketmq",
        "messaging.operation.name": operation,
        "messaging.operation.type": _OPERATION_TYPES.get(operation, operation),
        "messaging.destination.name": topic,
    }
    if attributes:
        attrs.update(attributes)
    with span(f"{operation} {topic}", java=java, books=books, kind=kind, attributes=attrs,
              links=links, context=context, _depth=4) as s:
        yield s


_OPERATION_TYPES = {"send": "send", "publish": "send", "create": "create", "receive": "receive",
                    "process": "process", "settle": "settle"}


def current_span() -> trace.Span:
    return trace.get_current_span()


def record_error(s: trace.Span, error: BaseException | str) -> None:
    """Mark a span failed with the reason (an exception or a RocketMQ remark)."""
    if not s.is_recording():
        return
    if isinstance(error, BaseException):
        s.record_exception(error)
        s.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))
    else:
        s.set_status(Status(StatusCode.ERROR, error))


def inject(carrier: MutableMapping[str, str], ctx: otel_context.Context | None = None) -> None:
    """Write W3C ``traceparent``/``tracestate`` of the current (or given) context into a string map:
    message properties or RPC ext fields.  Does nothing when there is no valid span context."""
    sc = trace.get_current_span(ctx).get_span_context()
    if not sc.is_valid:
        return
    _propagator.inject(carrier, context=ctx)


def extract(carrier: Mapping[str, str] | None) -> otel_context.Context | None:
    """The remote context carried in a string map, or None when it carries none."""
    if not carrier or "traceparent" not in carrier:
        return None
    return _propagator.extract(carrier)


def link_from(carrier: Mapping[str, str] | None) -> list[Link]:
    """Links to the span context carried in a string map (a consumer linking to its producer)."""
    ctx = extract(carrier)
    if ctx is None:
        return []
    sc = trace.get_current_span(ctx).get_span_context()
    return [Link(sc)] if sc.is_valid else []
