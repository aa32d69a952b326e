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
import traceback
from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any, Callable, TypeVar

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import Link, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

__all__ = [
    "ATTR_BOOK", "ATTR_JAVA", "SpanKind", "Link", "traced", "span", "start_span", "use_span",
    "messaging_span",
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


@functools.lru_cache(maxsize=None)
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


class CheckedAttributes(dict):  # type: ignore[type-arg]
    """Span attributes this helper has already checked: every key a non-empty ``str``, every value
    a ``str``, ``bool``, ``int``, ``float`` or a tuple of those (what the SDK would keep unchanged).

    ``static`` is the call site's part, the same object for every span the site opens and the
    first entries of this mapping.  Any SDK takes this as a plain mapping; the one
    ``tracing_setup`` configures copies it without checking it again, and its exporter encodes the
    ``static`` part once per site.
    """

    __slots__ = ("static",)


_PLAIN = frozenset((str, bool, int, float))
_STR = frozenset((str,))


def plain_attributes(attributes: Mapping[str, Any]) -> bool:
    """True when the SDK would keep every attribute as it is: non-empty ``str`` keys, ``str``,
    ``bool``, ``int`` or ``float`` values (checked by C loops, not a Python one per attribute)."""
    return (_PLAIN.issuperset(map(type, attributes.values())) and _STR.issuperset(map(type, attributes))
            and "" not in attributes)


def _checked_static(attrs: dict[str, Any]) -> dict[str, Any]:
    """A call site's fixed attributes, checked once: a ``CheckedAttributes`` (its own ``static``)
    when the SDK would keep every value as it is, else the plain dict for the SDK to clean."""
    for k, v in attrs.items():
        if type(k) is not str or not k:
            return attrs
        if type(v) not in _PLAIN and not (type(v) is tuple and all(type(x) in _PLAIN for x in v)):
            return attrs
    checked = CheckedAttributes(attrs)
    checked.static = checked
    return checked


def _with_dynamic(static: dict[str, Any], dynamic: Mapping[str, Any]) -> dict[str, Any]:
    """A site's fixed attributes followed by one span's own (their keys must not repeat a fixed
    one, or the result is a plain dict the SDK checks as usual)."""
    if (type(static) is CheckedAttributes and plain_attributes(dynamic)
            and static.keys().isdisjoint(dynamic)):
        merged = CheckedAttributes(static)
        merged.update(dynamic)
        merged.static = static
        return merged
    merged_plain = dict(static)
    merged_plain.update(dynamic)
    return merged_plain


class _Site:
    """What a ``span()``/``start_span()``/``messaging_span()`` call site passes every time: its fixed
    attributes (code location, Java method, book ids, messaging operation), built on first use."""

    __slots__ = ("java", "books", "operation", "static")

    def __init__(self, java: str | None, books: Sequence[str], operation: str | None,
                 static: dict[str, Any]) -> None:
        self.java = java
        self.books = books
        self.operation = operation
        self.static = static


_sites: dict[tuple[Any, int], _Site] = {}  # (code, instruction offset) -> site


def _site(frame: Any, java: str | None, books: Sequence[str], operation: str | None) -> _Site:
    """The cached site of the call ``frame`` is making (keyed by the call's instruction, which is
    cheaper to read than its line); rebuilt when that call passes other values."""
    key = (frame.f_code, frame.f_lasti)
    site = _sites.get(key)
    if site is not None and (site.java is java or site.java == java) and (
            site.books is books or tuple(site.books) == tuple(books)) and site.operation == operation:
        return site
    code = frame.f_code
    attrs = _code_attributes(frame.f_globals.get("__name__", "?"), code.co_qualname,
                             code.co_filename, frame.f_lineno)
    attrs.update(_static_attributes(java, books))
    if operation is not None:
        attrs["messaging.system"] = "rocketmq"
        attrs["messaging.operation.name"] = operation
        attrs["messaging.operation.type"] = _OPERATION_TYPES.get(operation, operation)
    site = _sites[key] = _Site(java, books, operation, _checked_static(attrs))
    return site


def _first_body_line(code: Any) -> int:
    lines = [line for _, _, line in code.co_lines() if line is not None and line > code.co_firstlineno]
    return min(lines) if lines else code.co_firstlineno


def _span_name_of(fn: Callable[..., Any]) -> str:
    parts = fn.__qualname__.split(".")
    parts = [p for p in parts if p != "<locals>"]
    return ".".join(parts[-2:])


def _sdk_installed() -> bool:
    """True once a tracer provider has been set for the process (it can be set only once).

    Until then every span would be a no-op, so the helper skips even the no-op's own work (about
    ten microseconds: a non-recording span and a context attach) and calls the function directly.
    Once it is set, the helper holds the provider's own tracer (not the API's proxy to it).
    """
    global _installed, _tracer
    if not _installed:
        _installed = getattr(trace, "_TRACER_PROVIDER", True) is not None
        if _installed:
            _tracer = trace.get_tracer(TRACER_NAME)
    return _installed


_installed = False


def traced(java: str | None = None, *, books: Sequence[str] = (), name: str | None = None,
           kind: SpanKind = SpanKind.INTERNAL, attributes: Mapping[str, Any] | None = None
           ) -> Callable[[F], F]:
    """Decorate a function (plain or ``async``) so that each call is one span named ``Class.method``.

    The code location is the first line of the function's body (where a breakpoint stops), fixed
    once at decoration time, with every other attribute.
    """

    def decorate(fn: F) -> F:
        span_name = name or _span_name_of(fn)
        target = inspect.unwrap(fn)
        code = target.__code__
        attrs = _static_attributes(java, books)
        attrs.update(_code_attributes(target.__module__, target.__qualname__,
                                      code.co_filename, _first_body_line(code)))
        if attributes:
            attrs.update(attributes)
        static = _checked_static(attrs)

        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
                if not (_installed or _sdk_installed()):
                    return await fn(*args, **kwargs)
                s, token = _begin(span_name, kind, static)
                try:
                    return await fn(*args, **kwargs)
                except BaseException as exc:
                    _fail(s, exc)
                    raise
                finally:
                    s.end()
                    _detach(token)
            return async_wrapper  # type: ignore[return-value]

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not (_installed or _sdk_installed()):
                return fn(*args, **kwargs)
            s, token = _begin(span_name, kind, static)
            try:
                return fn(*args, **kwargs)
            except BaseException as exc:
                _fail(s, exc)
                raise
            finally:
                s.end()
                _detach(token)
        return wrapper  # type: ignore[return-value]

    return decorate


_attach = otel_context.attach
_get_current = otel_context.get_current
_detach = otel_context.detach
_set_span_in_context = trace.set_span_in_context


def _begin(name: str, kind: SpanKind, attributes: Mapping[str, Any]) -> tuple[trace.Span, object]:
    """Start a span under the current context and make it current (``traced``)."""
    ctx = _get_current()
    s = _tracer.start_span(name, ctx, kind, attributes)
    return s, _attach(_set_span_in_context(s, ctx))


def _fail(s: trace.Span, exc: BaseException) -> None:
    if s.is_recording():
        _record_exception(s, exc)
        s.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))


