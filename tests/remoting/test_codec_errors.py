"""Malformed frames raise the one codec error, saying what was wrong, before anything is allocated."""
from __future__ import annotations

import struct

import pytest

from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.netty.frame_codec import NettyDecoder
from rocketmq_ref.remoting.protocol import RemotingCommand, SerializeType


def _frame(header: bytes, stype: int = 0, body: bytes = b"") -> bytes:
    return struct.pack(">ii", 4 + len(header) + len(body), (stype << 24) | len(header)) + header + body


def _fails(data: bytes, match: str, **kw) -> None:
    dec = NettyDecoder(**kw)
    with pytest.raises(RemotingCommandException, match=match):
        dec.feed(data)
    # the decoder stays failed: the connection is to be closed
    with pytest.raises(RemotingCommandException, match="already failed"):
        dec.feed(b"\x00")


def test_oversize_frame_is_refused_from_its_length_field_alone():
    dec = NettyDecoder(frame_max_length=1024)
    with pytest.raises(RemotingCommandException, match="exceeds the maximum 1024"):
        dec.feed(struct.pack(">i", 2000))
    assert dec.buffer_size <= 128 * 1024


def test_default_limit_is_16_mib_including_the_length_field():
    ok = 16 * 1024 * 1024 - 4
    dec = NettyDecoder()
    assert dec.feed(struct.pack(">i", ok)) == []  # announced, not yet received: fine
    _fails(struct.pack(">i", ok + 1), "exceeds the maximum 16777216")


def test_negative_and_tiny_lengths_are_refused():
    _fails(struct.pack(">i", -1), r"frame length -1 is outside")
    _fails(struct.pack(">i", 2) + b"xx", r"frame length 2 is outside")


def test_header_length_beyond_the_frame_is_refused():
    _fails(struct.pack(">ii", 8, 100) + b"{}{}", "bad header length: 100")


def test_unknown_serialize_type_is_refused():
    _fails(_frame(b"{}", stype=7), "unknown serialize type 7")


@pytest.mark.parametrize("header, match", [
    (b"{not json", "not valid JSON"),
    (b"[1,2]", "must be an object"),
    (b'{"code":"abc"}', "code must be an integer"),
    (b'{"code":1,"extFields":[1]}', "extFields must be an object"),
    (b'{"opaque":99999999999}', "out of the int32 range"),
    (b'{"code":1,"remark":"\xff\xfe"}', "not valid JSON"),
])
def test_malformed_json_headers_are_refused(header, match):
    _fails(_frame(header), match)


def _rmq(remark_len: int, remark: bytes, ext: bytes, ext_len: int | None = None) -> bytes:
    return (struct.pack(">hbhiii", 10, 0, 1, 2, 0, remark_len) + remark
            + struct.pack(">i", len(ext) if ext_len is None else ext_len) + ext)


@pytest.mark.parametrize("header, match", [
    (b"\x00" * 10, "too short"),
    (_rmq(1000, b"ab", b""), "remark length 1000 exceeds"),
    (_rmq(-3, b"", b""), "remark length -3 exceeds"),
    (_rmq(0, b"", b"", ext_len=500), "extFields length 500 exceeds"),
    (_rmq(0, b"", b"\x00\x09ab" + b"\x00\x00\x00\x00"), "key length 9 exceeds"),
    (_rmq(0, b"", b"\x00\x01a" + b"\x00\x00\x01\x00"), "value length 256 exceeds"),
    (_rmq(0, b"", b"\x00"), "truncated extFields key length"),
    (_rmq(2, b"\xc3\x28", b""), "remark is not UTF-8"),
    (_rmq(0, b"", b"") + b"zz", "left over"),
])
def test_malformed_rocketmq_headers_are_refused(header, match):
    _fails(_frame(header, stype=1), match)


def test_valid_frames_before_a_bad_one_are_still_delivered():
    good = RemotingCommand(34, serialize_type=SerializeType.ROCKETMQ).encode()
    dec = NettyDecoder()
    assert len(dec.feed(good + good)) == 2
    with pytest.raises(RemotingCommandException):
        dec.feed(_frame(b"oops"))


def test_zero_length_ext_key_or_value_reads_as_missing():
    ext = b"\x00\x00" + b"\x00\x00\x00\x01v" + b"\x00\x01k" + b"\x00\x00\x00\x00" + b"\x00\x01t\x00\x00\x00\x01x"
    cmd = RemotingCommand.decode(_frame(_rmq(0, b"", ext), stype=1)[4:])
    assert cmd.ext_fields == {"t": "x"}
