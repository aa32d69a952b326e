"""ThreadLocalIndex: a per-thread round-robin counter (Java ``client.common.ThreadLocalIndex``; book B3.4.3).

Seeded with a random non-negative int per thread; ``increment_and_get`` returns the next value masked
to 31 bits, so ``index % queue_count`` spreads sends from one thread over every queue.
"""
from __future__ import annotations

import random
import threading

_MASK = 0x7FFFFFFF


class ThreadLocalIndex:
    def __init__(self) -> None:
        self._local = threading.local()

    def increment_and_get(self) -> int:
        value = getattr(self._local, "value", None)
        if value is None:
            value = random.randrange(0, _MASK)
        value = (value + 1) & 0xFFFFFFFF
        self._local.value = value
        return value & _MASK

    def __repr__(self) -> str:
        return f"ThreadLocalIndex{{threadLocalIndex={getattr(self._local, 'value', None)}}}"
