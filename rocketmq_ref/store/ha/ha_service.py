"""HAService: commit-log replication, master and slave side (Java
``org.apache.rocketmq.store.ha.HAService`` with its inner ``AcceptSocketService``,
``GroupTransferService`` and ``HAClient``; B7.1, B7.1.1-B7.1.4).

On every broker the service runs all three threads, as in Java: the acceptor listens on
``haListenPort`` and starts an ``HAConnection`` per slave; ``GroupTransferService`` releases
SYNC_MASTER sends once a slave acked their end offset (``push2SlaveMaxOffset``) or answers
FLUSH_SLAVE_TIMEOUT at their deadline; ``HAClient`` connects to the master HA address when one is
known (a slave), reports its max offset and appends what the master streams.
"""
from __future__ import annotations

import logging
import selectors
import socket
import threading
import time
from typing import Any

from rocketmq_ref.common.service_thread import ServiceThread
from rocketmq_ref.common.tracing import Link, current_span, span
from rocketmq_ref.store.ha.ha_connection import HAConnection
from rocketmq_ref.store.ha.ha_protocol import HAProtocolError, TransferFrameReader, encode_report
from rocketmq_ref.store.ha.wait_notify_object import WaitNotifyObject
from rocketmq_ref.store.put_message_result import PutMessageStatus

log = logging.getLogger("rocketmq_ref.store")

_JAVA = "org.apache.rocketmq.store.ha.HAService"


def _now_ms() -> float:
    return time.monotonic() * 1000.0


def _split_addr(addr: str) -> tuple[str, int] | None:
    host, sep, port = addr.strip().rpartition(":")
    if not sep or not host or not port.isdigit():
        return None
    return host, int(port)


class HAService:
    def __init__(self, default_message_store: Any, bind_address: str = "0.0.0.0") -> None:
        self.default_message_store = default_message_store
        self._count_lock = threading.Lock()
        self.connection_count = 0
        self.connection_list: list[HAConnection] = []
        self._connections_lock = threading.Lock()
        self.wait_notify_object = WaitNotifyObject()
        self.push2_slave_max_offset = 0
        self._push_lock = threading.Lock()
        self.accept_socket_service = AcceptSocketService(
            self, bind_address, default_message_store.message_store_config.ha_listen_port)
        self.group_transfer_service = GroupTransferService(self)
        self.ha_client = HAClient(self)

    # -- Java's API ------------------------------------------------------------------------------

    def update_master_address(self, new_addr: str) -> None:
        self.ha_client.update_master_address(new_addr)

    def put_request(self, request: Any) -> None:
        self.group_transfer_service.put_request(request)

    def is_slave_ok(self, master_put_where: int) -> bool:
        """A slave is connected and not more than ``haSlaveFallbehindMax`` behind."""
        return (self.connection_count > 0
                and master_put_where - self.push2_slave_max_offset
                < self.default_message_store.message_store_config.ha_slave_fallbehind_max)

    def notify_transfer_some(self, offset: int) -> None:
        """Raise ``push2SlaveMaxOffset`` to ``offset`` (never lower) and wake the waiting sends."""
        with self._push_lock:
            if offset <= self.push2_slave_max_offset:
                return
            self.push2_slave_max_offset = offset
        self.group_transfer_service.notify_transfer_some()

    def get_connection_count(self) -> int:
        return self.connection_count

    def increment_connection_count(self) -> None:
        with self._count_lock:
            self.connection_count += 1

    def decrement_connection_count(self) -> None:
        with self._count_lock:
            self.connection_count -= 1

    def get_push2_slave_max_offset(self) -> int:
        return self.push2_slave_max_offset

    def get_wait_notify_object(self) -> WaitNotifyObject:
        return self.wait_notify_object

    def get_default_message_store(self) -> Any:
        return self.default_message_store

    def local_listen_port(self) -> int:
        return self.accept_socket_service.local_listen_port()

    # -- life cycle ------------------------------------------------------------------------------

    def start(self) -> None:
        self.accept_socket_service.begin_accept()
        self.accept_socket_service.start()
        self.group_transfer_service.start()
        self.ha_client.start()

    def add_connection(self, conn: HAConnection) -> None:
        with self._connections_lock:
            self.connection_list.append(conn)

    def remove_connection(self, conn: HAConnection) -> None:
        with self._connections_lock:
            if conn in self.connection_list:
                self.connection_list.remove(conn)

    def shutdown(self) -> None:
        # flag every loop and shut their sockets down first: the selects return at once instead of
        # running out their 1 s one after another
        sockets = [self.ha_client.socket_channel, self.accept_socket_service.server_socket_channel]
        for service in (self.ha_client, self.accept_socket_service, self.group_transfer_service):
            service.make_stop()
        with self._connections_lock:
            for conn in self.connection_list:
                conn.read_socket_service.make_stop()
                conn.write_socket_service.make_stop()
                sockets.append(conn.socket_channel)
        for sock in sockets:
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self.ha_client.shutdown()
        self.accept_socket_service.shutdown(True)
        self.destroy_connections()
        self.group_transfer_service.shutdown()

    def destroy_connections(self) -> None:
        with self._connections_lock:
            connections = list(self.connection_list)
            self.connection_list.clear()
        for c in connections:
            c.shutdown()


