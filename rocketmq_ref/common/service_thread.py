"""ServiceThread: the base of every background service (Java ``org.apache.rocketmq.common.ServiceThread``).

Flush, reput, clean, HA, rebalance and pull services are threads named after their class, as in Java.
Times are in milliseconds, as in the Java methods they mirror.
"""
from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod

log = logging.getLogger("rocketmq_ref.common")


class ServiceThread(ABC):
    """A named worker thread with Java's ``wakeup`` / ``waitForRunning`` hand-shake.

    ``wakeup()`` sets a notified flag and releases a waiter; ``wait_for_running(ms)`` returns at once
    if already notified, else waits up to ``ms``; either way it clears the flag and calls
    ``on_wait_end()`` (GroupCommitService swaps its request lists there).
    """

    JOIN_TIME_MS = 90 * 1000

    def __init__(self, daemon: bool = True) -> None:
        self._cond = threading.Condition()
        self._notified = False
        self._stopped = False
        self._started = False
        self._thread: threading.Thread | None = None
        self._daemon = daemon

    @abstractmethod
    def run(self) -> None:
        """The service loop; it should return once ``is_stopped()`` is true."""

    def get_service_name(self) -> str:
        return type(self).__name__

    def get_join_time(self) -> int:
        return self.JOIN_TIME_MS

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        self._stopped = False
        self._thread = threading.Thread(target=self._run_logged, name=self.get_service_name(),
                                        daemon=self._daemon)
        self._thread.start()

    def _run_logged(self) -> None:
        log.debug("%s service started", self.get_service_name())
        try:
            self.run()
        except Exception:  # a dying service must say so, like Java's uncaught handler
            log.exception("%s service has exception", self.get_service_name())
        log.debug("%s service end", self.get_service_name())

    def shutdown(self, interrupt: bool = False) -> None:
        """Stop the loop, wake it, and wait for the thread (up to ``get_join_time()`` ms)."""
        if not self._started:
            return
        self._started = False
        self._stopped = True
        self.wakeup()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            begin = time.monotonic()
            thread.join(self.get_join_time() / 1000.0)
            log.debug("join thread %s elapsed %.0f ms", self.get_service_name(),
                      (time.monotonic() - begin) * 1000)

    def make_stop(self) -> None:
        self._stopped = True

    def is_stopped(self) -> bool:
        return self._stopped

    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wakeup(self) -> None:
        if self._notified:  # Java hasNotified.compareAndSet(false, true) fails: nothing to do
            return
        with self._cond:
            if not self._notified:
                self._notified = True
                self._cond.notify_all()

    def wait_for_running(self, interval_ms: float) -> None:
        with self._cond:
            if not self._notified:
                self._cond.wait(interval_ms / 1000.0)
            self._notified = False
        self.on_wait_end()

    def on_wait_end(self) -> None:
        """Called after every ``wait_for_running``; override to swap buffers."""
