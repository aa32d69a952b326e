"""Start, watch and stop real server processes for end-to-end tests (no Java twin).

Every end-to-end test in the project starts its name servers, brokers and tools through this module:

    from tests.support.processes import process_factory, free_port  # noqa: F401  (fixture import)

    def test_route(process_factory, tmp_path):
        port = free_port()
        ns = process_factory.start(
            "rocketmq_ref.namesrv.namesrv_startup", ["-l", str(port), "-o", "bindAddress=127.0.0.1"],
            name="namesrv", ready_line="The Name Server boot success", ready_port=port)
        ...            # ns.pid, ns.log_path, ns.log_text(), ns.kill() (kill -9), ns.stop()

What it guarantees:
- a process runs ``python -m <module> args`` with the test's interpreter, in its own temp dir, with
  stdout and stderr captured to ``<dir>/<name>.out`` (``log_text()`` reads it);
- ``start`` returns only when the process is ready: a start-up line appeared in its output and/or
  its port on 127.0.0.1 accepts connections; it raises ``ProcessStartError`` with the log tail when
  the process exits early or the wait runs out;
- ``stop`` sends SIGTERM to the process's own pid and SIGKILL after a bound; ``kill`` is ``kill -9``;
- the ``process_factory`` fixture stops every process it started when the test ends, passed or
  failed, and an ``atexit`` hook plus ``PR_SET_PDEATHSIG`` make sure none outlives the test run
  (even one killed by SIGKILL or a timeout's ``os._exit``). Linux ties the death signal to the
  *thread* that started the child: start processes from the test's own thread, not from a worker
  thread that ends before the test does;
- every child gets ``PYTHONUNBUFFERED=1``, the project root on ``PYTHONPATH`` (so ``tests.*``
  modules run too) and ``ROCKETMQ_REF_LOG_DIR=<its dir>/logs`` unless ``env`` says otherwise.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

__all__ = [
    "ManagedProcess", "ProcessFactory", "ProcessStartError", "free_port", "free_port_block",
    "wait_for_port", "port_accepts", "process_factory",
]

HOST = "127.0.0.1"
DEFAULT_START_TIMEOUT = 30.0
DEFAULT_STOP_TIMEOUT = 10.0
PROJECT_ROOT = Path(__file__).resolve().parents[2]

_live: set[ManagedProcess] = set()
_live_lock = threading.Lock()


class ProcessStartError(RuntimeError):
    """A process exited before it was ready, or did not become ready in time."""


# ---------------------------------------------------------------------------------------------
# ports

def port_accepts(port: int, host: str = HOST, timeout: float = 0.2) -> bool:
    """True when a TCP connection to host:port succeeds now."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _bindable(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


_handed_out: set[int] = set()


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now (the kernel picks it; never handed out twice
    by this process, so two servers started by one test do not collide)."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind((HOST, 0))
            port = s.getsockname()[1]
        if port not in _handed_out:
            _handed_out.add(port)
            return port
    raise RuntimeError("no free port found in 100 tries")


def free_port_block(offsets: Sequence[int] = (-2, 0, 1), attempts: int = 200) -> int:
    """A base port such that ``base + o`` is free for every offset: a broker needs its listen port,
    the fast port (``-2``) and the HA port (``+1``)."""
    for _ in range(attempts):
        base = free_port()
        ports = [base + o for o in offsets]
        if all(1024 < p < 65536 for p in ports) and all(
                p == base or (p not in _handed_out and _bindable(p)) for p in ports):
            _handed_out.update(ports)
            return base
    raise RuntimeError(f"no free port block for offsets {tuple(offsets)} in {attempts} tries")