class AcceptSocketService(ServiceThread):
    """Listens for slaves (B7.1.2); each accepted socket becomes a started ``HAConnection``."""

    def __init__(self, ha_service: HAService, bind_address: str, port: int) -> None:
        super().__init__()
        self.ha_service = ha_service
        self.socket_address_listen = (bind_address, port)
        self.server_socket_channel: socket.socket | None = None
        self.selector: selectors.BaseSelector | None = None

    def get_service_name(self) -> str:
        return "AcceptSocketService"

    def begin_accept(self) -> None:
        """Bind and listen now, so a taken port fails the store's start as in Java.  Port 0 picks a
        free port and writes it back into ``haListenPort``."""
        srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            srv.bind(self.socket_address_listen)
            srv.listen(128)
            srv.setblocking(False)
        except OSError as e:
            srv.close()
            host, port = self.socket_address_listen
            raise OSError(e.errno, f"HAService cannot listen on {host}:{port} (haListenPort = "
                                   f"listenPort + 1): {e.strerror}") from e
        self.server_socket_channel = srv
        self.selector = selectors.DefaultSelector()
        self.selector.register(srv, selectors.EVENT_READ)
        cfg = self.ha_service.default_message_store.message_store_config
        if cfg.ha_listen_port == 0:
            cfg.ha_listen_port = srv.getsockname()[1]
        log.info("HAService listening on %s:%d", self.socket_address_listen[0], srv.getsockname()[1])

    def local_listen_port(self) -> int:
        srv = self.server_socket_channel
        return srv.getsockname()[1] if srv is not None else -1

    def shutdown(self, interrupt: bool = False) -> None:
        super().shutdown(interrupt)
        for closable in (self.server_socket_channel, self.selector):
            if closable is not None:
                try:
                    closable.close()
                except OSError as e:
                    log.error("AcceptSocketService shutdown exception: %s", e)

    def run(self) -> None:
        srv, selector = self.server_socket_channel, self.selector
        assert srv is not None and selector is not None, "begin_accept() first"
        while not self.is_stopped():
            try:
                if not selector.select(1.0):
                    continue
                try:
                    sc, addr = srv.accept()
                except (BlockingIOError, InterruptedError):
                    continue
                log.info("HAService receive new connection, %s", addr)
                with span("AcceptSocketService.run", java=_JAVA + "$AcceptSocketService#run",
                          books=("B7.1.2",), attributes={"rocketmq_ref.ha.slave_addr": f"{addr[0]}:{addr[1]}"}):
                    try:
                        conn = HAConnection(self.ha_service, sc)
                        conn.start()
                        self.ha_service.add_connection(conn)
                    except Exception:
                        log.exception("new HAConnection exception")
                        sc.close()
            except Exception as e:
                if self.is_stopped():
                    break
                log.error("%s service has exception: %s", self.get_service_name(), e)
                time.sleep(0.1)


