"""Base of the JSON-persisted metadata managers (Java ``org.apache.rocketmq.common.ConfigManager``;
spec message-and-store §14.3; books B4.7, B2.3.2): topics, consumer offsets, subscription groups,
delay offsets, consumer filters, the name server's KV table.

``persist()`` writes ``<file>.tmp``, keeps the previous content in ``<file>.bak`` and renames the new
file into place; ``load()`` reads ``<file>`` and falls back to ``<file>.bak`` when the file is missing,
empty or cannot be decoded.  Subclasses implement ``encode``, ``decode`` and ``config_file_path``;
``decode`` should parse everything before it changes any state, so a bad file changes nothing.
"""
from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod

from rocketmq_ref.common.mixall import file2string, string2file

log = logging.getLogger("rocketmq_ref.common")


class ConfigManager(ABC):
    def __init__(self) -> None:
        self._persist_lock = threading.Lock()

    @abstractmethod
    def encode(self, pretty_format: bool = False) -> str | None:
        """The JSON text of the managed table (``None``: nothing to write)."""

    @abstractmethod
    def decode(self, json_string: str) -> None:
        """Replace the managed table with the content of ``json_string``; raise on bad input."""

    @abstractmethod
    def config_file_path(self) -> str:
        """Where the table lives (``<storePathRootDir>/config/<name>.json``)."""

    def load(self) -> bool:
        """Load the file, else its ``.bak``; ``False`` when both fail (a missing pair is an empty,
        successfully loaded table, as in Java)."""
        file_name = self.config_file_path()
        try:
            text = file2string(file_name)
            if not text:
                return self.load_bak()
            self.decode(text)
            log.info("load %s OK", file_name)
            return True
        except Exception as e:  # any decode error: Java logs and tries the backup
            log.error("load %s failed, and try to load backup file: %s", file_name, e)
            return self.load_bak()

    def load_bak(self) -> bool:
        file_name = self.config_file_path() + ".bak"
        try:
            text = file2string(file_name)
            if text:
                self.decode(text)
                log.info("load %s OK", file_name)
            return True
        except Exception as e:
            log.error("load %s failed: %s", file_name, e)
            return False

    def persist(self) -> None:
        """Write the table (pretty fastjson form) with the temp-file and ``.bak`` dance."""
        with self._persist_lock:
            text = self.encode(True)
            if text is None:
                return
            file_name = self.config_file_path()
            try:
                string2file(text, file_name)
            except OSError as e:
                log.error("persist file %s exception: %s", file_name, e)
