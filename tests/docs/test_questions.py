"""The reader-questions page answers every question of ``docs/questions.tsv`` and points only at
things that exist: pages that claim the question's book sections, walkthroughs with recordings, the
spans it names in those recordings, and the tests it names."""
from __future__ import annotations

import csv
import functools
import re
from pathlib import Path

import pytest

from rocketmq_ref.common.otlp_json import read_spans
from rocketmq_ref.tools.walkthrough_model import ROOT, TRACE_DIR, discover

DOCS = ROOT / "docs"
PAGE = DOCS / "questions.md"
SECTION = re.compile(r"^\(question-(\d+)\)=\n## (\d+)\. (.+)$", re.M)
LINK = re.compile(r"\]\(([^)#\s]+\.md)(?:#[^)\s]*)?\)")
RUN = re.compile(r"python -m rocketmq_ref\.tools\.walkthrough run ([\w-]+)")
SPANS_IN_TRACE = re.compile(r"((?:`[^`]+`[,\s]*)+)in\s+`traces/([\w-]+)\.jsonl`")
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::(test_\w+)`")


def questions() -> list[dict[str, str]]:
    with open(DOCS / "questions.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def sections_of_page() -> dict[str, tuple[str, str]]:
    """Question id -> (heading, body) of its section on the page."""
    text = PAGE.read_text(encoding="utf-8")
    marks = list(SECTION.finditer(text))
    out = {}
    for i, m in enumerate(marks):
        assert m.group(1) == m.group(2), f"label question-{m.group(1)} heads section {m.group(2)}"
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        out[m.group(1)] = (m.group(3), text[m.end():end])
    return out


def claimed_sections(page: Path) -> set[str]:
    m = re.match(r"---\n(.*?)\n---\n", page.read_text(encoding="utf-8"), re.S)
    if not m:
        return set()
    line = next((x for x in m.group(1).splitlines() if x.startswith("sections:")), "")
    return set(re.findall(r"[AB][\w.]+", line))


def item(body: str, label: str) -> str:
    """The text of one ``- **Label:**`` list item of a section (empty when missing)."""
    m = re.search(rf"^- \*\*{label}:\*\*(.*?)(?=^- \*\*|^\S|\Z)", body, re.M | re.S)
    return m.group(1) if m else ""


@functools.cache
def span_names(walkthrough: str) -> frozenset[str]:
    return frozenset(s["name"] for s in read_spans(TRACE_DIR / f"{walkthrough}.jsonl"))


QUESTIONS = questions()
IDS = [q["id"] for q in QUESTIONS]


def test_the_question_list_is_complete_and_names_known_sections():
    assert IDS == [str(i) for i in range(1, len(IDS) + 1)], "ids must run 1..n in order"
    with open(DOCS / "sections.tsv", encoding="utf-8", newline="") as f:
        known = {row["id"] for row in csv.DictReader(f, delimiter="\t")}
    for q in QUESTIONS:
        assert q["question"].strip() and q["sections"].split(), q
        assert set(q["sections"].split()) <= known, (q["id"], set(q["sections"].split()) - known)


def test_the_page_has_one_section_per_question_in_order():
    page = sections_of_page()
    assert list(page) == IDS, "every question once, in the order of questions.tsv, and no other"
    for q in QUESTIONS:
        heading = page[q["id"]][0]
        assert heading.replace('"', "") == q["question"].replace('"', ""), (q["id"], heading)


def test_the_page_is_in_the_navigation():
    assert re.search(r"^questions$", (DOCS / "index.md").read_text(encoding="utf-8"), re.M)


@pytest.mark.parametrize("qid", IDS)
def test_each_answer_links_a_page_that_claims_one_of_its_sections(qid):
    q = next(q for q in QUESTIONS if q["id"] == qid)
    wanted = set(q["sections"].split())
    _, body = sections_of_page()[qid]
    links = [(PAGE.parent / target).resolve() for target in LINK.findall(body)]
    assert links, f"question {qid} links no page"
    for target in links:
        assert target.is_file(), f"question {qid} links {target.relative_to(ROOT)}, which is missing"
    claiming = [t for t in links if claimed_sections(t) & wanted]
    assert claiming, f"question {qid}: no linked page claims any of {sorted(wanted)}"


@pytest.mark.parametrize("qid", IDS)
def test_each_answer_has_its_parts(qid):
    _, body = sections_of_page()[qid]
    answer = body.split("\n- **", 1)[0].strip()
    assert answer and not answer.startswith("-"), f"question {qid} has no answer paragraph"
    for label in ("Where it shows", "Spans", "Configuration", "Code", "Tests", "Run"):
        assert item(body, label).strip(), f"question {qid} has no '{label}' item"
    assert "{py:" in item(body, "Configuration"), f"question {qid}: keys must link to our config"
    assert "{py:" in item(body, "Code"), f"question {qid}: code must link to our API pages"


@pytest.mark.parametrize("qid", IDS)
def test_every_walkthrough_named_exists_and_is_recorded(qid):
    _, body = sections_of_page()[qid]
    known = {w.name for w in discover()}
    names = RUN.findall(body)
    assert names, f"question {qid} gives no command to run"
    for name in names:
        assert name in known, f"question {qid} runs {name}, which is not a walkthrough"
        assert (TRACE_DIR / f"{name}.jsonl").is_file(), f"{name} has no recording"


@pytest.mark.parametrize("qid", IDS)
def test_every_span_named_is_in_the_recording_named(qid):
    _, body = sections_of_page()[qid]
    pairs = SPANS_IN_TRACE.findall(item(body, "Spans"))
    assert pairs, f"question {qid} names no span in a recording"
    for group, walkthrough in pairs:
        assert (TRACE_DIR / f"{walkthrough}.jsonl").is_file(), f"no traces/{walkthrough}.jsonl"
        for name in re.findall(r"`([^`]+)`", group):
            assert name in span_names(walkthrough), \
                f"question {qid}: no span {name!r} in traces/{walkthrough}.jsonl"


@pytest.mark.parametrize("qid", IDS)
def test_every_test_named_exists(qid):
    _, body = sections_of_page()[qid]
    refs = TEST_REF.findall(item(body, "Tests"))
    assert refs, f"question {qid} names no test"
    for path, name in refs:
        source = ROOT / path
        assert source.is_file(), f"question {qid}: {path} does not exist"
        assert re.search(rf"^(async )?def {name}\(", source.read_text(encoding="utf-8"), re.M), \
            f"question {qid}: {path} has no {name}"