class GroupTransferService(ServiceThread):
    """Waits for slave acks on behalf of SYNC_MASTER sends (B7.1.3): each request completes with
    PUT_OK once ``push2SlaveMaxOffset >= nextOffset``, else FLUSH_SLAVE_TIMEOUT at its deadline."""

    def __init__(self, ha_service: HAService) -> None:
        super().__init__()
        self.ha_service = ha_service
        self.notify_transfer_object = WaitNotifyObject()
        self._lock = threading.Lock()
        self.requests_write: list[tuple[Any, Any]] = []
        self.requests_read: list[tuple[Any, Any]] = []

    def get_service_name(self) -> str:
        return "GroupTransferService"

    def put_request(self, request: Any) -> None:
        # the sending thread's span, so the wait can link back to the send it releases
        ctx = current_span().get_span_context()
        with self._lock:
            self.requests_write.append((request, ctx))
        self.wakeup()

    def notify_transfer_some(self) -> None:
        self.notify_transfer_object.wakeup()

    def swap_requests(self) -> None:
        with self._lock:
            self.requests_write, self.requests_read = self.requests_read, self.requests_write

    def on_wait_end(self) -> None:
        self.swap_requests()

    def do_wait_transfer(self) -> None:
        if not self.requests_read:
            return
        ha = self.ha_service
        for req, ctx in self.requests_read:
            links = [Link(ctx)] if ctx is not None and ctx.is_valid else None
            with span("GroupTransferService.do_wait_transfer",
                      java=_JAVA + "$GroupTransferService#doWaitTransfer", books=("B7.1.3",),
                      links=links) as s:
                begin = time.monotonic()
                transfer_ok = ha.push2_slave_max_offset >= req.get_next_offset()
                dead_line = req.get_dead_line()
                while not transfer_ok and dead_line - time.monotonic_ns() > 0:
                    self.notify_transfer_object.wait_for_running(1000)
                    transfer_ok = ha.push2_slave_max_offset >= req.get_next_offset()
                status = PutMessageStatus.PUT_OK if transfer_ok else PutMessageStatus.FLUSH_SLAVE_TIMEOUT
                if s.is_recording():
                    s.set_attributes({"rocketmq_ref.ha.next_offset": req.get_next_offset(),
                                      "rocketmq_ref.ha.push2slave_max_offset": ha.push2_slave_max_offset,
                                      "rocketmq_ref.ha.wait_ms": int((time.monotonic() - begin) * 1000),
                                      "rocketmq_ref.ha.outcome": status.name})
                req.wakeup_customer(status)
        self.requests_read = []

    def run(self) -> None:
        while not self.is_stopped():
            try:
                self.wait_for_running(10)
                self.do_wait_transfer()
            except Exception:
                log.exception("%s service has exception. ", self.get_service_name())
        # a send still waiting at shutdown gets its answer instead of hanging to its own timeout
        self.swap_requests()
        for reqs in (self.requests_read, self.requests_write):
            for req, _ in reqs:
                req.wakeup_customer(PutMessageStatus.FLUSH_SLAVE_TIMEOUT)
            reqs.clear()


