"""``GetTopicsByClusterRequestHeader``: GET_TOPICS_BY_CLUSTER (224) (Java
``common/protocol/header/GetTopicsByClusterRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class GetTopicsByClusterRequestHeader(CommandCustomHeader):
    cluster: str | None = cf_not_null()
