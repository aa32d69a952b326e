"""Resolve the type names in autodoc signatures through a suffix index (no Java twin).

Sphinx resolves a short annotation such as ``CommitLog`` or ``str`` by scanning every documented
object for a name ending in ``.CommitLog`` -- once per reference, thousands of times per build.
This post-transform runs first and does the same search through a dictionary keyed by the last
name component: a unique hit becomes an exact reference.  In what autodoc generates (signatures,
bases, docstrings) a name with no single documented target (a TypeVar, a private class, the standard library) becomes plain text; in prose
an unresolved reference is still an error (``nitpicky``).
"""
from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform


class FastPythonRefs(SphinxPostTransform):
    default_priority = 5  # before Sphinx's ReferencesResolver (10)

    def run(self, **kwargs: Any) -> None:
        domain = self.env.get_domain("py")
        objects = domain.objects  # type: ignore[attr-defined]
        key = len(objects)
        cached = getattr(self.env, "_fastrefs_index", None)
        if cached is None or cached[0] != key:
            index: dict[str, list[str]] = {}
            for fullname in objects:
                index.setdefault(fullname.rsplit(".", 1)[-1], []).append(fullname)
            cached = (key, index)
            self.env._fastrefs_index = cached  # type: ignore[attr-defined]
        index = cached[1]
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get("refdomain") != "py":
                continue
            in_signature = _in_description(node)
            if not (node.get("refspecific") or in_signature):
                continue
            name = node["reftarget"].removesuffix("()")
            mod, cls = node.get("py:module"), node.get("py:class")
            exact = [f"{mod}.{cls}.{name}" if mod and cls else None,
                     f"{mod}.{name}" if mod else None, name]
            if any(c in objects for c in exact if c):
                continue
            objtypes = domain.objtypes_for_role(node["reftype"]) or ()
            hits = [f for f in index.get(name.rsplit(".", 1)[-1], ())
                    if f.endswith("." + name) and objects[f].objtype in objtypes]
            if len(hits) == 1:
                node["reftarget"] = hits[0]
                node["refspecific"] = False
            elif not hits or in_signature:
                # a signature naming a TypeVar, a private or external class: text, not a link
                node.replace_self(node.children or [nodes.Text(name)])


def _in_description(node: nodes.Element) -> bool:
    """Inside what autodoc generated (signature, bases, docstring) rather than a page's prose."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.desc):
            return True
        parent = parent.parent
    return False


def setup(app: Sphinx) -> dict[str, object]:
    app.add_post_transform(FastPythonRefs)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
