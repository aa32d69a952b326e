"""SelectMappedBufferResult (Java ``org.apache.rocketmq.store.SelectMappedBufferResult``; book B4.4.2):
a read-only window on a mapped file, handed out without copying.

``byte_buffer`` is a ``memoryview`` slice of the file's mapping.  The file stays mapped while the
result is held; ``release()`` gives the reference back and releases the view, so a reader must not
keep the view (or slices of it) after releasing.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rocketmq_ref.store.mapped_file import MappedFile


class SelectMappedBufferResult:
    __slots__ = ("start_offset", "byte_buffer", "size", "mapped_file", "_lock")

    def __init__(self, start_offset: int, byte_buffer: memoryview, size: int,
                 mapped_file: MappedFile | None) -> None:
        self.start_offset = start_offset
        self.byte_buffer = byte_buffer
        self.size = size
        self.mapped_file = mapped_file
        self._lock = threading.Lock()

    def get_byte_buffer(self) -> memoryview:
        return self.byte_buffer

    def get_size(self) -> int:
        return self.size

    def set_size(self, size: int) -> None:
        """Shrink the window (Java ``setSize`` sets the buffer limit)."""
        old = self.byte_buffer
        self.size = size
        self.byte_buffer = old[:size]
        old.release()

    def get_start_offset(self) -> int:
        return self.start_offset

    def release(self) -> None:
        with self._lock:
            mf = self.mapped_file
            if mf is not None:
                self.mapped_file = None
                try:
                    self.byte_buffer.release()
                except BufferError:  # a caller still exports it; the mapping outlives it safely
                    pass
                mf.release()

    def __enter__(self) -> SelectMappedBufferResult:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"SelectMappedBufferResult(start_offset={self.start_offset}, size={self.size})"
