"""Debugger step-through: ``walkthrough debug`` stops at the declared stops, in order, with the
expected local variables -- through the Debug Adapter Protocol (as an editor) and through pdb --
including the stops inside the broker a scenario starts as a child process."""
from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys

import pytest

from rocketmq_ref.tools import walkthrough
from rocketmq_ref.tools.walkthrough_dap import (ENV_DEBUG_STOPS, DapClient, encode_stops,
                                                install_stops_from_env)
from rocketmq_ref.tools.walkthrough_model import ROOT, ResolvedStop, find, resolve_stops

WALKTHROUGH = "namesrv_routes"
# the quickest walkthrough with a stop in a child process: the broker's DefaultMessageStore
CHILD_WALKTHROUGH = "tag_filter"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_debug(*extra: str, stdin: int | None = None,
                name: str = WALKTHROUGH) -> subprocess.Popen[str]:
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.pop("ROCKETMQ_REF_TRACE_FILE", None)
    env.pop(ENV_DEBUG_STOPS, None)
    return subprocess.Popen([sys.executable, "-m", "rocketmq_ref.tools.walkthrough", "debug",
                             name, *extra], cwd=ROOT, env=env, text=True, stdin=stdin,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def stop_process(proc: subprocess.Popen[str]) -> tuple[str, str]:
    try:
        return proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()


def test_editor_stops_at_each_declared_stop_in_order_with_its_locals():
    stops = resolve_stops(find(WALKTHROUGH))
    port = free_port()
    proc = start_debug("--port", str(port))
    client = None
    try:
        client = DapClient.connect(port)
        client.attach()  # no breakpoints of its own: the tool installs one per stop
        for i, stop in enumerate(stops):
            event = client.wait_event("stopped", timeout=30)["body"]
            frame = client.top_frame(event["threadId"])
            where = (os.path.relpath(frame["source"]["path"], ROOT), frame["line"])
            assert where == (stop.file, stop.line), (
                f"stop {i + 1} ({stop.span}); if the code moved, re-record with "
                f"`python -m rocketmq_ref.tools.walkthrough run {WALKTHROUGH}`")
            local_names = client.local_names(frame["id"])
            missing = set(stop.locals) - set(local_names)
            assert not missing, f"stop {i + 1} ({stop.span}) lacks locals {missing}"
            # an editor user steps on; the test removes the stop it saw so the next distinct
            # stop comes next even where a function runs more than once
            remaining = [s.line for s in stops[i + 1:] if s.abs_path == stop.abs_path]
            client.set_breakpoints(stop.abs_path, remaining)
            client.resume(event["threadId"])
        client.wait_event("terminated", timeout=30)
    finally:
        if client is not None:
            client.disconnect()
        out, err = stop_process(proc)
    assert proc.returncode == 0, err


def test_pdb_mode_stops_at_the_same_lines():
    stops = resolve_stops(find(WALKTHROUGH))
    proc = start_debug("--pdb", stdin=subprocess.PIPE)
    # at every stop: print where we are, then continue (bounded: more than the run needs)
    out, err = proc.communicate("\n".join(["p '@@' + __name__", "continue"] * 40) + "\n",
                                timeout=60)
    assert proc.returncode == 0, err
    hits = re.findall(r"> (\S+)\((\d+)\)\w+\(\)$", out, re.M)
    seen = [(os.path.relpath(path, ROOT), int(line)) for path, line in hits]
    first_hits = list(dict.fromkeys(seen))
    assert first_hits == [(s.file, s.line) for s in stops], out[-2000:]


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (children started in their own session still name it as
    parent while it lives)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    parents[int(entry)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [p for p, pp in parents.items() if pp == parent]
        found += kids
        frontier += kids
    return found


def _kill_leftovers(pids: list[int]) -> list[str]:
    """SIGKILL each pid that still runs one of our processes; what was left over."""
    left = []
    for pid in pids:
        command = _cmdline(pid)
        if "rocketmq_ref" in command or "debugpy" in command:
            left.append(f"{pid}: {command[:120]}")
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    return left


def _recording_matches_code(stop: ResolvedStop) -> bool:
    """The recorded line still holds the span's ``with span("NAME", ...)`` (a stale recording
    would put the breakpoint elsewhere and the test would only time out)."""
    with open(stop.abs_path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    return 0 < stop.line <= len(lines) and f'"{stop.span}"' in lines[stop.line - 1]


def _broker_stop() -> ResolvedStop:
    """The child walkthrough's one stop, recorded in the broker and still where the code is."""
    w = find(CHILD_WALKTHROUGH)
    stops = resolve_stops(w)
    assert walkthrough.recorded_in(w, stops) == ["broker"], "recorded in the broker process"
    stop = stops[0]
    assert _recording_matches_code(stop), (
        f"{stop.file}:{stop.line} no longer holds span {stop.span!r}: re-record with "
        f"`python -m rocketmq_ref.tools.walkthrough run {CHILD_WALKTHROUGH}`")
    return stop


def _stops_in_the_broker(client: DapClient, stop: ResolvedStop) -> None:
    """Wait for the stop in a followed child session, check it is the broker's, at the stop's
    line, with its locals; then let the scenario run on to its end."""
    session, event = client.wait_any("stopped", timeout=25)
    assert session is not client, "stopped in the scenario's own process"
    assert "rocketmq_ref.broker.broker_startup" in _cmdline(session.pid)
    thread_id = event["body"]["threadId"]
    frame = session.top_frame(thread_id)
    where = (os.path.relpath(frame["source"]["path"], ROOT), frame["line"])
    assert where == (stop.file, stop.line)
    local_names = session.local_names(frame["id"])
    assert set(stop.locals) <= set(local_names), local_names
    assert local_names["offset"] == "0"  # the first pull of queue 0
    session.set_breakpoints(stop.abs_path, [])  # the second pull runs on
    session.resume(thread_id)
    client.wait_event("terminated", timeout=15)
    assert not client.follow_errors


@pytest.mark.e2e
@pytest.mark.timeout(40)  # every wait below is bounded; this bounds their sum
def test_editor_follows_the_broker_child_process_and_stops_inside_it_with_its_locals():
    stop = _broker_stop()
    port = free_port()
    proc = start_debug("--port", str(port), name=CHILD_WALKTHROUGH)
    client = None
    try:
        client = DapClient.connect(port)
        client.attach(follow_subprocesses=True)  # as VS Code answers debugpyAttach
        _stops_in_the_broker(client, stop)
    finally:
        known = sorted(set((client.subprocess_pids() if client else [])
                           + _descendants(proc.pid)))
        if client is not None:
            client.disconnect()
        out, err = stop_process(proc)
        left = _kill_leftovers(known)
    assert proc.returncode == 0, err
    assert len(known) >= 2, "a name server and a broker were followed"
    assert not left, f"processes left running: {left}"


@pytest.mark.e2e
@pytest.mark.timeout(40)
def test_generated_launch_entry_as_vscode_sends_it_stops_inside_the_broker():
    stop = _broker_stop()
    entries = json.loads(walkthrough.launch_json_text([find(CHILD_WALKTHROUGH)]))
    entry = next(c for c in entries["configurations"] if c["request"] == "launch")
    # what VS Code substitutes and adds: the folder, the interpreter, its own console
    entry = json.loads(json.dumps(entry).replace("${workspaceFolder}", str(ROOT)))
    entry.update(python=[sys.executable], console="internalConsole")
    port = free_port()
    env = dict(os.environ)
    env.pop("ROCKETMQ_REF_TRACE_FILE", None)
    env.pop(ENV_DEBUG_STOPS, None)
    adapter = subprocess.Popen([sys.executable, "-m", "debugpy.adapter", "--host", "127.0.0.1",
                                "--port", str(port)], cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    client = None
    try:
        client = DapClient.connect(port)
        client.launch(entry, follow_subprocesses=True)
        _stops_in_the_broker(client, stop)
    finally:
        known = sorted(set(_descendants(adapter.pid)
                           + (client.subprocess_pids() if client else [])))
        if client is not None:
            client.disconnect()
        try:
            adapter.communicate(timeout=10)  # it ends with its last session
        except subprocess.TimeoutExpired:
            adapter.kill()
            adapter.communicate()
        left = _kill_leftovers(known)
    assert not left, f"processes left running: {left}"


@pytest.mark.e2e
def test_pdb_mode_names_the_stops_of_child_processes_it_skips():
    proc = start_debug("--pdb", stdin=subprocess.PIPE, name=CHILD_WALKTHROUGH)
    out, err = proc.communicate("continue\n" * 5, timeout=60)
    assert proc.returncode == 0, err
    skipped = out.split("skipped under --pdb", 1)[1]
    assert "DefaultMessageStore.get_message  [broker process]" in skipped
    assert f"walkthrough debug {CHILD_WALKTHROUGH}` and attach an editor" in skipped


@pytest.mark.e2e
@pytest.mark.timeout(40)
def test_no_subprocess_runs_the_children_undebugged_and_names_their_skipped_stops():
    port = free_port()
    proc = start_debug("--port", str(port), "--no-subprocess", name=CHILD_WALKTHROUGH)
    client = None
    try:
        client = DapClient.connect(port)
        client.attach()  # an editor that does not attach to child processes
        client.wait_event("terminated", timeout=25)
    finally:
        if client is not None:
            client.disconnect()
        out, err = stop_process(proc)
    assert proc.returncode == 0, err
    assert "debugpyAttach" not in client.seen
    skipped = out.split("skipped with --no-subprocess", 1)[1]
    assert "DefaultMessageStore.get_message  [broker process]" in skipped


def test_child_process_without_a_debugger_logs_and_skips_the_stops(monkeypatch, caplog):
    stop = ResolvedStop("DefaultMessageStore.get_message", "rocketmq_ref/store/x.py", 7, "f", ())
    monkeypatch.setenv(ENV_DEBUG_STOPS, encode_stops([stop]))
    monkeypatch.delitem(sys.modules, "pydevd", raising=False)
    with caplog.at_level(logging.WARNING, logger="rocketmq_ref.tools.walkthrough"):
        assert install_stops_from_env() == 0
    assert "runs without debugpy" in caplog.text
    assert json.loads(os.environ[ENV_DEBUG_STOPS])[0]["file"] == stop.abs_path
    monkeypatch.setenv(ENV_DEBUG_STOPS, "not json")
    with caplog.at_level(logging.WARNING, logger="rocketmq_ref.tools.walkthrough"):
        assert install_stops_from_env() == 0
    assert "not a list of stops" in caplog.text
    monkeypatch.delenv(ENV_DEBUG_STOPS)
    assert install_stops_from_env() == 0


def test_launch_configurations_follow_child_processes():
    configs = walkthrough.launch_configurations([find(CHILD_WALKTHROUGH)])["configurations"]
    launch = [c for c in configs if c["request"] == "launch"]
    assert launch and all(c["subProcess"] is True for c in launch)
