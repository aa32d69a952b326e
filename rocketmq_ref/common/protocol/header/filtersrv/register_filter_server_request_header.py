"""``RegisterFilterServerRequestHeader``: REGISTER_FILTER_SERVER (301) (Java
``common/protocol/header/filtersrv/RegisterFilterServerRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class RegisterFilterServerRequestHeader(CommandCustomHeader):
    filter_server_addr: str | None = cf_not_null()
