"""``DeleteAccessConfigRequestHeader``: DELETE_ACL_CONFIG (51) (Java
``common/protocol/header/DeleteAccessConfigRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class DeleteAccessConfigRequestHeader(CommandCustomHeader):
    access_key: str | None = cf_not_null()
