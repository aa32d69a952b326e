"""IndexService: the list of index files, building and querying the key index (Java
``org.apache.rocketmq.store.index.IndexService``; books B4.5.3, B4.6.2, B4.7).

Keys are ``topic#UNIQ_KEY`` and ``topic#key`` for every space-separated token of ``KEYS``.  Files are
named by their creation time (``yyyyMMddHHmmssSSS``, local time); when the last one is full a new one
starts where it ended and the full one is flushed in the background, moving the checkpoint's
``indexMsgTimestamp`` to its end time.
"""
from __future__ import annotations

import logging
import os
import threading
import time

from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.sysflag import MessageSysFlag
from rocketmq_ref.common.tracing import span
from rocketmq_ref.common.utilall import time_millis_to_human_string
from rocketmq_ref.store.config.store_path_config_helper import StorePathConfigHelper
from rocketmq_ref.store.index.index_file import IndexFile
from rocketmq_ref.store.index.query_offset_result import QueryOffsetResult

log = logging.getLogger("rocketmq_ref.store")

MAX_TRY_IDX_CREATE = 3
_TRAN_MASK = MessageSysFlag.TRANSACTION_ROLLBACK_TYPE  # getTransactionValue's mask
_ROLLBACK = MessageSysFlag.TRANSACTION_ROLLBACK_TYPE


def build_key(topic: str, key: str) -> str:
    return topic + "#" + key


