"""Where the command-line tools' client logs go: ``rocketmq_client.log`` in the RocketMQ log
directory, as the Java client's logback does, so the terminal shows only the tool's own lines
(book A1.3.3)."""
from __future__ import annotations

import logging
import os

from rocketmq_ref.common.server_util import LOG_FORMAT, default_log_dir


def log_client_to_file(file_name: str = "rocketmq_client.log") -> str | None:
    """Send ``rocketmq_ref.*`` records (INFO and up) to the log file instead of stderr; returns its
    path, or None when the directory cannot be written (the records are then dropped)."""
    logger = logging.getLogger("rocketmq_ref")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    try:
        directory = default_log_dir()
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, file_name)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        logger.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    logger.addHandler(handler)
    return path
