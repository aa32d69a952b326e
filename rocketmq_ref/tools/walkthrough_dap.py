"""The debugger side of ``walkthrough debug`` (no Java twin): a small Debug Adapter Protocol client
for debugpy -- what an editor does when it attaches, so tests can check the stops a reader will
see -- and the breakpoints each debugged process installs for the walkthrough's stops.

Sequence debugpy 1.8 expects: ``initialize``; ``attach`` (answered only after configuration);
event ``initialized``; ``setBreakpoints`` per file; ``configurationDone``; the ``attach`` answer;
then ``stopped`` events, ``stackTrace``/``scopes``/``variables`` and ``continue``; ``terminated``.

Child processes: debugpy (``subProcess``) starts every Python process the debuggee spawns under
the debugger too, and the adapter tells the editor with a ``debugpyAttach`` event (VS Code:
``startDebugging``); the editor answers with one more connection and ``attach`` per child.  The
stops recorded in such a child (a name server or broker the scenario starts) travel in
``ROCKETMQ_REF_DEBUG_STOPS``; the entry points call :func:`install_stops_from_env`.
"""
from __future__ import annotations

import itertools
import json
import logging
import os
import queue
import socket
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

ENV_DEBUG_STOPS = "ROCKETMQ_REF_DEBUG_STOPS"
# ids for the breakpoints installed here; the editor's own start at 0
BREAKPOINT_ID_BASE = 1_000_000

log = logging.getLogger("rocketmq_ref.tools.walkthrough")


class DapError(RuntimeError):
    """A request failed, or an expected answer or event did not come in time."""


