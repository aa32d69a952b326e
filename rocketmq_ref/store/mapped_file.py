"""MappedFile (Java ``org.apache.rocketmq.store.MappedFile``; books B4.4.2, B4.4.3, B4.8): one
fixed-size, memory-mapped file of a commit log or consume queue.

Three positions: ``wrote`` (bytes appended), ``committed`` (written through to the file when a
TransientStorePool write buffer is in use) and ``flushed`` (forced to disk).  Readers see up to
``get_read_position()``.  Reads hand out ``memoryview`` slices of the mapping, counted by
``ReferenceResource.hold``/``release``, so a file is unmapped only when no reader holds it.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import errno
import logging
import mmap
import os
import threading
import time
from typing import TYPE_CHECKING, Any, Protocol

from rocketmq_ref.store.append_message_result import AppendMessageResult, AppendMessageStatus
from rocketmq_ref.store.config.flush_disk_type import FlushDiskType
from rocketmq_ref.store.reference_resource import ReferenceResource
from rocketmq_ref.store.select_mapped_buffer_result import SelectMappedBufferResult

if TYPE_CHECKING:
    from rocketmq_ref.store.transient_store_pool import TransientStorePool

log = logging.getLogger("rocketmq_ref.store")

OS_PAGE_SIZE = 1024 * 4
RESERVE_AHEAD = 16 * 1024 * 1024  # blocks reserved ahead of the writer (preallocate mode)
_PAGE_MASK = ~(mmap.PAGESIZE - 1)


class AppendMessageCallback(Protocol):
    """Java ``AppendMessageCallback``: writes one record (or batch) at ``position`` of ``buffer``."""

    def do_append(self, file_from_offset: int, buffer: Any, position: int, max_blank: int,
                  msg: Any, put_message_context: Any) -> AppendMessageResult: ...


_libc: Any = None


def _libc_call(name: str, buf: Any, length: int, *extra: int) -> int:
    """mlock/munlock/madvise on a mapping (Java ``LibC`` through JNA); -1 when unavailable."""
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    anchor = ctypes.c_char.from_buffer(buf)
    try:
        return getattr(_libc, name)(ctypes.c_void_p(ctypes.addressof(anchor)),
                                    ctypes.c_size_t(length), *extra)
    finally:
        del anchor


def _open_sized(file_name: str, file_size: int) -> int:
    """Open ``file_name``, creating it already ``file_size`` long when it does not exist.

    Java creates the file empty and extends it when mapping; a crash in between leaves a 0-byte
    file that fails the next load, and a reader listing the directory may see it short.  Here a
    new file is built unnamed (``O_TMPFILE``) and linked in at full size, so it appears whole.
    """
    try:
        return os.open(file_name, os.O_RDWR)
    except FileNotFoundError:
        pass
    tmp_flag = getattr(os, "O_TMPFILE", 0)
    directory = os.path.dirname(file_name) or "."
    if tmp_flag:
        try:
            fd = os.open(directory, os.O_RDWR | tmp_flag, 0o644)
        except OSError:
            fd = -1  # the file system has no unnamed files: create it by name
        if fd >= 0:
            dir_fd = os.open(directory, os.O_RDONLY)
            try:
                os.ftruncate(fd, file_size)
                # linkat(AT_SYMLINK_FOLLOW) gives the unnamed file its name
                os.link(f"/proc/self/fd/{fd}", os.path.basename(file_name), src_dir_fd=dir_fd,
                        dst_dir_fd=dir_fd, follow_symlinks=True)
                return fd
            except OSError:  # taken meanwhile, or no /proc: fall back to the plain way
                os.close(fd)
            finally:
                os.close(dir_fd)
    return os.open(file_name, os.O_RDWR | os.O_CREAT, 0o644)


class MappedFile(ReferenceResource):
    """One mapped file named by the 20-digit offset of its first byte."""

    _total_lock = threading.Lock()
    TOTAL_MAPPED_VIRTUAL_MEMORY = 0
    TOTAL_MAPPED_FILES = 0

    def __init__(self, file_name: str, file_size: int,
                 transient_store_pool: TransientStorePool | None = None,
                 preallocate: bool = False) -> None:
        """Map ``file_name`` (created sparse at ``file_size`` if missing, as Java does).

        ``preallocate`` reserves disk blocks (``posix_fallocate``) a chunk ahead of the writer: a
        write into a hole of a mapped file on a full disk is a SIGBUS, which would kill the
        process; a reservation that fails is an OSError at creation (CREATE_MAPEDFILE_FAILED) or
        a refused append (UNKNOWN_ERROR), and the file still takes only the space written."""
        super().__init__()
        self.file_name = file_name
        self.file_size = file_size
        self.file_from_offset = int(os.path.basename(file_name))
        self.wrote_position = 0
        self.committed_position = 0
        self.flushed_position = 0
        self.store_timestamp = 0
        self.first_create_in_queue = False
        self._channel_written = False  # Java: fileChannel.position() != 0
        self.write_buffer: mmap.mmap | None = None
        self.transient_store_pool: TransientStorePool | None = None
        os.makedirs(os.path.dirname(file_name) or ".", exist_ok=True)
        fd = _open_sized(file_name, file_size)
        try:
            if os.fstat(fd).st_size < file_size:
                os.ftruncate(fd, file_size)  # sparse, as FileChannel.map extends the file
            self._mm = mmap.mmap(fd, file_size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        self._mv = memoryview(self._mm)
        self._reserved_to = file_size  # no reservation: every byte counts as reserved
        if preallocate:
            self._reserved_to = 0
            try:
                self._reserve(0)
            except OSError:
                self._mv.release()
                self._mm.close()
                os.close(fd)
                raise
        with MappedFile._total_lock:
            MappedFile.TOTAL_MAPPED_VIRTUAL_MEMORY += file_size
            MappedFile.TOTAL_MAPPED_FILES += 1
        if transient_store_pool is not None:
            self.write_buffer = transient_store_pool.borrow_buffer()
            self.transient_store_pool = transient_store_pool

    # -- identity
    def get_file_name(self) -> str:
        return self.file_name

    def get_file_size(self) -> int:
        return self.file_size

    def get_file_from_offset(self) -> int:
        return self.file_from_offset

    def get_last_modified_timestamp(self) -> int:
        try:
            return int(os.stat(self.file_name).st_mtime * 1000)
        except OSError:
            return 0

    def get_store_timestamp(self) -> int:
        return self.store_timestamp

    def get_mapped_byte_buffer(self) -> mmap.mmap:
        """The mapping itself, for writers (consume queue, index) that patch bytes in place."""
        return self._mm

    def slice_byte_buffer(self) -> memoryview:
        """A view of the whole mapping (Java ``sliceByteBuffer``); release it when done."""
        return self._mv[:]

    # -- positions
    def get_wrote_position(self) -> int:
        return self.wrote_position

    def set_wrote_position(self, pos: int) -> None:
        self.wrote_position = pos

    def get_committed_position(self) -> int:
        return self.committed_position

    def set_committed_position(self, pos: int) -> None:
        self.committed_position = pos

    def get_flushed_position(self) -> int:
        return self.flushed_position

    def set_flushed_position(self, pos: int) -> None:
        self.flushed_position = pos

    def get_read_position(self) -> int:
        """The end of readable data: committed when a write buffer is in use, else wrote."""
        return self.wrote_position if self.write_buffer is None else self.committed_position

    def is_full(self) -> bool:
        return self.file_size == self.wrote_position

    # -- append
    def _reserve(self, need_to: int) -> None:
        """Make sure blocks exist up to ``need_to`` (and a chunk beyond), or raise OSError."""
        end = min(self.file_size, max(need_to, self._reserved_to) + RESERVE_AHEAD)
        try:
            os.posix_fallocate(self._fd, self._reserved_to, end - self._reserved_to)
        except OSError as e:
            if e.errno not in (errno.EOPNOTSUPP, errno.EINVAL):
                raise
            end = self.file_size  # the file system cannot reserve: behave as Java
        self._reserved_to = end

    def append_message(self, msg: Any, cb: AppendMessageCallback,
                       put_message_context: Any = None) -> AppendMessageResult:
        """Java ``appendMessagesInner``: let the callback write at the wrote position (B4.4.2)."""
        current_pos = self.wrote_position
        if current_pos + RESERVE_AHEAD // 2 > self._reserved_to and self.write_buffer is None:
            encoded = getattr(msg, "encoded_buff", None)
            try:
                self._reserve(current_pos + (len(encoded) if encoded is not None else 0) + 8)
            except OSError as e:
                log.error("cannot reserve disk space in %s at %d: %s", self.file_name,
                          current_pos, e)
                return AppendMessageResult(AppendMessageStatus.UNKNOWN_ERROR)
        if current_pos < self.file_size:
            buf = self.write_buffer if self.write_buffer is not None else self._mm
            result = cb.do_append(self.file_from_offset, buf, current_pos,
                                  self.file_size - current_pos, msg, put_message_context)
            self.wrote_position = current_pos + result.wrote_bytes
            self.store_timestamp = result.store_timestamp
            return result
        log.error("MappedFile.appendMessage return null, wrotePosition: %d fileSize: %d",
                  current_pos, self.file_size)
        return AppendMessageResult(AppendMessageStatus.UNKNOWN_ERROR)

    append_messages = append_message  # Java appendMessages(MessageExtBatch, ...) shares the body

    def append_message_bytes(self, data: Any, offset: int = 0, length: int | None = None) -> bool:
        """Java ``appendMessage(byte[] [, offset, length])``: raw bytes (HA slaves, consume queue)."""
        if length is None:
            length = len(data) - offset
        current_pos = self.wrote_position
        if current_pos + length <= self.file_size:
            if current_pos + length > self._reserved_to:
                try:
                    self._reserve(current_pos + length)
                except OSError as e:
                    log.error("cannot reserve disk space in %s at %d: %s", self.file_name,
                              current_pos, e)
                    return False
            if offset == 0 and length == len(data):
                self._mm[current_pos:current_pos + length] = data
            else:
                self._mm[current_pos:current_pos + length] = memoryview(data)[offset:offset + length]
            self.wrote_position = current_pos + length
            return True
        return False

    # -- commit and flush (B4.8)
    def flush(self, flush_least_pages: int) -> int:
        """Force written pages to disk when at least ``flush_least_pages`` are dirty."""
        if self.is_able_to_flush(flush_least_pages):
            if self.hold():
                value = self.get_read_position()
                try:
                    if self.write_buffer is not None or self._channel_written:
                        os.fdatasync(self._fd)
                    else:
                        start = self.flushed_position & _PAGE_MASK
                        if value > start:
                            self._mm.flush(start, value - start)
                except (OSError, ValueError) as e:
                    log.error("Error occurred when force data to disk: %s", e)
                self.flushed_position = value
                self.release()
            else:
                log.warning("in flush, hold failed, flush offset = %d", self.flushed_position)
                self.flushed_position = self.get_read_position()
        return self.flushed_position

    def commit(self, commit_least_pages: int) -> int:
        """Write the write buffer through to the file (B4.4.3); without one, wrote == committed."""
        if self.write_buffer is None:
            return self.wrote_position
        if self.is_able_to_commit(commit_least_pages):
            if self.hold():
                self._commit0()
                self.release()
            else:
                log.warning("in commit, hold failed, commit offset = %d", self.committed_position)
        if (self.write_buffer is not None and self.transient_store_pool is not None
                and self.file_size == self.committed_position):
            self.transient_store_pool.return_buffer(self.write_buffer)
            self.write_buffer = None
        return self.committed_position

    def _commit0(self) -> None:
        write_pos = self.wrote_position
        last = self.committed_position
        if write_pos - last > 0:
            assert self.write_buffer is not None
            try:
                with memoryview(self.write_buffer) as wb:
                    pos = last
                    while pos < write_pos:  # a regular file may still take less than asked
                        pos += os.pwrite(self._fd, wb[pos:write_pos], pos)
                self._channel_written = True
                self.committed_position = write_pos
            except OSError as e:
                log.error("Error occurred when commit data to FileChannel: %s", e)

    def is_able_to_flush(self, flush_least_pages: int) -> bool:
        flush = self.flushed_position
        write = self.get_read_position()
        if self.is_full():
            return True
        if flush_least_pages > 0:
            return (write // OS_PAGE_SIZE) - (flush // OS_PAGE_SIZE) >= flush_least_pages
        return write > flush

    def is_able_to_commit(self, commit_least_pages: int) -> bool:
        commit = self.committed_position
        write = self.wrote_position
        if self.is_full():
            return True
        if commit_least_pages > 0:
            return (write // OS_PAGE_SIZE) - (commit // OS_PAGE_SIZE) >= commit_least_pages
        return write > commit

    # -- read
    def select_mapped_buffer(self, pos: int, size: int | None = None
                             ) -> SelectMappedBufferResult | None:
        """A held, zero-copy window ``[pos, pos+size)`` (or to the read position), else None."""
        # get_read_position(), inlined: this runs once per message pulled
        read_position = self.wrote_position if self.write_buffer is None else self.committed_position
        if size is None:
            if pos < 0 or pos >= read_position:
                return None
            size = read_position - pos
        elif pos < 0 or size < 0 or pos + size > read_position:
            log.debug("selectMappedBuffer request pos invalid, request pos: %d, size: %d, "
                      "fileFromOffset: %d", pos, size, self.file_from_offset)
            return None
        if self.hold():
            try:
                view = self._mv[pos:pos + size]
            except ValueError:  # released concurrently: treat as gone
                self.release()
                return None
            return SelectMappedBufferResult(self.file_from_offset + pos, view, size, self)
        log.warning("matched, but hold failed, request pos: %d, fileFromOffset: %d",
                    pos, self.file_from_offset)
        return None

    # -- lifecycle
    def cleanup(self, current_ref: int) -> bool:
        if self.is_available():
            log.error("this file[REF:%d] %s have not shutdown, stop unmapping.",
                      current_ref, self.file_name)
            return False
        if self.cleanup_over:
            return True
        self._unmap()
        with MappedFile._total_lock:
            MappedFile.TOTAL_MAPPED_VIRTUAL_MEMORY -= self.file_size
            MappedFile.TOTAL_MAPPED_FILES -= 1
        return True

    def _unmap(self) -> None:
        try:
            self._mv.release()
            self._mm.close()
        except BufferError:
            # a reader kept a slice past release(); the mapping is freed with the last view
            log.debug("mapping of %s still exported; left to the last view", self.file_name)
        if self.write_buffer is not None and self.transient_store_pool is not None:
            self.transient_store_pool.return_buffer(self.write_buffer)
            self.write_buffer = None

    def destroy(self, interval_forcibly: int) -> bool:
        """Shut down, and once no reader holds the file, close and delete it."""
        self.shutdown(interval_forcibly)
        if self.is_cleanup_over():
            try:
                os.close(self._fd)
            except OSError:
                pass
            begin = time.monotonic()
            try:
                os.unlink(self.file_name)
                ok = True
            except FileNotFoundError:
                ok = False
            log.info("delete file[REF:%d] %s %s, W:%d M:%d, %.0f ms", self.ref_count,
                     self.file_name, "OK" if ok else "Failed", self.wrote_position,
                     self.flushed_position, (time.monotonic() - begin) * 1000)
            return True
        log.warning("destroy mapped file[REF:%d] %s Failed. cleanupOver: %s", self.ref_count,
                    self.file_name, self.cleanup_over)
        return False

    def close(self) -> None:
        """Unmap and close without deleting (process shutdown; no Java twin, the JVM just exits)."""
        self.shutdown(0)
        if self.ref_count > 0:  # a reader still holds it: the second call forces, as after 120 s
            self.shutdown(0)
        if self.is_cleanup_over():
            try:
                os.close(self._fd)
            except OSError:
                pass

    def warm_mapped_file(self, flush_type: FlushDiskType, pages: int) -> None:
        """Touch every page so the first appends do not fault (``warmMapedFileEnable``)."""
        begin = time.monotonic()
        mm = self._mm
        flush = 0
        for i in range(0, self.file_size, OS_PAGE_SIZE):
            mm[i] = 0
            if flush_type is FlushDiskType.SYNC_FLUSH and (i // OS_PAGE_SIZE) - (flush // OS_PAGE_SIZE) >= pages:
                flush = i
                mm.flush()
        if flush_type is FlushDiskType.SYNC_FLUSH:
            mm.flush()
        log.info("mapped file warm-up done. mappedFile=%s, costTime=%.0f ms", self.file_name,
                 (time.monotonic() - begin) * 1000)
        self.mlock()

    def mlock(self) -> None:
        try:
            ret = _libc_call("mlock", self._mm, self.file_size)
            log.info("mlock %s ret = %d", self.file_name, ret)
            self._mm.madvise(mmap.MADV_WILLNEED)
        except (OSError, AttributeError, ValueError) as e:
            log.info("mlock %s failed: %s", self.file_name, e)

    def munlock(self) -> None:
        try:
            _libc_call("munlock", self._mm, self.file_size)
        except (OSError, AttributeError, ValueError) as e:
            log.info("munlock %s failed: %s", self.file_name, e)

    @staticmethod
    def get_total_mapped_files() -> int:
        return MappedFile.TOTAL_MAPPED_FILES

    @staticmethod
    def get_total_mapped_virtual_memory() -> int:
        return MappedFile.TOTAL_MAPPED_VIRTUAL_MEMORY

    def __repr__(self) -> str:
        return self.file_name
