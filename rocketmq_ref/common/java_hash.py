"""Java ``String.hashCode()`` (the tags code of consume-queue units; spec message-and-store §7;
books A7.1.1, B4.5.2)."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=4096)
def java_string_hash_code(s: str) -> int:
    """``h = 31*h + c`` over UTF-16 code units with int32 wrap-around, as a signed int."""
    h = 0
    if s.isascii():
        for c in s.encode("ascii"):
            h = (31 * h + c) & 0xFFFFFFFF
    else:
        data = s.encode("utf-16-be", "surrogatepass")
        for i in range(0, len(data), 2):
            h = (31 * h + ((data[i] << 8) | data[i + 1])) & 0xFFFFFFFF
    return h - 0x100000000 if h & 0x80000000 else h


def tags_string2tags_code(tags: str | None) -> int:
    """``MessageExtBrokerInner.tagsString2tagsCode``: 0 for empty tags, else the hash code."""
    if not tags:
        return 0
    return java_string_hash_code(tags)
