"""WaitNotifyObject (Java ``org.apache.rocketmq.store.ha.WaitNotifyObject``; B7.1.3, B7.1.5).

Two hand-shakes on one monitor: ``wakeup``/``wait_for_running`` for a single waiter (the
GroupTransferService waiting for slave acks) and ``wakeup_all``/``all_wait_for_running`` with a
notified flag per waiting thread (every HA WriteSocketService waiting for new commit-log data).
"""
from __future__ import annotations

import threading


class WaitNotifyObject:
    __slots__ = ("_cond", "has_notified", "waiting_thread_table")

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.has_notified = False
        self.waiting_thread_table: dict[int, bool] = {}  # thread id -> notified

    def wakeup(self) -> None:
        with self._cond:
            if not self.has_notified:
                self.has_notified = True
                self._cond.notify()

    def wait_for_running(self, interval_ms: float) -> None:
        with self._cond:
            if not self.has_notified:
                self._cond.wait(interval_ms / 1000.0)
            self.has_notified = False
        self.on_wait_end()

    def on_wait_end(self) -> None:
        """Hook for subclasses, as in Java."""

    def wakeup_all(self) -> None:
        with self._cond:
            need_notify = False
            table = self.waiting_thread_table
            for tid, notified in table.items():
                if not notified:
                    table[tid] = True
                    need_notify = True
            if need_notify:
                self._cond.notify_all()

    def all_wait_for_running(self, interval_ms: float) -> None:
        tid = threading.get_ident()
        with self._cond:
            table = self.waiting_thread_table
            if not table.get(tid, False):
                table[tid] = False
                self._cond.wait(interval_ms / 1000.0)
            table[tid] = False
        self.on_wait_end()

    def remove_from_waiting_thread_table(self) -> None:
        with self._cond:
            self.waiting_thread_table.pop(threading.get_ident(), None)
