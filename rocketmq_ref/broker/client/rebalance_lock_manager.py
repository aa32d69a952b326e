"""Queue locks for orderly consumers (Java ``broker.client.rebalance.RebalanceLockManager``; B5.9.4).

A client holds a queue of a group for ``REBALANCE_LOCK_MAX_LIVE_TIME`` ms after its last lock call;
an expired lock may be taken by any other client of the group.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Hashable, Iterable

log = logging.getLogger("rocketmq_ref.broker")

REBALANCE_LOCK_MAX_LIVE_TIME = int(os.environ.get("ROCKETMQ_BROKER_REBALANCE_LOCK_MAX_LIVE_TIME", "60000"))


class LockEntry:
    """Who holds one queue and since when (Java ``RebalanceLockManager.LockEntry``)."""

    __slots__ = ("client_id", "last_update_timestamp")

    def __init__(self, client_id: str, now_ms: int) -> None:
        self.client_id = client_id
        self.last_update_timestamp = now_ms

    def is_expired(self, now_ms: int, max_live_ms: int) -> bool:
        return now_ms - self.last_update_timestamp > max_live_ms

    def is_locked(self, client_id: str, now_ms: int, max_live_ms: int) -> bool:
        return self.client_id == client_id and not self.is_expired(now_ms, max_live_ms)


class RebalanceLockManager:
    """group -> message queue -> LockEntry, guarded by one lock (as Java's ReentrantLock)."""

    def __init__(self, max_live_time_ms: int = REBALANCE_LOCK_MAX_LIVE_TIME, clock=None) -> None:
        self._lock = threading.Lock()
        self._max_live = max_live_time_ms
        self._clock = clock or (lambda: int(time.time() * 1000))
        self.mq_lock_table: dict[str, dict[Hashable, LockEntry]] = {}

    def _is_locked(self, group: str, mq: Hashable, client_id: str, now: int) -> bool:
        entry = self.mq_lock_table.get(group, {}).get(mq)
        if entry is not None and entry.is_locked(client_id, now, self._max_live):
            entry.last_update_timestamp = now
            return True
        return False

    def _lock_one(self, table: dict[Hashable, LockEntry], group: str, mq: Hashable,
                  client_id: str, now: int) -> bool:
        entry = table.get(mq)
        if entry is None:
            entry = table[mq] = LockEntry(client_id, now)
            log.info("tryLock, message queue not locked, I got it. Group: %s NewClientId: %s %s",
                     group, client_id, mq)
        if entry.is_locked(client_id, now, self._max_live):
            entry.last_update_timestamp = now
            return True
        old = entry.client_id
        if entry.is_expired(now, self._max_live):
            entry.client_id = client_id
            entry.last_update_timestamp = now
            log.warning("tryLock, message queue lock expired, I got it. Group: %s OldClientId: %s "
                        "NewClientId: %s %s", group, old, client_id, mq)
            return True
        log.warning("tryLock, message queue locked by other client. Group: %s OtherClientId: %s "
                    "NewClientId: %s %s", group, old, client_id, mq)
        return False

    def try_lock(self, group: str, mq: Hashable, client_id: str) -> bool:
        now = self._clock()
        if self._is_locked(group, mq, client_id, now):
            return True
        with self._lock:
            return self._lock_one(self.mq_lock_table.setdefault(group, {}), group, mq, client_id, now)

    def try_lock_batch(self, group: str, mqs: Iterable[Hashable], client_id: str) -> set:
        """The queues of ``mqs`` this client holds after the call (B5.9.4)."""
        now = self._clock()
        locked: set = set()
        not_locked = []
        for mq in mqs:
            (locked.add if self._is_locked(group, mq, client_id, now) else not_locked.append)(mq)
        if not_locked:
            with self._lock:
                table = self.mq_lock_table.setdefault(group, {})
                for mq in not_locked:
                    if self._lock_one(table, group, mq, client_id, now):
                        locked.add(mq)
        return locked

    def unlock_batch(self, group: str, mqs: Iterable[Hashable], client_id: str) -> None:
        with self._lock:
            table = self.mq_lock_table.get(group)
            if table is None:
                log.warning("unlockBatch, group not exist, Group: %s %s", group, client_id)
                return
            for mq in mqs:
                entry = table.get(mq)
                if entry is None:
                    log.warning("unlockBatch, but mq not locked, Group: %s %s %s", group, mq, client_id)
                elif entry.client_id == client_id:
                    del table[mq]
                    log.info("unlockBatch, Group: %s %s %s", group, mq, client_id)
                else:
                    log.warning("unlockBatch, but mq locked by other client: %s, Group: %s %s %s",
                                entry.client_id, group, mq, client_id)

    def is_lock_held(self, group: str, mq: Hashable, client_id: str) -> bool:
        """Whether ``client_id`` holds ``mq`` now (no refresh; for tests and admin views)."""
        entry = self.mq_lock_table.get(group, {}).get(mq)
        return entry is not None and entry.is_locked(client_id, self._clock(), self._max_live)
