"""Java ``String.hashCode()`` (the tags code of consume-queue units and the index file's key hash;
spec message-and-store §7; books A7.1.1, B4.5.2, B4.7.2).

Java's loop ``h = 31*h + c`` over UTF-16 code units, wrapped to int32, is the polynomial
``sum(c[i] * 31**(n-1-i)) mod 2**32``.  A Python loop over the characters costs about 0.2 us a
character, which made it the largest part of index dispatch with distinct keys, so the sum is
computed by C code instead:

* ASCII (keys, tags, topics): each character ``c`` is split into two base-31 digits, ``c = 31*q + r``
  (``q <= 4``), so the polynomial is ``int(R, 31) + 31 * int(Q, 31)`` where ``R`` and ``Q`` are the
  digit strings made by ``bytes.translate`` -- ``int()`` then evaluates the polynomial in C.
* other text: ``sum(map(mul, units, powers))`` over the UTF-16 code units (array ``'H'``) and the
  powers of 31 mod 2**32, read backwards.

Long strings go in chunks of ``_CHUNK`` characters combined by Horner's rule
(``h = h * 31**len(chunk) + chunk_sum``), which also keeps ``int()`` under Python's
``sys.set_int_max_str_digits`` limit (640 at the least).  ``java_string_hash_code_loop`` is the plain
definition the tests compare against.
"""
from __future__ import annotations

import sys
from array import array
from functools import lru_cache
from operator import mul

_MASK = 0xFFFFFFFF
_CHUNK = 640  # the smallest limit sys.set_int_max_str_digits accepts
_DIGITS = b"0123456789abcdefghijklmnopqrstu"
#: ASCII byte -> its base-31 digit ``c % 31`` and ``c // 31`` (only ASCII is ever translated)
_LOW = bytes(_DIGITS[c % 31] for c in range(128)) + bytes(128)
_HIGH = bytes(_DIGITS[c // 31] for c in range(128)) + bytes(128)
#: 31**k mod 2**32 for k in 0.._CHUNK
_POW = [1]
for _ in range(_CHUNK):
    _POW.append(_POW[-1] * 31 & _MASK)
_UTF16 = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"


def _ascii_sum(data: bytes) -> int:
    """``sum(c[i] * 31**(n-1-i))`` of ASCII bytes, unreduced (empty gives 0)."""
    if not data:
        return 0
    return int(data.translate(_LOW), 31) + 31 * int(data.translate(_HIGH), 31)


@lru_cache(maxsize=4096)
def java_string_hash_code(s: str) -> int:
    """``h = 31*h + c`` over UTF-16 code units with int32 wrap-around, as a signed int."""
    n = len(s)
    if s.isascii():
        data = s.encode("ascii")
        if n <= _CHUNK:
            h = _ascii_sum(data) & _MASK
        else:
            h = 0
            for i in range(0, n, _CHUNK):
                chunk = data[i:i + _CHUNK]
                h = (h * _POW[len(chunk)] + _ascii_sum(chunk)) & _MASK
    else:
        units = array("H", s.encode(_UTF16, "surrogatepass"))
        if len(units) <= _CHUNK:
            h = sum(map(mul, reversed(units), _POW)) & _MASK
        else:
            h = 0
            for i in range(0, len(units), _CHUNK):
                chunk = units[i:i + _CHUNK]
                h = (h * _POW[len(chunk)] + sum(map(mul, reversed(chunk), _POW))) & _MASK
    return h - 0x100000000 if h & 0x80000000 else h


def java_string_hash_code_loop(s: str) -> int:
    """The plain definition, one code unit at a time (the reference the fast form is tested on)."""
    data = s.encode("utf-16-be", "surrogatepass")
    h = 0
    for i in range(0, len(data), 2):
        h = (31 * h + ((data[i] << 8) | data[i + 1])) & _MASK
    return h - 0x100000000 if h & 0x80000000 else h


def tags_string2tags_code(tags: str | None) -> int:
    """``MessageExtBrokerInner.tagsString2tagsCode``: 0 for empty tags, else the hash code."""
    if not tags:
        return 0
    return java_string_hash_code(tags)
