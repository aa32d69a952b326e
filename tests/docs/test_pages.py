"""Every walkthrough has its page, the page claims the walkthrough's sections, and pages pull code
only by object (``literalinclude`` with ``:pyobject:`` and ``:lineno-match:``), never pasted."""
from __future__ import annotations

import re

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
