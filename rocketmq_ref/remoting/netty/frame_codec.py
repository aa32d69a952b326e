"""The frame splitter and encoder (Java ``NettyDecoder`` = ``LengthFieldBasedFrameDecoder(16 MiB, 0, 4,
0, 4)`` + ``RemotingCommand.decode``, and ``NettyEncoder``; book A4.3.2, A13.4.2).

Sans-I/O: ``NettyDecoder`` is fed bytes (``feed``) or lends its own buffer to an
``asyncio.BufferedProtocol`` (``get_buffer`` / ``buffer_updated``) and returns the commands completed
so far.  The length field is checked against ``frame_max_length`` as soon as its 4 bytes are there,
before any room is made for the frame, so a peer announcing a huge frame costs nothing; the buffer
shrinks back after a large frame.  Any malformed input raises ``RemotingCommandException`` and the
decoder stays failed (the connection is to be closed).
"""
from __future__ import annotations

import os
import struct

from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

#: Java ``com.rocketmq.remoting.frameMaxLength`` (the length field's 4 bytes included).
FRAME_MAX_LENGTH = int(os.environ.get("ROCKETMQ_FRAME_MAX_LENGTH", 16 * 1024 * 1024))
_INITIAL = 64 * 1024
_MIN_FREE = 16 * 1024
_unpack_len = struct.Struct(">i").unpack_from
_decode_view = RemotingCommand.decode_view


class NettyDecoder:
    """Splits a byte stream into ``RemotingCommand`` objects with every limit checked first."""

    __slots__ = ("frame_max_length", "_buf", "_start", "_end", "_need", "_failed")

    def __init__(self, frame_max_length: int = FRAME_MAX_LENGTH) -> None:
        if frame_max_length < 8:
            raise ValueError("frame_max_length must be at least 8")
        self.frame_max_length = frame_max_length
        self._buf = bytearray(_INITIAL)
        self._start = 0  # first unread byte
        self._end = 0  # end of the bytes received
        self._need = 0  # total bytes (length field included) of the frame being received
        self._failed: str | None = None

    @property
    def pending_bytes(self) -> int:
        """Bytes received but not yet part of a whole frame."""
        return self._end - self._start

    @property
    def buffer_size(self) -> int:
        return len(self._buf)

    # ------------------------------------------------------------ BufferedProtocol face
    def get_buffer(self, sizehint: int = -1) -> memoryview:
        """Room to receive into (``asyncio.BufferedProtocol.get_buffer``)."""
        if self._failed is not None:
            raise RemotingCommandException(f"decoder already failed: {self._failed}")
        start, end = self._start, self._end
        if start == end:
            self._start = self._end = start = end = 0
            if len(self._buf) > 4 * _INITIAL:
                self._buf = bytearray(_INITIAL)  # give back what a large frame took
            if self._need <= len(self._buf):  # everything consumed: the whole buffer is free
                return memoryview(self._buf)
        need = self._need if self._need > 4 else 4
        size = len(self._buf)
        if size - end < _MIN_FREE or start + need > size:
            pending = end - start
            want = max(need, pending) + _MIN_FREE
            if want > size:
                new = bytearray(max(want, min(2 * size, self.frame_max_length + _MIN_FREE)))
                new[:pending] = self._buf[start:end]
                self._buf = new
            elif start:
                self._buf[:pending] = self._buf[start:end]
            self._start, self._end = 0, pending
            end = pending
        return memoryview(self._buf)[end:]

    def buffer_updated(self, nbytes: int) -> list[RemotingCommand]:
        """``nbytes`` were written into the last ``get_buffer``; return the commands now complete."""
        self._end += nbytes
        return self._split()

    # ------------------------------------------------------------ plain face
    def feed(self, data: bytes | bytearray | memoryview) -> list[RemotingCommand]:
        """Append ``data`` and return the commands now complete (raises on a malformed frame)."""
        out: list[RemotingCommand] = []
        with memoryview(data) as src:
            pos, n = 0, len(src)
            while pos < n:
                with self.get_buffer() as room:
                    k = min(len(room), n - pos)
                    room[:k] = src[pos:pos + k]
                pos += k
                out.extend(self.buffer_updated(k))
        return out

    # ------------------------------------------------------------ splitting
    def _split(self) -> list[RemotingCommand]:
        out: list[RemotingCommand] = []
        buf = self._buf
        start, end = self._start, self._end
        limit = self.frame_max_length
        try:
            with memoryview(buf) as view:
                while end - start >= 4:
                    (length,) = _unpack_len(view, start)
                    if length < 4 or length + 4 > limit:
                        raise RemotingCommandException(
                            f"frame length {length} is outside [4, {limit - 4}]"
                            if length < 4 else
                            f"frame of {length + 4} bytes exceeds the maximum {limit}")
                    total = length + 4
                    if end - start < total:
                        self._need = total
                        break
                    out.append(_decode_view(view, start + 4, length))
                    start += total
                else:
                    self._need = 0
        except RemotingCommandException as e:
            self._failed = str(e)
            self._start = self._end = 0
            raise
        self._start = start
        return out


class NettyEncoder:
    """Java ``NettyEncoder``: a command to the buffers to write (header, then the body uncopied)."""

    @staticmethod
    def encode(cmd: RemotingCommand) -> bytes:
        return cmd.encode()

    @staticmethod
    def encode_buffers(cmd: RemotingCommand) -> tuple[bytes, bytes | None]:
        body = cmd.body
        if body:
            return cmd.encode_header(len(body)), body
        return cmd.encode_header(0), None
