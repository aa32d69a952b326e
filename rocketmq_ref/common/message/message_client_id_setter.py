"""The client message id ``UNIQ_KEY`` (Java ``org.apache.rocketmq.common.message.MessageClientIDSetter``;
spec message-and-store §5; books B3.4.4, A6.2).

Layout, upper-case hex: client IP (4 or 16 bytes) + low 16 bits of the pid + a per-process random
int (Java: the class loader's hash code) + int32 ms since the start of the current month (local
time) + low 16 bits of a process-wide counter.  Everything before the time is fixed per process.
"""
from __future__ import annotations

import datetime
import itertools
import os
import random
import struct
import threading
import time

from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message.message import Message
from rocketmq_ref.common.utilall import get_ip, ip_to_ipv4_str, ip_to_ipv6_str, string2bytes

_TAIL = struct.Struct(">iH")


def create_fake_ip(now_ms: int | None = None) -> bytes:
    """The low 4 bytes of the clock, used when no local address can be found."""
    ms = int(time.time() * 1000) if now_ms is None else now_ms
    return (ms & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big")[4:]


def _month_bounds(now_ms: int) -> tuple[int, int]:
    d = datetime.datetime.fromtimestamp(now_ms / 1000.0)
    start = datetime.datetime(d.year, d.month, 1)
    nxt = datetime.datetime(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return int(start.timestamp() * 1000), int(nxt.timestamp() * 1000)


class MessageClientIDSetter:
    """Process-wide generator; the class holds the per-process prefix like Java's static state."""

    _lock = threading.Lock()
    _counter = itertools.count()
    try:
        _ip = get_ip()
    except RuntimeError:
        _ip = create_fake_ip()
    FIX_STRING: str = (_ip + struct.pack(">Hi", os.getpid() & 0xFFFF,
                                         random.getrandbits(32) - (1 << 31))).hex().upper()
    LEN: int = len(_ip) + 2 + 4 + 4 + 2
    _start_time, _next_start_time = _month_bounds(int(time.time() * 1000))

    @classmethod
    def _set_start_time(cls, now_ms: int) -> None:
        with cls._lock:
            cls._start_time, cls._next_start_time = _month_bounds(now_ms)

    @classmethod
    def create_uniq_id(cls) -> str:
        current = int(time.time() * 1000)
        if current >= cls._next_start_time:
            cls._set_start_time(current)
        diff = current - cls._start_time
        if -1_000_000 < diff < 0:  # the clock stepped back (NTP)
            diff = 0
        diff = ((diff + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)
        return cls.FIX_STRING + _TAIL.pack(diff, next(cls._counter) & 0xFFFF).hex().upper()

    @classmethod
    def set_uniq_id(cls, msg: Message) -> None:
        """Give ``msg`` a UNIQ_KEY unless it has one (retries keep the first)."""
        if msg.properties.get(mc.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) is None:
            msg.properties[mc.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX] = cls.create_uniq_id()

    @staticmethod
    def get_uniq_id(msg: Message) -> str | None:
        return msg.properties.get(mc.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)

    @staticmethod
    def get_ip_from_id(msg_id: str) -> bytes:
        raw = string2bytes(msg_id)
        return raw[:16 if len(raw) == 28 else 4]

    @staticmethod
    def get_ip_str_from_id(msg_id: str) -> str | None:
        ip = MessageClientIDSetter.get_ip_from_id(msg_id)
        return ip_to_ipv6_str(ip) if len(ip) == 16 else ip_to_ipv4_str(ip)

    @staticmethod
    def get_pid_from_id(msg_id: str) -> int:
        raw = string2bytes(msg_id)
        return int.from_bytes(raw[len(raw) - 12:len(raw) - 10], "big")

    @staticmethod
    def get_nearly_time_from_id(msg_id: str, now_ms: int | None = None) -> int:
        """The send time (ms) the id carries: this month's start + offset, or last month's when
        that would be in the future (Java ``getNearlyTimeFromID``)."""
        raw = string2bytes(msg_id)
        ip_len = 16 if len(raw) == 28 else 4
        span_ms = int.from_bytes(raw[ip_len + 6:ip_len + 10], "big")
        now = int(time.time() * 1000) if now_ms is None else now_ms
        start, _ = _month_bounds(now)
        if start + span_ms > now:  # Java has >=, which dates an id from this very ms a month back
            d = datetime.datetime.fromtimestamp(start / 1000.0)
            prev = datetime.datetime(d.year - (d.month == 1), (d.month - 2) % 12 + 1, 1)
            start = int(prev.timestamp() * 1000)
        return start + span_ms


create_uniq_id = MessageClientIDSetter.create_uniq_id
set_uniq_id = MessageClientIDSetter.set_uniq_id
get_uniq_id = MessageClientIDSetter.get_uniq_id
