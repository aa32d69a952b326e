"""GET_ALL_PRODUCER_INFO answer (Java ``common.protocol.body.ProducerInfo``, ``ProducerTableInfo``;
A2.4): every producer instance the broker knows, by group."""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody, json_field


@dataclass
class ProducerInfo(JsonBody):
    client_id: str | None = None
    remote_ip: str | None = json_field(None, key="remoteIP")
    language: str | None = None
    version: int = 0
    last_update_timestamp: int = 0

    def __str__(self) -> str:  # Java ``toString``
        return (f"clientId={self.client_id},remoteIP={self.remote_ip}, language={self.language}, "
                f"version={self.version}, lastUpdateTimestamp={self.last_update_timestamp}")


@dataclass
class ProducerTableInfo(JsonBody):
    data: dict[str, list[ProducerInfo]] = field(default_factory=dict)
