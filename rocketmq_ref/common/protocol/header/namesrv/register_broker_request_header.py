"""``RegisterBrokerRequestHeader``: REGISTER_BROKER (103) (Java
``common/protocol/header/namesrv/RegisterBrokerRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, Long, cf_not_null, cf_nullable


@dataclass(slots=True)
class RegisterBrokerRequestHeader(CommandCustomHeader):
    broker_name: str | None = cf_not_null()
    broker_addr: str | None = cf_not_null()
    cluster_name: str | None = cf_not_null()
    ha_server_addr: str | None = cf_not_null()
    broker_id: Long | None = cf_not_null()
    compressed: bool = cf_nullable(False)
    body_crc32: int = cf_nullable(0)
