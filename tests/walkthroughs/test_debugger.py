"""Debugger step-through: ``walkthrough debug`` stops at the declared stops, in order, with the
expected local variables -- through the Debug Adapter Protocol (as an editor) and through pdb."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys


from rocketmq_ref.tools.walkthrough_dap import DapClient
from rocketmq_ref.tools.walkthrough_model import ROOT, find, resolve_stops

WALKTHROUGH = "namesrv_routes"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_debug(*extra: str, stdin: int | None = None) -> subprocess.Popen[str]:
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.pop("ROCKETMQ_REF_TRACE_FILE", None)
    return subprocess.Popen([sys.executable, "-m", "rocketmq_ref.tools.walkthrough", "debug",
                             WALKTHROUGH, *extra], cwd=ROOT, env=env, text=True, stdin=stdin,
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
