"""``{config-reference} module.ClassName``: every Java key of a config class, generated from the
class itself (field, Java key, default, ``@ImportantField`` mark, doc), so the reference cannot
drift from the code.  Defaults computed at start-up (host name, address, environment) are shown as
such rather than as the values of the machine that built the docs.
"""
from __future__ import annotations

import dataclasses
import enum
import importlib

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from rocketmq_ref.common.java_config import JavaConfig, snake_to_camel


def default_text(f: dataclasses.Field) -> str:
    if f.default is not dataclasses.MISSING:
        value = f.default
    elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        return "(computed at start-up)"
    else:
        return "(required)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return value.name
    return "" if value is None else str(value)


def _row(cells: list[nodes.Node | str]) -> nodes.row:
    row = nodes.row()
    for c in cells:
        entry = nodes.entry()
        para = nodes.paragraph()
        para += c if isinstance(c, nodes.Node) else nodes.Text(c)
        entry += para
        row += entry
    return row


class ConfigReferenceDirective(SphinxDirective):
    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        path = self.arguments[0]
        module_name, _, class_name = path.rpartition(".")
        try:
            cls = getattr(importlib.import_module(module_name), class_name)
        except (ImportError, AttributeError) as e:
            raise self.error(f"cannot import {path}: {e}") from None
        if not (isinstance(cls, type) and issubclass(cls, JavaConfig)):
            raise self.error(f"{path} is not a JavaConfig dataclass")
        self.env.note_dependency(importlib.import_module(module_name).__file__ or "")
        table = nodes.table(classes=["config-reference"])
        group = nodes.tgroup(cols=4)
        table += group
        for width in (28, 18, 6, 48):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        head += _row(["Java key (Python field)", "default", "important", "meaning"])
        group += head
        body = nodes.tbody()
        for f in dataclasses.fields(cls):
            if f.name.startswith("_"):
                continue
            key = f.metadata.get("key") or snake_to_camel(f.name)
            cell = nodes.inline()
            cell += nodes.literal(text=key)
            cell += nodes.Text(f" ({f.name})")
            body += _row([cell, nodes.literal(text=default_text(f)),
                          "yes" if f.metadata.get("important") else "",
                          f.metadata.get("doc") or ""])
        group += body
        title = nodes.paragraph()
        title += nodes.strong(text=cls.__name__)
        title += nodes.Text(f" ({len(body.children)} keys, from ")
        title += nodes.literal(text=path)
        title += nodes.Text(")")
        return [title, table]


def setup(app: Sphinx) -> dict[str, object]:
    app.add_directive("config-reference", ConfigReferenceDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
