"""Every walkthrough has its page, the page claims the walkthrough's sections, and pages pull code
only by object (``literalinclude`` with ``:pyobject:`` and ``:lineno-match:``), never pasted."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from rocketmq_ref.tools.walkthrough_model import ROOT, discover

PAGES = sorted((ROOT / "docs").glob("**/*.md"))
PAGES = [p for p in PAGES if "_build" not in p.parts and "generated" not in p.parts]


def front_matter(text: str) -> dict[str, str]:
    m = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if not m:
        return {}
    return dict(line.split(":", 1) for line in m.group(1).splitlines() if ":" in line)


def test_every_walkthrough_has_a_page_claiming_its_sections():
    pages = {}
    for p in PAGES:
        meta = front_matter(p.read_text(encoding="utf-8"))
        if "walkthrough" in meta:
            pages[meta["walkthrough"].strip()] = re.findall(r"[AB][\w.]+", meta.get("sections", ""))
    for w in discover():
        assert w.name in pages, f"walkthrough {w.name} has no page (docs/walkthroughs/{w.name}.md)"
        assert set(w.sections) <= set(pages[w.name]), (w.name, set(w.sections) - set(pages[w.name]))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_code_is_included_by_object_with_real_line_numbers(page):
    text = page.read_text(encoding="utf-8")
    for block in re.findall(r"```\{literalinclude\}[^\n]*\n(.*?)```", text, re.S):
        assert ":pyobject:" in block and ":lineno-match:" in block, (page.name, block)
    assert "```python" not in text, f"{page.name}: paste no code; literalinclude it by :pyobject:"


def _claims() -> dict[str, Path]:
    owner: dict[str, Path] = {}
    for p in PAGES:
        meta = front_matter(p.read_text(encoding="utf-8"))
        for sid in re.findall(r"[AB][\w.]+", meta.get("sections", "")):
            owner[sid] = p
    return owner


def _sections() -> dict[str, str]:
    with open(ROOT / "docs" / "sections.tsv", encoding="utf-8", newline="") as f:
        return {row["id"]: row["mode"] for row in csv.DictReader(f, delimiter="\t")}


def test_every_section_of_both_books_has_a_page():
    missing = sorted(set(_sections()) - set(_claims()))
    assert not missing, f"sections without a page: {missing}"


def test_flow_and_ops_sections_are_on_pages_that_show_a_recorded_run():
    owner = _claims()
    shown = re.compile(r"```\{(spantree|walkthrough-output)\} (\w+)")
    problems = []
    for sid, mode in _sections().items():
        if mode not in ("flow", "ops") or sid not in owner:
            continue
        names = {m.group(2) for m in shown.finditer(owner[sid].read_text(encoding="utf-8"))}
        recorded = {n for n in names if (ROOT / "traces" / f"{n}.jsonl").exists()}
        if not recorded:
            problems.append(f"{sid} ({mode}) on {owner[sid].relative_to(ROOT)}")
    assert not problems, "flow/ops sections on pages with no span tree or tool output: " + \
        ", ".join(problems)
