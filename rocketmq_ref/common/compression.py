"""Body compression (Java ``org.apache.rocketmq.common.compression``: ``CompressionType``,
``CompressorFactory``, ``ZlibCompressor``; spec message-and-store §2; book B3.4.4).

ZLIB (RFC 1950 stream, what every 4.x Java client writes by default) uses the standard library.
LZ4 and ZSTD bodies (4.9.x clients configured with ``rocketmq.message.compressType``) are handled
when the optional ``lz4`` / ``zstandard`` packages are installed, else they raise
``CompressionError`` naming the missing package: the record is still readable, only its body
cannot be inflated.
"""
from __future__ import annotations

import enum
import zlib
from typing import Protocol


class CompressionError(ValueError):
    """A body that cannot be compressed or decompressed."""


class CompressionType(enum.IntEnum):
    LZ4 = 1
    ZSTD = 2
    ZLIB = 3

    @classmethod
    def of(cls, name: str) -> "CompressionType":
        try:
            return cls[name.strip().upper()]
        except KeyError:
            raise CompressionError(f"Unsupported compress type name: {name}") from None

    @classmethod
    def find_by_value(cls, value: int) -> "CompressionType":
        # 0 comes from pre-4.9 clients that set only COMPRESSED_FLAG: their bodies are zlib
        if value in (0, 3):
            return cls.ZLIB
        try:
            return cls(value)
        except ValueError:
            raise CompressionError(f"Unknown compress type value: {value}") from None

    def get_compression_flag(self) -> int:
        """The sysFlag bits (8..10) for this type."""
        return self.value << 8


class Compressor(Protocol):
    def compress(self, src: bytes, level: int) -> bytes: ...

    def decompress(self, src: bytes) -> bytes: ...


class ZlibCompressor:
    def compress(self, src: bytes, level: int = 5) -> bytes:
        return zlib.compress(src, level)

    def decompress(self, src: bytes) -> bytes:
        try:
            return zlib.decompress(src)
        except zlib.error as e:
            raise CompressionError(f"zlib body cannot be decompressed: {e}") from None


class Lz4Compressor:
    """LZ4 frame format, as lz4-java's ``LZ4FrameOutputStream`` writes it."""

    def __init__(self) -> None:
        try:
            import lz4.frame as lz4_frame  # type: ignore[import-not-found]
        except ImportError:
            raise CompressionError("LZ4 message bodies need the 'lz4' package") from None
        self._frame = lz4_frame

    def compress(self, src: bytes, level: int = 5) -> bytes:
        return self._frame.compress(src, compression_level=level)

    def decompress(self, src: bytes) -> bytes:
        try:
            return self._frame.decompress(src)
        except RuntimeError as e:
            raise CompressionError(f"lz4 body cannot be decompressed: {e}") from None


class ZstdCompressor:
    """Zstandard frames, as zstd-jni's ``ZstdOutputStream`` writes them."""

    def __init__(self) -> None:
        try:
            import zstandard  # type: ignore[import-not-found]
        except ImportError:
            raise CompressionError("ZSTD message bodies need the 'zstandard' package") from None
        self._zstd = zstandard

    def compress(self, src: bytes, level: int = 5) -> bytes:
        return self._zstd.ZstdCompressor(level=level).compress(src)

    def decompress(self, src: bytes) -> bytes:
        try:
            return self._zstd.ZstdDecompressor().decompressobj().decompress(src)
        except self._zstd.ZstdError as e:
            raise CompressionError(f"zstd body cannot be decompressed: {e}") from None


_ZLIB = ZlibCompressor()


def get_compressor(type_: CompressionType | int) -> Compressor:
    """``CompressorFactory.getCompressor``."""
    t = CompressionType.find_by_value(int(type_))
    if t is CompressionType.ZLIB:
        return _ZLIB
    if t is CompressionType.LZ4:
        return Lz4Compressor()
    return ZstdCompressor()


def compress(src: bytes, level: int = 5, type_: CompressionType = CompressionType.ZLIB) -> bytes:
    return get_compressor(type_).compress(src, level)


def uncompress(src: bytes, type_: CompressionType | int = CompressionType.ZLIB) -> bytes:
    return get_compressor(type_).decompress(src)
