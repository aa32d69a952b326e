"""CHECK_CLIENT_CONFIG body (Java ``common.protocol.body.CheckClientRequestBody``; B5.8): a
subscription the client wants the broker to validate before it starts."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.common.fastjson import JsonBody
from rocketmq_ref.common.protocol.heartbeat import SubscriptionData


@dataclass
class CheckClientRequestBody(JsonBody):
    client_id: str | None = None
    group: str | None = None
    subscription_data: SubscriptionData | None = None
