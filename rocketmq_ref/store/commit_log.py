"""CommitLog (Java ``org.apache.rocketmq.store.CommitLog``; books A5.1, B4.3, B4.5.1, B4.7, B4.8): every
message of every topic, appended back to back into 1 GiB files, byte for byte the 4.x record
(spec message-and-store §1).

Put path (B4.3): the record is encoded into a per-thread buffer outside the lock
(``MessageExtEncoder``); inside the put lock the store time, queue offset and physical offset are
patched into it and it is copied into the last mapped file (``DefaultAppendMessageCallback``).  A
record that does not fit leaves an 8-byte blank record (``remaining``, ``0xCBD43194``) and goes into a
new file.  Then the flush service is told (B4.8): a sync-flush producer waits for GroupCommitService.
"""
from __future__ import annotations

import concurrent.futures
import concurrent.futures._base as _futures_base
import functools
import logging
import struct
import threading
import time
import zlib
from typing import TYPE_CHECKING, Any

from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message.message import socket_address2bytes
from rocketmq_ref.common.message.message_decoder import (BLANK_MAGIC_CODE, MAX_PROPERTIES_LENGTH,
                                                         MAX_TOPIC_LENGTH_V1, MESSAGE_MAGIC_CODE,
                                                         MESSAGE_MAGIC_CODE_V2,
                                                         PROPERTY_SEPARATOR, calc_msg_length,
                                                         create_message_id,
                                                         message_properties2string,
                                                         string2message_properties)
from rocketmq_ref.common.java_hash import java_string_hash_code
from rocketmq_ref.common.utilall import bytes2string
from rocketmq_ref.common.sysflag import MessageSysFlag
from rocketmq_ref.common.topic_validator import RMQ_SYS_SCHEDULE_TOPIC
from rocketmq_ref.common.tracing import record_error, span
from rocketmq_ref.store.append_message_result import AppendMessageResult, AppendMessageStatus
from rocketmq_ref.store.config.broker_role import BrokerRole
from rocketmq_ref.store.config.flush_disk_type import FlushDiskType
from rocketmq_ref.store.dispatch_request import DispatchRequest
from rocketmq_ref.store.flush_commit_log_service import (CommitRealTimeService, FlushDiskWatcher,
                                                         FlushRealTimeService, GroupCommitRequest,
                                                         GroupCommitService)
from rocketmq_ref.store.mapped_file import OS_PAGE_SIZE, MappedFile
from rocketmq_ref.store.mapped_file_queue import MappedFileQueue
from rocketmq_ref.store.message_ext_broker_inner import MessageExtBrokerInner
from rocketmq_ref.store.put_message_lock import PutMessageReentrantLock, PutMessageSpinLock
from rocketmq_ref.store.put_message_result import PutMessageResult, PutMessageStatus
from rocketmq_ref.store.select_mapped_buffer_result import SelectMappedBufferResult

_PUT_OK = PutMessageStatus.PUT_OK
_ASYNC_FLUSH = FlushDiskType.ASYNC_FLUSH
_SYNC_MASTER = BrokerRole.SYNC_MASTER

if TYPE_CHECKING:
    from rocketmq_ref.store.default_message_store import DefaultMessageStore

log = logging.getLogger("rocketmq_ref.store")

END_FILE_MIN_BLANK_LENGTH = 4 + 4

_BORN_V6 = MessageSysFlag.BORNHOST_V6_FLAG
_STORE_V6 = MessageSysFlag.STOREHOSTADDRESS_V6_FLAG
_TRAN_MASK = MessageSysFlag.TRANSACTION_ROLLBACK_TYPE
_PREPARED = MessageSysFlag.TRANSACTION_PREPARED_TYPE
_ROLLBACK = MessageSysFlag.TRANSACTION_ROLLBACK_TYPE
_NOT_TYPE = MessageSysFlag.TRANSACTION_NOT_TYPE
_COMMIT_TYPE = MessageSysFlag.TRANSACTION_COMMIT_TYPE
_DELAY = mc.PROPERTY_DELAY_TIME_LEVEL


def _fixed(born: int, store: int) -> struct.Struct:
    # TOTALSIZE MAGIC BODYCRC QUEUEID FLAG QUEUEOFFSET PHYSICALOFFSET SYSFLAG BORNTIMESTAMP BORNHOST
    # STORETIMESTAMP STOREHOST RECONSUMETIMES PREPAREDTRANSACTIONOFFSET BODYLENGTH
    return struct.Struct(f">iiiiiqqiq{born}sq{store}siqi")


# indexed by (sysFlag >> 4) & 3: bit 0 = born host IPv6, bit 1 = store host IPv6
_FIXED = (_fixed(8, 8), _fixed(20, 8), _fixed(8, 20), _fixed(20, 20))
_HEAD = struct.Struct(">iiiiiqqiq")       # the 48 bytes before BORNHOST
_AFTER_BORN = struct.Struct(">q")         # STORETIMESTAMP
_TAIL_V4 = struct.Struct(">iqi")          # RECONSUMETIMES PREPAREDOFFSET BODYLENGTH
_QUEUE_AND_PHY = struct.Struct(">qq")     # QUEUEOFFSET PHYSICALOFFSET at 20
_LONG = struct.Struct(">q")
_INT = struct.Struct(">i")
_SHORT = struct.Struct(">h")
_BLANK = struct.Struct(">ii")
_BATCH_HEAD = struct.Struct(">iiiii")     # TOTALSIZE MAGIC BODYCRC FLAG BODYLEN (client batch body)
# a v1 record with IPv4 hosts up to BODYLENGTH, hosts skipped: the parser's one unpack
_PARSE_V4 = struct.Struct(">iiiiiqqiq8xq8xiqi")
_V6_FLAGS = _BORN_V6 | _STORE_V6
_KEYS = mc.PROPERTY_KEYS
_UNIQ = mc.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX
_TAGS = mc.PROPERTY_TAGS

_host_cache: dict[tuple[str, int], bytes] = {}
_topic_cache: dict[str, bytes] = {}
_host_hex_cache: dict[tuple[str, int], str] = {}
_PUT_OK_STATUS = AppendMessageStatus.PUT_OK
_END_OF_FILE = AppendMessageStatus.END_OF_FILE


def host_bytes(host: tuple[str, int]) -> bytes:
    """IP + port as stored (8 or 20 bytes), cached: a broker sees few distinct hosts."""
    b = _host_cache.get(host)
    if b is None:
        if len(_host_cache) > 4096:
            _host_cache.clear()
        b = _host_cache[host] = socket_address2bytes(host)
    return b


def host_hex(host: tuple[str, int]) -> str:
    """The upper-case hex of ``host_bytes``: the first part of an offset message id (cached)."""
    h = _host_hex_cache.get(host)
    if h is None:
        if len(_host_hex_cache) > 4096:
            _host_hex_cache.clear()
        h = _host_hex_cache[host] = bytes2string(host_bytes(host))
    return h


