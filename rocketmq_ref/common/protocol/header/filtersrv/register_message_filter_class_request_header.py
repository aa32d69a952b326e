"""``RegisterMessageFilterClassRequestHeader``: REGISTER_MESSAGE_FILTER_CLASS (302) (Java
``common/protocol/header/filtersrv/RegisterMessageFilterClassRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class RegisterMessageFilterClassRequestHeader(CommandCustomHeader):
    consumer_group: str | None = cf_not_null()
    topic: str | None = cf_not_null()
    class_name: str | None = cf_not_null()
    class_crc: int | None = cf_not_null(key="classCRC")