def wait_for_port(port: int, timeout: float = DEFAULT_START_TIMEOUT, host: str = HOST) -> None:
    """Wait (bounded) until host:port accepts a connection."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_accepts(port, host):
            return
        time.sleep(0.05)
    raise TimeoutError(f"{host}:{port} did not accept connections within {timeout:.1f}s")


# ---------------------------------------------------------------------------------------------
# processes

_SETPRIV = shutil.which("setpriv") if sys.platform.startswith("linux") else None


def _die_with_parent_prefix() -> list[str]:
    """A command prefix that makes Linux SIGKILL the child when its parent (thread) dies.

    ``setpriv --pdeathsig KILL`` sets ``PR_SET_PDEATHSIG`` and execs the command under the same
    pid.  A ``preexec_fn`` would do the same in Python, but it makes ``subprocess`` run the
    interpreter's at-fork hooks in the child, and the OpenTelemetry SDK's hook (resource detection
    on a thread pool) can deadlock there.
    """
    return [_SETPRIV, "--pdeathsig", "KILL"] if _SETPRIV else []


class ManagedProcess:
    """One ``python -m module args`` child: its pid, its directory, its captured output."""

    def __init__(self, module: str, args: Sequence[str], *, name: str, workdir: Path,
                 env: Mapping[str, str] | None = None, python: str | None = None) -> None:
        self.module = module
        self.args = [str(a) for a in args]
        self.name = name
        self.workdir = workdir
        self.log_path = workdir / f"{name}.out"
        self.env = dict(env or {})
        self.python = python or sys.executable
        self.popen: subprocess.Popen[bytes] | None = None
        self._log_file = None

    # -- life cycle ----------------------------------------------------------------------------

    def spawn(self) -> ManagedProcess:
        """Start the process without waiting for it to be ready."""
        if self.popen is not None and self.popen.poll() is None:
            raise RuntimeError(f"{self.name} is already running (pid {self.popen.pid})")
        self.workdir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        env["PYTHONUNBUFFERED"] = "1"
        # servers log under their own directory unless the test says otherwise
        env["ROCKETMQ_REF_LOG_DIR"] = str(self.workdir / "logs")
        env.update(self.env)
        # the child runs in its own directory: keep the project (and ``tests.*``) importable
        env["PYTHONPATH"] = os.pathsep.join(
            [str(PROJECT_ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        # append: a restarted process keeps the earlier run's output in the same file
        self._log_file = open(self.log_path, "ab")
        self._log_file.write(f"==== start {self.module} {' '.join(self.args)}\n".encode())
        self._log_file.flush()
        self._log_start = self.log_path.stat().st_size
        self.popen = subprocess.Popen(
            [*_die_with_parent_prefix(), self.python, "-m", self.module, *self.args],
            cwd=str(self.workdir), env=env,
            stdin=subprocess.DEVNULL, stdout=self._log_file, stderr=subprocess.STDOUT)
        with _live_lock:
            _live.add(self)
        return self

    def start(self, *, ready_line: str | re.Pattern[str] | None = None,
              ready_port: int | None = None, timeout: float = DEFAULT_START_TIMEOUT
              ) -> ManagedProcess:
        """Spawn, then wait until ready: ``ready_line`` (substring or regex) in this run's output
        and/or ``ready_port`` accepting on 127.0.0.1. With neither, returns right after spawning."""
        self.spawn()
        try:
            self.wait_ready(ready_line=ready_line, ready_port=ready_port, timeout=timeout)
        except BaseException:
            self.kill()
            raise
        return self

    def wait_ready(self, *, ready_line: str | re.Pattern[str] | None = None,
                   ready_port: int | None = None, timeout: float = DEFAULT_START_TIMEOUT) -> None:
        pattern = re.compile(re.escape(ready_line)) if isinstance(ready_line, str) else ready_line
        deadline = time.monotonic() + timeout
        line_seen = pattern is None
        port_seen = ready_port is None
        while True:
            if not line_seen and pattern.search(self.log_text(since_start=True)):
                line_seen = True
            if not port_seen and port_accepts(ready_port):
                port_seen = True
            if line_seen and port_seen:
                return
            code = self.poll()
            if code is not None:
                raise ProcessStartError(
                    f"{self.name} exited with {code} before it was ready\n{self.log_tail()}")
            if time.monotonic() >= deadline:
                what = []
                if not line_seen:
                    what.append(f"line {pattern.pattern!r}")
                if not port_seen:
                    what.append(f"port {ready_port}")
                raise ProcessStartError(
                    f"{self.name} not ready after {timeout:.1f}s (waiting for "
                    f"{' and '.join(what)})\n{self.log_tail()}")
            time.sleep(0.05)

    def stop(self, timeout: float = DEFAULT_STOP_TIMEOUT) -> int | None:
        """SIGTERM this pid, wait up to ``timeout`` s, then SIGKILL. Returns the exit code."""
        if self.popen is None:
            return None
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self._log_note(f"did not stop within {timeout:.1f}s of SIGTERM: SIGKILL")
                return self.kill()
        self._reap()
        return self.popen.returncode

    def kill(self) -> int | None:
        """``kill -9`` this pid (a crash: nothing gets flushed) and reap it."""
        if self.popen is None:
            return None
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.popen.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(DEFAULT_STOP_TIMEOUT)
        self._reap()
        return self.popen.returncode

    def signal(self, sig: int) -> None:
        """Send any signal to this pid (SIGSTOP/SIGCONT freeze a server without closing its sockets)."""
        if self.popen is not None and self.popen.poll() is None:
            os.kill(self.popen.pid, sig)

    def wait(self, timeout: float = DEFAULT_STOP_TIMEOUT) -> int:
        """Wait (bounded) for the process to exit by itself; return its exit code."""
        assert self.popen is not None, "not started"
        code = self.popen.wait(timeout)
        self._reap()
        return code

    def restart(self, **start_kwargs) -> ManagedProcess:
        """Stop (SIGTERM) and start again with the same command and directory."""
        self.stop()
        return self.start(**start_kwargs)

    def _reap(self) -> None:
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None
        with _live_lock:
            _live.discard(self)

    def _log_note(self, text: str) -> None:
        with contextlib.suppress(OSError), open(self.log_path, "ab") as f:
            f.write(f"==== [launcher] {self.name}: {text}\n".encode())

    # -- state and output ----------------------------------------------------------------------

    @property
    def pid(self) -> int:
        assert self.popen is not None, "not started"
        return self.popen.pid

    @property
    def returncode(self) -> int | None:
        return None if self.popen is None else self.popen.poll()

    def poll(self) -> int | None:
        return None if self.popen is None else self.popen.poll()

    def is_running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def log_text(self, since_start: bool = False) -> str:
        """The captured stdout+stderr (every run so far, or only the current one)."""
        try:
            data = self.log_path.read_bytes()
        except FileNotFoundError:
            return ""
        if since_start:
            data = data[getattr(self, "_log_start", 0):]
        return data.decode("utf-8", "replace")

    def log_tail(self, lines: int = 40) -> str:
        tail = self.log_text().splitlines()[-lines:]
        return f"---- last {len(tail)} lines of {self.log_path} ----\n" + "\n".join(tail)

    def wait_for_log(self, text: str | re.Pattern[str], timeout: float = DEFAULT_START_TIMEOUT
                     ) -> re.Match[str]:
        """Wait (bounded) until ``text`` (substring or regex) appears in the current run's output."""
        pattern = re.compile(re.escape(text)) if isinstance(text, str) else text
        deadline = time.monotonic() + timeout
        while True:
            m = pattern.search(self.log_text(since_start=True))
            if m:
                return m
            if time.monotonic() >= deadline:
                raise TimeoutError(f"{self.name}: {pattern.pattern!r} not logged within "
                                   f"{timeout:.1f}s\n{self.log_tail()}")
            time.sleep(0.05)

    def __repr__(self) -> str:
        state = "not started" if self.popen is None else (
            f"pid {self.popen.pid} " + ("running" if self.popen.poll() is None
                                        else f"exited {self.popen.returncode}"))
        return f"<ManagedProcess {self.name} {self.module} {state}>"