class _Span:
    """The context manager behind ``span`` and ``messaging_span`` (what ``start_as_current_span``
    does, without its generator: start, make current, record an escaping exception, end, detach)."""

    __slots__ = ("name", "kind", "attrs", "links", "context", "start_time", "span", "token")

    def __init__(self, name: str, kind: SpanKind, attrs: Mapping[str, Any] | None,
                 links: Sequence[Link] | None, context: otel_context.Context | None,
                 start_time: int | None) -> None:
        self.name = name
        self.kind = kind
        self.attrs = attrs
        self.links = links
        self.context = context
        self.start_time = start_time
        self.span: trace.Span = trace.INVALID_SPAN
        self.token: object = None

    def __enter__(self) -> trace.Span:
        if self.attrs is None:  # the no-op
            return self.span
        ctx = self.context
        if ctx is None:  # the current context: read once, for the parent and the new current
            ctx = _get_current()
            s = _tracer.start_span(self.name, ctx, self.kind, self.attrs, self.links,
                                   self.start_time)
            self.token = _attach(_set_span_in_context(s, ctx))
        else:
            s = _tracer.start_span(self.name, ctx, self.kind, self.attrs, self.links,
                                   self.start_time)
            self.token = _attach(_set_span_in_context(s))
        self.span = s
        return s

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> None:
        if self.token is None:
            return
        s = self.span
        try:
            if exc is not None:
                _fail(s, exc)
            s.end()
        finally:
            _detach(self.token)  # type: ignore[arg-type]


