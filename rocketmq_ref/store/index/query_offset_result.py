"""QueryOffsetResult (Java ``org.apache.rocketmq.store.index.QueryOffsetResult``; book B4.5.3)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class QueryOffsetResult:
    """Commit-log offsets found for a key, and how far the index had got when asked."""

    phy_offsets: list[int] = field(default_factory=list)
    index_last_update_timestamp: int = 0
    index_last_update_phyoffset: int = 0
