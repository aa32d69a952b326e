"""Run, record and debug the walkthroughs behind the docs' flow pages (no Java twin).

    python -m rocketmq_ref.tools.walkthrough list
    python -m rocketmq_ref.tools.walkthrough run <name-or-section-id>     # writes traces/<name>.jsonl
    python -m rocketmq_ref.tools.walkthrough run all                     # re-records every one
    python -m rocketmq_ref.tools.walkthrough debug <name-or-section-id>   # waits for an editor
    python -m rocketmq_ref.tools.walkthrough debug <name-or-section-id> --pdb
    python -m rocketmq_ref.tools.walkthrough vscode                      # writes .vscode/launch.json
"""
from __future__ import annotations

import argparse
import json
import os
import pdb
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rocketmq_ref.common.otlp_json import read_spans
from rocketmq_ref.tools.walkthrough_dap import (ENV_DEBUG_STOPS, DapError, add_breakpoints,
                                                encode_stops)
from rocketmq_ref.tools.walkthrough_model import (ROOT, ResolvedStop, SpanTree, Walkthrough,
                                                  WalkthroughError, discover, find, resolve_stops)

DEFAULT_PORT = 5678
LAUNCH_JSON = ROOT / ".vscode" / "launch.json"


def record(w: Walkthrough, path: Path | None = None) -> Path:
    """Run the scenario with a fresh tracer provider writing OTLP JSON lines to ``path``.

    Processes the scenario starts inherit ``ROCKETMQ_REF_TRACE_FILE`` and append to the same file.
    """
    from rocketmq_ref.common.tracing_setup import ENV_TRACE_FILE, configure_tracing

    path = path or w.trace_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    os.environ[ENV_TRACE_FILE] = str(path)
    provider = configure_tracing(w.service, jsonl_path=str(path))
    try:
        outputs = w.run_scenario()
    finally:
        provider.shutdown()
        os.environ.pop(ENV_TRACE_FILE, None)
    if path == w.trace_file:
        w.outputs_file.unlink(missing_ok=True)
        if isinstance(outputs, dict) and outputs:
            w.outputs_file.write_text(json.dumps(outputs, indent=1, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    return path


def recorded_in(w: Walkthrough, stops: Sequence[ResolvedStop]) -> list[str]:
    """For each stop, the service of the process its span was recorded in: ``w.service`` for the
    scenario's own process, else the child it started (``namesrv``, ``broker``, ...)."""
    ordered = sorted(read_spans(w.trace_file), key=lambda s: int(s.get("startTimeUnixNano", 0)))
    first: dict[str, str] = {}
    for s in ordered:
        first.setdefault(s["name"], s.get("service", "?"))
    return [first.get(stop.span, w.service) for stop in stops]


def in_child(w: Walkthrough, service: str) -> bool:
    return service not in (w.service, "?")


def describe_stops(stops: Sequence[ResolvedStop], services: Sequence[str] = ()) -> str:
    lines = []
    for i, s in enumerate(stops, 1):
        line = f"  {i}. {s.file}:{s.line}  {s.span}  locals: {', '.join(s.locals) or '-'}"
        if i <= len(services):
            line += f"  [{services[i - 1]} process]"
        lines.append(line)
    return "\n".join(lines)


def install_breakpoints(stops: Sequence[ResolvedStop]) -> None:
    """Give the attached debugger (debugpy's pydevd, in this process) a breakpoint per stop.

    An editor that later sends its own breakpoints for one of these files replaces ours in that file.
    """
    try:
        refused = add_breakpoints([(stop.abs_path, stop.line) for stop in stops])
    except DapError as e:
        raise WalkthroughError(str(e)) from None
    if refused:
        raise WalkthroughError(f"breakpoints refused: {', '.join(refused)}")


def debug_with_debugpy(w: Walkthrough, stops: Sequence[ResolvedStop], services: Sequence[str],
                       port: int, subprocesses: bool = True) -> None:
    """The stops under debugpy: those of this process installed here, the others handed to the
    name servers and brokers the scenario starts, which debugpy debugs too (``subProcess``) and
    which install them at start-up (``walkthrough_dap.install_stops_from_env``)."""
    import debugpy

    if not debugpy.is_client_connected():  # started from a terminal: wait for an editor
        debugpy.configure(subProcess=subprocesses)
        debugpy.listen(("127.0.0.1", port))
        print(f"waiting for a debugger on 127.0.0.1:{port} (VS Code: 'walkthrough: attach')",
              flush=True)
        debugpy.wait_for_client()
    install_breakpoints([s for s, svc in zip(stops, services) if not in_child(w, svc)])
    elsewhere = [s for s, svc in zip(stops, services) if in_child(w, svc)]
    if elsewhere and not subprocesses:
        print_skipped(w, stops, services, "with --no-subprocess")
    elif elsewhere:  # the cluster runner's processes inherit this process's environment
        os.environ[ENV_DEBUG_STOPS] = encode_stops(elsewhere)
    try:
        w.run_scenario()
    finally:
        os.environ.pop(ENV_DEBUG_STOPS, None)


def print_skipped(w: Walkthrough, stops: Sequence[ResolvedStop], services: Sequence[str],
                  why: str) -> None:
    """Name the stops in child processes that this run does not stop at, and how to get them."""
    skipped = [f"  {i}. {stop.file}:{stop.line}  {stop.span}  [{service} process]"
               for i, (stop, service) in enumerate(zip(stops, services), 1)
               if in_child(w, service)]
    if skipped:
        print(f"skipped {why} (they run in the processes the scenario starts):\n"
              + "\n".join(skipped) + "\nto stop there as well, run "
              f"`python -m rocketmq_ref.tools.walkthrough debug {w.name}` and attach an editor "
              "(it follows the child processes)", flush=True)


def debug_with_pdb(w: Walkthrough, stops: Sequence[ResolvedStop], services: Sequence[str]) -> None:
    """The same stops in a terminal debugger (pdb follows the thread that runs the scenario).
    Stops in the processes the scenario starts cannot share this terminal: they are listed as
    skipped, with the command that stops there too."""
    debugger = pdb.Pdb()
    for stop, service in zip(stops, services):
        if in_child(w, service):
            continue
        error = debugger.set_break(stop.abs_path, stop.line)
        if error:
            raise WalkthroughError(f"pdb refused {stop.file}:{stop.line}: {error}")
    print_skipped(w, stops, services, "under --pdb")
    debugger.rcLines.append("continue")
    debugger.runcall(w.run_scenario)


def launch_configurations(walkthroughs: Sequence[Walkthrough]) -> dict[str, Any]:
    """The ``.vscode/launch.json`` document: one launch entry per walkthrough, plus an attach."""
    configs: list[dict[str, Any]] = [{
        "name": "walkthrough: attach (after `walkthrough debug NAME`)",
        "type": "debugpy", "request": "attach",
        "connect": {"host": "127.0.0.1", "port": DEFAULT_PORT}, "justMyCode": False,
    }]
    for w in walkthroughs:
        configs.append({
            "name": f"walkthrough: {w.name} ({' '.join(w.sections)})",
            "type": "debugpy", "request": "launch",
            "module": "rocketmq_ref.tools.walkthrough", "args": ["debug", w.name],
            "cwd": "${workspaceFolder}", "justMyCode": False, "subProcess": True,
            "env": {"PYDEVD_DISABLE_FILE_VALIDATION": "1"},
        })
    return {"version": "0.2.0", "configurations": configs}


def launch_json_text(walkthroughs: Sequence[Walkthrough]) -> str:
    return json.dumps(launch_configurations(walkthroughs), indent=2, ensure_ascii=False) + "\n"


def write_launch_json() -> None:
    """Keep ``.vscode/launch.json`` in step with ``walkthroughs/`` (``run`` refreshes it, so a new
    walkthrough's recording and its launch entry show up together in ``git status``)."""
    text = launch_json_text(discover())
    if not LAUNCH_JSON.exists() or LAUNCH_JSON.read_text(encoding="utf-8") != text:
        LAUNCH_JSON.parent.mkdir(exist_ok=True)
        LAUNCH_JSON.write_text(text, encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rocketmq_ref.tools.walkthrough",
                                     description="Run, record and debug the docs' walkthroughs.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="every walkthrough with its section ids")
    run = sub.add_parser("run", help="run a walkthrough and record traces/<name>.jsonl")
    run.add_argument("key", help="walkthrough name or one of its section ids; 'all' re-records "
                     "every walkthrough")
    run.add_argument("--out", type=Path, help="write the trace here instead")
    dbg = sub.add_parser("debug", help="run a walkthrough under a debugger, stopping at its stops")
    dbg.add_argument("key", help="walkthrough name or one of its section ids")
    dbg.add_argument("--port", type=int, default=DEFAULT_PORT, help="debugpy port (127.0.0.1)")
    dbg.add_argument("--pdb", action="store_true", help="use pdb in this terminal instead")
    dbg.add_argument("--no-subprocess", action="store_true",
                     help="leave the processes the scenario starts undebugged (for an editor "
                     "that does not attach to child processes); their stops are skipped")
    sub.add_parser("vscode", help="write .vscode/launch.json with one entry per walkthrough")
    args = parser.parse_args(argv)

    try:
        if args.command == "list":
            for w in discover():
                print(f"{w.name:28} {' '.join(w.sections):30} {w.title}")
            return 0
        if args.command == "vscode":
            write_launch_json()
            print(f"wrote {LAUNCH_JSON.relative_to(ROOT)}")
            return 0
        if args.command == "run" and args.key == "all":
            # one process each: a process can install its tracer provider only once
            failed = [w.name for w in discover()
                      if subprocess.run([sys.executable, "-m", "rocketmq_ref.tools.walkthrough",
                                         "run", w.name], stdout=subprocess.DEVNULL).returncode]
            for w in discover():
                print(f"{w.name}: {len(read_spans(w.trace_file))} spans -> "
                      f"{os.path.relpath(w.trace_file)}")
            write_launch_json()
            if failed:
                print(f"walkthrough: failed: {', '.join(failed)}", file=sys.stderr)
            return 1 if failed else 0
        w = find(args.key)
        if args.command == "run":
            path = record(w, args.out)
            write_launch_json()
            spans = read_spans(path)
            print(SpanTree(spans, w.ignore_spans).text())
            print(f"{len(spans)} spans -> {os.path.relpath(path)}")
            return 0
        stops = resolve_stops(w)
        services = recorded_in(w, stops)
        print(f"{w.name}: {w.title}\nstops:\n{describe_stops(stops, services)}", flush=True)
        if args.pdb:
            debug_with_pdb(w, stops, services)
        else:
            debug_with_debugpy(w, stops, services, args.port, not args.no_subprocess)
        return 0
    except WalkthroughError as e:
        print(f"walkthrough: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
