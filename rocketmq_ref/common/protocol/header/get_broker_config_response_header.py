"""``GetBrokerConfigResponseHeader``: the response header of the GET_BROKER_CONFIG request (Java
``common/protocol/header/GetBrokerConfigResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class GetBrokerConfigResponseHeader(CommandCustomHeader):
    version: str | None = cf_not_null()
