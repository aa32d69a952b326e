"""PutMessageLock, PutMessageReentrantLock, PutMessageSpinLock (Java ``org.apache.rocketmq.store``;
book B4.3): the lock around the commit-log append.  4.9.8 uses the reentrant lock by default
(``useReentrantLockWhenPutMessage=true``); older releases spun."""
from __future__ import annotations

import threading
import time


class PutMessageLock:
    def lock(self) -> None:
        raise NotImplementedError

    def unlock(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> PutMessageLock:
        self.lock()
        return self

    def __exit__(self, *exc: object) -> None:
        self.unlock()


class PutMessageReentrantLock(PutMessageLock):
    """A blocking lock (Java ``ReentrantLock``); waiters sleep in the kernel."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.lock = self._lock.acquire  # type: ignore[method-assign]
        self.unlock = self._lock.release  # type: ignore[method-assign]


class PutMessageSpinLock(PutMessageLock):
    """A compare-and-set loop (Java ``AtomicBoolean``); waiters yield the GIL instead of sleeping."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def lock(self) -> None:
        acquire = self._lock.acquire
        while not acquire(False):
            time.sleep(0)

    def unlock(self) -> None:
        self._lock.release()
