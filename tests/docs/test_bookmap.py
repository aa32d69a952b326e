"""The book map extension: pages claim section ids; unknown or doubly claimed ids fail the build;
each book's contents page lists every section with its page, mode and status; coverage is printed."""
from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from rocketmq_ref.tools.walkthrough_model import ROOT

sphinx_application = pytest.importorskip("sphinx.application")

DOCS = ROOT / "docs"


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def make_site(tmp_path: Path, pages: dict[str, str]) -> Path:
    src = tmp_path / "src"
    write(src / "conf.py", f"""
        import sys
        sys.path.insert(0, {str(DOCS / '_ext')!r})
        extensions = ["myst_parser", "bookmap"]
        exclude_patterns = ["_build"]
    """)
    shutil.copy(DOCS / "sections.tsv", src / "sections.tsv")
    write(src / "index.md", "# Site\n\n```{toctree}\nbook_a\nbook_b\n" + "\n".join(pages) + "\n```\n")
    write(src / "book_a.md", "# A\n\n```{book-contents} A\n```\n")
    write(src / "book_b.md", "# B\n\n```{book-contents} B\n```\n")
    for name, text in pages.items():
        write(src / f"{name}.md", text)
    return src


def build(src: Path, capsys=None) -> Path:
    out = src.parent / "out"
    app = sphinx_application.Sphinx(str(src), str(src), str(out), str(src.parent / "doctrees"),
                                    "html", status=None, warning=None, freshenv=True)
    app.build()
    return out


def page(ids: str, title: str = "Page") -> str:
    return f"---\nsections: [{ids}]\n---\n# {title}\n\nText.\n"


def test_contents_lists_every_section_with_its_page_and_coverage_is_printed(tmp_path, capsys):
    out = build(make_site(tmp_path, {"routes": page("B2.3, B2.3.1", "Routes")}))
    assert "book coverage: 2/233 sections have a page (A 0/120, B 2/113)" in capsys.readouterr().out
    assert json.loads((out / "coverage.json").read_text())["sections_with_page"] == 2
    html = (out / "book_b.html").read_text(encoding="utf-8")
    row = html[html.index('id="b2-3-1"'):]
    row = row[:row.index("</tr>")]
    assert 'href="routes.html"' in row and "Routes" in row and "flow" in row and "page" in row
    other = html[html.index('id="b2-2"'):]
    assert "not yet" in other[:other.index("</tr>")]
    assert html.count("<tr") == 113 + 1  # every section of book B, plus the header


def test_an_unknown_section_id_fails_the_build(tmp_path):
    src = make_site(tmp_path, {"bad": page("B2.3, B99.1")})
    with pytest.raises(Exception, match=r"bad: unknown section id 'B99.1'"):
        build(src)


def test_an_id_claimed_by_two_pages_fails_the_build(tmp_path):
    src = make_site(tmp_path, {"one": page("B4.3"), "two": page("B4.3, B4.8")})
    with pytest.raises(Exception, match=r"two: section id B4.3 is already claimed by one"):
        build(src)


def test_the_project_copy_of_the_book_map_is_complete():
    from bookmap import load_sections  # type: ignore[import-not-found]
    sections = load_sections(DOCS / "sections.tsv")
    assert len(sections) == 233
    assert {s.mode for s in sections.values()} == {"flow", "ops", "concept", "substitute"}


@pytest.fixture(autouse=True, scope="module")
def _ext_on_path():
    import sys
    sys.path.insert(0, str(DOCS / "_ext"))
    yield
    sys.path.remove(str(DOCS / "_ext"))
