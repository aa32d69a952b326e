"""Hypothesis fuzzing of the frame splitter and decoder: only the codec error escapes, memory stays
bounded, and every valid command survives any chunking."""
from __future__ import annotations

import struct

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rocketmq_ref.common.protocol.header import PullMessageRequestHeader, SendMessageRequestHeaderV2
from rocketmq_ref.remoting.exception import RemotingCommandException
from rocketmq_ref.remoting.netty.frame_codec import NettyDecoder
from rocketmq_ref.remoting.protocol import LanguageCode, RemotingCommand, SerializeType

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MAX = 8192

text = st.text(max_size=40)
commands = st.builds(
    lambda code, flag, opaque, version, remark, ext, body, stype, lang: RemotingCommand(
        code, flag=flag, opaque=opaque, version=version, remark=remark, ext_fields=ext, body=body,
        serialize_type=stype, language=lang),
    code=st.integers(-32768, 32767), flag=st.integers(0, 3),
    opaque=st.integers(-(2 ** 31), 2 ** 31 - 1), version=st.integers(-32768, 32767),
    remark=st.one_of(st.none(), st.text(min_size=1, max_size=60)),
    ext=st.one_of(st.none(), st.dictionaries(st.text(min_size=1, max_size=12),
                                             st.text(min_size=1, max_size=30), max_size=6)),
    body=st.one_of(st.none(), st.binary(min_size=1, max_size=600)),
    stype=st.sampled_from(list(SerializeType)), lang=st.sampled_from(list(LanguageCode)))


def _chunks(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    return [data[a:b] for a, b in zip(points, points[1:])]


def _feed_all(dec: NettyDecoder, pieces: list[bytes]) -> list[RemotingCommand]:
    out = []
    for p in pieces:
        out.extend(dec.feed(p))
        assert dec.pending_bytes <= MAX
        assert dec.buffer_size <= 2 * (64 * 1024 + MAX)
    return out


@FAST
@given(st.lists(commands, min_size=1, max_size=6), st.lists(st.integers(0, 10 ** 6), max_size=12))
def test_valid_commands_survive_any_chunking(cmds, cuts):
    frames = [c.encode() for c in cmds]
    dec = NettyDecoder(frame_max_length=max(MAX, max(len(f) for f in frames)))
    got = []
    for piece in _chunks(b"".join(frames), cuts):
        got.extend(dec.feed(piece))
    assert len(got) == len(cmds) and dec.pending_bytes == 0
    for a, b in zip(cmds, got):
        assert (b.code, b.flag, b.opaque, b.version, b.body, b.language) == (
            a.code, a.flag, a.opaque, a.version, a.body, a.language)
        assert b.serialize_type_current_rpc == a.serialize_type_current_rpc
        if a.serialize_type_current_rpc is SerializeType.JSON:
            assert (b.remark, b.ext_fields) == (a.remark, a.ext_fields)
        else:  # the binary form cannot tell an empty remark or map from a missing one
            assert (b.remark or None, b.ext_fields or None) == (a.remark or None, a.ext_fields or None)


@FAST
@given(st.binary(max_size=3000), st.lists(st.integers(0, 10 ** 6), max_size=10))
def test_arbitrary_bytes_raise_only_the_codec_error(data, cuts):
    dec = NettyDecoder(frame_max_length=MAX)
    try:
        _feed_all(dec, _chunks(data, cuts))
    except RemotingCommandException:
        pass


@FAST
@given(commands, st.lists(st.tuples(st.integers(0, 10 ** 6), st.integers(0, 255)), min_size=1,
                          max_size=8), st.lists(st.integers(0, 10 ** 6), max_size=6))
def test_mutated_frames_raise_only_the_codec_error(cmd, flips, cuts):
    frame = bytearray(cmd.encode())
    for pos, value in flips:
        frame[pos % len(frame)] = value
    dec = NettyDecoder(frame_max_length=MAX)
    try:
        _feed_all(dec, _chunks(bytes(frame) * 2, cuts))
    except RemotingCommandException:
        pass


@FAST
@given(st.integers(0, 2 ** 31 - 1), st.binary(max_size=64))
def test_announced_length_is_checked_before_any_room_is_made(length, tail):
    dec = NettyDecoder(frame_max_length=MAX)
    try:
        dec.feed(struct.pack(">i", length) + tail)
    except RemotingCommandException as e:
        assert length + 4 > MAX or length < 4 or "header" in str(e) or "JSON" in str(e) or \
            "serialize type" in str(e) or "ROCKETMQ" in str(e)
    assert dec.buffer_size <= 64 * 1024 + MAX + 16 * 1024


scalars = st.one_of(st.text(max_size=20), st.integers().map(str), st.sampled_from(
    ["true", "false", "0", "1", "", " 1", "1e3", "9" * 30]))


@FAST
@given(st.dictionaries(st.sampled_from([f.key for f in SendMessageRequestHeaderV2.header_fields()]
                                       + [f.key for f in PullMessageRequestHeader.header_fields()]
                                       + ["junk"]), scalars, max_size=20))
def test_custom_header_decoding_raises_only_the_codec_error(ext):
    for cls in (SendMessageRequestHeaderV2, PullMessageRequestHeader):
        try:
            h = cls.decode(ext)
        except RemotingCommandException:
            continue
        assert cls.decode(h.to_ext_fields()) == h
