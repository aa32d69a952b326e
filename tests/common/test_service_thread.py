"""ServiceThread: Java's wakeup / waitForRunning hand-shake, on_wait_end, named thread, joined
shutdown (rocketmq_ref.common.service_thread)."""
from __future__ import annotations

import logging
import threading

from rocketmq_ref.common.service_thread import ServiceThread


class Looper(ServiceThread):
    """Waits up to a minute per round: only a wakeup makes it go round quickly."""

    def __init__(self) -> None:
        super().__init__()
        self.rounds = 0
        self.wait_ends = 0
        self.round_done = threading.Event()

    def run(self) -> None:
        while not self.is_stopped():
            self.wait_for_running(60_000)
            self.rounds += 1
            self.round_done.set()

    def on_wait_end(self) -> None:
        self.wait_ends += 1


def _in_thread(fn) -> threading.Thread:
    t = threading.Thread(target=fn, daemon=True)
    t.start()
    return t


def test_wakeup_before_wait_returns_at_once_and_calls_on_wait_end():
    svc = Looper()
    svc.wakeup()
    t = _in_thread(lambda: svc.wait_for_running(60_000))
    t.join(10)
    assert not t.is_alive()
    assert svc.wait_ends == 1


def test_wakeup_releases_a_waiting_service_and_the_flag_is_consumed():
    svc = Looper()
    svc.start()
    try:
        svc.wakeup()
        assert svc.round_done.wait(10)
        assert svc.rounds >= 1 and svc.wait_ends >= 1
        svc.round_done.clear()
        svc.wakeup()
        assert svc.round_done.wait(10)
    finally:
        svc.shutdown()


def test_thread_is_named_after_the_service():
    svc = Looper()
    svc.start()
    try:
        names = {t.name for t in threading.enumerate()}
        assert "Looper" in names and svc.get_service_name() == "Looper"
    finally:
        svc.shutdown()


def test_shutdown_wakes_a_long_wait_and_joins_the_thread():
    svc = Looper()
    svc.start()
    assert svc.is_alive()
    stopper = _in_thread(svc.shutdown)
    stopper.join(20)
    assert not stopper.is_alive(), "shutdown did not return although the loop was woken"
    assert not svc.is_alive() and svc.is_stopped()


def test_start_twice_and_shutdown_without_start_are_harmless():
    svc = Looper()
    svc.shutdown()
    svc.start()
    first = svc._thread
    svc.start()
    assert svc._thread is first
    svc.shutdown()
    assert not svc.is_alive()


def test_a_failing_service_logs_its_exception(caplog):
    class Broken(ServiceThread):
        def run(self) -> None:
            raise ValueError("boom")

    svc = Broken()
    with caplog.at_level(logging.ERROR, logger="rocketmq_ref.common"):
        svc.start()
        svc._thread.join(10)
    assert "Broken service has exception" in caplog.text and "boom" in caplog.text
    svc.shutdown()
