"""Walkthroughs: runnable scenarios behind the flow pages of the docs (no Java twin).

A walkthrough is a module in ``walkthroughs/`` that defines ``WALKTHROUGH = Walkthrough(...)``: the
book section ids it shows, a scenario (a function run against an in-process or local cluster) and
its debugger stops, each named by a span whose recorded code location gives the breakpoint line.
This module holds the model, the discovery, the recording's span-tree shape (what the drift check
compares) and the check that every recorded code location still lies in the function it names.
"""
from __future__ import annotations

import asyncio
import importlib
import importlib.util
import inspect
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from rocketmq_ref.common.otlp_json import KIND_NAMES, read_spans
from rocketmq_ref.common.tracing import (ATTR_BOOK, ATTR_CODE_FILE, ATTR_CODE_FUNCTION,
                                         ATTR_CODE_LINE, code_path, span)

ROOT = Path(__file__).resolve().parents[2]
ENV_TRACE_FILE = "ROCKETMQ_REF_TRACE_FILE"  # tracing_setup's variable (library code cannot import it)
WALKTHROUGH_DIR = ROOT / "walkthroughs"
TRACE_DIR = ROOT / "traces"
ATTR_WALKTHROUGH = "rocketmq_ref.walkthrough"
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


class WalkthroughError(Exception):
    """A walkthrough that cannot be found, loaded, resolved or replayed."""


@dataclass(frozen=True, slots=True)
class Stop:
    """A debugger stop: the first span named ``span`` gives the file and line; ``locals`` are the
    variable names a reader sees there."""

    span: str
    locals: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True, slots=True)
class Walkthrough:
    """One runnable scenario for one or more book sections."""

    name: str
    title: str
    sections: tuple[str, ...]
    scenario: Callable[[], Any]
    stops: tuple[Stop, ...] = ()
    service: str = "walkthrough"
    # spans of periodic background services whose count depends on timing: not part of the shape
    ignore_spans: tuple[str, ...] = ()
    module_file: str = ""

    def __post_init__(self) -> None:
        if not _NAME_RE.match(self.name):
            raise WalkthroughError(f"walkthrough name {self.name!r} must be snake_case")
        if not self.sections:
            raise WalkthroughError(f"walkthrough {self.name} declares no section ids")

    @property
    def trace_file(self) -> Path:
        return TRACE_DIR / f"{self.name}.jsonl"

    @property
    def outputs_file(self) -> Path:
        """Where ``run`` keeps the text outputs a scenario returns (command output, byte dumps)."""
        return TRACE_DIR / f"{self.name}.outputs.json"

    @property
    def record_command(self) -> str:
        return f"python -m rocketmq_ref.tools.walkthrough run {self.name}"

    def run_scenario(self) -> Any:
        """Run the scenario in this process under one root span, so that everything it does in
        this process is one trace (a coroutine function gets its own event loop).  A scenario may
        return ``{name: text}``: outputs its page shows, recorded next to the trace."""
        with span(f"walkthrough {self.name}", attributes={ATTR_WALKTHROUGH: self.name}):
            if inspect.iscoroutinefunction(self.scenario):
                return asyncio.run(self.scenario())
            return self.scenario()


@dataclass(frozen=True, slots=True)
class ResolvedStop:
    """A stop with its breakpoint: repo-relative file, line, and the function that holds it."""

    span: str
    file: str
    line: int
    function: str
    locals: tuple[str, ...]
    note: str = ""

    @property
    def abs_path(self) -> str:
        return str(ROOT / self.file)


# -- discovery -------------------------------------------------------------------------------

def _load_module(path: Path) -> ModuleType:
    mod_name = f"walkthroughs.{path.stem}"
    if mod_name in sys.modules:
        return sys.modules[mod_name]
    spec = importlib.util.spec_from_file_location(mod_name, path)
    if spec is None or spec.loader is None:
        raise WalkthroughError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[mod_name]
        raise
    return module


def discover(directory: Path = WALKTHROUGH_DIR) -> list[Walkthrough]:
    """Every walkthrough in ``directory``, sorted by name; names and claimed ids are unique."""
    found: list[Walkthrough] = []
    for path in sorted(directory.glob("*.py")):
        if path.name.startswith("_"):
            continue
        w = getattr(_load_module(path), "WALKTHROUGH", None)
        if not isinstance(w, Walkthrough):
            raise WalkthroughError(f"{code_path(str(path))} defines no WALKTHROUGH = Walkthrough(...)")
        if w.name != path.stem:
            raise WalkthroughError(f"{code_path(str(path))}: name {w.name!r} must match the file name")
        found.append(_with_file(w, path))
    owners: dict[str, str] = {}
    for w in found:
        for sid in w.sections:
            if sid in owners:
                raise WalkthroughError(f"section {sid} is claimed by {owners[sid]} and {w.name}")
            owners[sid] = w.name
    return found


