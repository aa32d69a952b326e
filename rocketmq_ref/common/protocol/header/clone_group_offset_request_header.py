"""``CloneGroupOffsetRequestHeader``: CLONE_GROUP_OFFSET (314) (Java
``common/protocol/header/CloneGroupOffsetRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null, cf_nullable


@dataclass(slots=True)
class CloneGroupOffsetRequestHeader(CommandCustomHeader):
    src_group: str | None = cf_not_null()
    dest_group: str | None = cf_not_null()
    topic: str | None = cf_nullable()
    offline: bool = cf_nullable(False)
