"""HAConnection: the master's end of one slave connection (Java
``org.apache.rocketmq.store.ha.HAConnection``; B7.1.5).

Two service threads share the socket, as in Java: ``ReadSocketService`` takes the slave's reported
max offset (the first one says where to start, every one is an ack that may release waiting
SYNC_MASTER sends) and ``WriteSocketService`` streams commit-log bytes from that offset in batches of
at most ``haTransferBatchSize``, a header before each, and a heartbeat header when idle.  Either
thread ending stops both and removes the connection.
"""
from __future__ import annotations

import logging
import selectors
import socket
import time
from typing import TYPE_CHECKING, Any

from rocketmq_ref.common.service_thread import ServiceThread
from rocketmq_ref.common.tracing import span
from rocketmq_ref.store.ha.ha_protocol import HEADER_SIZE, ReportReader, encode_header

if TYPE_CHECKING:
    from rocketmq_ref.store.ha.ha_service import HAService

log = logging.getLogger("rocketmq_ref.store")

_JAVA = "org.apache.rocketmq.store.ha.HAConnection"
_BOOKS = ("B7.1.5",)


def _now_ms() -> float:
    return time.monotonic() * 1000.0


class HAConnection:
    def __init__(self, ha_service: HAService, sock: socket.socket) -> None:
        self.ha_service = ha_service
        self.socket_channel = sock
        try:
            host, port = sock.getpeername()[:2]
            self.client_addr = f"/{host}:{port}"
        except OSError:
            self.client_addr = "/?"
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.slave_request_offset = -1
        self.slave_ack_offset = -1
        self.write_socket_service = WriteSocketService(self)
        self.read_socket_service = ReadSocketService(self)
        ha_service.increment_connection_count()

    def start(self) -> None:
        self.read_socket_service.start()
        self.write_socket_service.start()

    def shutdown(self) -> None:
        self.write_socket_service.shutdown(True)
        self.read_socket_service.shutdown(True)
        self.close()

    def close(self) -> None:
        try:
            self.socket_channel.close()
        except OSError as e:
            log.error("close HA connection %s: %s", self.client_addr, e)

    def get_socket_channel(self) -> socket.socket:
        return self.socket_channel

    def get_client_addr(self) -> str:
        return self.client_addr

    def stop_channel_and_selector(self, selector: selectors.BaseSelector, service_name: str) -> None:
        try:
            selector.close()
        except (OSError, ValueError):
            pass
        self.close()
        log.info("%s service end", service_name)


class ReadSocketService(ServiceThread):
    """Reads the slave's 8-byte reports; closes on EOF, on an ack beyond our max offset, or after
    ``haHousekeepingInterval`` without a byte."""

    def __init__(self, connection: HAConnection) -> None:
        super().__init__()
        self.connection = connection
        self.reader = ReportReader()
        self.selector = selectors.DefaultSelector()
        self.selector.register(connection.socket_channel, selectors.EVENT_READ)
        self.last_read_timestamp = _now_ms()

    def get_service_name(self) -> str:
        return "ReadSocketService"

    def run(self) -> None:
        conn = self.connection
        ha = conn.ha_service
        housekeeping = ha.default_message_store.message_store_config.ha_housekeeping_interval
        while not self.is_stopped():
            try:
                self.selector.select(1.0)
                if not self.process_read_event():
                    log.error("processReadEvent error")
                    break
                interval = _now_ms() - self.last_read_timestamp
                if interval > housekeeping:
                    log.warning("ha housekeeping, found this connection[%s] expired, %d",
                                conn.client_addr, interval)
                    break
            except Exception:
                log.exception("%s service has exception.", self.get_service_name())
                break
        self.make_stop()
        conn.write_socket_service.make_stop()
        ha.remove_connection(conn)
        ha.decrement_connection_count()
        conn.stop_channel_and_selector(self.selector, self.get_service_name())

    def process_read_event(self) -> bool:
        conn = self.connection
        sock = conn.socket_channel
        while True:
            try:
                n = sock.recv_into(self.reader.writable())
            except (BlockingIOError, InterruptedError):
                return True
            except OSError as e:
                log.error("processReadEvent exception %s: %s", conn.client_addr, e)
                return False
            if n == 0:
                log.error("read socket[%s] < 0", conn.client_addr)
                return False
            self.last_read_timestamp = _now_ms()
            offset = self.reader.advance(n)
            if offset is not None and not self.on_slave_report(offset):
                return False

    def on_slave_report(self, read_offset: int) -> bool:
        conn = self.connection
        ha = conn.ha_service
        with span("ReadSocketService.process_read_event", java=_JAVA + "$ReadSocketService#processReadEvent",
                  books=_BOOKS) as s:
            first = conn.slave_request_offset < 0
            conn.slave_ack_offset = read_offset
            if s.is_recording():
                s.set_attributes({"rocketmq_ref.ha.slave_addr": conn.client_addr,
                                  "rocketmq_ref.ha.slave_ack_offset": read_offset,
                                  "rocketmq_ref.ha.first_report": first})
            if read_offset < 0:  # not an offset: a stray client, not a slave (Java would wait forever)
                log.warning("slave[%s] reported a negative offset %d, close it", conn.client_addr, read_offset)
                if s.is_recording():
                    s.set_attribute("rocketmq_ref.ha.outcome", "negative offset: close")
                return False
            if first:
                conn.slave_request_offset = read_offset
                log.info("slave[%s] request offset %d", conn.client_addr, read_offset)
            else:
                master_max = ha.default_message_store.get_max_phy_offset()
                if read_offset > master_max:
                    log.warning("slave[%s] request offset=%d greater than local commitLog offset=%d. ",
                                conn.client_addr, read_offset, master_max)
                    if s.is_recording():
                        s.set_attribute("rocketmq_ref.ha.outcome", "ack beyond master: close")
                    return False
            ha.notify_transfer_some(read_offset)
            return True