class HAClient(ServiceThread):
    """The slave's end (B7.1.4): connect to the master's HA address, report the max offset (at
    connect, after every append that moved it, and every ``haSendHeartbeatInterval``), append every
    frame at its offset; a frame for another offset than ours means the logs diverged: disconnect."""

    def __init__(self, ha_service: HAService) -> None:
        super().__init__()
        self.ha_service = ha_service
        self.master_address: str | None = None
        self.socket_channel: socket.socket | None = None
        self.selector = selectors.DefaultSelector()
        self.last_write_timestamp = _now_ms()
        self.current_reported_offset = 0
        self.reader = TransferFrameReader()

    def get_service_name(self) -> str:
        return "HAClient"

    def update_master_address(self, new_addr: str | None) -> None:
        current = self.master_address
        if current != new_addr:
            self.master_address = new_addr
            log.info("update master address, OLD: %s NEW: %s", current, new_addr)
            self.wakeup()  # connect now rather than after the 5 s retry wait (Java waits)

    def get_master_address(self) -> str | None:
        return self.master_address

    def _store(self) -> Any:
        return self.ha_service.default_message_store

    def is_time_to_report_offset(self) -> bool:
        interval = _now_ms() - self.last_write_timestamp
        return interval > self._store().message_store_config.ha_send_heartbeat_interval

    def report_slave_max_offset(self, max_offset: int) -> bool:
        sock = self.socket_channel
        if sock is None:
            return False
        with span("HAClient.report_slave_max_offset", java=_JAVA + "$HAClient#reportSlaveMaxOffset",
                  books=("B7.1.4",), attributes={"rocketmq_ref.ha.slave_max_offset": max_offset}) as s:
            data = memoryview(encode_report(max_offset))
            for _ in range(3):
                if not data:
                    break
                try:
                    n = sock.send(data)
                except (BlockingIOError, InterruptedError):
                    n = 0
                except OSError as e:
                    log.error("%s reportSlaveMaxOffset this.socketChannel.write exception: %s",
                              self.get_service_name(), e)
                    if s.is_recording():
                        s.set_attribute("rocketmq_ref.ha.outcome", f"write failed: {e}")
                    return False
                data = data[n:]
            self.last_write_timestamp = _now_ms()
            return not data

    def process_read_event(self) -> bool:
        sock = self.socket_channel
        if sock is None:
            return False
        reader = self.reader
        while True:
            try:
                n = sock.recv_into(reader.writable())
            except (BlockingIOError, InterruptedError):
                return True
            except OSError as e:
                log.info("HAClient, processReadEvent read socket exception: %s", e)
                return False
            if n == 0:
                log.info("HAClient, processReadEvent read socket < 0")
                return False
            reader.advance(n)
            if not self.dispatch_read_request():
                log.error("HAClient, dispatchReadRequest error")
                return False

    def dispatch_read_request(self) -> bool:
        """Append every complete frame in the buffer; False = close the connection."""
        reader = self.reader
        store = self._store()
        try:
            header = reader.peek_header()
        except HAProtocolError as e:
            log.error("HAClient: %s", e)
            return False
        if header is None:
            return True
        frames = 0
        with span("HAClient.dispatch_read_request", java=_JAVA + "$HAClient#dispatchReadRequest",
                  books=("B7.1.4",)) as s:
            first_offset, total = header[0], 0
            try:
                while True:
                    header = reader.peek_header()
                    if header is None:
                        break
                    master_phy_offset, _ = header
                    slave_phy_offset = store.get_max_phy_offset()
                    if slave_phy_offset != 0 and slave_phy_offset != master_phy_offset:
                        log.error("master pushed offset not equal the max phy offset in slave, "
                                  "SLAVE: %d MASTER: %d", slave_phy_offset, master_phy_offset)
                        if s.is_recording():
                            s.set_attribute("rocketmq_ref.ha.outcome",
                                            f"diverged: slave {slave_phy_offset} master {master_phy_offset}")
                        return False
                    frame = reader.next_frame()
                    if frame is None:
                        break
                    _, start, size = frame
                    if size > 0 and not store.append_to_commit_log(master_phy_offset, reader.buf, start, size):
                        if s.is_recording():
                            s.set_attribute("rocketmq_ref.ha.outcome", "append failed")
                        return False
                    frames += 1
                    total += size
                    if not self.report_slave_max_offset_plus():
                        return False
            except HAProtocolError as e:
                log.error("HAClient: %s", e)
                return False
            finally:
                if s.is_recording():
                    s.set_attributes({"rocketmq_ref.ha.offset": first_offset,
                                      "rocketmq_ref.ha.frames": frames,
                                      "rocketmq_ref.ha.body_size": total,
                                      "rocketmq_ref.ha.master_addr": self.master_address or ""})
        return True

    def report_slave_max_offset_plus(self) -> bool:
        result = True
        current_phy_offset = self._store().get_max_phy_offset()
        if current_phy_offset > self.current_reported_offset:
            self.current_reported_offset = current_phy_offset
            result = self.report_slave_max_offset(current_phy_offset)
            if not result:
                self.close_master()
                log.error("HAClient, reportSlaveMaxOffset error, %d", self.current_reported_offset)
        return result

    def connect_master(self) -> bool:
        if self.socket_channel is None:
            addr = self.master_address
            if addr:
                target = _split_addr(addr)
                if target is not None:
                    try:
                        sock = socket.create_connection(target, timeout=5.0)
                        sock.setblocking(False)
                        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                        self.selector.register(sock, selectors.EVENT_READ)
                        self.socket_channel = sock
                        log.info("HAClient connected to master %s", addr)
                    except OSError as e:
                        log.warning("HAClient connect to master %s failed: %s", addr, e)
            self.current_reported_offset = self._store().get_max_phy_offset()
            self.last_write_timestamp = _now_ms()
        return self.socket_channel is not None

    def close_master(self) -> None:
        sock = self.socket_channel
        if sock is not None:
            try:
                self.selector.unregister(sock)
            except (KeyError, ValueError):
                pass
            try:
                sock.close()
            except OSError as e:
                log.warning("closeMaster exception: %s", e)
            self.socket_channel = None
            self.last_write_timestamp = 0
            self.reader.reset()

    def run(self) -> None:
        cfg = self._store().message_store_config
        while not self.is_stopped():
            try:
                if self.connect_master():
                    if self.is_time_to_report_offset():
                        if not self.report_slave_max_offset(self.current_reported_offset):
                            self.close_master()
                            continue
                    self.selector.select(1.0)
                    if not self.process_read_event():
                        self.close_master()
                        continue
                    if not self.report_slave_max_offset_plus():
                        continue
                    interval = _now_ms() - self.last_write_timestamp
                    if interval > cfg.ha_housekeeping_interval:
                        log.warning("HAClient, housekeeping, found this connection[%s] expired, %d",
                                    self.master_address, interval)
                        self.close_master()
                        log.warning("HAClient, master not response some time, so close connection")
                else:
                    self.wait_for_running(1000 * 5)
            except Exception:
                log.exception("%s service has exception. ", self.get_service_name())
                self.wait_for_running(1000 * 5)
        self.close_master()

    def shutdown(self, interrupt: bool = False) -> None:
        super().shutdown(interrupt)
        self.close_master()
        try:
            self.selector.close()
        except (OSError, ValueError):
            pass
