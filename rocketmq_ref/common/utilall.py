"""Small helpers (Java ``org.apache.rocketmq.common.UtilAll``; books B4.4, B4.9): file names from
offsets, time strings, CRC, upper-case hex, the local IP used in message ids, disk usage."""
from __future__ import annotations

import binascii
import datetime
import logging
import os
import shutil
import socket
import time
import zlib

log = logging.getLogger("rocketmq_ref.common")

YYYY_MM_DD_HH_MM_SS = "%Y-%m-%d %H:%M:%S"
YYYYMMDDHHMMSS = "%Y%m%d%H%M%S"


def get_pid() -> int:
    return os.getpid()


def offset2file_name(offset: int) -> str:
    """A commit-log / consume-queue file name: the start offset, 20 digits zero-padded."""
    return f"{offset:020d}"


def compute_elapsed_time_milliseconds(begin_time_ms: int) -> int:
    return int(time.time() * 1000) - begin_time_ms


def is_it_time_to_do(when: str, now: datetime.datetime | None = None) -> bool:
    """True when the current local hour is one of ``when`` (``"04;05"``), e.g. ``deleteWhen``."""
    hour = (now or datetime.datetime.now()).hour
    for part in when.split(";"):
        part = part.strip()
        if part and int(part) == hour:
            return True
    return False


def format_date(t_ms: int, pattern: str = YYYY_MM_DD_HH_MM_SS) -> str:
    """Java ``UtilAll.formatDate``: a millisecond timestamp in local time (``yyyy-MM-dd HH:mm:ss``
    by default)."""
    return time.strftime(pattern, time.localtime(t_ms / 1000))


def _local(t_ms: int) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(t_ms / 1000.0)


def time_millis_to_human_string(t_ms: int | None = None) -> str:
    """``yyyyMMddHHmmssSSS`` in local time (index file names)."""
    if t_ms is None:
        t_ms = int(time.time() * 1000)
    d = _local(t_ms)
    return f"{d:%Y%m%d%H%M%S}{t_ms % 1000:03d}"


def time_millis_to_human_string2(t_ms: int) -> str:
    """``yyyy-MM-dd HH:mm:ss,SSS`` in local time."""
    d = _local(t_ms)
    return f"{d:%Y-%m-%d %H:%M:%S},{t_ms % 1000:03d}"


def time_millis_to_human_string3(t_ms: int) -> str:
    """``yyyyMMddHHmmss`` in local time."""
    return f"{_local(t_ms):%Y%m%d%H%M%S}"


def human_string_to_time_millis(text: str) -> int:
    """Inverse of :func:`time_millis_to_human_string` (17 digits, local time)."""
    d = datetime.datetime.strptime(text[:14], "%Y%m%d%H%M%S")
    return int(d.timestamp()) * 1000 + int(text[14:17] or 0)


def compute_next_morning_time_millis(now_ms: int | None = None) -> int:
    d = _local(now_ms if now_ms is not None else int(time.time() * 1000))
    nxt = datetime.datetime(d.year, d.month, d.day) + datetime.timedelta(days=1)
    return int(nxt.timestamp() * 1000)


def compute_next_minutes_time_millis(now_ms: int | None = None) -> int:
    d = _local(now_ms if now_ms is not None else int(time.time() * 1000))
    nxt = d.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    return int(nxt.timestamp() * 1000)


def compute_next_hour_time_millis(now_ms: int | None = None) -> int:
    d = _local(now_ms if now_ms is not None else int(time.time() * 1000))
    nxt = d.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    return int(nxt.timestamp() * 1000)


def get_disk_partition_space_used_percent(path: str) -> float:
    """Used fraction (0.0..1.0, rounded up to the percent like Java) of the partition holding
    ``path``; -1 when the path is empty or missing."""
    if not path:
        log.error("Error when measuring disk space usage, path is null or empty, path : %s", path)
        return -1.0
    try:
        usage = shutil.disk_usage(path)
    except OSError:
        log.error("Error when measuring disk space usage, file doesn't exist on this path: %s", path)
        return -1.0
    if usage.total <= 0:
        return -1.0
    used = usage.total - usage.free
    entire = used + usage.free
    result = used * 100 // entire + (1 if (used * 100) % entire else 0)
    return result / 100.0


def crc32(data: bytes | bytearray | memoryview, offset: int = 0, length: int | None = None) -> int:
    """CRC32 as RocketMQ stores it: ``& 0x7FFFFFFF`` so it is never negative as a Java int."""
    if offset or length is not None:
        end = len(data) if length is None else offset + length
        data = memoryview(data)[offset:end]
    return zlib.crc32(data) & 0x7FFFFFFF


def bytes2string(src: bytes | bytearray | memoryview) -> str:
    """Upper-case hex, as ``UtilAll.bytes2string`` (message ids)."""
    return binascii.hexlify(src).decode("ascii").upper()


def string2bytes(hex_string: str) -> bytes:
    """Hex (either case) to bytes; ``ValueError`` on odd length or non-hex characters."""
    if not hex_string:
        return b""
    try:
        return binascii.unhexlify(hex_string)
    except (binascii.Error, ValueError) as e:
        raise ValueError(f"not a hex string: {hex_string!r} ({e})") from None


def is_blank(s: str | None) -> bool:
    return s is None or s.strip() == ""


def frontstring_at_least(s: str, size: int) -> str:
    return s[:size] if s is not None and len(s) > size else s


def as_int(s: str | None, default: int) -> int:
    try:
        return int(s)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default


def is_internal_ip(ip: bytes) -> bool:
    """10/8, 172.16/12, 192.168/16."""
    if len(ip) != 4:
        raise ValueError("illegal ipv4 bytes")
    return ip[0] == 10 or (ip[0] == 172 and 16 <= ip[1] <= 31) or (ip[0] == 192 and ip[1] == 168)


def ip_to_ipv4_str(ip: bytes) -> str | None:
    return socket.inet_ntop(socket.AF_INET, ip) if len(ip) == 4 else None


def ip_to_ipv6_str(ip: bytes) -> str | None:
    """Java's long form: eight groups of four hex digits (``fd00:0000:...``)."""
    if len(ip) != 16:
        return None
    h = ip.hex()
    return ":".join(h[i:i + 4] for i in range(0, 32, 4))


_IP_CACHE: bytes | None = None


def local_ipv4_addresses() -> list[str]:
    """This host's IPv4 addresses, the one of the interface that routes outward first, then the host
    name's (Java walks ``NetworkInterface``; Python has no portable list, so these two stand in)."""
    candidates: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: no packet is sent by a UDP connect
            candidates.append(s.getsockname()[0])
    except OSError:
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            if info[4][0] not in candidates:
                candidates.append(str(info[4][0]))
    except OSError:
        pass
    return candidates


def get_ip() -> bytes:
    """The 4-byte address of this host as message ids carry it: the address of the interface that
    routes outward, else the host name's address, else ``RuntimeError``."""
    global _IP_CACHE  # constant per process, like Java's static initialiser
    if _IP_CACHE is not None:
        return _IP_CACHE
    for text in local_ipv4_addresses():
        if text != "0.0.0.0":
            _IP_CACHE = socket.inet_aton(text)
            return _IP_CACHE
    raise RuntimeError("Can not get local ip")
