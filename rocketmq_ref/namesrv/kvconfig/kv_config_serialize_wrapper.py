"""KVConfigSerializeWrapper: the ``kvConfig.json`` document (Java
``org.apache.rocketmq.namesrv.kvconfig.KVConfigSerializeWrapper``; book A10.2).

``{"configTable":{"<namespace>":{"<key>":"<value>",...},...}}``; every key and value a string.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field


class KVConfigFormatError(ValueError):
    """``kvConfig.json`` is not the document Java writes."""


@dataclass(slots=True)
class KVConfigSerializeWrapper:
    config_table: dict[str, dict[str, str]] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"configTable": self.config_table}, ensure_ascii=False,
                          separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str, source: str = "kvConfig.json") -> KVConfigSerializeWrapper:
        try:
            doc = json.loads(text)
        except ValueError as e:
            raise KVConfigFormatError(f"{source}: not JSON ({e})") from None
        table = doc.get("configTable") if isinstance(doc, dict) else None
        if table is None:
            return cls({})
        if not isinstance(table, dict) or not all(isinstance(v, dict) for v in table.values()):
            raise KVConfigFormatError(f"{source}: configTable must map namespaces to objects")
        return cls({str(ns): {str(k): "" if v is None else str(v) for k, v in kv.items()}
                    for ns, kv in table.items()})