class WriteSocketService(ServiceThread):
    """Streams the commit log to the slave from ``nextTransferFromWhere``."""

    def __init__(self, connection: HAConnection) -> None:
        super().__init__()
        self.connection = connection
        self.selector = selectors.DefaultSelector()
        self.selector.register(connection.socket_channel, selectors.EVENT_WRITE)
        self.byte_buffer_header = bytearray(HEADER_SIZE)
        self._header_view = memoryview(self.byte_buffer_header)
        self._header_pos = HEADER_SIZE  # nothing pending
        self._body_pos = 0
        self.next_transfer_from_where = -1
        self.select_mapped_buffer_result: Any = None
        self.last_write_over = True
        self.last_write_timestamp = _now_ms()

    def get_service_name(self) -> str:
        return "WriteSocketService"

    def run(self) -> None:
        conn = self.connection
        ha = conn.ha_service
        store = ha.default_message_store
        cfg = store.message_store_config
        wait_notify = ha.get_wait_notify_object()
        while not self.is_stopped():
            try:
                self.selector.select(1.0)
                if conn.slave_request_offset == -1:
                    time.sleep(0.01)
                    continue
                if self.next_transfer_from_where == -1:
                    if conn.slave_request_offset == 0:
                        # an empty slave starts at the master's last file, not at the beginning
                        master_offset = store.get_commit_log().get_max_offset()
                        master_offset -= master_offset % cfg.mapped_file_size_commit_log
                        self.next_transfer_from_where = max(0, master_offset)
                    else:
                        self.next_transfer_from_where = conn.slave_request_offset
                    log.info("master transfer data from %d to slave[%s], and slave request %d",
                             self.next_transfer_from_where, conn.client_addr, conn.slave_request_offset)
                if self.last_write_over:
                    if _now_ms() - self.last_write_timestamp > cfg.ha_send_heartbeat_interval:
                        with span("WriteSocketService.heartbeat", java=_JAVA + "$WriteSocketService#run",
                                  books=_BOOKS,
                                  attributes={"rocketmq_ref.ha.offset": self.next_transfer_from_where,
                                              "rocketmq_ref.ha.body_size": 0}):
                            self._build_header(self.next_transfer_from_where, 0)
                            self.last_write_over = self.transfer_data()
                        if not self.last_write_over:
                            continue
                else:
                    self.last_write_over = self.transfer_data()
                    if not self.last_write_over:
                        continue
                result = store.get_commit_log_data(self.next_transfer_from_where)
                if result is not None:
                    self._transfer_batch(result, cfg.ha_transfer_batch_size)
                else:
                    wait_notify.all_wait_for_running(100)
            except Exception as e:
                if not self.is_stopped():
                    log.error("%s service has exception: %s", self.get_service_name(), e)
                break
        wait_notify.remove_from_waiting_thread_table()
        if self.select_mapped_buffer_result is not None:
            self.select_mapped_buffer_result.release()
            self.select_mapped_buffer_result = None
        self.make_stop()
        conn.read_socket_service.make_stop()
        ha.remove_connection(conn)
        conn.stop_channel_and_selector(self.selector, self.get_service_name())

    def _transfer_batch(self, result: Any, batch_size: int) -> None:
        with span("WriteSocketService.transfer_data", java=_JAVA + "$WriteSocketService#transferData",
                  books=_BOOKS) as s:
            size = result.get_size()
            if size > batch_size:
                size = batch_size
                result.set_size(size)
            this_offset = self.next_transfer_from_where
            self.next_transfer_from_where += size
            self.select_mapped_buffer_result = result
            self._body_pos = 0
            self._build_header(this_offset, size)
            self.last_write_over = self.transfer_data()
            if s.is_recording():
                s.set_attributes({"rocketmq_ref.ha.slave_addr": self.connection.client_addr,
                                  "rocketmq_ref.ha.offset": this_offset,
                                  "rocketmq_ref.ha.body_size": size,
                                  "rocketmq_ref.ha.write_over": self.last_write_over})

    def _build_header(self, offset: int, size: int) -> None:
        encode_header(self.byte_buffer_header, offset, size)
        self._header_pos = 0

    def transfer_data(self) -> bool:
        """Write what is pending of the header and body (one ``sendmsg`` for both); True once all
        of it is out.  Three zero-length writes in a row leave the rest for the next round."""
        sock = self.connection.socket_channel
        result = self.select_mapped_buffer_result
        body = result.get_byte_buffer() if result is not None else None
        body_len = len(body) if body is not None else 0
        write_size_zero_times = 0
        buffers: list[memoryview] = []
        while self._header_pos < HEADER_SIZE or self._body_pos < body_len:
            buffers = []
            if self._header_pos < HEADER_SIZE:
                buffers.append(self._header_view[self._header_pos:])
            if self._body_pos < body_len:
                buffers.append(body[self._body_pos:])  # type: ignore[index]
            try:
                n = sock.sendmsg(buffers)
            except (BlockingIOError, InterruptedError):
                n = 0
            if n > 0:
                write_size_zero_times = 0
                self.last_write_timestamp = _now_ms()
                from_header = min(n, HEADER_SIZE - self._header_pos)
                self._header_pos += from_header
                self._body_pos += n - from_header
            else:
                write_size_zero_times += 1
                if write_size_zero_times >= 3:
                    break
                self.selector.select(0.1)
        buffers = []  # let go of the slices before the mapped view is released
        done = self._header_pos >= HEADER_SIZE and self._body_pos >= body_len
        if result is not None and self._body_pos >= body_len:
            result.release()
            self.select_mapped_buffer_result = None
        return done
