"""A tiny TCP server the launcher tests start with ``python -m tests.support.dummy_server``.

Usage: ``dummy_server PORT [--ignore-term] [--exit-early] [--delay S]``: after ``--delay`` seconds it
listens on 127.0.0.1:PORT and prints ``dummy ready on PORT``; SIGTERM makes it print ``dummy bye`` and
exit 0 unless ``--ignore-term``; ``--exit-early`` exits with 3 before listening.
"""
from __future__ import annotations

import signal
import socket
import sys
import time


def main(argv: list[str]) -> int:
    port = int(argv[0])
    flags = set(argv[1:])
    if "--exit-early" in flags:
        print("dummy failing on purpose", flush=True)
        return 3
    if "--delay" in argv:
        time.sleep(float(argv[argv.index("--delay") + 1]))
    if "--ignore-term" in flags:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    else:
        def bye(*_: object) -> None:
            print("dummy bye", flush=True)
            sys.exit(0)
        signal.signal(signal.SIGTERM, bye)
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen()
    print(f"dummy ready on {port}", flush=True)
    deadline = time.monotonic() + 120  # never outlive a test run by much, whatever happens
    srv.settimeout(0.2)
    while time.monotonic() < deadline:
        try:
            conn, _ = srv.accept()
            conn.close()
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
