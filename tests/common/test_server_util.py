"""ServerUtil (Java srvutil, kept in common): the log file every server and tool writes, and the
shutdown signals that let the main thread stop the controller itself."""
from __future__ import annotations

import logging
import os
import signal

from rocketmq_ref.common import server_util


def test_log_file_goes_to_the_given_dir_else_the_environment(tmp_path, monkeypatch):
    root = logging.getLogger()
    before = list(root.handlers), root.level
    try:
        path = server_util.configure_logging("x.log", str(tmp_path / "given"))
        assert path == str(tmp_path / "given" / "x.log")
        logging.getLogger("rocketmq_ref.test").info("hello file")
        for h in root.handlers:
            h.flush()
        assert "INFO" in open(path).read() and "hello file" in open(path).read()
        monkeypatch.setenv(server_util.ENV_LOG_DIR, str(tmp_path / "env"))
        assert server_util.default_log_dir() == str(tmp_path / "env")
    finally:
        for h in root.handlers[:]:
            if h not in before[0]:
                root.removeHandler(h)
                h.close()
        root.setLevel(before[1])


def test_sigterm_sets_the_stop_event_instead_of_killing():
    saved = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        stop = server_util.install_shutdown_signals(logging.getLogger("rocketmq_ref.test"))
        assert not stop.is_set()
        os.kill(os.getpid(), signal.SIGTERM)
        assert stop.wait(5.0)
    finally:
        signal.signal(signal.SIGTERM, saved[0])
        signal.signal(signal.SIGINT, saved[1])