def _with_file(w: Walkthrough, path: Path) -> Walkthrough:
    if w.module_file:
        return w
    object.__setattr__(w, "module_file", code_path(str(path)))
    return w


def find(key: str, directory: Path = WALKTHROUGH_DIR) -> Walkthrough:
    """A walkthrough by name or by one of the section ids it declares."""
    all_w = discover(directory)
    for w in all_w:
        if w.name == key or key in w.sections:
            return w
    known = ", ".join(f"{w.name} ({' '.join(w.sections)})" for w in all_w) or "none"
    raise WalkthroughError(f"no walkthrough named or covering {key!r}; known: {known}")


# -- span-tree shape -------------------------------------------------------------------------

def _books(span: Mapping[str, Any]) -> str:
    return ",".join(span["attrs"].get(ATTR_BOOK) or ())


def _kind(span: Mapping[str, Any]) -> str:
    return KIND_NAMES.get(int(span.get("kind", 1)), str(span.get("kind")))


def _ignored(name: str, patterns: Sequence[str]) -> bool:
    return any(re.fullmatch(p, name) for p in patterns)


@dataclass(slots=True)
class SpanTree:
    """Spans of one recording indexed by parent; roots are spans whose parent is not recorded."""

    spans: list[dict[str, Any]]
    ignore: Sequence[str] = ()
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    children: dict[str | None, list[dict[str, Any]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        skipped: set[str] = set()
        ordered = sorted(self.spans, key=lambda s: int(s.get("startTimeUnixNano", 0)))
        self.by_id = {s["spanId"]: s for s in ordered}
        for s in ordered:  # drop ignored spans with their whole subtrees
            p = s.get("parentSpanId")
            if _ignored(s["name"], self.ignore) or p in skipped:
                skipped.add(s["spanId"])
        for s in ordered:
            if s["spanId"] in skipped:
                continue
            p = s.get("parentSpanId")
            self.children.setdefault(p if p in self.by_id else None, []).append(s)

    def path(self, span_id: str) -> str:
        names: list[str] = []
        s = self.by_id.get(span_id)
        while s is not None:
            names.append(s["name"])
            s = self.by_id.get(s.get("parentSpanId") or "")
        return " > ".join(reversed(names)) if names else "(not recorded)"

    def label(self, s: Mapping[str, Any]) -> str:
        links = sorted(self.path(link["spanId"]) for link in s.get("links") or ())
        text = f"{s['name']} [{_kind(s)}] {{{_books(s)}}}"
        if links:
            text += " links-> " + " | ".join(links)
        return text

    def scenario_roots(self) -> list[dict[str, Any]]:
        """The roots of the scenario's own trace (the one its ``walkthrough NAME`` span starts),
        across every process that joined it.  Other roots are rounds of background services
        (flush, dispatch, registration), whose number and timing vary from run to run; their code
        locations are checked, their count is not.  Without a walkthrough root: all roots."""
        roots = self.children.get(None, [])
        trace_ids = {r["traceId"] for r in roots if r["name"].startswith("walkthrough ")}
        return [r for r in roots if r["traceId"] in trace_ids] if trace_ids else roots

    def edges(self) -> set[tuple[str, str]]:
        """The scenario trace's distinct (parent label, child label) pairs; roots hang off
        ``(root)``."""
        out: set[tuple[str, str]] = set()

        def walk(parent: Mapping[str, Any] | None) -> None:
            kids = self.children.get(parent["spanId"], []) if parent is not None \
                else self.scenario_roots()
            above = self.label(parent) if parent is not None else "(root)"
            for s in kids:
                out.add((above, self.label(s)))
                walk(s)

        walk(None)
        return out

    def text(self) -> str:
        """An indented tree in start order (what the docs pages show)."""
        out: list[str] = []

        def walk(parent: str | None, depth: int) -> None:
            for s in self.children.get(parent, []):
                attrs = s["attrs"]
                where = f"{attrs.get(ATTR_CODE_FILE, '')}:{attrs.get(ATTR_CODE_LINE, '')}"
                out.append(f"{'  ' * depth}{s['name']} [{_kind(s)}] {where} {_books(s)}".rstrip())
                walk(s["spanId"], depth + 1)

        walk(None, 0)
        return "\n".join(out)


def shape_diff(recorded: SpanTree, current: SpanTree) -> list[str]:
    """Human-readable differences between two shapes ('-' recorded only, '+' current only).

    A shape is the set of parent -> child edges between span labels (name, kind, book ids, links)
    in the scenario's trace: a span renamed, re-parented, given other book ids or another kind,
    a link lost, a span gone or new all change it.  How many times an edge occurs does not: that
    counts loop rounds, retries and heartbeats, which vary with timing from run to run.
    """
    rec, cur = recorded.edges(), current.edges()
    diff = [f"- {parent} > {child}" for parent, child in sorted(rec - cur)]
    diff += [f"+ {parent} > {child}" for parent, child in sorted(cur - rec)]
    return diff


# -- code locations --------------------------------------------------------------------------

def resolve_function(qualified: str) -> Callable[..., Any]:
    """The function a ``code.function.name`` names (``module.Class.method``), unwrapped.

    Names inside ``<locals>`` resolve to the enclosing function that defines them.
    """
    head = qualified.split(".<locals>.")[0]
    parts = head.split(".")
    for i in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:i])
        try:
            obj: Any = importlib.import_module(module_name)
        except ImportError:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError as e:
            raise WalkthroughError(f"{qualified}: {e}") from None
        if isinstance(obj, (staticmethod, classmethod)):
            obj = obj.__func__
        if isinstance(obj, property):
            obj = obj.fget
        return inspect.unwrap(obj)
    raise WalkthroughError(f"{qualified}: no importable module in the name")


