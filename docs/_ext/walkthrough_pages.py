"""Directives that put a walkthrough's recording on its page, and the recordings into the site.

- ``{walkthrough-run} NAME``: the commands that run, debug and view it, and a link to the viewer;
- ``{spantree} NAME``: the span tree of ``traces/NAME.jsonl``, every span linked to its source line
  (viewcode), its Java twin and its book sections;
- ``{walkthrough-stops} NAME``: the debugger stops, resolved from the recording.

Every recording is also written into the site as ``_static/traces/NAME.js`` for the trace viewer
(a script, so the viewer works from ``file://`` as well as over HTTP).
"""
from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from rocketmq_ref.common.otlp_json import read_spans
from rocketmq_ref.common.tracing import ATTR_BOOK, ATTR_CODE_FILE, ATTR_CODE_LINE, ATTR_JAVA
from rocketmq_ref.tools.traceview import java_source_url, trace_script
from rocketmq_ref.tools.walkthrough_model import (TRACE_DIR, SpanTree, WalkthroughError, find,
                                                  resolve_stops)


logger = logging.getLogger(__name__)


def _up(docname: str) -> str:
    return "../" * docname.count("/")


def viewcode_uri(docname: str, file: str, line: int | str) -> str:
    """The viewcode page of a repo-relative ``rocketmq_ref/...py`` file at a line anchor."""
    return f"{_up(docname)}_modules/{file[:-3]}.html#L{line}"


def book_uri(docname: str, section_id: str) -> str:
    return f"{_up(docname)}book/{section_id[0].lower()}.html#{nodes.make_id(section_id)}"


def _link(text: str, uri: str, literal: bool = False) -> nodes.reference:
    ref = nodes.reference("", "", refuri=uri)
    ref += nodes.literal(text=text) if literal else nodes.Text(text)
    return ref


class _WalkthroughDirective(SphinxDirective):
    required_arguments = 1

    def walkthrough(self):  # type: ignore[no-untyped-def]
        try:
            w = find(self.arguments[0])
        except WalkthroughError as e:
            raise self.error(str(e)) from None
        self.env.note_dependency(str(Path(self.env.srcdir).parent / w.module_file))
        if w.trace_file.exists():
            self.env.note_dependency(str(w.trace_file))
        return w

    def recording(self, w):  # type: ignore[no-untyped-def]
        if not w.trace_file.exists():
            raise self.error(f"{w.name} has no recording: run `{w.record_command}`")
        return read_spans(w.trace_file)


class WalkthroughRunDirective(_WalkthroughDirective):
    def run(self) -> list[nodes.Node]:
        w = self.walkthrough()
        text = (f"{w.record_command}            # writes traces/{w.name}.jsonl\n"
                f"python -m rocketmq_ref.tools.walkthrough debug {w.name}          "
                f"# debugpy on 127.0.0.1:5678, --pdb for a terminal\n"
                f"python -m rocketmq_ref.tools.traceview traces/{w.name}.jsonl")
        block = nodes.literal_block(text, text, language="sh")
        para = nodes.paragraph()
        para += nodes.Text("Open the recording in the ")
        para += _link("trace viewer",
                      f"{_up(self.env.docname)}_static/traceview.html?trace={w.name}")
        para += nodes.Text(" (scenario: ")
        para += nodes.literal(text=w.module_file)
        para += nodes.Text(").")
        return [block, para]


class SpanTreeDirective(_WalkthroughDirective):
    def run(self) -> list[nodes.Node]:
        w = self.walkthrough()
        tree = SpanTree(self.recording(w), w.ignore_spans)
        docname = self.env.docname

        def items(parent: str | None) -> nodes.bullet_list | None:
            kids = tree.children.get(parent, [])
            if not kids:
                return None
            lst = nodes.bullet_list(classes=["span-tree"])
            for s in kids:
                attrs = s["attrs"]
                para = nodes.paragraph()
                para += nodes.strong(text=s["name"])
                para += nodes.Text(f"  {s['service']}  ")
                file, line = attrs.get(ATTR_CODE_FILE), attrs.get(ATTR_CODE_LINE)
                if file and line is not None and str(file).startswith("rocketmq_ref/"):
                    para += _link(f"{file}:{line}", viewcode_uri(docname, file, line), True)
                java = attrs.get(ATTR_JAVA)
                if java:
                    para += nodes.Text("  ")
                    para += _link(java.rsplit(".", 1)[-1], java_source_url(java))
                for sid in attrs.get(ATTR_BOOK) or ():
                    para += nodes.Text("  ")
                    para += _link(sid, book_uri(docname, sid))
                for link in s.get("links") or ():
                    para += nodes.Text(f"  (linked from {tree.path(link['spanId'])})")
                item = nodes.list_item()
                item += para
                sub = items(s["spanId"])
                if sub is not None:
                    item += sub
                lst += item
            return lst

        result = items(None)
        if result is None:
            raise self.error(f"{w.trace_file} holds no spans: re-run `{w.record_command}`")
        return [result]