def _offset_msg_id(host_hex_prefix: str, commit_log_offset: int) -> str:
    """``MessageDecoder.createMessageId`` for a commit-log offset (never negative) and a store
    host already in hex: the same 32 or 56 characters as ``create_message_id``."""
    return host_hex_prefix + format(commit_log_offset, "016X")


_COMPLETED_CONDITION = threading.Condition()


class _CompletedFuture(concurrent.futures.Future):
    """A Future born finished: ``done`` and ``result`` answer without taking its Condition (the
    send path asks both once per message); everything else is the plain Future's."""

    def done(self) -> bool:
        return True

    def result(self, timeout: float | None = None) -> Any:
        return self._result  # type: ignore[attr-defined]


def completed_future(result: PutMessageResult) -> concurrent.futures.Future[PutMessageResult]:
    """A Future born finished with ``result`` (Java ``CompletableFuture.completedFuture``).

    ``Future()`` + ``set_result`` builds a Condition (an RLock and more) per message and takes it
    twice; a finished future is only ever read, so these share one Condition.  ``result``,
    ``done``, ``add_done_callback`` and ``asyncio.wrap_future`` behave as on any finished future.
    """
    f: concurrent.futures.Future[PutMessageResult] = _CompletedFuture.__new__(_CompletedFuture)
    f._condition = _COMPLETED_CONDITION  # type: ignore[attr-defined]
    f._state = _futures_base.FINISHED  # type: ignore[attr-defined]
    f._result = result  # type: ignore[attr-defined]
    f._exception = None  # type: ignore[attr-defined]
    f._waiters = []  # type: ignore[attr-defined]
    f._done_callbacks = []  # type: ignore[attr-defined]
    return f


def topic_bytes(topic: str) -> bytes:
    """The topic's UTF-8 bytes, cached: a broker sees few distinct topics."""
    b = _topic_cache.get(topic)
    if b is None:
        if len(_topic_cache) > 4096:
            _topic_cache.clear()
        b = _topic_cache[topic] = topic.encode("utf-8")
    return b


def store_timestamp_position(sys_flag: int) -> int:
    """Offset of STORETIMESTAMP: 56, or 68 with an IPv6 born host."""
    return 48 + (20 if sys_flag & _BORN_V6 else 8)


class CommitLogError(Exception):
    """A batch the encoder refuses (too big, bad inner record); carries the PutMessageStatus."""

    def __init__(self, status: PutMessageStatus, message: str) -> None:
        super().__init__(message)
        self.status = status


class PutMessageContext:
    """Java ``CommitLog.PutMessageContext``: the ``topic-queueId`` key and, for a batch, where each
    inner record went."""

    __slots__ = ("topic_queue_table_key", "phy_pos", "batch_size")

    def __init__(self, topic_queue_table_key: str) -> None:
        self.topic_queue_table_key = topic_queue_table_key
        self.phy_pos: list[int] | None = None  # a batch's list, set by encode_batch
        self.batch_size = 0


class MessageExtEncoder:
    """Java ``CommitLog.MessageExtEncoder``: encodes a record into one reused buffer (one encoder per
    putting thread), so the put path allocates nothing per message but the result objects."""

    def __init__(self, max_message_body_size: int) -> None:
        self.max_message_body_size = 0
        self.max_message_size = 0
        self.byte_buf = bytearray()
        # the single-message context of this thread, reused put after put (a batch gets its own)
        self.put_message_context = PutMessageContext("")
        self.update_encoder_buffer_capacity(max_message_body_size)

    def update_encoder_buffer_capacity(self, new_max_message_body_size: int) -> None:
        self.max_message_body_size = new_max_message_body_size
        self.max_message_size = min(new_max_message_body_size + 64 * 1024, 2 ** 31 - 1)
        self.byte_buf = bytearray(self.max_message_size)
        self._view = memoryview(self.byte_buf)

    def encode(self, msg: MessageExtBrokerInner) -> PutMessageResult | None:
        """Fill the buffer with ``msg``'s record (offsets 0, store time as of now); on success
        ``msg.encoded_buff`` is a view of it and None is returned, else the failed result."""
        ps = msg.properties_string
        props = ps.encode("utf-8") if ps else b""
        props_len = len(props)
        if props_len > MAX_PROPERTIES_LENGTH:
            log.warning("putMessage message properties length too long. length=%d", props_len)
            return PutMessageResult(PutMessageStatus.PROPERTIES_SIZE_EXCEEDED)
        topic = _topic_cache.get(msg.topic) or topic_bytes(msg.topic)
        topic_len = len(topic)
        if topic_len > MAX_TOPIC_LENGTH_V1:
            log.warning("putMessage message topic length too long %d", topic_len)
            return PutMessageResult(PutMessageStatus.MESSAGE_ILLEGAL)
        body = msg.body
        body_len = len(body) if body else 0
        sys_flag = msg.sys_flag
        fixed = _FIXED[(sys_flag >> 4) & 3]
        msg_len = fixed.size + body_len + 1 + topic_len + 2 + props_len  # calcMsgLength
        if body_len > self.max_message_body_size:
            log.warning("message body size exceeded, msg total size: %d, msg body size: %d, "
                        "maxMessageSize: %d", msg_len, body_len, self.max_message_body_size)
            return PutMessageResult(PutMessageStatus.MESSAGE_ILLEGAL)
        if msg_len > self.max_message_size:
            log.warning("message size exceeded, msg total size: %d, msg body size: %d, "
                        "maxMessageSize: %d", msg_len, body_len, self.max_message_size)
            return PutMessageResult(PutMessageStatus.MESSAGE_ILLEGAL)
        buf = self.byte_buf
        born, store = msg.born_host, msg.store_host
        fixed.pack_into(buf, 0, msg_len, MESSAGE_MAGIC_CODE, msg.body_crc, msg.queue_id, msg.flag,
                        0, 0, sys_flag, msg.born_timestamp, _host_cache.get(born) or host_bytes(born),
                        msg.store_timestamp, _host_cache.get(store) or host_bytes(store),
                        msg.reconsume_times, msg.prepared_transaction_offset, body_len)
        pos = fixed.size
        if body_len:
            pos += body_len
            buf[fixed.size:pos] = body
        buf[pos] = topic_len
        pos += 1
        buf[pos:pos + topic_len] = topic
        pos += topic_len
        _SHORT.pack_into(buf, pos, props_len)
        if props_len:
            buf[pos + 2:msg_len] = props
        msg.encoded_buff = self._view[:msg_len]
        return None

    def encode_batch(self, batch: Any, ctx: PutMessageContext) -> memoryview:
        """Java ``encode(MessageExtBatch)``: turn the client's batch body (spec §6) into records, each
        with the batch's topic, queue, hosts and properties appended to its own."""
        data = memoryview(batch.body)
        total_length = len(data)
        if total_length > self.max_message_body_size:
            raise CommitLogError(PutMessageStatus.MESSAGE_ILLEGAL,
                                 f"message body size exceeded: {total_length}")
        batch_props = message_properties2string(batch.properties).encode("utf-8")
        batch_prop_len = len(batch_props)
        if batch_prop_len > MAX_PROPERTIES_LENGTH:
            raise CommitLogError(PutMessageStatus.PROPERTIES_SIZE_EXCEEDED,
                                 "Properties size of messageExtBatch exceeded!")
        topic = batch.topic.encode("utf-8")
        topic_len = len(topic)
        if topic_len > MAX_TOPIC_LENGTH_V1:
            raise CommitLogError(PutMessageStatus.MESSAGE_ILLEGAL, "topic too long")
        sys_flag = batch.sys_flag
        fixed = _FIXED[(sys_flag >> 4) & 3]
        born = host_bytes(batch.born_host)
        store = host_bytes(batch.store_host)
        buf = self.byte_buf
        out = 0
        pos = 0
        count = 0
        sep = PROPERTY_SEPARATOR.encode()[0]
        while pos < total_length:
            if pos + _BATCH_HEAD.size > total_length:
                raise CommitLogError(PutMessageStatus.MESSAGE_ILLEGAL, "truncated batch record")
            _, _, _, flag, body_len = _BATCH_HEAD.unpack_from(data, pos)
            body_pos = pos + _BATCH_HEAD.size
            if body_len < 0 or body_pos + body_len + 2 > total_length:
                raise CommitLogError(PutMessageStatus.MESSAGE_ILLEGAL, "bad batch body length")
            body_crc = zlib.crc32(data[body_pos:body_pos + body_len]) & 0x7FFFFFFF
            props_len = _SHORT.unpack_from(data, body_pos + body_len)[0]
            props_pos = body_pos + body_len + 2
            if props_len < 0 or props_pos + props_len > total_length:
                raise CommitLogError(PutMessageStatus.MESSAGE_ILLEGAL, "bad batch properties length")
            pos = props_pos + props_len
            need_sep = props_len > 0 and batch_prop_len > 0 and data[pos - 1] != sep
            total_prop_len = props_len + batch_prop_len + (1 if need_sep else 0)
            if total_prop_len > MAX_PROPERTIES_LENGTH:
                raise CommitLogError(PutMessageStatus.PROPERTIES_SIZE_EXCEEDED,
                                     "batch message properties too long")
            msg_len = calc_msg_length(sys_flag, body_len, topic_len, total_prop_len)
            if out + msg_len > len(buf):
                raise CommitLogError(PutMessageStatus.MESSAGE_ILLEGAL, "batch exceeds the buffer")
            fixed.pack_into(buf, out, msg_len, MESSAGE_MAGIC_CODE, body_crc, batch.queue_id, flag,
                            0, 0, sys_flag, batch.born_timestamp, born, batch.store_timestamp,
                            store, batch.reconsume_times, 0, body_len)
            w = out + fixed.size
            buf[w:w + body_len] = data[body_pos:body_pos + body_len]
            w += body_len
            buf[w] = topic_len
            buf[w + 1:w + 1 + topic_len] = topic
            w += 1 + topic_len
            _SHORT.pack_into(buf, w, total_prop_len)
            w += 2
            buf[w:w + props_len] = data[props_pos:props_pos + props_len]
            w += props_len
            if batch_prop_len:
                if need_sep:
                    buf[w] = sep
                    w += 1
                buf[w:w + batch_prop_len] = batch_props
                w += batch_prop_len
            out = w
            count += 1
        ctx.batch_size = count
        ctx.phy_pos = [0] * count
        return self._view[:out]


