"""Message, MessageExt/MessageClientExt, MessageQueue, MessageBatch, MessageAccessor (book B3.2)."""
from __future__ import annotations

import pytest

from rocketmq_ref.common.message import message_accessor as ma
from rocketmq_ref.common.message.message import Message, MessageClientExt, MessageExt
from rocketmq_ref.common.message.message_batch import MessageBatch, MessageBatchError
from rocketmq_ref.common.message.message_decoder import decode_messages
from rocketmq_ref.common.message.message_queue import MessageQueue


def test_message_constructor_sets_tags_keys_and_wait_like_java():
    m = Message("TopicTest", b"hi", tags="TagA", keys=["k1", "k2"])
    assert m.properties == {"TAGS": "TagA", "KEYS": "k1 k2", "WAIT": "true"}
    assert m.wait_store_msg_ok is True
    m.wait_store_msg_ok = False
    assert m.properties["WAIT"] == "false" and m.wait_store_msg_ok is False
    assert Message("T", b"").delay_time_level == 0
    m.delay_time_level = 3
    assert m.properties["DELAY"] == "3" and m.delay_time_level == 3


def test_user_properties_refuse_system_keys_and_blanks():
    m = Message("T", b"x")
    m.put_user_property("color", "red")
    assert m.get_user_property("color") == "red"
    with pytest.raises(ValueError, match="used by system"):
        m.put_user_property("TAGS", "x")
    with pytest.raises(ValueError, match="blank"):
        m.put_user_property("k", "  ")


def test_client_ext_msg_id_prefers_uniq_key_and_ignores_sets():
    m = MessageClientExt("T", b"x", store_host=("127.0.0.1", 10911), commit_log_offset=1)
    assert m.msg_id == m.offset_msg_id == "7F00000100002A9F0000000000000001"
    m.properties["UNIQ_KEY"] = "ABC"
    assert m.msg_id == "ABC"
    m.msg_id = "ignored"
    assert m.msg_id == "ABC" and m.offset_msg_id == "7F00000100002A9F0000000000000001"


def test_message_ext_msg_id_can_be_set():
    m = MessageExt("T", b"x", store_host=("127.0.0.1", 10911))
    m.msg_id = "X"
    assert m.msg_id == "X"
    assert MessageExt.parse_topic_filter_type(2) == "MULTI_TAG"
    assert MessageExt.parse_topic_filter_type(0) == "SINGLE_TAG"


def test_message_queue_is_hashable_and_ordered_like_java_compare_to():
    a = MessageQueue("T", "broker-a", 1)
    assert a == MessageQueue("T", "broker-a", 1) and hash(a) == hash(MessageQueue("T", "broker-a", 1))
    qs = [MessageQueue("T", "broker-b", 0), MessageQueue("S", "broker-z", 9),
          MessageQueue("T", "broker-a", 2), MessageQueue("T", "broker-a", 1)]
    assert sorted(qs) == [MessageQueue("S", "broker-z", 9), MessageQueue("T", "broker-a", 1),
                          MessageQueue("T", "broker-a", 2), MessageQueue("T", "broker-b", 0)]
    assert MessageQueue.from_json_value(a.to_json_value()) == a
    assert a.to_json_value() == {"brokerName": "broker-a", "queueId": 1, "topic": "T"}


def test_batch_generate_from_list_checks_topic_wait_delay_and_retry():
    msgs = [Message("T", b"1"), Message("T", b"2")]
    batch = MessageBatch.generate_from_list(msgs)
    assert batch.topic == "T" and batch.wait_store_msg_ok and len(batch) == 2
    assert [m.body for m in decode_messages(batch.encode())] == [b"1", b"2"]
    with pytest.raises(MessageBatchError, match="topic"):
        MessageBatch.generate_from_list([Message("T", b"1"), Message("U", b"2")])
    with pytest.raises(MessageBatchError, match="waitStoreMsgOK"):
        MessageBatch.generate_from_list([Message("T", b"1"), Message("T", b"2", wait_store_msg_ok=False)])
    delayed = Message("T", b"1")
    delayed.delay_time_level = 2
    with pytest.raises(MessageBatchError, match="TimeDelayLevel"):
        MessageBatch.generate_from_list([delayed])
    with pytest.raises(MessageBatchError, match="Retry"):
        MessageBatch.generate_from_list([Message("%RETRY%g", b"1")])
    with pytest.raises(MessageBatchError):
        MessageBatch.generate_from_list([])


def test_accessor_helpers_and_clone():
    m = Message("T", b"x", tags="A")
    ma.set_reconsume_time(m, "3")
    ma.set_max_reconsume_times(m, "16")
    ma.set_origin_message_id(m, "ID")
    assert (ma.get_reconsume_time(m), ma.get_max_reconsume_times(m), ma.get_origin_message_id(m)) == ("3", "16", "ID")
    c = ma.clone_message(m)
    c.properties["X"] = "1"
    assert "X" not in m.properties and c.body == m.body and c.tags == "A"
    ma.clear_property(m, "TAGS")
    assert m.tags is None


def test_from_record_sets_every_slot_init_sets():
    import inspect
    params = [p for p in inspect.signature(MessageExt.from_record).parameters if p != "cls"]
    m = MessageExt.from_record(*range(len(params)))
    ref = MessageExt()
    for cls in (MessageExt, Message):
        for slot in cls.__slots__:
            getattr(m, slot)  # raises AttributeError when the fast constructor forgot one
            getattr(ref, slot)
