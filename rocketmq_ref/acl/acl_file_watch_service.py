"""Reload the ACL files when they change (Java ``srvutil.AclFileWatchService``; every 5 s).

Each round lists ``conf/acl/**.yml`` plus the default ``plain_acl.yml``: a different number of files
reloads everything (``on_file_num_changed``), else each file whose modification time moved is
reloaded alone (``on_file_changed``).
"""
from __future__ import annotations

import logging
import os
from typing import Callable

from rocketmq_ref.common.service_thread import ServiceThread

log = logging.getLogger("rocketmq_ref.acl")

WATCH_INTERVAL = 5000


def _mtime(path: str) -> float:
    """Java ``File.lastModified``: 0 for a file that is not there."""
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return 0


class AclFileWatchService(ServiceThread):
    def __init__(self, path: str, default_acl_file: str, on_file_changed: Callable[[str], None],
                 on_file_num_changed: Callable[[str], None], list_files: Callable[[str], list[str]],
                 watch_interval_ms: int = WATCH_INTERVAL) -> None:
        super().__init__()
        self.acl_path = path
        self.default_acl_file = default_acl_file
        self.on_file_changed = on_file_changed
        self.on_file_num_changed = on_file_num_changed
        self._list_files = list_files
        self.watch_interval_ms = watch_interval_ms
        self.file_list = self._current_files()
        self.acl_files_num = len(self.file_list)
        self.file_last_modified_time = {f: _mtime(f) for f in self.file_list}

    def get_service_name(self) -> str:
        return "AclFileWatchService"

    def _current_files(self) -> list[str]:
        files = self._list_files(self.acl_path)
        if os.path.exists(self.default_acl_file) and self.default_acl_file not in files:
            files.append(self.default_acl_file)
        return files

    def check_once(self) -> None:
        """One round of the watch loop."""
        self.file_list = self._current_files()
        if len(self.file_list) != self.acl_files_num:
            log.info("aclFilesNum: %d  realAclFilesNum: %d", self.acl_files_num, len(self.file_list))
            self.acl_files_num = len(self.file_list)
            self.file_last_modified_time = {f: _mtime(f) for f in self.file_list}
            self.on_file_num_changed(self.acl_path)
            return
        for name in self.file_list:
            mtime = _mtime(name)
            if mtime != self.file_last_modified_time.get(name):
                self.file_last_modified_time[name] = mtime
                self.on_file_changed(name)

    def run(self) -> None:
        log.info("%s service started", self.get_service_name())
        while not self.is_stopped():
            self.wait_for_running(self.watch_interval_ms)
            if self.is_stopped():
                break
            try:
                self.check_once()
            except Exception:
                log.warning("%s service has exception.", self.get_service_name(), exc_info=True)
        log.info("%s service end", self.get_service_name())
