"""ReferenceResource (Java ``org.apache.rocketmq.store.ReferenceResource``; book B4.4.2): the reference
count that keeps a mapped file alive while a reader holds a slice of it.

The count starts at 1 (the owner's own reference).  ``hold`` adds a reader, ``release`` drops one;
``shutdown`` drops the owner's reference, and when the count reaches zero ``cleanup`` unmaps.  A
reader that never releases is overridden after ``interval_forcibly`` ms by a later ``shutdown``.
"""
from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod


class ReferenceResource(ABC):
    def __init__(self) -> None:
        self._ref_lock = threading.Lock()
        self.ref_count = 1
        self.available = True
        self.cleanup_over = False
        self._first_shutdown_timestamp = 0

    def hold(self) -> bool:
        """Take a reference if the resource is still available."""
        with self._ref_lock:
            if self.available and self.ref_count > 0:
                self.ref_count += 1
                return True
        return False

    def is_available(self) -> bool:
        return self.available

    def shutdown(self, interval_forcibly: int) -> None:
        """Give up the owner's reference; after ``interval_forcibly`` ms force the count below zero."""
        if self.available:
            self.available = False
            self._first_shutdown_timestamp = int(time.time() * 1000)
            self.release()
        elif self.ref_count > 0:
            if int(time.time() * 1000) - self._first_shutdown_timestamp >= interval_forcibly:
                with self._ref_lock:
                    self.ref_count = -1000 - self.ref_count
                self.release()

    def release(self) -> None:
        with self._ref_lock:
            self.ref_count -= 1
            value = self.ref_count
            if value > 0:
                return
            self.cleanup_over = self.cleanup(value)

    def get_ref_count(self) -> int:
        return self.ref_count

    @abstractmethod
    def cleanup(self, current_ref: int) -> bool:
        """Free what the resource holds; True when done."""

    def is_cleanup_over(self) -> bool:
        return self.ref_count <= 0 and self.cleanup_over
