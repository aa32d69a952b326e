"""One API page per module of ``rocketmq_ref``, generated from the package tree at every build.

New modules get a page without anyone editing the docs; a module that no longer exists loses its
page.  Pages are written to ``api/generated/`` (ignored by git) only when their text changes, so an
incremental build re-reads only what is new.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

PACKAGE = "rocketmq_ref"
OUT_DIR = ("api", "generated")
SKIP_FILES = {"__main__.py"}


def _tracked(root: Path) -> set[Path] | None:
    """The files git tracks under ``root`` (None outside a git checkout, e.g. an unpacked sdist).

    Files not yet added are someone's work in progress; a module joins the API once committed.
    """
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--", PACKAGE], cwd=root, check=True,
                             capture_output=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {root / p for p in out.decode("utf-8").split("\0") if p}


def module_names(package_dir: Path, package: str = PACKAGE) -> list[str]:
    """Dotted names of every package and module under ``package_dir`` (sorted, packages first)."""
    tracked = _tracked(package_dir.parent)
    names: list[str] = []
    for dirpath, dirnames, filenames in os.walk(package_dir):
        dirnames[:] = sorted(d for d in dirnames
                             if not d.startswith(("_", ".")) and
                             (Path(dirpath, d, "__init__.py")).exists())
        rel = Path(dirpath).relative_to(package_dir)
        prefix = ".".join((package, *rel.parts))
        for f in sorted(filenames, key=lambda f: (f != "__init__.py", f)):
            if not f.endswith(".py") or f in SKIP_FILES or (f.startswith("_") and f != "__init__.py"):
                continue
            if tracked is not None and Path(dirpath, f) not in tracked:
                continue
            names.append(prefix if f == "__init__.py" else f"{prefix}.{f[:-3]}")
    return names


def page_text(name: str) -> str:
    # reStructuredText: autodoc writes reST, which a Markdown page would parse as Markdown.
    # orphan: reached from the module list of api/index, not from the navigation tree (a
    # toctree of every module makes each page render hundreds of sidebar entries)
    title = f"``{name}``"
    return (f":orphan:\n\n{title}\n{'=' * len(title)}\n\n"
            f".. automodule:: {name}\n"
            f"   :members:\n   :undoc-members:\n   :show-inheritance:\n"
            f"   :member-order: bysource\n   :ignore-module-all:\n")


def generate(app: Sphinx) -> None:
    root = Path(app.confdir).parent
    out = Path(app.srcdir, *OUT_DIR)
    out.mkdir(parents=True, exist_ok=True)
    wanted: dict[str, str] = {f"{n}.rst": page_text(n) for n in module_names(root / PACKAGE)}
    for stale in out.glob("*.*"):
        if stale.name not in wanted:
            stale.unlink()
    for filename, text in wanted.items():
        path = out / filename
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    app._rocketmq_modules = [Path(f).stem for f in wanted]  # type: ignore[attr-defined]


class ApiModulesDirective(SphinxDirective):
    """``{api-modules}``: every generated module page, nested by package."""

    def run(self) -> list[nodes.Node]:
        names: list[str] = getattr(self.env.app, "_rocketmq_modules", [])
        top = nodes.bullet_list()
        lists: dict[str, nodes.bullet_list] = {}
        for name in names:
            parent = lists.get(name.rsplit(".", 1)[0], top)
            ref = addnodes.pending_xref("", refdomain="std", reftype="doc", refexplicit=True,
                                        reftarget=f"/{'/'.join(OUT_DIR)}/{name}",
                                        refdoc=self.env.docname)
            ref += nodes.literal(text=name)
            para = nodes.paragraph()
            para += ref
            item = nodes.list_item()
            item += para
            parent += item
            sub = nodes.bullet_list()
            lists[name] = sub
            item += sub
        for sub in lists.values():
            if not sub.children:
                sub.parent.remove(sub)
        return [top]


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("builder-inited", generate)
    app.add_directive("api-modules", ApiModulesDirective)
    # the module list on api/index changes whenever a module is added or removed
    app.connect("env-get-outdated", lambda app, env, added, changed, removed: ["api/index"])
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
