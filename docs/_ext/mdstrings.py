"""Docstrings in Markdown: autodoc hands every docstring to MyST instead of reStructuredText.

The project's docstrings are written the way its Markdown pages are (``code`` spans, pipe tables,
indented examples); as reST the same text raises indentation and emphasis errors that would fail
the ``-W`` build for formatting alone.  Sphinx roles written reST-style (``:class:`X```) are
rewritten to MyST's ``{class}`X``` so cross-references keep working.
"""
from __future__ import annotations

import re
from typing import Any

from docutils import nodes
from docutils.utils import new_document
from myst_parser.parsers.sphinx_ import MystParser
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

_ROLE = re.compile(r"(?<![\w`{]):((?:py:)?(?:class|func|meth|attr|mod|data|exc|obj|ref|doc)):`")
DIRECTIVE = "md-docstring"


class MarkdownDocstring(SphinxDirective):
    has_content = True

    def run(self) -> list[nodes.Node]:
        text = "\n".join(self.content)
        document = new_document(self.state.document["source"], self.state.document.settings)
        document.reporter = self.state.document.reporter
        MystParser().parse(text, document)
        children = list(document.children)
        document.children = []
        for child in children:
            # the nodes must not keep the scratch document (and through its settings the whole
            # build environment) alive: it would be pickled with every doctree
            for node in child.findall():
                node._document = None
            child.parent = None
        return children


def to_markdown_directive(app: Sphinx, what: str, name: str, obj: Any, options: Any,
                          lines: list[str]) -> None:
    if not any(line.strip() for line in lines):
        return
    body = [_ROLE.sub(r"{\1}`", line) for line in lines]
    lines[:] = [f".. {DIRECTIVE}::", ""] + [f"   {line}" if line else "" for line in body] + [""]


def setup(app: Sphinx) -> dict[str, object]:
    app.add_directive(DIRECTIVE, MarkdownDocstring)
    app.connect("autodoc-process-docstring", to_markdown_directive)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