class DapClient:
    """Requests and events over one TCP connection (``Content-Length`` framed JSON)."""

    def __init__(self, sock: socket.socket,
                 all_events: queue.Queue[tuple[DapClient, dict[str, Any]]] | None = None,
                 pid: int = 0) -> None:
        self._sock = sock
        self._reader_file = sock.makefile("rb")
        self._seq = itertools.count(1)
        self._waiting: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        # this session's events and those of every child session it follows, with their session
        self.all_events: queue.Queue[tuple[DapClient, dict[str, Any]]] = (
            all_events if all_events is not None else queue.Queue())
        self.seen: list[str] = []
        self.pid = pid  # the debuggee's pid when known (child sessions)
        self.follow = False
        self.subprocesses: list[DapClient] = []
        self.follow_errors: list[str] = []
        self.closed = threading.Event()
        threading.Thread(target=self._read_loop, name="dap-reader", daemon=True).start()

    @classmethod
    def connect(cls, port: int, timeout: float = 20.0,
                all_events: queue.Queue[tuple[DapClient, dict[str, Any]]] | None = None,
                pid: int = 0) -> DapClient:
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=2.0)
            except OSError as e:
                if time.monotonic() > deadline:
                    raise DapError(f"no debug adapter on 127.0.0.1:{port}: {e}") from None
                time.sleep(0.05)
                continue
            sock.settimeout(None)
            return cls(sock, all_events, pid)

    def _write(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode("utf-8")
        self._sock.sendall(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def _read_one(self) -> dict[str, Any] | None:
        length = None
        while True:
            line = self._reader_file.readline()
            if not line:
                return None
            line = line.strip()
            if not line:
                break
            key, _, value = line.decode("ascii").partition(":")
            if key.strip().lower() == "content-length":
                length = int(value)
        if length is None:
            raise DapError("DAP message without Content-Length")
        return json.loads(self._reader_file.read(length))

    def _read_loop(self) -> None:
        try:
            while (msg := self._read_one()) is not None:
                kind = msg.get("type")
                if kind == "response":
                    with self._lock:
                        waiter = self._waiting.pop(msg.get("request_seq", -1), None)
                    if waiter is not None:
                        waiter.put(msg)
                elif kind == "event":
                    self.seen.append(msg["event"])
                    self.events.put(msg)
                    self.all_events.put((self, msg))
                    if msg["event"] == "debugpyAttach" and self.follow:
                        threading.Thread(target=self._attach_subprocess, args=(msg["body"],),
                                         name="dap-follow", daemon=True).start()
                elif kind == "request":  # reverse requests (runInTerminal, ...): not offered
                    self._write({"seq": next(self._seq), "type": "response",
                                 "request_seq": msg["seq"], "command": msg.get("command"),
                                 "success": False, "message": "not supported"})
        except (OSError, ValueError):
            pass
        finally:
            self.closed.set()
            with self._lock:
                for waiter in self._waiting.values():
                    waiter.put({"success": False, "message": "connection closed"})
                self._waiting.clear()

    def send(self, command: str, arguments: dict[str, Any] | None = None
             ) -> queue.Queue[dict[str, Any]]:
        """Send a request; the returned queue receives its response."""
        seq = next(self._seq)
        waiter: queue.Queue[dict[str, Any]] = queue.Queue(maxsize=1)
        with self._lock:
            self._waiting[seq] = waiter
        message: dict[str, Any] = {"seq": seq, "type": "request", "command": command}
        if arguments is not None:
            message["arguments"] = arguments
        self._write(message)
        return waiter

    @staticmethod
    def answer(waiter: queue.Queue[dict[str, Any]], command: str, timeout: float) -> dict[str, Any]:
        try:
            response = waiter.get(timeout=timeout)
        except queue.Empty:
            raise DapError(f"no answer to {command} within {timeout} s") from None
        if not response.get("success"):
            raise DapError(f"{command} failed: {response.get('message')}")
        return response.get("body") or {}

    def request(self, command: str, arguments: dict[str, Any] | None = None,
                timeout: float = 15.0) -> dict[str, Any]:
        return self.answer(self.send(command, arguments), command, timeout)

    def wait_event(self, name: str, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.events.get(timeout=left)
            except queue.Empty:
                break
            if event["event"] == name:
                return event
        raise DapError(f"no {name!r} event within {timeout} s; events seen: {self.seen}")

    def wait_any(self, name: str, timeout: float = 30.0) -> tuple[DapClient, dict[str, Any]]:
        """The next ``name`` event of this session or of any child session it follows, with the
        session to send requests to (thread and frame ids belong to one session)."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            try:
                session, event = self.all_events.get(timeout=left)
            except queue.Empty:
                break
            if event["event"] == name:
                return session, event
        raise DapError(f"no {name!r} event in any session within {timeout} s; main session saw "
                       f"{self.seen}; child sessions: {len(self.subprocesses)}; follow errors: "
                       f"{self.follow_errors}")

    def _attach_subprocess(self, config: dict[str, Any]) -> None:
        """Answer ``debugpyAttach`` as VS Code does: a new connection to the adapter, ``attach``
        with the configuration the event carries (its ``subProcessId`` names the child)."""
        pid = int(config.get("subProcessId") or 0)
        try:
            child = DapClient.connect(int(config["connect"]["port"]), all_events=self.all_events,
                                      pid=pid)
            child.follow = True  # a child's own children are announced on its session
            with self._lock:
                self.subprocesses.append(child)
            child.attach(arguments=config)
        except (DapError, OSError, KeyError, TypeError, ValueError) as e:
            self.follow_errors.append(f"pid {pid}: {e}")

    def subprocess_pids(self) -> list[int]:
        """The pids of every child session this session follows, and their children's."""
        with self._lock:
            children = list(self.subprocesses)
        return [pid for c in children for pid in ([c.pid] if c.pid else []) + c.subprocess_pids()]

    # -- what an editor does ------------------------------------------------------------------

    def attach(self, breakpoints: dict[str, list[int]] | None = None,
               arguments: dict[str, Any] | None = None,
               follow_subprocesses: bool = False) -> dict[str, list[dict]]:
        """Initialize, attach, set breakpoints (absolute path -> lines), finish configuration.

        With ``follow_subprocesses`` every child process debugpy announces gets its own session,
        attached at once (the child waits until then); their events come from :meth:`wait_any`.
        """
        return self._start("attach", arguments or {"justMyCode": False}, breakpoints,
                           follow_subprocesses)

    def launch(self, arguments: dict[str, Any], breakpoints: dict[str, list[int]] | None = None,
               follow_subprocesses: bool = False) -> dict[str, list[dict]]:
        """As :meth:`attach`, for an adapter that starts the debuggee itself (a ``launch.json``
        entry, sent as the editor sends it)."""
        return self._start("launch", arguments, breakpoints, follow_subprocesses)

    def _start(self, command: str, arguments: dict[str, Any],
               breakpoints: dict[str, list[int]] | None,
               follow_subprocesses: bool) -> dict[str, list[dict]]:
        self.follow = follow_subprocesses
        self.request("initialize", {"clientID": "rocketmq-ref", "adapterID": "python",
                                    "pathFormat": "path", "linesStartAt1": True,
                                    "columnsStartAt1": True, "supportsVariableType": True})
        start = self.send(command, arguments)  # answered only after configurationDone
        self.wait_event("initialized")
        verified: dict[str, list[dict]] = {}
        for path, lines in (breakpoints or {}).items():
            verified[path] = self.set_breakpoints(path, lines)
        self.request("setExceptionBreakpoints", {"filters": []})
        self.request("configurationDone")
        self.answer(start, command, 15.0)
        return verified

    def set_breakpoints(self, path: str, lines: list[int]) -> list[dict]:
        body = self.request("setBreakpoints", {"source": {"path": path},
                                               "breakpoints": [{"line": n} for n in lines]})
        return body.get("breakpoints", [])

    def top_frame(self, thread_id: int) -> dict[str, Any]:
        frames = self.request("stackTrace", {"threadId": thread_id, "startFrame": 0, "levels": 1})
        return frames["stackFrames"][0]

    def local_names(self, frame_id: int) -> dict[str, str]:
        scopes = self.request("scopes", {"frameId": frame_id})["scopes"]
        local_scope = next(s for s in scopes if s["name"].lower().startswith("locals"))
        variables = self.request("variables",
                                 {"variablesReference": local_scope["variablesReference"]})
        return {v["name"]: v.get("value", "") for v in variables["variables"]}

    def resume(self, thread_id: int) -> None:
        self.request("continue", {"threadId": thread_id})

    def disconnect(self) -> None:
        """Leave this session and every child session (the debuggees run on)."""
        self.follow = False
        with self._lock:
            children = list(self.subprocesses)
        for child in children:
            child.disconnect()
        if not self.closed.is_set():
            try:
                self.request("disconnect", {"terminateDebuggee": False}, timeout=3.0)
            except DapError:
                pass
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self._sock.close()


# -- the debuggee side: breakpoints for the walkthrough's stops ------------------------------

def add_breakpoints(locations: Sequence[tuple[str, int]]) -> list[str]:
    """Give this process's debugger (debugpy's pydevd) a breakpoint at each (absolute path, line);
    returns the refused ones.  An editor that later sends its own breakpoints for one of these
    files replaces ours in that file."""
    pydevd = sys.modules.get("pydevd")  # loaded once debugpy runs in this process
    py_db = pydevd.get_global_debugger() if pydevd is not None else None
    if py_db is None:
        raise DapError("no debugger in this process")
    from _pydevd_bundle.pydevd_api import PyDevdAPI  # type: ignore[import-not-found]

    api = PyDevdAPI()
    refused: list[str] = []
    for i, (path, line) in enumerate(locations):
        result = api.add_breakpoint(py_db, path, "python-line", BREAKPOINT_ID_BASE + i, line,
                                    None, "None", None, "NONE", None, False)
        if result.error_code:
            refused.append(f"{path}:{line} (pydevd error {result.error_code})")
    return refused


def encode_stops(stops: Sequence[Any]) -> str:
    """The ``ROCKETMQ_REF_DEBUG_STOPS`` value for resolved stops (``span``, ``abs_path``,
    ``line``)."""
    return json.dumps([{"span": s.span, "file": s.abs_path, "line": s.line} for s in stops])


def install_stops_from_env() -> int:
    """Set the stops ``walkthrough debug`` passes to the processes its scenario starts (a name
    server or broker calls this once at start-up); the number set.  Without the variable this
    does nothing; without a debugger in the process it says so in the log and does nothing."""
    raw = os.environ.get(ENV_DEBUG_STOPS)
    if not raw:
        return 0
    try:
        stops = [(str(s["file"]), int(s["line"]), str(s.get("span", ""))) for s in json.loads(raw)]
    except (ValueError, KeyError, TypeError) as e:
        log.warning("%s ignored, not a list of stops: %s", ENV_DEBUG_STOPS, e)
        return 0
    try:
        refused = add_breakpoints([(path, line) for path, line, _ in stops])
    except DapError:
        log.warning("%s is set but this process runs without debugpy (launched with "
                    "\"subProcess\": false?): its %d stop(s) are skipped",
                    ENV_DEBUG_STOPS, len(stops))
        return 0
    for problem in refused:
        log.warning("debugger stop refused: %s", problem)
    log.info("debugger stops set in pid %d: %s", os.getpid(),
             ", ".join(f"{span} {os.path.basename(path)}:{line}" for path, line, span in stops))
    return len(stops) - len(refused)
