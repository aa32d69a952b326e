"""What ``mqnamesrv``, ``mqbroker`` and the tools share at start-up: the log files and the shutdown
signals (Java ``org.apache.rocketmq.srvutil.ServerUtil`` and ``ShutdownHookThread``, with logback's
``~/logs/rocketmqlogs`` layout; books A10.1.1, B2.2).

    log_path = configure_logging("namesrv.log", args.log_dir)
    stop = install_shutdown_signals(log)      # SIGTERM / SIGINT set it
    ...start...
    while not stop.wait(1.0): pass
"""
from __future__ import annotations

import logging
import logging.handlers
import os
import signal
import sys
import threading

ENV_LOG_DIR = "ROCKETMQ_REF_LOG_DIR"
LOG_FORMAT = "%(asctime)s %(levelname)s %(threadName)s - %(name)s - %(message)s"


def default_log_dir(log_dir: str | None = None) -> str:
    """``log_dir``, else ``$ROCKETMQ_REF_LOG_DIR``, else ``~/logs/rocketmqlogs`` (Java's place)."""
    return (log_dir or os.environ.get(ENV_LOG_DIR)
            or os.path.join(os.path.expanduser("~"), "logs", "rocketmqlogs"))


def configure_logging(file_name: str, log_dir: str | None = None) -> str:
    """INFO and up to ``<dir>/<file_name>`` (rotated at 100 MiB, 10 kept), warnings also to
    stderr; returns the log file's path."""
    directory = default_log_dir(log_dir)
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, file_name)
    fmt = logging.Formatter(LOG_FORMAT)
    file_handler = logging.handlers.RotatingFileHandler(path, maxBytes=100 * 1024 * 1024,
                                                        backupCount=10, encoding="utf-8")
    file_handler.setFormatter(fmt)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING)
    console.setFormatter(fmt)
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(file_handler)
    root.addHandler(console)
    return path


def install_shutdown_signals(log: logging.Logger) -> threading.Event:
    """An event SIGTERM and SIGINT set (Java's shutdown hook): the main thread waits on it, then
    shuts the controller down itself, so shutdown never runs inside a signal handler."""
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        log.info("received %s, shutting down", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return stop
