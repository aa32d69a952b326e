"""ReadWriteLock: readers share, a writer excludes everyone, a waiting writer is not starved."""
from __future__ import annotations

import threading
import time

from rocketmq_ref.namesrv.read_write_lock import ReadWriteLock


def test_readers_share_and_writers_exclude():
    lock = ReadWriteLock()
    state = {"readers": 0, "writers": 0, "max_readers": 0, "violations": 0}
    guard = threading.Lock()
    stop = time.monotonic() + 0.5

    def reader():
        while time.monotonic() < stop:
            with lock.read_lock():
                with guard:
                    state["readers"] += 1
                    state["max_readers"] = max(state["max_readers"], state["readers"])
                    if state["writers"]:
                        state["violations"] += 1
                time.sleep(0.001)
                with guard:
                    state["readers"] -= 1

    def writer():
        while time.monotonic() < stop:
            with lock.write_lock():
                with guard:
                    state["writers"] += 1
                    if state["writers"] > 1 or state["readers"]:
                        state["violations"] += 1
                time.sleep(0.0005)
                with guard:
                    state["writers"] -= 1
            time.sleep(0.001)

    threads = [threading.Thread(target=reader) for _ in range(4)] + \
              [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(5)
    assert state["violations"] == 0
    assert state["max_readers"] > 1


def test_waiting_writer_blocks_new_readers():
    lock = ReadWriteLock()
    lock.acquire_read()
    got_write = threading.Event()
    t = threading.Thread(target=lambda: (lock.acquire_write(), got_write.set(), lock.release_write()))
    t.start()
    time.sleep(0.05)
    late_reader = threading.Event()
    r = threading.Thread(target=lambda: (lock.acquire_read(), late_reader.set(), lock.release_read()))
    r.start()
    time.sleep(0.05)
    assert not late_reader.is_set() and not got_write.is_set()
    lock.release_read()
    assert got_write.wait(2) and late_reader.wait(2)
    t.join(2)
    r.join(2)
