"""The put path's fast paths (PERF) answer as the general paths do: a finished future from an
async put, the record parser's IPv4 shortcut beside its IPv6 path."""
from __future__ import annotations

import asyncio
import concurrent.futures

from rocketmq_ref.common.message.message_decoder import message_properties2string
from rocketmq_ref.store.commit_log import completed_future
from rocketmq_ref.store.put_message_result import PutMessageResult, PutMessageStatus
from tests.store.store_a_support import store  # noqa: F401  (fixture)
from tests.store.store_a_support import new_msg, wait_dispatched


def test_async_put_answers_with_a_finished_future_every_reader_understands(store):
    fut = store.async_put_message(new_msg("FastAsync", b"payload", 0))
    assert fut.done()
    assert fut.result().put_message_status is PutMessageStatus.PUT_OK
    seen = []
    fut.add_done_callback(lambda f: seen.append(f.result().append_message_result.logics_offset))
    assert seen == [0]
    done, _ = concurrent.futures.wait([fut], timeout=1)
    assert done == {fut}

    async def awaited():
        return await asyncio.wrap_future(fut)

    assert asyncio.run(awaited()).put_message_status is PutMessageStatus.PUT_OK


def test_finished_futures_do_not_share_callbacks_or_results():
    a = completed_future(PutMessageResult(PutMessageStatus.PUT_OK))
    b = completed_future(PutMessageResult(PutMessageStatus.MESSAGE_ILLEGAL))
    assert a.result().put_message_status is PutMessageStatus.PUT_OK
    assert b.result().put_message_status is PutMessageStatus.MESSAGE_ILLEGAL
    assert a._done_callbacks is not b._done_callbacks and a._waiters is not b._waiters


def test_rejected_async_put_is_a_finished_future_with_the_status(store):
    fut = store.async_put_message(new_msg("T" * 200, b"x", 0))  # topic over 127 bytes
    assert fut.done() and fut.result().put_message_status is PutMessageStatus.MESSAGE_ILLEGAL


def test_dispatch_of_ipv6_and_ipv4_records_gives_the_same_fields(store):
    props = {"KEYS": "k1 k2", "TAGS": "TagA", "UNIQ_KEY": "ABC"}
    for i, born in enumerate((("127.0.0.1", 1), ("::1", 2))):
        m = new_msg("SixFour", b"body", 0)
        m.properties.update(props)
        m.properties_string = message_properties2string(m.properties)
        m.born_host = born
        assert store.put_message(m).is_ok()
    wait_dispatched(store)
    cl = store.commit_log
    first = cl.get_message(0, 4)
    size = int.from_bytes(bytes(first.byte_buffer), "big")
    first.release()
    window = cl.get_data(0)
    try:
        a = cl.check_message_and_return_size(window.byte_buffer, 0, True)
        b = cl.check_message_and_return_size(window.byte_buffer, size, True)
    finally:
        window.release()
    assert a.success and b.success and b.msg_size == a.msg_size + 12
    for field in ("topic", "queue_id", "tags_code", "keys", "uniq_key", "properties_map"):
        assert getattr(a, field) == getattr(b, field)
    assert (a.consume_queue_offset, b.consume_queue_offset) == (0, 1)
    assert b.commit_log_offset == size