_NOOP_SPAN = _Span("", SpanKind.INTERNAL, None, None, None, None)


def span(name: str, *, java: str | None = None, books: Sequence[str] = (),
         kind: SpanKind = SpanKind.INTERNAL, attributes: Mapping[str, Any] | None = None,
         links: Sequence[Link] | None = None, context: otel_context.Context | None = None,
         start_time: int | None = None, _depth: int = 1) -> _Span:
    """Open a span around a block; the code location is the line of the ``with`` statement.

    ``context`` makes the span a child of an extracted remote context; ``links`` join it to others
    (a consumer's ``process`` span links to the producer's context).
    """
    if not (_installed or _sdk_installed()):
        return _NOOP_SPAN
    static = _site(sys._getframe(_depth), java, books, None).static
    return _Span(name, kind, _with_dynamic(static, attributes) if attributes else static, links,
                 context, start_time)


def start_span(name: str, *, java: str | None = None, books: Sequence[str] = (),
               kind: SpanKind = SpanKind.INTERNAL, attributes: Mapping[str, Any] | None = None,
               links: Sequence[Link] | None = None, context: otel_context.Context | None = None,
               ) -> trace.Span:
    """Start a span that outlives the block that opened it (a held pull answered later, a request
    whose response arrives on another thread); the caller ends it with ``end()``.  It is not made
    current: wrap work in ``with use_span(s):`` to make it the parent of inner spans.  The code
    location is the line that called ``start_span``."""
    if not (_installed or _sdk_installed()):
        return trace.INVALID_SPAN
    static = _site(sys._getframe(1), java, books, None).static
    return _tracer.start_span(name, context=context, kind=kind, links=links,
                              attributes=_with_dynamic(static, attributes) if attributes else static)


def use_span(s: trace.Span) -> Any:
    """Make a span from ``start_span`` current for a block, without ending it."""
    return trace.use_span(s, end_on_exit=False)


def messaging_span(operation: str, topic: str, kind: SpanKind, *, java: str | None = None,
                   books: Sequence[str] = (), attributes: Mapping[str, Any] | None = None,
                   links: Sequence[Link] | None = None,
                   context: otel_context.Context | None = None) -> _Span:
    """A span named per the OpenTelemetry messaging conventions: ``send TopicTest``, ``process ...``.

    ``operation`` is one of ``send``, ``receive``, ``process``, ``settle`` (or ``create``).
    """
    if not (_installed or _sdk_installed()):
        return _NOOP_SPAN
    static = _site(sys._getframe(1), java, books, operation).static
    dynamic = {"messaging.destination.name": topic}
    if attributes:
        dynamic.update(attributes)
    return _Span(f"{operation} {topic}", kind, _with_dynamic(static, dynamic), links, context, None)


_OPERATION_TYPES = {"send": "send", "publish": "send", "create": "create", "receive": "receive",
                    "process": "process", "settle": "settle"}


def _record_exception(s: trace.Span, exc: BaseException) -> None:
    """``record_exception`` with a stack trace whose file names are portable: project files
    relative to the project root, the interpreter's own files under ``<python>`` (a recorded trace
    is committed, and must not carry this machine's paths)."""
    lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
    text = "".join(lines)
    for prefix, name in _path_prefixes():
        text = text.replace(prefix, name)
    s.record_exception(exc, attributes={"exception.stacktrace": text})


@functools.lru_cache(maxsize=1)
def _path_prefixes() -> tuple[tuple[str, str], ...]:
    prefixes = {_PACKAGE_ROOT + os.sep: ""}
    for p in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}:
        prefixes[p + os.sep] = "<python>/"
    # longest first, so a venv inside the project is not cut at the project root
    return tuple(sorted(prefixes.items(), key=lambda kv: -len(kv[0])))


def current_span() -> trace.Span:
    return trace.get_current_span()


def record_error(s: trace.Span, error: BaseException | str) -> None:
    """Mark a span failed with the reason (an exception or a RocketMQ remark)."""
    if not s.is_recording():
        return
    if isinstance(error, BaseException):
        _record_exception(s, error)
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
