"""``GetConsumerRunningInfoRequestHeader``: GET_CONSUMER_RUNNING_INFO (307) (Java
``common/protocol/header/GetConsumerRunningInfoRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null, cf_nullable


@dataclass(slots=True)
class GetConsumerRunningInfoRequestHeader(CommandCustomHeader):
    consumer_group: str | None = cf_not_null()
    client_id: str | None = cf_not_null()
    jstack_enable: bool = cf_nullable(False)