def function_lines(fn: Callable[..., Any]) -> tuple[str, int, int]:
    """The repo-relative file and the first and last line of a function's source."""
    lines, start = inspect.getsourcelines(fn)
    return code_path(inspect.getsourcefile(fn) or ""), start, start + len(lines) - 1


def location_problems(spans: Iterable[Mapping[str, Any]]) -> list[str]:
    """Spans whose recorded code location is no longer inside the function they name."""
    problems: list[str] = []
    seen: set[tuple[str, str, int]] = set()
    for s in spans:
        attrs = s["attrs"]
        func, file, line = (attrs.get(ATTR_CODE_FUNCTION), attrs.get(ATTR_CODE_FILE),
                            attrs.get(ATTR_CODE_LINE))
        if not func or not file or line is None or (func, file, line) in seen:
            continue
        seen.add((func, file, line))
        try:
            real_file, first, last = function_lines(resolve_function(func))
        except (WalkthroughError, OSError, TypeError) as e:
            problems.append(f"{s['name']}: {func} cannot be found: {e}")
            continue
        if real_file != file or not first <= int(line) <= last:
            problems.append(f"{s['name']}: recorded at {file}:{line}, but {func} is now at "
                            f"{real_file}:{first}-{last}")
    return problems


def resolve_stops(w: Walkthrough, spans: Sequence[Mapping[str, Any]] | None = None
                  ) -> list[ResolvedStop]:
    """Each declared stop's breakpoint, from the first recorded span of that name."""
    if spans is None:
        if not w.trace_file.exists():
            raise WalkthroughError(f"{w.name} has no recording yet: run `{w.record_command}`")
        spans = read_spans(w.trace_file)
    ordered = sorted(spans, key=lambda s: int(s.get("startTimeUnixNano", 0)))
    out: list[ResolvedStop] = []
    for stop in w.stops:
        match = next((s for s in ordered if s["name"] == stop.span), None)
        if match is None:
            raise WalkthroughError(f"{w.name}: stop {stop.span!r} names no recorded span; "
                                   f"re-record with `{w.record_command}`")
        attrs = match["attrs"]
        if ATTR_CODE_FILE not in attrs or ATTR_CODE_LINE not in attrs:
            raise WalkthroughError(f"{w.name}: span {stop.span!r} has no code location")
        out.append(ResolvedStop(stop.span, attrs[ATTR_CODE_FILE], int(attrs[ATTR_CODE_LINE]),
                                attrs.get(ATTR_CODE_FUNCTION, ""), stop.locals, stop.note))
    return out


def capture(w: Walkthrough, finished_spans: Callable[[], Sequence[Any]]) -> SpanTree:
    """Re-run a walkthrough in this process (whose tracer provider collects in memory) and return
    its span tree: this process's spans plus those the processes it starts append to a temporary
    ``ROCKETMQ_REF_TRACE_FILE``."""
    from rocketmq_ref.common.otlp_json import encode_traces_data, flatten

    previous = os.environ.get(ENV_TRACE_FILE)
    with tempfile.TemporaryDirectory(prefix="walkthrough-capture-") as tmp:
        path = os.path.join(tmp, f"{w.name}.jsonl")
        os.environ[ENV_TRACE_FILE] = path
        try:
            w.run_scenario()
        finally:
            if previous is None:
                os.environ.pop(ENV_TRACE_FILE, None)
            else:
                os.environ[ENV_TRACE_FILE] = previous
        spans = list(flatten(encode_traces_data(list(finished_spans()))))
        if os.path.exists(path):
            spans += read_spans(path)
    return SpanTree(spans, w.ignore_spans)


def recorded_tree(w: Walkthrough) -> SpanTree:
    if not w.trace_file.exists():
        raise WalkthroughError(f"{w.name} has no recording yet: run `{w.record_command}`")
    return SpanTree(read_spans(w.trace_file), w.ignore_spans)


def abs_file(relative: str) -> str:
    return os.fspath(ROOT / relative)


LAUNCH_HINT = ".vscode/launch.json is stale: run `python -m rocketmq_ref.tools.walkthrough vscode`"
