"""ProcessQueue: the cache flow control reads and the offset it lets the consumer commit."""
from __future__ import annotations

import time

from rocketmq_ref.client.impl.consumer.process_queue import ProcessQueue
from rocketmq_ref.common.message import MessageExt


def msg(offset: int, size: int = 10, **props: str) -> MessageExt:
    return MessageExt("T", b"x" * size, queue_offset=offset, properties=dict(props))


def test_remove_message_answers_the_smallest_offset_still_cached():
    pq = ProcessQueue()
    msgs = [msg(i) for i in range(10, 15)]
    assert pq.put_message(msgs) is True
    assert pq.msg_count == 5 and pq.msg_size == 50
    # finishing 11..14 out of order cannot move the offset past 10
    assert pq.remove_message([msgs[3], msgs[1], msgs[4], msgs[2]]) == 10
    assert pq.remove_message([msgs[0]]) == 15  # empty now: queueOffsetMax + 1
    assert pq.msg_count == 0 and pq.msg_size == 0
    assert pq.remove_message([msgs[0]]) == -1  # already empty


def test_max_span_and_duplicates():
    pq = ProcessQueue()
    pq.put_message([msg(5), msg(100)])
    pq.put_message([msg(5)])  # a duplicate does not count twice
    assert pq.msg_count == 2
    assert pq.get_max_span() == 95
    assert pq.first_offset() == 5


def test_put_message_dispatches_only_when_not_already_consuming_in_orderly_mode():
    pq = ProcessQueue()
    assert pq.put_message([msg(1)]) is True
    assert pq.put_message([msg(2)]) is False  # consuming flag already set
    taken = pq.take_messages(5)
    assert [m.queue_offset for m in taken] == [1, 2]
    assert pq.commit() == 3
    assert pq.take_messages(5) == [] and pq.consuming is False


def test_rollback_and_consume_again_put_messages_back():
    pq = ProcessQueue()
    pq.put_message([msg(1), msg(2), msg(3)])
    taken = pq.take_messages(2)
    pq.rollback()
    assert pq.first_offset() == 1 and pq.msg_count == 3
    taken = pq.take_messages(3)
    pq.make_message_to_consume_again(taken[1:])
    assert sorted(pq.get_msg_tree_map()) == [2, 3]


def test_acc_count_comes_from_max_offset_property():
    pq = ProcessQueue()
    pq.put_message([msg(10, MAX_OFFSET="50")])
    assert pq.msg_acc_cnt == 40


def test_clean_expired_msg_sends_back_messages_stuck_past_the_consume_timeout():
    pq = ProcessQueue()
    old = str(int(time.time() * 1000) - 20 * 60 * 1000)
    fresh = str(int(time.time() * 1000))
    pq.put_message([msg(1, CONSUME_START_TIME=old), msg(2, CONSUME_START_TIME=old),
                    msg(3, CONSUME_START_TIME=fresh)])
    sent = []
    assert pq.clean_expired_msg(15, lambda m, level: sent.append((m.queue_offset, level))) == 2
    assert sent == [(1, 3), (2, 3)]
    assert pq.first_offset() == 3
