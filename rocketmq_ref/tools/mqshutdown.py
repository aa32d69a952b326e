"""``mqshutdown namesrv|broker``: stop the local name servers or brokers (book A1.3.4).

The Java script finds the JVMs by their main class (``ps ax | grep NamesrvStartup``) and sends each
``kill`` (SIGTERM), which runs the shutdown hook; this does the same with our entry points, reading
``/proc`` instead of parsing ``ps``.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import time

MARKERS = {
    "namesrv": ("rocketmq_ref.namesrv.namesrv_startup", "/mqnamesrv"),
    "broker": ("rocketmq_ref.broker.broker_startup", "/mqbroker"),
}


def find_pids(kind: str, match: str = "") -> list[int]:
    """Pids of this user's processes running the ``kind`` entry point (never this process), and
    whose command line contains ``match`` when given."""
    markers = MARKERS[kind]
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
            if os.stat(f"/proc/{entry}").st_uid != os.getuid():
                continue
        except OSError:
            continue
        words = [a.decode(errors="replace") for a in argv[:4]]
        if any(w == m or w.endswith(m) for w in words for m in markers) and (
                not match or any(match in a.decode(errors="replace") for a in argv)):
            found.append(int(entry))
    return sorted(found)


def shutdown(kind: str, match: str = "", wait_s: float = 10.0) -> list[int]:
    pids = find_pids(kind, match)
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    return pids


def _alive(pid: int) -> bool:
    """Still running; a zombie (exited, not yet reaped by its parent) counts as stopped."""
    from rocketmq_ref.tools.cluster import pid_alive

    return pid_alive(pid)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mqshutdown", description="Stop local name servers or brokers.")
    parser.add_argument("kind", choices=sorted(MARKERS), help="what to stop")
    parser.add_argument("--match", default="", help="only processes whose command line contains this "
                        "text (a config file path, say); the Java script has no such filter")
    args = parser.parse_args(argv)
    pids = shutdown(args.kind, args.match)
    if not pids:
        print(f"No mq{args.kind} running.")
        return 1
    for pid in pids:
        print(f"The mq{args.kind}({pid}) is running...")
    print(f"Send shutdown request to mq{args.kind}({' '.join(map(str, pids))}) OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
