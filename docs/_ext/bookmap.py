"""The book map: which page covers which section of the two books.

A page declares the section ids it covers in its front matter::

    ---
    sections: [B4.3, B4.8, B4.8.1, B4.8.2]
    walkthrough: store_put_flush
    ---

The build fails on an id that ``sections.tsv`` does not know and on an id claimed by two pages.
``{book-contents} A`` renders the contents of one book: every section id with its title, its page,
its mode and its status.  The coverage (sections with a page / all sections) is printed at the end.
"""
from __future__ import annotations

import csv
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.errors import SphinxError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

log = logging.getLogger(__name__)

BOOKS = {"A": "RocketMQ实战与原理解析", "B": "RocketMQ技术内幕"}
STATUS_RECORDED = "walkthrough, recorded"
STATUS_PAGE = "page"
STATUS_NONE = "not yet"


class BookMapError(SphinxError):
    category = "Book map error"


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    book: str
    section: str
    title: str
    page: str
    modules: str
    mode: str
    companion: str


def load_sections(path: Path) -> dict[str, Section]:
    """Read ``sections.tsv`` (the book map copied from the books' tables of contents)."""
    out: dict[str, Section] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            s = Section(**{k: (row.get(k) or "").strip() for k in Section.__slots__})
            if s.id in out:
                raise BookMapError(f"{path}: section id {s.id} appears twice")
            out[s.id] = s
    return out


def anchor(section_id: str) -> str:
    """The HTML id of a section's row on its book's contents page (``B4.3`` -> ``b4-3``)."""
    return nodes.make_id(section_id)


def declared_ids(meta: dict[str, Any]) -> list[str]:
    """The ids a page's front matter declares under ``sections`` (a list, or a string of ids)."""
    value = meta.get("sections")
    if value is None:
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                value = text.strip("[]").split(",")
        else:
            value = re.split(r"[,\s]+", text)
    return [str(v).strip().strip("'\"") for v in value if str(v).strip()]


class book_contents(nodes.General, nodes.Element):
    """Placeholder replaced by the contents table once every page has been read."""


class BookContentsDirective(SphinxDirective):
    required_arguments = 1
    option_spec = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        book = self.arguments[0].strip()
        if book not in BOOKS:
            raise self.error(f"unknown book {book!r}; expected one of {sorted(BOOKS)}")
        return [book_contents(book=book)]


def sections_of(app: Sphinx) -> dict[str, Section]:
    cached = getattr(app, "_rocketmq_sections", None)
    if cached is None:
        cached = load_sections(Path(app.confdir, "sections.tsv"))
        app._rocketmq_sections = cached  # type: ignore[attr-defined]
    return cached


def claims(app: Sphinx) -> tuple[dict[str, str], list[str]]:
    """Map every claimed id to its page, and the problems found (unknown ids, double claims)."""
    known = sections_of(app)
    owner: dict[str, str] = {}
    problems: list[str] = []
    for docname in sorted(app.env.found_docs):
        meta = app.env.metadata.get(docname, {})
        for sid in declared_ids(meta):
            if sid not in known:
                problems.append(f"{docname}: unknown section id {sid!r} (not in docs/sections.tsv)")
            elif sid in owner and owner[sid] != docname:
                problems.append(f"{docname}: section id {sid} is already claimed by {owner[sid]}")
            else:
                owner[sid] = docname
    return owner, problems


def check_claims(app: Sphinx, env: Any) -> None:
    owner, problems = claims(app)
    for p in problems:
        log.error(p)
    if problems:
        raise BookMapError(f"{len(problems)} book map problem(s): " + "; ".join(problems))
    app._rocketmq_owner = owner  # type: ignore[attr-defined]


def status_of(app: Sphinx, docname: str | None) -> str:
    if docname is None:
        return STATUS_NONE
    meta = app.env.metadata.get(docname, {})
    name = meta.get("walkthrough")
    if name and Path(app.confdir).parent.joinpath("traces", f"{name}.jsonl").exists():
        return STATUS_RECORDED
    return STATUS_PAGE


def _row(cells: list[nodes.Node | str], ids: list[str] | None = None) -> nodes.row:
    row = nodes.row(ids=ids or [])
    for c in cells:
        entry = nodes.entry()
        para = nodes.paragraph()
        para += c if isinstance(c, nodes.Node) else nodes.Text(c)
        entry += para
        row += entry
    return row


def build_table(app: Sphinx, book: str, fromdoc: str) -> nodes.table:
    owner: dict[str, str] = getattr(app, "_rocketmq_owner", {})
    headers = ["id", "title", "page", "mode", "status"]
    table = nodes.table(classes=["book-contents"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for width in (8, 40, 30, 10, 12):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += _row(list(headers))
    group += head
    body = nodes.tbody()
    for s in sections_of(app).values():
        if s.book != book:
            continue
        docname = owner.get(s.id)
        if docname is None:
            page: nodes.Node | str = "—"
        else:
            title = app.env.titles.get(docname)
            ref = nodes.reference("", "", internal=True,
                                  refuri=app.builder.get_relative_uri(fromdoc, docname))
            ref += nodes.Text(title.astext() if title is not None else docname)
            page = ref
        body += _row([nodes.literal(text=s.id), s.title, page, s.mode, status_of(app, docname)],
                     ids=[anchor(s.id)])
    group += body
    return table


def resolve_contents(app: Sphinx, doctree: nodes.document, fromdoc: str) -> None:
    for node in list(doctree.findall(book_contents)):
        node.replace_self(build_table(app, node["book"], fromdoc))


def coverage(app: Sphinx) -> dict[str, tuple[int, int]]:
    owner: dict[str, str] = getattr(app, "_rocketmq_owner", {})
    out: dict[str, tuple[int, int]] = {}
    for s in sections_of(app).values():
        done, total = out.get(s.book, (0, 0))
        out[s.book] = (done + (s.id in owner), total + 1)
    return out


def report_coverage(app: Sphinx, exception: BaseException | None) -> None:
    if exception is not None:
        return
    cov = coverage(app)
    done = sum(d for d, _ in cov.values())
    total = sum(t for _, t in cov.values())
    per_book = ", ".join(f"{b} {d}/{t}" for b, (d, t) in sorted(cov.items()))
    # printed even under -q: the coverage is the build's headline figure
    print(f"book coverage: {done}/{total} sections have a page ({per_book})", file=sys.stdout)
    Path(app.outdir, "coverage.json").write_text(
        json.dumps({"sections_with_page": done, "sections": total,
                    "books": {b: {"with_page": d, "sections": t} for b, (d, t) in cov.items()}}),
        encoding="utf-8")


def setup(app: Sphinx) -> dict[str, object]:
    app.add_node(book_contents)
    app.add_directive("book-contents", BookContentsDirective)
    app.connect("env-updated", check_claims)
    app.connect("doctree-resolved", resolve_contents)
    app.connect("build-finished", report_coverage)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
