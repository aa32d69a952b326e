"""FlushDiskType (Java ``org.apache.rocketmq.store.config.FlushDiskType``; books A5.4, B4.8)."""
from __future__ import annotations

import enum


class FlushDiskType(enum.Enum):
    """SYNC_FLUSH waits for GroupCommitService; ASYNC_FLUSH lets FlushRealTimeService catch up."""

    SYNC_FLUSH = 0
    ASYNC_FLUSH = 1