class ProcessFactory:
    """Creates processes under one base directory and stops every one of them in ``close()``."""

    def __init__(self, base_dir: Path | str | None = None) -> None:
        if base_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="rocketmq-ref-e2e-")
            base_dir = self._tmp.name
        else:
            self._tmp = None
        self.base_dir = Path(base_dir)
        self.processes: list[ManagedProcess] = []
        self.close_timeout = DEFAULT_STOP_TIMEOUT

    def create(self, module: str, args: Iterable[str] = (), *, name: str | None = None,
               workdir: Path | str | None = None, env: Mapping[str, str] | None = None
               ) -> ManagedProcess:
        """A process object not yet started (its directory is ``base_dir/name``)."""
        name = name or module.rsplit(".", 1)[-1]
        taken = {p.name for p in self.processes}
        unique, n = name, 1
        while unique in taken:
            n += 1
            unique = f"{name}-{n}"
        wd = Path(workdir) if workdir is not None else self.base_dir / unique
        proc = ManagedProcess(module, list(args), name=unique, workdir=wd, env=env)
        self.processes.append(proc)
        return proc

    def start(self, module: str, args: Iterable[str] = (), *, name: str | None = None,
              workdir: Path | str | None = None, env: Mapping[str, str] | None = None,
              ready_line: str | re.Pattern[str] | None = None, ready_port: int | None = None,
              timeout: float = DEFAULT_START_TIMEOUT) -> ManagedProcess:
        """Create and start a process; return once it is ready (see ``ManagedProcess.start``)."""
        proc = self.create(module, args, name=name, workdir=workdir, env=env)
        return proc.start(ready_line=ready_line, ready_port=ready_port, timeout=timeout)

    def close(self, timeout: float | None = None) -> None:
        """Stop every process (SIGTERM in parallel, then SIGKILL after ``timeout``)."""
        timeout = self.close_timeout if timeout is None else timeout
        running = [p for p in self.processes if p.is_running()]
        for p in running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for p in running:
            try:
                p.popen.wait(max(0.0, deadline - time.monotonic()))  # type: ignore[union-attr]
                p._reap()
            except subprocess.TimeoutExpired:
                p._log_note(f"did not stop within {timeout:.1f}s of SIGTERM: SIGKILL")
                p.kill()
        for p in self.processes:
            p._reap()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> ProcessFactory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _kill_leftovers() -> None:
    with _live_lock:
        left = list(_live)
    for p in left:
        p.kill()


atexit.register(_kill_leftovers)


@pytest.fixture
def process_factory(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[ProcessFactory]:
    """Start processes under the test's ``tmp_path``; all are stopped when the test ends. When the
    test failed, each process's output tail goes to the real stderr so the run shows why."""
    factory = ProcessFactory(tmp_path / "procs")
    failed_before = request.session.testsfailed
    try:
        yield factory
    finally:
        factory.close()
        if request.session.testsfailed > failed_before:
            out = sys.__stderr__
            for p in factory.processes:
                if p.log_path.exists() and out is not None:
                    out.write(f"\n{p!r}\n{p.log_tail()}\n")