class IndexService:
    """Owns ``index_file_list`` (oldest first) under a read-write discipline: one lock guards the list;
    entries are only appended by the dispatch thread."""

    def __init__(self, store) -> None:
        self.default_message_store = store
        config = store.get_message_store_config()
        self.hash_slot_num = config.max_hash_slot_num
        self.index_num = config.max_index_num
        self.store_path = StorePathConfigHelper.get_store_path_index(config.store_path_root_dir)
        self.index_file_list: list[IndexFile] = []
        self._lock = threading.RLock()
        self._flush_threads: list[threading.Thread] = []  # FlushIndexFileThreads, joined at shutdown

    def load(self, last_exit_ok: bool) -> bool:
        """Map every index file; after a crash drop files newer than the checkpoint's
        ``indexMsgTimestamp`` (the dispatcher rebuilds them from the commit log)."""
        if not os.path.isdir(self.store_path):
            return True
        checkpoint = self.default_message_store.get_store_checkpoint()
        for name in sorted(os.listdir(self.store_path)):
            path = os.path.join(self.store_path, name)
            if not os.path.isfile(path):
                continue
            try:
                f = IndexFile(path, self.hash_slot_num, self.index_num, 0, 0)
            except ValueError as e:  # not a timestamp name: Java skips it (NumberFormatException)
                log.error("load file %s error: %s", path, e)
                continue
            except OSError as e:
                log.error("load file %s error: %s", path, e)
                return False
            f.load()
            if not last_exit_ok and f.get_end_timestamp() > checkpoint.get_index_msg_timestamp():
                log.info("index file %s is newer than the checkpoint, dropped", path)
                f.destroy(0)
                continue
            log.info("load index file OK, %s", path)
            self.index_file_list.append(f)
        return True

    def delete_expired_file(self, offset: int) -> int:
        """Delete the leading files whose last entry points below commit-log offset ``offset``;
        never the newest file.  Returns how many were deleted."""
        with self._lock:
            if not self.index_file_list or self.index_file_list[0].get_end_phy_offset() >= offset:
                return 0
            expired = []
            for f in self.index_file_list[:-1]:
                if f.get_end_phy_offset() < offset:
                    expired.append(f)
                else:
                    break
            deleted = 0
            for f in expired:
                if not f.destroy(3000):
                    log.error("deleteExpiredFile remove failed: %s", f.get_file_name())
                    break
                self.index_file_list.remove(f)
                deleted += 1
            return deleted

    def _join_flushers(self) -> None:
        for flusher in self._flush_threads:
            flusher.join(5.0)
        self._flush_threads = []

    def destroy(self) -> None:
        self._join_flushers()
        with self._lock:
            for f in self.index_file_list:
                f.destroy(3000)
            self.index_file_list.clear()

    def query_offset(self, topic: str, key: str, max_num: int, begin: int, end: int) -> QueryOffsetResult:
        """Commit-log offsets of messages stored under ``topic#key`` in ``[begin, end]`` (ms),
        newest file first, at most ``min(max_num, maxMsgsNumBatch)``."""
        with span("IndexService.query_offset", java="org.apache.rocketmq.store.index.IndexService#queryOffset",
                  books=("B4.5.3",), attributes={"rocketmq.topic": topic, "rocketmq.key": key}) as s:
            phy_offsets: list[int] = []
            result = QueryOffsetResult(phy_offsets)
            max_num = min(max_num, self.default_message_store.get_message_store_config().max_msgs_num_batch)
            idx_key = build_key(topic, key)
            with self._lock:
                files = list(self.index_file_list)
            for i in range(len(files), 0, -1):
                f = files[i - 1]
                if i == len(files):
                    result.index_last_update_timestamp = f.get_end_timestamp()
                    result.index_last_update_phyoffset = f.get_end_phy_offset()
                if f.is_time_matched(begin, end):
                    f.select_phy_offset(phy_offsets, idx_key, max_num, begin, end)
                if f.get_begin_timestamp() < begin or len(phy_offsets) >= max_num:
                    break
            if s.is_recording():
                s.set_attribute("rocketmq.index.found", len(phy_offsets))
            return result

    def build_index(self, req) -> None:
        """Index one dispatched record (Java ``CommitLogDispatcherBuildIndex`` -> ``buildIndex``)."""
        files = self.index_file_list
        # the last file while it has room, read without the lock: only this (dispatch) thread
        # appends to the list, and deletion never removes the last file
        index_file = files[-1] if files else None
        if index_file is None or index_file.index_header.index_count >= index_file.index_num:
            index_file = self.retry_get_and_create_index_file()
        if index_file is None:
            log.error("build index error, stop building index")
            return
        if req.commit_log_offset < index_file.index_header.end_phy_offset:
            return  # replayed record, already indexed
        if req.sys_flag & _TRAN_MASK == _ROLLBACK:
            return
        topic = req.topic
        if req.uniq_key:
            index_file = self._put_key(index_file, req, topic + "#" + req.uniq_key)
            if index_file is None:
                log.error("putKey error commitlog %d uniqkey %s", req.commit_log_offset, req.uniq_key)
                return
        keys = req.keys
        if keys:
            for key in keys.split(mc.KEY_SEPARATOR):
                if key:
                    index_file = self._put_key(index_file, req, topic + "#" + key)  # build_key
                    if index_file is None:
                        log.error("putKey error commitlog %d key %s", req.commit_log_offset, key)
                        return

    def _put_key(self, index_file: IndexFile, req, idx_key: str) -> IndexFile | None:
        while not index_file.put_key(idx_key, req.commit_log_offset, req.store_timestamp):
            log.warning("Index file [%s] is full, trying to create another one", index_file.get_file_name())
            index_file = self.retry_get_and_create_index_file()
            if index_file is None:
                return None
        return index_file

    def retry_get_and_create_index_file(self) -> IndexFile | None:
        for times in range(MAX_TRY_IDX_CREATE):
            index_file = self.get_and_create_last_index_file()
            if index_file is not None:
                return index_file
            log.info("Tried to create index file %d times", times)
            time.sleep(1)
        self.default_message_store.get_running_flags().make_index_file_error()
        log.error("Mark index file cannot build flag")
        return None

    def get_and_create_last_index_file(self) -> IndexFile | None:
        """The last file if it has room, else a new one starting where the full one ended (the full
        one is flushed by a ``FlushIndexFileThread``)."""
        prev: IndexFile | None = None
        last_update_end_phy_offset = 0
        last_update_index_timestamp = 0
        with self._lock:
            if self.index_file_list:
                tmp = self.index_file_list[-1]
                if not tmp.is_write_full():
                    return tmp
                last_update_end_phy_offset = tmp.get_end_phy_offset()
                last_update_index_timestamp = tmp.get_end_timestamp()
                prev = tmp
            try:
                index_file = IndexFile(self._new_file_name(), self.hash_slot_num, self.index_num,
                                       last_update_end_phy_offset, last_update_index_timestamp)
            except (OSError, ValueError) as e:
                log.error("getLastIndexFile exception: %s", e)
                return None
            self.index_file_list.append(index_file)
        if prev is not None:
            flusher = threading.Thread(target=self.flush, args=(prev,), name="FlushIndexFileThread", daemon=True)
            self._flush_threads = [t for t in self._flush_threads if t.is_alive()] + [flusher]
            flusher.start()
        return index_file

    def _new_file_name(self) -> str:
        # Java names the file by the current ms alone; two files created in one ms (tiny test
        # configs) would map the same file, so step past a name already taken
        now = int(time.time() * 1000)
        while True:
            path = os.path.join(self.store_path, time_millis_to_human_string(now))
            if not os.path.exists(path):
                return path
            now += 1

    def flush(self, f: IndexFile | None) -> None:
        """Force ``f`` to disk; if it is full, its end time becomes the checkpoint's ``indexMsgTimestamp``."""
        if f is None:
            return
        index_msg_timestamp = f.get_end_timestamp() if f.is_write_full() else 0
        f.flush()
        if index_msg_timestamp > 0:
            checkpoint = self.default_message_store.get_store_checkpoint()
            checkpoint.set_index_msg_timestamp(index_msg_timestamp)
            checkpoint.flush()

    def start(self) -> None:
        """Nothing to start: files are created on demand by the dispatcher."""

    def shutdown(self) -> None:
        """Force and unmap every file (Java leaves them to the page cache and the JVM's exit)."""
        self._join_flushers()
        with self._lock:
            for f in self.index_file_list:
                f.flush()
                f.close()
            self.index_file_list.clear()
