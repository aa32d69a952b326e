"""BrokerRole (Java ``org.apache.rocketmq.store.config.BrokerRole``; books A5.5, B4.1)."""
from __future__ import annotations

import enum


class BrokerRole(enum.Enum):
    """A master replicates asynchronously or synchronously; a slave only receives."""

    ASYNC_MASTER = 0
    SYNC_MASTER = 1
    SLAVE = 2
