"""The HA wire format without sockets (ha-and-flows.md §1.1; B7.1.4, B7.1.5): Java's byte layout
(big-endian int64 offset + int32 size, 8-byte reports), frames split anywhere by TCP, the buffer
compaction, bad headers refused, and WaitNotifyObject's hand-shakes."""
from __future__ import annotations

import struct
import threading
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rocketmq_ref.store.ha.ha_protocol import (
    HEADER_SIZE, HAProtocolError, ReportReader, TransferFrameReader, encode_header, encode_report)
from rocketmq_ref.store.ha.wait_notify_object import WaitNotifyObject


def test_header_and_report_have_javas_byte_layout():
    buf = bytearray(HEADER_SIZE)
    encode_header(buf, 0x0102030405060708, 0x0A0B0C0D)
    assert bytes(buf) == bytes.fromhex("0102030405060708" "0A0B0C0D")
    assert encode_report(4194304) == bytes.fromhex("0000000000400000")


def feed(reader, data: bytes, cuts: list[int]):
    """Feed ``data`` to a reader in pieces split at ``cuts``; collect what each step yields."""
    out = []
    pos = 0
    for end in sorted(set(c for c in cuts if 0 < c < len(data))) + [len(data)]:
        chunk = data[pos:end]
        pos = end
        while chunk:
            w = reader.writable()
            n = min(len(w), len(chunk))
            w[:n] = chunk[:n]
            chunk = chunk[n:]
            out.append(reader.advance(n))
            if isinstance(reader, TransferFrameReader):
                while (frame := reader.next_frame()) is not None:
                    phy, start, size = frame
                    out[-1] = out[-1] or []
                    out[-1].append((phy, bytes(reader.buf[start:start + size])))
    return out


def frames_bytes(frames):
    data = bytearray()
    for phy, body in frames:
        header = bytearray(HEADER_SIZE)
        encode_header(header, phy, len(body))
        data += header + body
    return bytes(data)


@settings(max_examples=60, deadline=None)
@given(bodies=st.lists(st.binary(min_size=0, max_size=300), min_size=1, max_size=12),
       cuts=st.lists(st.integers(0, 5000), max_size=20),
       capacity=st.integers(320, 700))
def test_frames_split_anywhere_come_out_whole_and_in_order(bodies, cuts, capacity):
    frames, offset = [], 1000
    for b in bodies:
        frames.append((offset, b))
        offset += len(b)
    reader = TransferFrameReader(capacity)  # small, so the tail moves to the front often
    got = [f for step in feed(reader, frames_bytes(frames), cuts) if step for f in step]
    assert got == frames


@given(values=st.lists(st.integers(0, 2 ** 62), min_size=1, max_size=30),
       cuts=st.lists(st.integers(0, 300), max_size=10))
def test_master_takes_the_last_complete_report(values, cuts):
    reader = ReportReader(64)  # wraps around like Java's flipped 1 MiB buffer
    data = b"".join(encode_report(v) for v in values)
    seen = [v for v in feed(reader, data, cuts) if v is not None]
    assert seen[-1] == values[-1]
    assert all(v in values for v in seen)


def test_a_report_split_across_reads_counts_only_once_complete():
    reader = ReportReader()
    data = encode_report(123456)
    w = reader.writable()
    w[:5] = data[:5]
    assert reader.advance(5) is None
    w = reader.writable()
    w[:3] = data[5:]
    assert reader.advance(3) == 123456


@pytest.mark.parametrize("header", [struct.pack(">qi", 0, -1), struct.pack(">qi", -5, 10),
                                    struct.pack(">qi", 0, 1 << 30)])
def test_impossible_headers_are_refused(header):
    reader = TransferFrameReader(1024)
    w = reader.writable()
    w[:HEADER_SIZE] = header
    reader.advance(HEADER_SIZE)
    with pytest.raises(HAProtocolError):
        reader.next_frame()


def test_heartbeat_frame_has_an_empty_body():
    reader = TransferFrameReader(64)
    got = feed(reader, frames_bytes([(4096, b"")]), [])
    assert got[-1] == [(4096, b"")]


def test_wakeup_all_releases_every_waiting_writer_and_a_wakeup_before_wait_is_kept():
    w = WaitNotifyObject()
    released = []

    def writer():
        t0 = time.monotonic()
        w.all_wait_for_running(5000)
        released.append(time.monotonic() - t0)
    threads = [threading.Thread(target=writer) for _ in range(3)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 5
    while len(w.waiting_thread_table) < 3 and time.monotonic() < deadline:
        time.sleep(0.005)
    w.wakeup_all()
    for t in threads:
        t.join(5)
    assert len(released) == 3 and max(released) < 4  # not the 5 s timeout
    w.wakeup()  # notified before anyone waits: the next wait returns at once
    t0 = time.monotonic()
    w.wait_for_running(5000)
    assert time.monotonic() - t0 < 4