class WalkthroughStopsDirective(_WalkthroughDirective):
    def run(self) -> list[nodes.Node]:
        w = self.walkthrough()
        try:
            stops = resolve_stops(w, self.recording(w))
        except WalkthroughError as e:
            raise self.error(str(e)) from None
        lst = nodes.enumerated_list()
        for stop in stops:
            para = nodes.paragraph()
            para += nodes.strong(text=stop.span)
            para += nodes.Text(" at ")
            para += _link(f"{stop.file}:{stop.line}",
                          viewcode_uri(self.env.docname, stop.file, stop.line), True)
            if stop.locals:
                para += nodes.Text(" — locals: ")
                for i, name in enumerate(stop.locals):
                    if i:
                        para += nodes.Text(", ")
                    para += nodes.literal(text=name)
            if stop.note:
                para += nodes.Text(f". {stop.note}")
            item = nodes.list_item()
            item += para
            lst += item
        return [lst]


class WalkthroughOutputDirective(_WalkthroughDirective):
    """``{walkthrough-output} NAME KEY``: one text output the scenario returned when it was
    recorded (``traces/NAME.outputs.json``): command output, byte dumps."""

    required_arguments = 2

    def run(self) -> list[nodes.Node]:
        w = self.walkthrough()
        if not w.outputs_file.exists():
            raise self.error(f"{w.name} has no recorded outputs: run `{w.record_command}`")
        self.env.note_dependency(str(w.outputs_file))
        outputs = json.loads(w.outputs_file.read_text(encoding="utf-8"))
        key = self.arguments[1]
        if key not in outputs:
            raise self.error(f"{w.name} recorded no output {key!r}; it has {sorted(outputs)}")
        return [nodes.literal_block(outputs[key], outputs[key], classes=["walkthrough-output"])]


def check_source_pages(app: Sphinx, exception: BaseException | None) -> None:
    """Every code location a recording names must have its highlighted source page, or the span
    trees and the viewer would link nowhere."""
    if exception is not None or app.builder.format != "html":
        return
    missing: set[str] = set()
    for path in sorted(TRACE_DIR.glob("*.jsonl")):
        for s in read_spans(path):
            file = s["attrs"].get(ATTR_CODE_FILE)
            if file and str(file).startswith("rocketmq_ref/") and \
                    not Path(app.outdir, "_modules", f"{file[:-3]}.html").exists():
                missing.add(f"{file} (traces/{path.name})")
    for m in sorted(missing):
        logger.warning("no source page for %s: is the module in the API pages?", m)


def copy_traces(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir, "_static", "traces")
    out.mkdir(parents=True, exist_ok=True)
    names = []
    for path in sorted(TRACE_DIR.glob("*.jsonl")):  # outputs stay on the pages, not in the viewer
        lines = path.read_text(encoding="utf-8")
        (out / f"{path.stem}.js").write_text(trace_script(path.stem, lines), encoding="utf-8")
        (out / path.name).write_text(lines, encoding="utf-8")
        names.append(path.stem)
    (out / "index.js").write_text(
        "window.ROCKETMQ_REF_TRACE_INDEX = " + json.dumps(names) + ";\n", encoding="utf-8")


def outdated_contents(app: Sphinx, env, added, changed, removed):  # type: ignore[no-untyped-def]
    # the contents pages list every page's claims: re-resolve them whenever anything changes
    return [d for d in env.found_docs if d.startswith("book/")] if (added or changed or removed) \
        else []


def setup(app: Sphinx) -> dict[str, object]:
    app.add_directive("walkthrough-run", WalkthroughRunDirective)
    app.add_directive("spantree", SpanTreeDirective)
    app.add_directive("walkthrough-stops", WalkthroughStopsDirective)
    app.add_directive("walkthrough-output", WalkthroughOutputDirective)
    app.connect("build-finished", copy_traces)
    app.connect("build-finished", check_source_pages)
    app.connect("env-get-outdated", outdated_contents)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
