"""MappedFileQueue (Java ``org.apache.rocketmq.store.MappedFileQueue``; book B4.4.1): the ordered
files of one commit log or consume queue directory, each named by the 20-digit offset of its first byte.

The list is copy-on-write (Java ``CopyOnWriteArrayList``): readers take ``self.mapped_files`` once and
iterate a stable snapshot while the writer appends or the cleaner removes.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from typing import TYPE_CHECKING

from rocketmq_ref.common.utilall import offset2file_name
from rocketmq_ref.store.mapped_file import MappedFile

if TYPE_CHECKING:
    from rocketmq_ref.store.allocate_mapped_file_service import AllocateMappedFileService

log = logging.getLogger("rocketmq_ref.store")

DELETE_FILES_BATCH_MAX = 10


class MappedFileQueueError(Exception):
    """A store directory that cannot be loaded (a file of the wrong size, an unreadable file)."""


class MappedFileQueue:
    def __init__(self, store_path: str, mapped_file_size: int,
                 allocate_mapped_file_service: AllocateMappedFileService | None = None) -> None:
        self.store_path = store_path
        self.mapped_file_size = mapped_file_size
        self.allocate_mapped_file_service = allocate_mapped_file_service
        self.mapped_files: list[MappedFile] = []
        self._lock = threading.Lock()  # serialises writers of the list; readers use snapshots
        self.flushed_where = 0
        self.committed_where = 0
        self.store_timestamp = 0

    # -- load and check
    def check_self(self) -> bool:
        """Log (and report) adjacent files whose offsets are not one file size apart."""
        ok = True
        pre = None
        for cur in self.mapped_files:
            if pre is not None and cur.file_from_offset - pre.file_from_offset != self.mapped_file_size:
                log.error("[BUG]The mappedFile queue's data is damaged, the adjacent mappedFile's "
                          "offset don't match. pre file %s, cur file %s", pre.file_name, cur.file_name)
                ok = False
            pre = cur
        return ok

    def load(self) -> bool:
        """Map every file of the directory in name order; a file of the wrong size fails the load."""
        try:
            names = os.listdir(self.store_path)
        except FileNotFoundError:
            return True
        return self.do_load(sorted(os.path.join(self.store_path, n) for n in names))

    def do_load(self, files: list[str]) -> bool:
        names = []
        for f in files:
            if os.path.basename(f).isdigit():
                names.append(f)
            else:
                log.warning("%s is not a store file name, skipped", f)
        files = sorted(names, key=os.path.basename)
        # trailing empty files: created, never sized (a crash while creating): nothing to lose
        while files and os.path.getsize(files[-1]) == 0:
            log.warning("%s is empty (its creation was cut short), deleted", files[-1])
            os.unlink(files.pop())
        loaded: list[MappedFile] = []
        for path in files:
            length = os.path.getsize(path)
            if length != self.mapped_file_size:
                log.warning("%s length not matched message store config value, please check it "
                            "manually (%d != %d)", path, length, self.mapped_file_size)
                for mf in loaded:
                    mf.close()
                return False
            try:
                mf = MappedFile(path, self.mapped_file_size)
            except OSError as e:
                log.error("load file %s error: %s", path, e)
                for mf in loaded:
                    mf.close()
                return False
            mf.wrote_position = self.mapped_file_size
            mf.flushed_position = self.mapped_file_size
            mf.committed_position = self.mapped_file_size
            loaded.append(mf)
            log.info("load %s OK", path)
        with self._lock:
            self.mapped_files = self.mapped_files + loaded
        return True

    # -- locate
    def get_first_mapped_file(self) -> MappedFile | None:
        files = self.mapped_files
        return files[0] if files else None

    def get_last_mapped_file(self, start_offset: int | None = None, need_create: bool = True
                             ) -> MappedFile | None:
        """The last file.  With ``start_offset`` (Java ``getLastMappedFile(startOffset[, needCreate])``)
        a new one is created when there is none (at the file holding ``start_offset``) or the last
        is full."""
        files = self.mapped_files
        last = files[-1] if files else None
        if start_offset is None:
            return last
        create_offset = -1
        if last is None:
            create_offset = start_offset - (start_offset % self.mapped_file_size)
        elif last.is_full():
            create_offset = last.file_from_offset + self.mapped_file_size
        if create_offset != -1 and need_create:
            return self.try_create_mapped_file(create_offset)
        return last

    def try_create_mapped_file(self, create_offset: int) -> MappedFile | None:
        next_path = os.path.join(self.store_path, offset2file_name(create_offset))
        next_next_path = os.path.join(self.store_path,
                                      offset2file_name(create_offset + self.mapped_file_size))
        return self.do_create_mapped_file(next_path, next_next_path)

    def do_create_mapped_file(self, next_path: str, next_next_path: str) -> MappedFile | None:
        mf: MappedFile | None = None
        if self.allocate_mapped_file_service is not None:
            mf = self.allocate_mapped_file_service.put_request_and_return_mapped_file(
                next_path, next_next_path, self.mapped_file_size)
        else:
            try:
                mf = MappedFile(next_path, self.mapped_file_size)
            except OSError as e:
                log.error("create mappedFile exception: %s", e)
        if mf is not None:
            with self._lock:
                if not self.mapped_files:
                    mf.first_create_in_queue = True
                self.mapped_files = self.mapped_files + [mf]
        return mf

    def get_mapped_file_by_time(self, timestamp: int) -> MappedFile | None:
        files = self.mapped_files
        if not files:
            return None
        for mf in files:
            if mf.get_last_modified_timestamp() >= timestamp:
                return mf
        return files[-1]

    def find_mapped_file_by_offset(self, offset: int, return_first_on_not_found: bool = False
                                   ) -> MappedFile | None:
        files = self.mapped_files
        if not files:
            return None
        first, last = files[0], files[-1]
        size = self.mapped_file_size
        if offset < first.file_from_offset or offset >= last.file_from_offset + size:
            log.debug("Offset not matched. Request offset: %d, firstOffset: %d, lastOffset: %d, "
                      "mappedFileSize: %d, mappedFiles count: %d", offset, first.file_from_offset,
                      last.file_from_offset + size, size, len(files))
        else:
            index = offset // size - first.file_from_offset // size
            if 0 <= index < len(files):
                target = files[index]
                if target.file_from_offset <= offset < target.file_from_offset + size:
                    return target
            for mf in files:
                if mf.file_from_offset <= offset < mf.file_from_offset + size:
                    return mf
        return first if return_first_on_not_found else None

    # -- offsets
    def get_min_offset(self) -> int:
        first = self.get_first_mapped_file()
        return first.file_from_offset if first is not None else -1

    def get_max_offset(self) -> int:
        last = self.get_last_mapped_file()
        return last.file_from_offset + last.get_read_position() if last is not None else 0

    def get_max_wrote_position(self) -> int:
        last = self.get_last_mapped_file()
        return last.file_from_offset + last.wrote_position if last is not None else 0

    def remain_how_many_data_to_commit(self) -> int:
        return self.get_max_wrote_position() - self.committed_where

    def remain_how_many_data_to_flush(self) -> int:
        return self.get_max_offset() - self.flushed_where

    def how_much_fall_behind(self) -> int:
        if not self.mapped_files or self.flushed_where == 0:
            return 0
        last = self.get_last_mapped_file()
        if last is None:
            return 0
        return last.file_from_offset + last.wrote_position - self.flushed_where

    def get_mapped_memory_size(self) -> int:
        return sum(self.mapped_file_size for mf in self.mapped_files if mf.is_available())

    # -- flush and commit (B4.8)
    def flush(self, flush_least_pages: int) -> bool:
        """Flush the file holding ``flushed_where``; True when nothing moved."""
        result = True
        mf = self.find_mapped_file_by_offset(self.flushed_where, self.flushed_where == 0)
        if mf is not None:
            tmp_timestamp = mf.store_timestamp
            offset = mf.flush(flush_least_pages)
            where = mf.file_from_offset + offset
            result = where == self.flushed_where
            self.flushed_where = where
            if flush_least_pages == 0:
                self.store_timestamp = tmp_timestamp
        return result

    def commit(self, commit_least_pages: int) -> bool:
        result = True
        mf = self.find_mapped_file_by_offset(self.committed_where, self.committed_where == 0)
        if mf is not None:
            offset = mf.commit(commit_least_pages)
            where = mf.file_from_offset + offset
            result = where == self.committed_where
            self.committed_where = where
        return result

    # -- truncate and delete (B4.7, B4.9)
    def truncate_dirty_files(self, offset: int) -> None:
        """Cut the queue at ``offset``: the file holding it keeps what precedes, later files go."""
        will_remove: list[MappedFile] = []
        for mf in self.mapped_files:
            tail = mf.file_from_offset + self.mapped_file_size
            if tail > offset:
                if offset >= mf.file_from_offset:
                    pos = offset % self.mapped_file_size
                    mf.wrote_position = pos
                    mf.committed_position = pos
                    mf.flushed_position = pos
                else:
                    mf.destroy(1000)
                    will_remove.append(mf)
        self.delete_expired_file(will_remove)

    def delete_expired_file(self, files: list[MappedFile]) -> None:
        if not files:
            return
        gone = set(map(id, files))
        with self._lock:
            self.mapped_files = [mf for mf in self.mapped_files if id(mf) not in gone]

    def reset_offset(self, offset: int) -> bool:
        last = self.get_last_mapped_file()
        if last is not None:
            last_offset = last.file_from_offset + last.wrote_position
            if last_offset - offset > self.mapped_file_size * 2:
                return False
        with self._lock:
            files = list(self.mapped_files)
            while files:
                mf = files[-1]
                if offset >= mf.file_from_offset:
                    where = offset % mf.file_size
                    mf.flushed_position = where
                    mf.wrote_position = where
                    mf.committed_position = where
                    break
                files.pop()
            self.mapped_files = files
        return True

    def delete_last_mapped_file(self) -> None:
        last = self.get_last_mapped_file()
        if last is not None:
            last.destroy(1000)
            self.delete_expired_file([last])
            log.info("on recover, destroy a logic mapped file %s", last.file_name)

    def delete_expired_file_by_time(self, expired_time: int, delete_files_interval: int,
                                    interval_forcibly: int, clean_immediately: bool) -> int:
        """Delete files (never the last) last modified more than ``expired_time`` ms ago."""
        files = self.mapped_files
        if not files:
            return 0
        n = len(files) - 1
        deleted: list[MappedFile] = []
        for i in range(n):
            mf = files[i]
            live_max = mf.get_last_modified_timestamp() + expired_time
            if int(time.time() * 1000) >= live_max or clean_immediately:
                if mf.destroy(interval_forcibly):
                    deleted.append(mf)
                    if len(deleted) >= DELETE_FILES_BATCH_MAX:
                        break
                    if delete_files_interval > 0 and i + 1 < n:
                        time.sleep(delete_files_interval / 1000.0)
                else:
                    break
            else:
                break  # never delete files in the middle
        self.delete_expired_file(deleted)
        return len(deleted)

    def delete_expired_file_by_offset(self, offset: int, unit_size: int) -> int:
        """Consume-queue clean-up: delete files whose last unit points below ``offset``."""
        files = self.mapped_files
        deleted: list[MappedFile] = []
        for mf in files[:-1]:
            result = mf.select_mapped_buffer(self.mapped_file_size - unit_size)
            if result is not None:
                max_offset_in_logic_queue = int.from_bytes(result.byte_buffer[:8], "big", signed=True)
                result.release()
                destroy = max_offset_in_logic_queue < offset
                if destroy:
                    log.info("physic min offset %d, logics in current mappedFile max offset %d, "
                             "delete it", offset, max_offset_in_logic_queue)
            elif not mf.is_available():
                log.warning("Found a hanged consume queue file, attempting to delete it.")
                destroy = True
            else:
                log.warning("this being not executed forever.")
                break
            if destroy and mf.destroy(1000 * 60):
                deleted.append(mf)
            else:
                break
        self.delete_expired_file(deleted)
        return len(deleted)

    def retry_delete_first_file(self, interval_forcibly: int) -> bool:
        mf = self.get_first_mapped_file()
        if mf is not None and not mf.is_available():
            log.warning("the mappedFile was destroyed once, but still alive, %s", mf.file_name)
            result = mf.destroy(interval_forcibly)
            if result:
                log.info("the mappedFile re delete OK, %s", mf.file_name)
                self.delete_expired_file([mf])
            else:
                log.warning("the mappedFile re delete failed, %s", mf.file_name)
            return result
        return False

    def shutdown(self, interval_forcibly: int) -> None:
        for mf in self.mapped_files:
            mf.shutdown(interval_forcibly)

    def close(self) -> None:
        """Unmap every file without deleting it (process shutdown)."""
        for mf in self.mapped_files:
            mf.close()
        with self._lock:
            self.mapped_files = []

    def destroy(self) -> None:
        """Delete every file and the directory."""
        for mf in self.mapped_files:
            mf.destroy(1000 * 3)
        with self._lock:
            self.mapped_files = []
        self.flushed_where = 0
        try:
            os.rmdir(self.store_path)
        except OSError:
            pass

    # -- Java getters
    def get_flushed_where(self) -> int:
        return self.flushed_where

    def set_flushed_where(self, where: int) -> None:
        self.flushed_where = where

    def get_committed_where(self) -> int:
        return self.committed_where

    def set_committed_where(self, where: int) -> None:
        self.committed_where = where

    def get_store_timestamp(self) -> int:
        return self.store_timestamp

    def get_mapped_files(self) -> list[MappedFile]:
        return self.mapped_files

    def get_mapped_file_size(self) -> int:
        return self.mapped_file_size
