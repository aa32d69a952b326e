"""``RegisterBrokerResponseHeader``: the response header of the REGISTER_BROKER request (Java
``common/protocol/header/namesrv/RegisterBrokerResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_nullable


@dataclass(slots=True)
class RegisterBrokerResponseHeader(CommandCustomHeader):
    ha_server_addr: str | None = cf_nullable()
    master_addr: str | None = cf_nullable()
