"""TraceDataEncoder byte for byte against the records Java 4.9.8 writes and reads (\\u0001 between
fields, \\u0002 after each record), and TraceView's selection of one message's records."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rocketmq_ref.client.trace import (TraceBean, TraceContext, TraceDataEncoder, TraceDataFormatError,
                                       TraceType, TraceView)
from rocketmq_ref.client.trace.trace_constants import AccessChannel
from rocketmq_ref.client.trace.trace_data_encoder import java_split
from rocketmq_ref.common.message import MessageExt
from rocketmq_ref.common.message.message_type import MessageType

C, F = "\x01", "\x02"
MSG_ID = "7F0000010BB418B4AAC2395D1C0A0000"
OFFSET_ID = "0A00000100002A9F0000000000000A2C"


def record(*fields: object) -> str:
    return C.join(str(f) for f in fields)


def pub_context(**kw: object) -> TraceContext:
    bean = TraceBean(topic="TopicTest", msg_id=MSG_ID, offset_msg_id=OFFSET_ID, tags="TagA",
                     keys="k1 k2", store_host="10.0.0.1:10911", body_length=11,
                     msg_type=MessageType.Normal_Msg)
    ctx = TraceContext(TraceType.Pub, 1700000000123, "DefaultRegion", group_name="pg", cost_time=7,
                       trace_beans=[bean])
    for k, v in kw.items():
        setattr(ctx, k, v)
    return ctx


def test_pub_record_is_javas_fourteen_fields_and_keys_are_id_plus_each_key():
    bean = TraceDataEncoder.encoder_from_context_bean(pub_context())
    assert bean.trans_data == record("Pub", 1700000000123, "DefaultRegion", "pg", "TopicTest", MSG_ID,
                                     "TagA", "k1 k2", "10.0.0.1:10911", 11, 7, 0, OFFSET_ID, "true") + F
    assert bean.trans_key == {MSG_ID, "k1", "k2"}


def test_missing_tags_and_keys_are_written_as_java_null_and_not_used_as_keys():
    ctx = pub_context(is_success=False)
    ctx.trace_beans[0].tags = None
    ctx.trace_beans[0].keys = None
    ctx.trace_beans[0].msg_type = MessageType.Delay_Msg
    bean = TraceDataEncoder.encoder_from_context_bean(ctx)
    fields = bean.trans_data.rstrip(F).split(C)
    assert (fields[6], fields[7], fields[11], fields[13]) == ("null", "null", "3", "false")
    assert bean.trans_key == {MSG_ID}


def test_sub_before_writes_one_record_per_message_with_the_shared_request_id():
    ctx = TraceContext(TraceType.SubBefore, 1700000000200, "DefaultRegion", group_name="cg",
                       request_id="REQ1", trace_beans=[TraceBean(msg_id="A", retry_times=0, keys="ka"),
                                                       TraceBean(msg_id="B", retry_times=2, keys=None)])
    bean = TraceDataEncoder.encoder_from_context_bean(ctx)
    assert bean.trans_data == (record("SubBefore", 1700000000200, "DefaultRegion", "cg", "REQ1", "A", 0, "ka")
                               + F + record("SubBefore", 1700000000200, "DefaultRegion", "cg", "REQ1", "B",
                                            2, "null") + F)
    assert bean.trans_key == {"A", "ka", "B"}


def test_sub_after_ends_with_time_and_group_on_local_and_without_them_on_cloud():
    ctx = TraceContext(TraceType.SubAfter, 1700000000300, group_name="cg", request_id="REQ1", cost_time=4,
                       is_success=True, context_code=0, access_channel=AccessChannel.LOCAL,
                       trace_beans=[TraceBean(msg_id="A", keys="ka")])
    assert TraceDataEncoder.encoder_from_context_bean(ctx).trans_data == \
        record("SubAfter", "REQ1", "A", 4, "true", "ka", 0, 1700000000300, "cg") + F
    ctx.access_channel = AccessChannel.CLOUD
    assert TraceDataEncoder.encoder_from_context_bean(ctx).trans_data == \
        record("SubAfter", "REQ1", "A", 4, "true", "ka", 0) + C


def test_end_transaction_record_carries_state_name_and_check_flag():
    bean = TraceBean(topic="TopicTx", msg_id=MSG_ID, tags="T", keys="k", store_host="10.0.0.1:10911",
                     msg_type=MessageType.Trans_msg_Commit, transaction_id="TX1",
                     transaction_state="COMMIT_MESSAGE", from_transaction_check=True)
    ctx = TraceContext(TraceType.EndTransaction, 1700000000400, "DefaultRegion", group_name="tpg",
                       trace_beans=[bean])
    assert TraceDataEncoder.encoder_from_context_bean(ctx).trans_data == record(
        "EndTransaction", 1700000000400, "DefaultRegion", "tpg", "TopicTx", MSG_ID, "T", "k",
        "10.0.0.1:10911", 2, "TX1", "COMMIT_MESSAGE", "true") + F


def test_decoding_a_java_body_with_every_record_kind():
    body = (record("Pub", 1, "R", "pg", "T", "ID", "tag", "k", "h:1", 5, 3, 1, "OFF", "true") + F
            + record("SubBefore", 2, "R", "cg", "REQ", "ID", 1, "k") + F
            + record("SubAfter", "REQ", "ID", 9, "false", "k", 4, 3, "cg") + F
            + record("EndTransaction", 4, "R", "pg", "T", "ID", "tag", "k", "h:1", 2, "TX",
                     "ROLLBACK_MESSAGE", "false") + F)
    pub, before, after, end = TraceDataEncoder.decoder_from_trace_data_string(body)
    assert (pub.trace_type, pub.time_stamp, pub.group_name, pub.cost_time, pub.is_success) == \
        (TraceType.Pub, 1, "pg", 3, True)
    b = pub.trace_beans[0]
    assert (b.topic, b.msg_id, b.offset_msg_id, b.body_length, b.msg_type) == \
        ("T", "ID", "OFF", 5, MessageType.Trans_Msg_Half)
    assert (before.request_id, before.trace_beans[0].retry_times, before.group_name) == ("REQ", 1, "cg")
    assert (after.request_id, after.cost_time, after.is_success, after.context_code, after.time_stamp,
            after.group_name) == ("REQ", 9, False, 4, 3, "cg")
    e = end.trace_beans[0]
    assert (e.transaction_id, e.transaction_state, e.from_transaction_check) == ("TX", "ROLLBACK_MESSAGE", False)


def test_old_client_records_decode_as_java_reads_them():
    pub13 = record("Pub", 1, "R", "pg", "T", "ID", "tag", "k", "h", 5, 3, 0, "false")  # no offset id
    pub15 = record("Pub", 1, "R", "pg", "T", "ID", "tag", "k", "h", 5, 3, 0, "OFF", "true", "10.1.1.1")
    after6 = record("SubAfter", "REQ", "ID", 9, "true", "k")  # before contextCode existed
    ctxs = TraceDataEncoder.decoder_from_trace_data_string(F.join((pub13, pub15, after6)))
    assert ctxs[0].is_success is False and ctxs[0].trace_beans[0].offset_msg_id == ""
    assert ctxs[1].trace_beans[0].client_host == "10.1.1.1"
    assert (ctxs[2].context_code, ctxs[2].group_name) == (0, "")


def test_unknown_record_kinds_are_skipped_and_bad_numbers_name_the_record():
    assert TraceDataEncoder.decoder_from_trace_data_string(record("Nope", 1, 2) + F) == []
    assert TraceDataEncoder.decoder_from_trace_data_string("") == []
    with pytest.raises(TraceDataFormatError, match="SubBefore"):
        TraceDataEncoder.decoder_from_trace_data_string(record("SubBefore", "x", "R", "cg", "REQ", "ID", 0, "k"))
    with pytest.raises(TraceDataFormatError, match="ordinal"):
        TraceDataEncoder.decoder_from_trace_data_string(
            record("Pub", 1, "R", "pg", "T", "ID", "t", "k", "h", 5, 3, -1, "OFF", "true"))
    with pytest.raises(TraceDataFormatError):
        TraceDataEncoder.decoder_from_trace_data_string(record("Pub", 1, "R"))


def test_java_split_drops_only_trailing_empty_fields():
    assert java_split("a\x01\x01b\x01\x01", C) == ["a", "", "b"]
    assert java_split("\x01\x01", C) == []
    assert java_split("", C) == [""]


_text = st.text(alphabet=st.characters(blacklist_characters="\x01\x02 ", blacklist_categories=("Cs",)),
                min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(group=_text, topic=_text, tags=_text, keys=st.lists(_text, min_size=1, max_size=3),
       cost=st.integers(0, 2**31 - 1), ok=st.booleans(), kind=st.sampled_from(list(MessageType)))
def test_pub_round_trips(group, topic, tags, keys, cost, ok, kind):
    bean = TraceBean(topic=topic, msg_id=MSG_ID, offset_msg_id=OFFSET_ID, tags=tags, keys=" ".join(keys),
                     store_host="h:1", body_length=3, msg_type=kind)
    ctx = TraceContext(TraceType.Pub, 42, "R", group_name=group, cost_time=cost, is_success=ok,
                       trace_beans=[bean])
    (back,) = TraceDataEncoder.decoder_from_trace_data_string(
        TraceDataEncoder.encoder_from_context_bean(ctx).trans_data)
    assert (back.group_name, back.cost_time, back.is_success, back.trace_beans[0]) == (group, cost, ok, bean)


def test_trace_view_keeps_only_the_asked_message_and_takes_the_client_host_from_the_trace_message():
    body = (record("Pub", 1700000000123, "R", "pg", "T", "ID1", "tag", "k", "h:1", 5, 3, 0, "OFF", "true") + F
            + record("Pub", 1700000000124, "R", "pg", "T", "ID2", "tag", "k", "h:1", 5, 3, 0, "OFF", "false") + F
            + record("SubAfter", "REQ", "ID1", 9, "false", "k", 0, 1700000000200, "cg") + F)
    trace_msg = MessageExt("RMQ_SYS_TRACE_TOPIC", body.encode(), born_host=("10.9.8.7", 50000))
    views = TraceView.decode_from_trace_trans_data("ID1", trace_msg)
    assert [(v.msg_type, v.group_name, v.status, v.client_host) for v in views] == \
        [("Pub", "pg", "success", "10.9.8.7"), ("SubAfter", "cg", "failed", "10.9.8.7")]
