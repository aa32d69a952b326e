"""The launcher every end-to-end test uses: readiness, capture, stop, kill -9, no leftovers."""
from __future__ import annotations

import os
import signal
import time

import pytest

from tests.support.processes import (ProcessFactory, ProcessStartError, free_port,
                                     free_port_block, port_accepts, process_factory)  # noqa: F401

DUMMY = "tests.support.dummy_server"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still answers kill(0); look at its state
    with open(f"/proc/{pid}/stat") as f:
        return f.read().split()[2] != "Z"


def test_start_waits_for_line_and_port_and_captures_output(process_factory):
    port = free_port()
    p = process_factory.start(DUMMY, [str(port), "--delay", "0.3"], name="d",
                              ready_line="dummy ready", ready_port=port, timeout=20)
    assert port_accepts(port)
    assert f"dummy ready on {port}" in p.log_text()
    assert p.log_path.parent.name == "d"
    assert p.stop() == 0
    assert "dummy bye" in p.log_text()
    assert not _alive(p.pid)


def test_kill_is_sigkill_and_restart_reuses_dir_and_log(process_factory):
    port = free_port()
    p = process_factory.start(DUMMY, [str(port)], ready_port=port, timeout=20)
    first = p.pid
    assert p.kill() == -signal.SIGKILL
    assert "dummy bye" not in p.log_text()
    p.start(ready_line="dummy ready", timeout=20)
    assert p.pid != first and p.is_running()
    assert p.log_text().count("dummy ready") == 2
    assert p.log_text(since_start=True).count("dummy ready") == 1


def test_stop_escalates_to_sigkill_when_sigterm_is_ignored(process_factory):
    port = free_port()
    p = process_factory.start(DUMMY, [str(port), "--ignore-term"], ready_port=port, timeout=20)
    assert p.stop(timeout=0.5) == -signal.SIGKILL
    assert "SIGKILL" in p.log_text()


def test_early_exit_raises_with_log_tail(process_factory):
    with pytest.raises(ProcessStartError, match="(?s)exited with 3.*dummy failing on purpose"):
        process_factory.start(DUMMY, [str(free_port()), "--exit-early"], ready_line="ready",
                              timeout=20)


def test_not_ready_in_time_raises_and_kills(process_factory):
    port = free_port()
    with pytest.raises(ProcessStartError, match="not ready"):
        process_factory.start(DUMMY, [str(port), "--delay", "30"], ready_port=port, timeout=0.5)
    p = process_factory.processes[-1]
    assert not p.is_running()


def test_factory_close_stops_everything_even_after_an_error(tmp_path):
    pids = []
    with pytest.raises(RuntimeError, match="test body failed"):
        with ProcessFactory(tmp_path) as f:
            for _ in range(2):
                port = free_port()
                pids.append(f.start(DUMMY, [str(port), "--ignore-term"], ready_port=port,
                                    timeout=20).pid)
            f.close_timeout = 0.5
            raise RuntimeError("test body failed")
    assert not any(_alive(pid) for pid in pids)


def test_free_port_block_leaves_neighbours_free():
    base = free_port_block((-2, 0, 1))
    assert base != free_port()
    for port in (base - 2, base, base + 1):
        assert not port_accepts(port)


def test_children_die_with_a_killed_test_process(process_factory, tmp_path):
    """Even a test run that is SIGKILLed (or os._exit by a timeout) leaves no server behind."""
    port = free_port()
    pid_file = tmp_path / "child.pid"
    script = tmp_path / "orphan_parent.py"
    script.write_text(
        "import sys, time\n"
        "from tests.support.processes import ProcessFactory\n"
        f"f = ProcessFactory({str(tmp_path / 'inner')!r})\n"
        f"p = f.start({DUMMY!r}, [{str(port)!r}], ready_port={port}, timeout=20)\n"
        f"open({str(pid_file)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(60)\n")
    parent = process_factory.create("orphan_parent", [], name="parent",
                                    env={"PYTHONPATH": str(tmp_path)}).spawn()
    deadline = time.monotonic() + 20
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline and parent.is_running(), parent.log_tail()
        time.sleep(0.05)
    child = int(pid_file.read_text())
    assert _alive(child)
    parent.kill()
    deadline = time.monotonic() + 10
    while _child_alive(child):
        assert time.monotonic() < deadline, "child outlived its killed parent"
        time.sleep(0.05)


def _child_alive(pid: int) -> bool:
    try:
        return _alive(pid)
    except FileNotFoundError:  # reaped by init already
        return False