class DefaultAppendMessageCallback:
    """Java ``CommitLog.DefaultAppendMessageCallback``: runs under the put lock, inside
    ``MappedFile.append_message`` (B4.3)."""

    def __init__(self, commit_log: CommitLog) -> None:
        self.commit_log = commit_log

    def do_append(self, file_from_offset: int, buf: Any, position: int, max_blank: int,
                  msg: Any, ctx: PutMessageContext) -> AppendMessageResult:
        if ctx.batch_size:
            return self.do_append_batch(file_from_offset, buf, position, max_blank, msg, ctx)
        wrote_offset = file_from_offset + position
        table = self.commit_log.topic_queue_table
        key = ctx.topic_queue_table_key
        queue_offset = table.get(key)
        if queue_offset is None:
            queue_offset = table[key] = 0
        tran_type = msg.sys_flag & _TRAN_MASK
        if tran_type == _PREPARED or tran_type == _ROLLBACK:
            queue_offset = 0
        enc = msg.encoded_buff
        msg_len = len(enc)
        # the offset message id is built only when asked for (4.9.x supplier)
        store = msg.store_host
        msg_id_supplier = functools.partial(_offset_msg_id,
                                            _host_hex_cache.get(store) or host_hex(store), wrote_offset)
        if msg_len + END_FILE_MIN_BLANK_LENGTH > max_blank:
            # END_OF_FILE: 8 bytes written, the rest of the file counted as written (B4.5.1)
            _BLANK.pack_into(buf, position, max_blank, BLANK_MAGIC_CODE)
            return AppendMessageResult(AppendMessageStatus.END_OF_FILE, wrote_offset, max_blank,
                                       None, msg.store_timestamp, queue_offset, 0,
                                       msg_id_supplier)
        store_timestamp = msg.store_timestamp
        _QUEUE_AND_PHY.pack_into(enc, 20, queue_offset, wrote_offset)
        _LONG.pack_into(enc, 68 if msg.sys_flag & _BORN_V6 else 56, store_timestamp)
        buf[position:position + msg_len] = enc
        msg.encoded_buff = None
        if tran_type != _PREPARED and tran_type != _ROLLBACK:
            table[key] = queue_offset + 1
        return AppendMessageResult(_PUT_OK_STATUS, wrote_offset, msg_len, None, store_timestamp,
                                   queue_offset, 0, msg_id_supplier)

    def do_append_batch(self, file_from_offset: int, buf: Any, position: int, max_blank: int,
                        batch: Any, ctx: PutMessageContext) -> AppendMessageResult:
        wrote_offset = file_from_offset + position
        table = self.commit_log.topic_queue_table
        key = ctx.topic_queue_table_key
        queue_offset = table.get(key)
        if queue_offset is None:
            queue_offset = table[key] = 0
        begin_queue_offset = queue_offset
        enc = batch.encoded_buff
        total = len(enc)
        store_host_raw = host_bytes(batch.store_host)
        phy_pos = ctx.phy_pos

        def msg_id_supplier() -> str:
            return ",".join(create_message_id(store_host_raw, p) for p in phy_pos)

        if total + END_FILE_MIN_BLANK_LENGTH > max_blank:
            _BLANK.pack_into(buf, position, max_blank, BLANK_MAGIC_CODE)
            return AppendMessageResult(AppendMessageStatus.END_OF_FILE, wrote_offset, max_blank,
                                       None, batch.store_timestamp, begin_queue_offset, 0,
                                       msg_id_supplier)
        ts_pos = store_timestamp_position(batch.sys_flag)
        store_ts = batch.store_timestamp
        pos = 0
        index = 0
        while pos < total:
            msg_len = _INT.unpack_from(enc, pos)[0]
            _QUEUE_AND_PHY.pack_into(enc, pos + 20, queue_offset, wrote_offset + pos)
            _LONG.pack_into(enc, pos + ts_pos, store_ts)
            phy_pos[index] = wrote_offset + pos
            index += 1
            queue_offset += 1
            pos += msg_len
        buf[position:position + total] = enc
        batch.encoded_buff = None
        table[key] = queue_offset
        return AppendMessageResult(AppendMessageStatus.PUT_OK, wrote_offset, total, None, store_ts,
                                   begin_queue_offset, 0, msg_id_supplier, msg_num=index)


