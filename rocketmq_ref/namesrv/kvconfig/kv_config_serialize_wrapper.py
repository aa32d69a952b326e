"""KVConfigSerializeWrapper: the ``kvConfig.json`` document (Java
``org.apache.rocketmq.namesrv.kvconfig.KVConfigSerializeWrapper``; book A10.2).

``{"configTable":{"<namespace>":{"<key>":"<value>",...},...}}``; every key and value a string.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import FastJsonError, JsonBody


class KVConfigFormatError(ValueError):
    """``kvConfig.json`` is not the document Java writes."""


@dataclass
class KVConfigSerializeWrapper(JsonBody):
    config_table: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str, source: str = "kvConfig.json") -> KVConfigSerializeWrapper:
        """Read the file's text; anything else than Java's document is a ``KVConfigFormatError``."""
        try:
            return cls.from_json(text)
        except FastJsonError as e:
            raise KVConfigFormatError(f"{source}: {e}") from None
