"""The HA wire format, sans I/O (no Java class: inline in Java ``HAConnection`` and
``HAService.HAClient``; B7.1.4, B7.1.5).

Plain TCP on the master's ``haListenPort`` (``listenPort + 1``), big-endian like Java's ByteBuffer:

* slave -> master: 8 bytes, the slave's commit-log max offset (first one: where to start; later
  ones: acks).  The master only looks at the last complete value it has read.
* master -> slave: a 12-byte header (int64 ``phyOffset``, int32 ``bodySize``) and ``bodySize`` raw
  commit-log bytes from that offset; ``bodySize == 0`` is a heartbeat.

The two readers keep Java's buffers (1 MiB on the master, 4 MiB on the slave) and positions, so the
socket code only fills ``writable()`` and asks for what is complete.
"""
from __future__ import annotations

import struct

__all__ = ["HEADER_SIZE", "REPORT_SIZE", "HAProtocolError", "encode_header", "encode_report",
           "ReportReader", "TransferFrameReader"]

HEADER_SIZE = 8 + 4
REPORT_SIZE = 8
_HEADER = struct.Struct(">qi")
_REPORT = struct.Struct(">q")


class HAProtocolError(Exception):
    """A peer sent bytes that cannot be an HA frame (the connection is closed, nothing is stored)."""


def encode_header(buf: bytearray, phy_offset: int, body_size: int) -> None:
    """Write the 12-byte transfer header into ``buf`` (reused for every frame)."""
    _HEADER.pack_into(buf, 0, phy_offset, body_size)


def encode_report(max_offset: int) -> bytes:
    return _REPORT.pack(max_offset)


class ReportReader:
    """The master's ReadSocketService buffer: 1 MiB, restarted from 0 once full (8-aligned)."""

    READ_MAX_BUFFER_SIZE = 1024 * 1024

    __slots__ = ("buf", "view", "position", "process_position")

    def __init__(self, capacity: int = READ_MAX_BUFFER_SIZE) -> None:
        if capacity % REPORT_SIZE:
            raise ValueError("capacity must be a multiple of 8")
        self.buf = bytearray(capacity)
        self.view = memoryview(self.buf)
        self.position = 0
        self.process_position = 0

    def writable(self) -> memoryview:
        if self.position == len(self.buf):  # Java flips the full buffer and starts over
            self.position = 0
            self.process_position = 0
        return self.view[self.position:]

    def advance(self, n: int) -> int | None:
        """Account ``n`` received bytes; the last complete reported offset, or None if none yet."""
        self.position += n
        if self.position - self.process_position < REPORT_SIZE:
            return None
        pos = self.position - self.position % REPORT_SIZE
        self.process_position = pos
        return _REPORT.unpack_from(self.buf, pos - REPORT_SIZE)[0]


class TransferFrameReader:
    """The slave's HAClient buffer: 4 MiB; frames are handed out in place (no copy of the body).

    ``next_frame()`` gives ``(phy_offset, body_start, body_size)`` for a complete frame and moves past
    it; ``peek_header()`` lets the caller check the offset as soon as the header is in (Java checks
    it before the body arrives).  When the buffer is full the unread tail moves to the front.
    """

    READ_MAX_BUFFER_SIZE = 1024 * 1024 * 4

    __slots__ = ("buf", "view", "position", "dispatch_position")

    def __init__(self, capacity: int = READ_MAX_BUFFER_SIZE) -> None:
        self.buf = bytearray(capacity)
        self.view = memoryview(self.buf)
        self.position = 0
        self.dispatch_position = 0

    def reset(self) -> None:
        self.position = 0
        self.dispatch_position = 0

    def writable(self) -> memoryview:
        if self.position == len(self.buf):
            self.reallocate_byte_buffer()
        return self.view[self.position:]

    def advance(self, n: int) -> None:
        self.position += n

    def peek_header(self) -> tuple[int, int] | None:
        if self.position - self.dispatch_position < HEADER_SIZE:
            return None
        phy_offset, body_size = _HEADER.unpack_from(self.buf, self.dispatch_position)
        if phy_offset < 0 or body_size < 0 or body_size > len(self.buf) - HEADER_SIZE:
            raise HAProtocolError(f"bad HA transfer header: phyOffset={phy_offset} bodySize={body_size}")
        return phy_offset, body_size

    def next_frame(self) -> tuple[int, int, int] | None:
        header = self.peek_header()
        if header is None:
            return None
        phy_offset, body_size = header
        start = self.dispatch_position + HEADER_SIZE
        if self.position - start < body_size:
            return None
        self.dispatch_position = start + body_size
        return phy_offset, start, body_size

    def reallocate_byte_buffer(self) -> None:
        """Move the unread tail to the front (Java swaps to a backup buffer and copies the same)."""
        remain = self.position - self.dispatch_position
        if remain > 0:
            tail = self.view[self.dispatch_position:self.position]
            # slice assignment is a memcpy: copy first when the ranges overlap
            self.buf[0:remain] = bytes(tail) if remain > self.dispatch_position else tail
        self.position = remain
        self.dispatch_position = 0
