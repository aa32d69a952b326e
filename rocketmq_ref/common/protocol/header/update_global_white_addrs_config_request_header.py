"""``UpdateGlobalWhiteAddrsConfigRequestHeader``: UPDATE_GLOBAL_WHITE_ADDRS_CONFIG (53) (Java
``common/protocol/header/UpdateGlobalWhiteAddrsConfigRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class UpdateGlobalWhiteAddrsConfigRequestHeader(CommandCustomHeader):
    global_white_addrs: str | None = cf_not_null()
    acl_file_full_path: str | None = cf_not_null()
