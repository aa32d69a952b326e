"""A small Debug Adapter Protocol client for debugpy (no Java twin): what an editor does when it
attaches to ``walkthrough debug``, so tests can check the stops a reader will see.

Sequence debugpy 1.8 expects: ``initialize``; ``attach`` (answered only after configuration);
event ``initialized``; ``setBreakpoints`` per file; ``configurationDone``; the ``attach`` answer;
then ``stopped`` events, ``stackTrace``/``scopes``/``variables`` and ``continue``; ``terminated``.
"""
from __future__ import annotations

import itertools
import json
import queue
import socket
import threading
import time
from typing import Any


class DapError(RuntimeError):
    """A request failed, or an expected answer or event did not come in time."""


class DapClient:
    """Requests and events over one TCP connection (``Content-Length`` framed JSON)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._reader_file = sock.makefile("rb")
        self._seq = itertools.count(1)
        self._waiting: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: list[str] = []
        self.closed = threading.Event()
        threading.Thread(target=self._read_loop, name="dap-reader", daemon=True).start()

    @classmethod
    def connect(cls, port: int, timeout: float = 20.0) -> DapClient:
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
            return cls(sock)

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

    # -- what an editor does ------------------------------------------------------------------

    def attach(self, breakpoints: dict[str, list[int]] | None = None) -> dict[str, list[dict]]:
        """Initialize, attach, set breakpoints (absolute path -> lines), finish configuration."""
        self.request("initialize", {"clientID": "rocketmq-ref", "adapterID": "python",
                                    "pathFormat": "path", "linesStartAt1": True,
                                    "columnsStartAt1": True, "supportsVariableType": True})
        attach = self.send("attach", {"justMyCode": False})
        self.wait_event("initialized")
        verified: dict[str, list[dict]] = {}
        for path, lines in (breakpoints or {}).items():
            verified[path] = self.set_breakpoints(path, lines)
        self.request("setExceptionBreakpoints", {"filters": []})
        self.request("configurationDone")
        self.answer(attach, "attach", 15.0)
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