class CommitLog:
    def __init__(self, default_message_store: DefaultMessageStore) -> None:
        self.default_message_store = default_message_store
        config = default_message_store.get_message_store_config()
        self.message_store_config = config
        self.mapped_file_size = config.mapped_file_size_commit_log
        self.mapped_file_queue = MappedFileQueue(config.get_store_path_commit_log(),
                                                 config.mapped_file_size_commit_log,
                                                 default_message_store.get_allocate_mapped_file_service())
        if config.flush_disk_type is FlushDiskType.SYNC_FLUSH:
            self.flush_commit_log_service: FlushRealTimeService | GroupCommitService = \
                GroupCommitService(self)
        else:
            self.flush_commit_log_service = FlushRealTimeService(self)
        self.commit_log_service = CommitRealTimeService(self)
        self.append_message_callback = DefaultAppendMessageCallback(self)
        self.store_stats_service = default_message_store.store_stats_service
        self._thread_local = threading.local()
        self.topic_queue_table: dict[str, int] = {}
        self.confirm_offset = -1
        self.begin_time_in_lock = 0
        self.put_message_lock = (PutMessageReentrantLock() if config.use_reentrant_lock_when_put_message
                                 else PutMessageSpinLock())
        self.flush_disk_watcher = FlushDiskWatcher()

    # -- lifecycle
    def load(self) -> bool:
        result = self.mapped_file_queue.load()
        log.info("load commit log %s", "OK" if result else "Failed")
        return result

    def start(self) -> None:
        self.flush_commit_log_service.start()
        self.flush_disk_watcher.start()
        if self.message_store_config.is_transient_store_pool_enable():
            self.commit_log_service.start()

    def shutdown(self) -> None:
        if self.message_store_config.is_transient_store_pool_enable():
            self.commit_log_service.shutdown()
        self.flush_commit_log_service.shutdown()
        self.flush_disk_watcher.shutdown(True)

    def destroy(self) -> None:
        self.mapped_file_queue.destroy()

    def flush(self) -> int:
        self.mapped_file_queue.commit(0)
        self.mapped_file_queue.flush(0)
        return self.mapped_file_queue.flushed_where

    # -- offsets
    def get_max_offset(self) -> int:
        return self.mapped_file_queue.get_max_offset()

    def get_min_offset(self) -> int:
        mf = self.mapped_file_queue.get_first_mapped_file()
        if mf is not None:
            if mf.is_available():
                return mf.file_from_offset
            return self.roll_next_file(mf.file_from_offset)
        return -1

    def roll_next_file(self, offset: int) -> int:
        return offset + self.mapped_file_size - offset % self.mapped_file_size

    def remain_how_many_data_to_commit(self) -> int:
        return self.mapped_file_queue.remain_how_many_data_to_commit()

    def remain_how_many_data_to_flush(self) -> int:
        return self.mapped_file_queue.remain_how_many_data_to_flush()

    def get_confirm_offset(self) -> int:
        return self.confirm_offset

    def set_confirm_offset(self, phy_offset: int) -> None:
        self.confirm_offset = phy_offset

    # -- read
    def get_data(self, offset: int, return_first_on_not_found: bool | None = None
                 ) -> SelectMappedBufferResult | None:
        """Everything readable from ``offset`` to the end of its file (reput, HA)."""
        if return_first_on_not_found is None:
            return_first_on_not_found = offset == 0
        mf = self.mapped_file_queue.find_mapped_file_by_offset(offset, return_first_on_not_found)
        if mf is not None:
            return mf.select_mapped_buffer(offset % self.mapped_file_size)
        return None

    def get_message(self, offset: int, size: int) -> SelectMappedBufferResult | None:
        """The ``size`` bytes at ``offset``, as a held view of the mapped file."""
        files = self.mapped_file_queue.mapped_files
        if files:  # most reads are of the newest file: no search
            mf = files[-1]
            start = mf.file_from_offset
            if start <= offset < start + self.mapped_file_size:
                return mf.select_mapped_buffer(offset - start, size)
        mf = self.mapped_file_queue.find_mapped_file_by_offset(offset, offset == 0)
        if mf is not None:
            return mf.select_mapped_buffer(offset % self.mapped_file_size, size)
        return None

    def pickup_store_timestamp(self, offset: int, size: int) -> int:
        if offset >= self.get_min_offset():
            result = self.get_message(offset, size)
            if result is not None:
                try:
                    buf = result.byte_buffer
                    sys_flag = _INT.unpack_from(buf, 36)[0]
                    return _LONG.unpack_from(buf, store_timestamp_position(sys_flag))[0]
                finally:
                    result.release()
        return -1

    # -- the record parser (reput, recovery; B4.6, B4.7)
    def check_message_and_return_size(self, buf: Any, pos: int, check_crc: bool,
                                      read_body: bool = True, *, parse_properties: bool = True
                                      ) -> DispatchRequest:
        """Parse the record at ``buf[pos:]``.  Size 0 + success = blank (next file); failure with
        size -1 = unreadable; failure with the size = a record whose length does not add up.
        ``parse_properties=False`` (normal recovery, which dispatches nothing) checks the lengths
        and CRC but leaves keys, tags and properties unread."""
        try:
            total_size, magic = _BLANK.unpack_from(buf, pos)
            if magic == MESSAGE_MAGIC_CODE and not _INT.unpack_from(buf, pos + 36)[0] & _V6_FLAGS:
                # the common record (v1, IPv4 hosts): every fixed field in one unpack
                (_, _, body_crc, queue_id, flag, queue_offset, physic_offset, sys_flag, _born_ts,
                 store_timestamp, _reconsume, prepared_transaction_offset,
                 body_len) = _PARSE_V4.unpack_from(buf, pos)
                topic_len_width = 1
                p = pos + 88  # _PARSE_V4.size: the body
            else:
                if magic == MESSAGE_MAGIC_CODE:
                    topic_len_width = 1
                elif magic == BLANK_MAGIC_CODE:  # only 8 bytes may be left in the file
                    return DispatchRequest.of_size(0, True)
                elif magic == MESSAGE_MAGIC_CODE_V2:
                    topic_len_width = 2
                else:
                    log.warning("found a illegal magic code 0x%08x", magic & 0xFFFFFFFF)
                    return DispatchRequest.of_size(-1, False)
                _, _, body_crc, queue_id, flag, queue_offset, physic_offset, sys_flag, \
                    born_timestamp = _HEAD.unpack_from(buf, pos)
                p = pos + 48 + (20 if sys_flag & _BORN_V6 else 8)
                store_timestamp = _LONG.unpack_from(buf, p)[0]
                p += 8 + (20 if sys_flag & _STORE_V6 else 8)
                _reconsume, prepared_transaction_offset, body_len = _TAIL_V4.unpack_from(buf, p)
                p += 16
            end = pos + total_size
            if total_size <= 0 or end > len(buf):
                return DispatchRequest.of_size(-1, False)
            if body_len < 0 or p + body_len > end:
                return DispatchRequest.of_size(total_size, False)
            if body_len > 0 and read_body and check_crc:
                crc = zlib.crc32(buf[p:p + body_len]) & 0x7FFFFFFF
                if crc != body_crc:
                    log.warning("CRC check failed. bodyCRC=%d, currentCRC=%d", crc, body_crc)
                    return DispatchRequest.of_size(-1, False)
            p += body_len
            if topic_len_width == 1:
                topic_len = buf[p]
                if topic_len > 127:
                    topic_len -= 256
            else:
                topic_len = _SHORT.unpack_from(buf, p)[0]
            p += topic_len_width
            if topic_len < 0 or p + topic_len + 2 > end:
                return DispatchRequest.of_size(total_size, False)
            topic = str(buf[p:p + topic_len], "utf-8")
            p += topic_len
            props_len = _SHORT.unpack_from(buf, p)[0]
            p += 2
            # calc_msg_length inlined: 91 fixed bytes, 12 more per IPv6 host, +1 for a v2 topic width
            read_length = (91 + body_len + topic_len + props_len + topic_len_width - 1
                           + (12 if sys_flag & _BORN_V6 else 0) + (12 if sys_flag & _STORE_V6 else 0))
            if total_size != read_length:
                log.error("[BUG]read total count not equals msg total size. totalSize=%d, "
                          "readTotalCount=%d, bodyLen=%d, topicLen=%d, propertiesLength=%d",
                          total_size, read_length, body_len, topic_len, props_len)
                return DispatchRequest.of_size(total_size, False)
            tags_code = 0
            keys: str | None = ""
            uniq_key = None
            properties_map = None
            if props_len > 0 and parse_properties:
                properties_map = string2message_properties(str(buf[p:p + props_len], "utf-8"))
                get = properties_map.get
                keys = get(_KEYS)
                uniq_key = get(_UNIQ)
                tags = get(_TAGS)
                if tags:  # MessageExtBrokerInner.tagsString2tagsCode
                    tags_code = java_string_hash_code(tags)
                level = get(_DELAY)
                if level is not None and topic == RMQ_SYS_SCHEDULE_TOPIC:
                    tags_code = self.default_message_store.compute_deliver_timestamp(
                        int(level), store_timestamp, tags_code)
            return DispatchRequest(topic, queue_id, physic_offset, total_size, tags_code,
                                   store_timestamp, queue_offset, keys, uniq_key, sys_flag,
                                   prepared_transaction_offset, properties_map)
        except (struct.error, IndexError, UnicodeDecodeError, ValueError) as e:
            log.debug("unreadable record at %d: %s", pos, e)
        return DispatchRequest.of_size(-1, False)

    # -- put (B4.3)
    def _encoder(self) -> MessageExtEncoder:
        max_size = self.message_store_config.max_message_size
        try:
            enc = self._thread_local.encoder
        except AttributeError:
            enc = self._thread_local.encoder = MessageExtEncoder(max_size)
        if enc.max_message_body_size != max_size and max_size >= 10:
            enc.update_encoder_buffer_capacity(max_size)
        return enc

    def _append(self, msg: Any, ctx: PutMessageContext, s: Any) -> PutMessageResult:
        """Take the put lock, append (rolling to a new file once on END_OF_FILE)."""
        lock = self.put_message_lock
        recording = s.is_recording()
        t0 = time.perf_counter_ns() if recording else 0
        lock.lock()
        try:
            t1 = time.perf_counter_ns() if recording else 0
            queue = self.mapped_file_queue
            files = queue.mapped_files
            mf = files[-1] if files else None  # get_last_mapped_file(), inlined
            begin_lock_timestamp = int(time.time() * 1000)
            self.begin_time_in_lock = begin_lock_timestamp
            msg.store_timestamp = begin_lock_timestamp  # ordered by the lock (B4.3)
            if mf is None or mf.wrote_position == mf.file_size:
                mf = queue.get_last_mapped_file(0)
            if mf is None:
                log.error("create mapped file1 error, topic: %s", msg.topic)
                return PutMessageResult(PutMessageStatus.CREATE_MAPEDFILE_FAILED)
            result = mf.append_message(msg, self.append_message_callback, ctx)
            status = result.status
            if status is _END_OF_FILE:
                if recording:
                    s.add_event("end_of_file", {"rocketmq_ref.store.file": mf.file_name.rsplit("/", 1)[-1],
                                                "rocketmq_ref.store.blank_bytes": result.wrote_bytes})
                mf = queue.get_last_mapped_file(0)
                if mf is None:
                    log.error("create mapped file2 error, topic: %s", msg.topic)
                    return PutMessageResult(PutMessageStatus.CREATE_MAPEDFILE_FAILED, result)
                result = mf.append_message(msg, self.append_message_callback, ctx)
                status = result.status
            if status is not _PUT_OK_STATUS:
                if status in (AppendMessageStatus.MESSAGE_SIZE_EXCEEDED,
                              AppendMessageStatus.PROPERTIES_SIZE_EXCEEDED):
                    return PutMessageResult(PutMessageStatus.MESSAGE_ILLEGAL, result)
                return PutMessageResult(PutMessageStatus.UNKNOWN_ERROR, result)
        finally:
            self.begin_time_in_lock = 0
            lock.unlock()
        if recording:
            t2 = time.perf_counter_ns()
            s.set_attributes({"rocketmq_ref.store.lock_wait_us": (t1 - t0) // 1000,
                              "rocketmq_ref.store.append_us": (t2 - t1) // 1000,
                              "rocketmq_ref.store.wrote_offset": result.wrote_offset,
                              "rocketmq_ref.store.wrote_bytes": result.wrote_bytes,
                              "rocketmq_ref.store.queue_offset": result.logics_offset})
        # Java reads the clock again here to warn about a slow append ("[NOTIFYME]putMessage in lock
        # cost time"); a clock read costs as much as a tenth of the put here, and the store warns
        # about any put over 500 ms anyway (DefaultMessageStore, "putMessage not in lock elapsed")
        return PutMessageResult(_PUT_OK, result)

    def _put(self, msg: MessageExtBrokerInner, s: Any) -> PutMessageResult:
        """Java ``asyncPutMessage`` up to the lock: body CRC, delay rewrite to SCHEDULE_TOPIC_XXXX,
        IPv6 flags, encode (the store time is stamped inside the put lock), then append."""
        body = msg.body
        msg.body_crc = zlib.crc32(body) & 0x7FFFFFFF if body else 0
        tran_type = msg.sys_flag & _TRAN_MASK
        if tran_type == _NOT_TYPE or tran_type == _COMMIT_TYPE:
            level = msg.properties.get(_DELAY)
            if level is not None and int(level) > 0:
                level = int(level)
                max_level = self.default_message_store.get_max_delay_level()
                if level > max_level:
                    level = max_level
                    msg.delay_time_level = level
                msg.properties[mc.PROPERTY_REAL_TOPIC] = msg.topic
                msg.properties[mc.PROPERTY_REAL_QUEUE_ID] = str(msg.queue_id)
                msg.properties_string = message_properties2string(msg.properties)
                msg.topic = RMQ_SYS_SCHEDULE_TOPIC
                msg.queue_id = level - 1  # ScheduleMessageService.delayLevel2QueueId
        if ":" in msg.born_host[0]:
            msg.sys_flag |= _BORN_V6
        if ":" in msg.store_host[0]:
            msg.sys_flag |= _STORE_V6
        recording = s.is_recording()
        t0 = time.perf_counter_ns() if recording else 0
        encoder = self._encoder()
        encode_result = encoder.encode(msg)
        if encode_result is not None:
            return encode_result
        if len(msg.encoded_buff) + END_FILE_MIN_BLANK_LENGTH > self.mapped_file_size:
            # would not fit even an empty file (Java would fill file after file with blanks)
            log.warning("message of %d bytes cannot fit a commit-log file of %d bytes",
                        len(msg.encoded_buff), self.mapped_file_size)
            msg.encoded_buff = None
            return PutMessageResult(PutMessageStatus.MESSAGE_ILLEGAL)
        if recording:
            s.set_attributes({"messaging.destination.name": msg.topic,
                              "rocketmq_ref.store.queue_id": msg.queue_id,
                              "rocketmq_ref.store.encode_us": (time.perf_counter_ns() - t0) // 1000,
                              "rocketmq_ref.store.record_size": len(msg.encoded_buff)})
        ctx = encoder.put_message_context
        ctx.topic_queue_table_key = f"{msg.topic}-{msg.queue_id}"
        result = self._append(msg, ctx, s)
        if result.put_message_status is _PUT_OK:
            self.store_stats_service.on_put(msg.topic, 1, result.append_message_result.wrote_bytes)
        return result

    def put_message(self, msg: MessageExtBrokerInner) -> PutMessageResult:
        """Append one message and wait for the flush (and slave) the config asks for (B4.3, B4.8)."""
        with span("CommitLog.put_message", java="org.apache.rocketmq.store.CommitLog#asyncPutMessage",
                  books=("B4.3", "B4.8")) as s:
            result = self._put(msg, s)
            if result.put_message_status is _PUT_OK:
                if self._nothing_to_wait_for():
                    return result
                self._wait_flush_and_replica(result, msg, s)
                if result.put_message_status is _PUT_OK:
                    return result
            record_error(s, result.put_message_status.name)
            return result

    def async_put_message(self, msg: MessageExtBrokerInner
                          ) -> concurrent.futures.Future[PutMessageResult]:
        """Append now; the future completes when the flush (and slave) is done.  Wrap it with
        ``asyncio.wrap_future`` to await it on an event loop."""
        with span("CommitLog.async_put_message",
                  java="org.apache.rocketmq.store.CommitLog#asyncPutMessage",
                  books=("B4.3", "B4.8")) as s:
            result = self._put(msg, s)
            if result.put_message_status is not _PUT_OK:
                record_error(s, result.put_message_status.name)
                return completed_future(result)
            if self._nothing_to_wait_for():
                return completed_future(result)
            return self._combine(result, msg)

    def put_messages(self, batch: Any) -> PutMessageResult:
        """Append a batch (spec §6) as consecutive records under one lock."""
        with span("CommitLog.put_messages", java="org.apache.rocketmq.store.CommitLog#asyncPutMessages",
                  books=("B4.3",)) as s:
            result = self._put_batch(batch, s)
            if result.put_message_status is PutMessageStatus.PUT_OK:
                self._wait_flush_and_replica(result, batch, s)
            if result.put_message_status is not PutMessageStatus.PUT_OK:
                record_error(s, result.put_message_status.name)
            return result

    def async_put_messages(self, batch: Any) -> concurrent.futures.Future[PutMessageResult]:
        with span("CommitLog.async_put_messages",
                  java="org.apache.rocketmq.store.CommitLog#asyncPutMessages", books=("B4.3",)) as s:
            result = self._put_batch(batch, s)
            if result.put_message_status is not PutMessageStatus.PUT_OK:
                record_error(s, result.put_message_status.name)
            return self._combine(result, batch)

    def _put_batch(self, batch: Any, s: Any) -> PutMessageResult:
        batch.store_timestamp = int(time.time() * 1000)
        if batch.sys_flag & _TRAN_MASK != MessageSysFlag.TRANSACTION_NOT_TYPE:
            return PutMessageResult(PutMessageStatus.MESSAGE_ILLEGAL)
        if batch.delay_time_level > 0:
            return PutMessageResult(PutMessageStatus.MESSAGE_ILLEGAL)
        if ":" in batch.born_host[0]:
            batch.sys_flag |= _BORN_V6
        if ":" in batch.store_host[0]:
            batch.sys_flag |= _STORE_V6
        ctx = PutMessageContext(f"{batch.topic}-{batch.queue_id}")
        try:
            batch.encoded_buff = self._encoder().encode_batch(batch, ctx)
        except CommitLogError as e:
            log.warning("putMessages: %s", e)
            return PutMessageResult(e.status)
        if len(batch.encoded_buff) + END_FILE_MIN_BLANK_LENGTH > self.mapped_file_size:
            log.warning("batch of %d bytes cannot fit a commit-log file of %d bytes",
                        len(batch.encoded_buff), self.mapped_file_size)
            batch.encoded_buff = None
            return PutMessageResult(PutMessageStatus.MESSAGE_ILLEGAL)
        if s.is_recording():
            s.set_attributes({"messaging.destination.name": batch.topic,
                              "rocketmq_ref.store.queue_id": batch.queue_id,
                              "messaging.batch.message_count": ctx.batch_size})
        result = self._append(batch, ctx, s)
        if result.put_message_status is PutMessageStatus.PUT_OK:
            ar = result.append_message_result
            self.default_message_store.store_stats_service.on_put(batch.topic, ar.msg_num,
                                                                  ar.wrote_bytes)
        return result

    # -- flush and replica (B4.8, A5.5)
    def _nothing_to_wait_for(self) -> bool:
        """Async flush on a broker that is not SYNC_MASTER (the usual case): wake the flusher as
        ``submit_flush_request`` does and say there is nothing to wait for."""
        cfg = self.message_store_config
        if cfg.flush_disk_type is _ASYNC_FLUSH and cfg.broker_role is not _SYNC_MASTER:
            self._wake_async_flush()
            return True
        return False

    def _wait_flush_and_replica(self, result: PutMessageResult, msg: Any, s: Any) -> None:
        """The blocking face of ``submit_flush_request`` + ``submit_replica_request``."""
        ar = result.append_message_result
        flush = self.submit_flush_request(ar, msg)
        replica = self.submit_replica_request(ar, msg)  # None unless SYNC_MASTER
        if flush is None and replica is None:
            return
        timeout = (max(self.message_store_config.sync_flush_timeout,
                       self.message_store_config.slave_timeout) + 5000) / 1000.0
        for fut in (flush, replica):
            if fut is None:
                continue
            try:
                status = fut.result(timeout)
            except concurrent.futures.TimeoutError:
                log.warning("usually it will never timeout, putMessageTimeout is much bigger than "
                            "slaveTimeout and flushTimeout so the result can be got anyway")
                status = PutMessageStatus.UNKNOWN_ERROR
            if status is not PutMessageStatus.PUT_OK:
                result.put_message_status = status
        if s.is_recording() and flush is not None:
            s.add_event("flushed", {"rocketmq_ref.store.flush_status": result.put_message_status.name})

    def _combine(self, result: PutMessageResult, msg: Any) -> concurrent.futures.Future[PutMessageResult]:
        if result.put_message_status is not PutMessageStatus.PUT_OK:
            return completed_future(result)
        ar = result.append_message_result
        pending = [f for f in (self.submit_flush_request(ar, msg),
                               self.submit_replica_request(ar, msg)) if f is not None]
        if not pending:
            return completed_future(result)
        out: concurrent.futures.Future[PutMessageResult] = concurrent.futures.Future()
        remaining = [len(pending)]
        lock = threading.Lock()

        def done(f: concurrent.futures.Future[PutMessageStatus]) -> None:
            status = f.result()
            with lock:
                if status is not PutMessageStatus.PUT_OK:
                    result.put_message_status = status
                remaining[0] -= 1
                last = remaining[0] == 0
            if last:
                out.set_result(result)

        for f in pending:
            f.add_done_callback(done)
        return out

    def submit_flush_request(self, result: AppendMessageResult, msg: Any
                             ) -> concurrent.futures.Future[PutMessageStatus] | None:
        """Sync flush + WAIT: a GroupCommitRequest to wait on; otherwise wake the flusher, None."""
        service = self.flush_commit_log_service
        if self.message_store_config.flush_disk_type is FlushDiskType.SYNC_FLUSH:
            if msg.wait_store_msg_ok:
                request = GroupCommitRequest(result.wrote_offset + result.wrote_bytes,
                                             self.message_store_config.sync_flush_timeout)
                self.flush_disk_watcher.add(request)
                service.put_request(request)  # type: ignore[union-attr]
                return request.future
            service.wakeup()
            return None
        self._wake_async_flush()
        return None

    def _wake_async_flush(self) -> None:
        """Async flush: wake the committer when writes go through the transient pool, else the
        flusher (a timed flusher sleeps through wake-ups: skip its lock)."""
        cfg = self.message_store_config
        if cfg.is_transient_store_pool_enable():
            self.commit_log_service.wakeup()
        elif not cfg.flush_commit_log_timed:
            self.flush_commit_log_service.wakeup()

    def submit_replica_request(self, result: AppendMessageResult, msg: Any
                               ) -> concurrent.futures.Future[PutMessageStatus] | None:
        """SYNC_MASTER + WAIT: wait for a slave to reach the record (A5.5); no HA service or no
        slave in reach = SLAVE_NOT_AVAILABLE, as Java answers when ``isSlaveOK`` fails."""
        if self.message_store_config.broker_role is BrokerRole.SYNC_MASTER and msg.wait_store_msg_ok:
            ha = self.default_message_store.get_ha_service()
            next_offset = result.wrote_offset + result.wrote_bytes
            if ha is not None and ha.is_slave_ok(next_offset):
                request = GroupCommitRequest(next_offset, self.message_store_config.slave_timeout)
                ha.put_request(request)
                ha.get_wait_notify_object().wakeup_all()  # the HA writers ship it now (B7.1.3)
                return request.future
            f: concurrent.futures.Future[PutMessageStatus] = concurrent.futures.Future()
            f.set_result(PutMessageStatus.SLAVE_NOT_AVAILABLE)
            return f
        return None

    # -- HA and admin
    def append_data(self, start_offset: int, data: Any, data_start: int = 0,
                    data_length: int | None = None) -> bool:
        """A slave appends bytes shipped by the master, at ``start_offset`` (A5.5)."""
        with self.put_message_lock:
            mf = self.mapped_file_queue.get_last_mapped_file(start_offset)
            if mf is None:
                log.error("appendData getLastMappedFile error %d", start_offset)
                return False
            return mf.append_message_bytes(data, data_start, data_length)

    def lock_time_mills(self) -> int:
        begin = self.begin_time_in_lock
        return max(0, int(time.time() * 1000) - begin) if begin > 0 else 0

    def get_begin_time_in_lock(self) -> int:
        return self.begin_time_in_lock

    def get_topic_queue_table(self) -> dict[str, int]:
        return self.topic_queue_table

    def set_topic_queue_table(self, table: dict[str, int]) -> None:
        self.topic_queue_table = table

    def remove_queue_from_topic_queue_table(self, topic: str, queue_id: int) -> None:
        with self.put_message_lock:
            self.topic_queue_table.pop(f"{topic}-{queue_id}", None)
        log.info("removeQueueFromTopicQueueTable OK Topic: %s QueueId: %d", topic, queue_id)

    def reset_offset(self, offset: int) -> bool:
        return self.mapped_file_queue.reset_offset(offset)

    def delete_expired_file(self, expired_time: int, delete_files_interval: int,
                            interval_forcibly: int, clean_immediately: bool) -> int:
        return self.mapped_file_queue.delete_expired_file_by_time(
            expired_time, delete_files_interval, interval_forcibly, clean_immediately)

    def retry_delete_first_file(self, interval_forcibly: int) -> bool:
        return self.mapped_file_queue.retry_delete_first_file(interval_forcibly)

    def check_self(self) -> None:
        self.mapped_file_queue.check_self()

    # -- recovery (B4.7)
    def _scan(self, files: list[MappedFile], index: int, check_crc: bool, dispatch: bool,
              s: Any) -> int:
        """Walk records from file ``index`` on; return the offset after the last valid record."""
        mf = files[index]
        view = mf.slice_byte_buffer()
        process_offset = mf.file_from_offset
        pos = 0
        checked = 1
        records = 0
        store = self.default_message_store
        confirm_dedup = self.message_store_config.duplication_enable
        try:
            while True:
                req = self.check_message_and_return_size(view, pos, check_crc,
                                                        parse_properties=dispatch)
                size = req.msg_size
                if req.success and size > 0:
                    pos += size
                    records += 1
                    if dispatch and (not confirm_dedup
                                     or req.commit_log_offset < store.get_confirm_offset()):
                        store.do_dispatch(req)
                elif req.success and size == 0:
                    index += 1
                    if index >= len(files):
                        log.info("recover last 3 physics file over, last mapped file %s", mf.file_name)
                        break
                    view.release()
                    mf = files[index]
                    view = mf.slice_byte_buffer()
                    process_offset = mf.file_from_offset
                    pos = 0
                    checked += 1
                    log.info("recover next physics file, %s", mf.file_name)
                else:
                    if pos < mf.file_size and any(view[pos:min(pos + 8, mf.file_size)]):
                        s.add_event("invalid_record", {"rocketmq_ref.store.offset": process_offset + pos})
                    log.info("recover physics file end, %s pos=%d", mf.file_name, pos)
                    break
        finally:
            view.release()
        if s.is_recording():
            s.set_attributes({"rocketmq_ref.store.files_checked": checked,
                              "rocketmq_ref.store.records_valid": records})
        return process_offset + pos

    def _finish_recover(self, process_offset: int, max_phy_offset_of_consume_queue: int,
                        s: Any) -> None:
        queue = self.mapped_file_queue
        if s.is_recording():
            s.set_attributes({
                "rocketmq_ref.store.recovered_offset": process_offset,
                "rocketmq_ref.store.bytes_truncated": self._dirty_tail_length(process_offset),
                "rocketmq_ref.store.files_deleted": sum(
                    1 for mf in queue.get_mapped_files() if mf.file_from_offset > process_offset)})
        queue.flushed_where = process_offset
        queue.committed_where = process_offset
        queue.truncate_dirty_files(process_offset)
        if max_phy_offset_of_consume_queue >= process_offset:
            log.warning("maxPhyOffsetOfConsumeQueue(%d) >= processOffset(%d), truncate dirty logic "
                        "files", max_phy_offset_of_consume_queue, process_offset)
            self.default_message_store.truncate_dirty_logic_files(process_offset)

    def _dirty_tail_length(self, offset: int, limit: int = 64 * 1024 * 1024) -> int:
        """How many bytes after ``offset`` (in its file) are not zero: the torn tail recovery cuts
        (an unwritten tail is zeros).  Read page by page, at most ``limit`` bytes."""
        mf = self.mapped_file_queue.find_mapped_file_by_offset(offset)
        if mf is None:
            return 0
        view = mf.slice_byte_buffer()
        try:
            start = offset - mf.file_from_offset
            end = min(mf.file_size, start + limit)
            pos = start
            while pos < end:
                chunk = bytes(view[pos:min(end, pos + OS_PAGE_SIZE)])
                stripped = chunk.rstrip(b"\0")
                if len(stripped) < len(chunk):
                    return pos - start + len(stripped)
                pos += len(chunk)
            return pos - start
        finally:
            view.release()

    def recover_normally(self, max_phy_offset_of_consume_queue: int) -> None:
        """Clean shutdown: scan from the third-last file, CRC-checked, to the first bad record."""
        with span("CommitLog.recover_normally", java="org.apache.rocketmq.store.CommitLog#recoverNormally",
                  books=("B4.7", "B4.7.1")) as s:
            files = self.mapped_file_queue.get_mapped_files()
            if files:
                self._recover_from(files, max(0, len(files) - 3), False,
                                   max_phy_offset_of_consume_queue, s)
            else:
                self._recover_without_files()

    def recover_abnormally(self, max_phy_offset_of_consume_queue: int) -> None:
        """Crash (abort file left): find the newest file whose first record predates the checkpoint,
        re-dispatch every valid record from there, cut at the first bad one (B4.7.2)."""
        with span("CommitLog.recover_abnormally",
                  java="org.apache.rocketmq.store.CommitLog#recoverAbnormally",
                  books=("B4.7", "B4.7.2")) as s:
            files = self.mapped_file_queue.get_mapped_files()
            if files:
                index = len(files) - 1
                while index >= 0 and not self.is_mapped_file_matched_recover(files[index]):
                    index -= 1
                self._recover_from(files, max(0, index), True, max_phy_offset_of_consume_queue, s)
            else:
                self._recover_without_files()

    def _recover_from(self, files: list[MappedFile], index: int, dispatch: bool,
                      max_phy_offset_of_consume_queue: int, s: Any) -> None:
        if s.is_recording():
            s.set_attribute("rocketmq_ref.store.recover_from_file", files[index].file_name.rsplit("/", 1)[-1])
        offset = self._scan(files, index, self.message_store_config.check_crc_on_recover,
                            dispatch, s)
        self._finish_recover(offset, max_phy_offset_of_consume_queue, s)

    def _recover_without_files(self) -> None:
        log.warning("The commitlog files are deleted, and delete the consume queue files")
        self.mapped_file_queue.flushed_where = 0
        self.mapped_file_queue.committed_where = 0
        self.default_message_store.destroy_logics()

    def is_mapped_file_matched_recover(self, mf: MappedFile) -> bool:
        view = mf.slice_byte_buffer()
        try:
            if _INT.unpack_from(view, 4)[0] != MESSAGE_MAGIC_CODE:
                return False
            sys_flag = _INT.unpack_from(view, 36)[0]
            store_timestamp = _LONG.unpack_from(view, store_timestamp_position(sys_flag))[0]
        finally:
            view.release()
        if store_timestamp == 0:
            return False
        cfg = self.message_store_config
        checkpoint = self.default_message_store.get_store_checkpoint()
        if cfg.message_index_enable and cfg.message_index_safe:
            limit = checkpoint.get_min_timestamp_index()
        else:
            limit = checkpoint.get_min_timestamp()
        if store_timestamp <= limit:
            log.info("find check timestamp, %d", store_timestamp)
            return True
        return False
