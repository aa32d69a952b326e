"""Bloom filter of the consume-queue ext bit map (Java ``filter.util.BloomFilter``, ``BloomFilterData``,
``BitsArray``; books A7.1.3, B5.8).

Each SQL92 filter owns ``k`` bit positions derived from murmur3-128 of ``"<group>#<topic>"`` (Guava's
``Hashing.murmur3_128().hashString(s, UTF_8).asLong()``, double hashing). At dispatch a message's bit
map gets the positions of every filter it matches; a pull then skips units whose map misses any of
its filter's positions without reading the commit log. ``f`` is the error rate in percent, ``n`` the
expected number of filters: ``k = ceil(log_0.5(f/100))``, ``m`` bits rounded up to whole bytes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

_M64 = (1 << 64) - 1
_C1, _C2 = 0x87C37B91114253D5, 0x4CF5AD432745937F


def _rotl64(x: int, r: int) -> int:
    return ((x << r) | (x >> (64 - r))) & _M64


def _fmix64(k: int) -> int:
    k ^= k >> 33
    k = (k * 0xFF51AFD7ED558CCD) & _M64
    k ^= k >> 33
    k = (k * 0xC4CEB9FE1A85EC53) & _M64
    return k ^ (k >> 33)


def murmur3_x64_128(data: bytes, seed: int = 0) -> tuple[int, int]:
    """MurmurHash3 x64 128 (as Guava's ``murmur3_128``): the two 64-bit halves, unsigned."""
    h1 = h2 = seed & _M64
    n = len(data)
    nblocks = n // 16
    for i in range(nblocks):
        k1 = int.from_bytes(data[16 * i:16 * i + 8], "little")
        k2 = int.from_bytes(data[16 * i + 8:16 * i + 16], "little")
        k1 = (_rotl64((k1 * _C1) & _M64, 31) * _C2) & _M64
        h1 ^= k1
        h1 = (_rotl64(h1, 27) + h2) & _M64
        h1 = (h1 * 5 + 0x52DCE729) & _M64
        k2 = (_rotl64((k2 * _C2) & _M64, 33) * _C1) & _M64
        h2 ^= k2
        h2 = (_rotl64(h2, 31) + h1) & _M64
        h2 = (h2 * 5 + 0x38495AB5) & _M64
    tail = data[16 * nblocks:]
    if len(tail) > 8:
        k2 = int.from_bytes(tail[8:], "little")
        h2 ^= (_rotl64((k2 * _C2) & _M64, 33) * _C1) & _M64
    if tail:
        k1 = int.from_bytes(tail[:8], "little")
        h1 ^= (_rotl64((k1 * _C1) & _M64, 31) * _C2) & _M64
    h1 ^= n
    h2 ^= n
    h1 = (h1 + h2) & _M64
    h2 = (h2 + h1) & _M64
    h1, h2 = _fmix64(h1), _fmix64(h2)
    h1 = (h1 + h2) & _M64
    h2 = (h2 + h1) & _M64
    return h1, h2


def _int32(x: int) -> int:
    x &= 0xFFFFFFFF
    return x - (1 << 32) if x & 0x80000000 else x


@dataclass(slots=True)
class BloomFilterData:
    """Java ``BloomFilterData``: one filter's bit positions and the map length they belong to."""
    bit_pos: list[int]
    bit_num: int

    def to_json_value(self) -> dict[str, object]:
        return {"bitNum": self.bit_num, "bitPos": list(self.bit_pos)}

    @classmethod
    def from_json_value(cls, value: object) -> "BloomFilterData | None":
        if not isinstance(value, dict) or not isinstance(value.get("bitPos"), list):
            return None
        return cls([int(p) for p in value["bitPos"]], int(value.get("bitNum") or 0))


class BitsArray:
    """Java ``BitsArray``: bit ``i`` is ``bytes[i // 8] & (1 << i % 8)``."""
    __slots__ = ("bytes", "bit_length")

    def __init__(self, bit_length: int, data: bytes | None = None) -> None:
        self.bit_length = bit_length
        self.bytes = bytearray(data) if data is not None else bytearray((bit_length + 7) // 8)

    @classmethod
    def create(cls, data: bytes) -> "BitsArray":
        return cls(len(data) * 8, data)

    def set_bit(self, bit_pos: int) -> None:
        self.bytes[bit_pos >> 3] |= 1 << (bit_pos & 7)

    def get_bit(self, bit_pos: int) -> bool:
        return bool(self.bytes[bit_pos >> 3] & (1 << (bit_pos & 7)))


class BloomFilter:
    """Java ``BloomFilter.createByFn(f, n)``."""
    __slots__ = ("f", "n", "k", "m")

    def __init__(self, f: int, n: int) -> None:
        if f < 1 or f >= 100:
            raise ValueError("f must be greater or equal than 1 and less than 100")
        if n < 1:
            raise ValueError("n must be greater than 0")
        self.f, self.n = f, n
        error_rate = f / 100.0
        self.k = math.ceil(math.log(error_rate) / math.log(0.5))
        if self.k < 1:
            raise ValueError("Hash function num is less than 1, maybe you should change the value of "
                             "error rate or bit num!")
        m = math.ceil(n * (math.log(1 / error_rate) / math.log(2)) * (math.log(math.e) / math.log(2)))
        self.m = 8 * math.ceil(m / 8.0)

    @classmethod
    def create_by_fn(cls, f: int, n: int) -> "BloomFilter":
        return cls(f, n)

    def calc_bit_positions(self, s: str) -> list[int]:
        h1, _ = murmur3_x64_128(s.encode("utf-8"))
        hash1, hash2 = _int32(h1), _int32(h1 >> 32)
        out = []
        for i in range(1, self.k + 1):
            combined = _int32(hash1 + i * hash2)
            if combined < 0:
                combined = ~combined
            out.append(combined % self.m)
        return out

    def generate(self, s: str) -> BloomFilterData:
        return BloomFilterData(self.calc_bit_positions(s), self.m)

    def is_valid(self, data: BloomFilterData | None) -> bool:
        return data is not None and data.bit_num == self.m and data.bit_pos is not None \
            and len(data.bit_pos) == self.k

    def hash_to(self, data: BloomFilterData, bits: BitsArray) -> None:
        if not self.is_valid(data):
            raise ValueError(f"Bloom filter data may not belong to this filter! {data}, {self}")
        self._check(bits)
        for p in data.bit_pos:
            bits.set_bit(p)

    def is_hit(self, data: BloomFilterData, bits: BitsArray) -> bool:
        if not self.is_valid(data):
            raise ValueError(f"Bloom filter data may not belong to this filter! {data}, {self}")
        self._check(bits)
        return all(bits.get_bit(p) for p in data.bit_pos)

    def _check(self, bits: BitsArray) -> None:
        if bits.bit_length != self.m:
            raise ValueError(f"Length({bits.bit_length}) of bits in BitsArray is not equal to {self.m}!")

    def __repr__(self) -> str:
        return f"f: {self.f}, n: {self.n}, k: {self.k}, m: {self.m}"
