"""Sphinx configuration of the rocketmq-ref companion site (builds offline, warnings are errors)."""
from __future__ import annotations

import os
import sys

DOCS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(DOCS)
sys.path.insert(0, os.path.join(DOCS, "_ext"))
sys.path.insert(0, ROOT)

project = "rocketmq-ref"
author = "rocketmq-ref contributors"
copyright = "Apache License 2.0"
language = "en"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "apipages",
    "fastrefs",
    "mdstrings",
    "bookmap",
    "walkthrough_pages",
    "configref",
]

source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "README.md"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

nitpicky = True
# Annotations name the standard library and OpenTelemetry; without intersphinx (offline) those
# targets cannot resolve.  References into rocketmq_ref itself must still resolve.
nitpick_ignore_regex = [
    (r"py:.*", r"(?!rocketmq_ref\.).*"),
]

autodoc_typehints = "signature"
viewcode_line_numbers = True

html_theme = "furo"
html_title = "rocketmq-ref companion"
html_static_path = ["_static", "../rocketmq_ref/tools/traceview_static"]
html_js_files = ["viewcode-lines.js"]
html_css_files = ["site.css"]
html_show_sourcelink = False
html_last_updated_fmt = None
autodoc_inherit_docstrings = False
autodoc_use_type_comments = False
