"""ProcessQueue: a push consumer's cache of pulled, not yet consumed messages of one queue
(Java ``client.impl.consumer.ProcessQueue``; books A11.2.2, B5.4.2).

An offset-ordered map (Java's TreeMap: here a dict plus a sorted offset list) with the counts that
flow control reads (``msg_count``, ``msg_size``, ``get_max_span``) and the ``dropped`` flag rebalance
sets.  ``remove_message`` answers the offset that is safe to commit: the smallest offset still cached,
or ``queue_offset_max + 1`` once the cache is empty.
"""
from __future__ import annotations

import bisect
import logging
import os
import threading
import time
from typing import Any, Callable, Sequence

log = logging.getLogger("rocketmq_ref.client")

REBALANCE_LOCK_MAX_LIVE_TIME = int(os.environ.get("ROCKETMQ_CLIENT_REBALANCE_LOCK_MAX_LIVE_TIME", "30000"))
REBALANCE_LOCK_INTERVAL = int(os.environ.get("ROCKETMQ_CLIENT_REBALANCE_LOCK_INTERVAL", "20000"))
PULL_MAX_IDLE_TIME = int(os.environ.get("ROCKETMQ_CLIENT_PULL_MAX_IDLE_TIME", "120000"))

PROPERTY_MAX_OFFSET = "MAX_OFFSET"
PROPERTY_CONSUME_START_TIMESTAMP = "CONSUME_START_TIME"


def _now_ms() -> int:
    return int(time.time() * 1000)


def _body_len(msg: Any) -> int:
    body = msg.body
    return len(body) if body is not None else 0


class ProcessQueue:
    """Java ``ProcessQueue``."""

    def __init__(self) -> None:
        self.tree_map_lock = threading.RLock()
        self._msgs: dict[int, Any] = {}
        self._offsets: list[int] = []  # sorted keys of _msgs
        self.msg_count = 0
        self.msg_size = 0
        self.consume_lock = threading.RLock()
        self.consuming_msg_orderly_tree_map: dict[int, Any] = {}
        self.try_unlock_times = 0
        self.queue_offset_max = 0
        self.dropped = False
        now = _now_ms()
        self.last_pull_timestamp = now
        self.last_consume_timestamp = now
        self.locked = False
        self.last_lock_timestamp = now
        self.consuming = False
        self.msg_acc_cnt = 0

    # -- state -------------------------------------------------------------------------------------
    def is_lock_expired(self) -> bool:
        return _now_ms() - self.last_lock_timestamp > REBALANCE_LOCK_MAX_LIVE_TIME

    def is_pull_expired(self) -> bool:
        return _now_ms() - self.last_pull_timestamp > PULL_MAX_IDLE_TIME

    def is_dropped(self) -> bool:
        return self.dropped

    def set_dropped(self, dropped: bool) -> None:
        self.dropped = dropped

    def is_locked(self) -> bool:
        return self.locked

    def set_locked(self, locked: bool) -> None:
        self.locked = locked

    def get_msg_count(self) -> int:
        return self.msg_count

    def get_msg_size(self) -> int:
        return self.msg_size

    # -- the cache ---------------------------------------------------------------------------------
    def put_message(self, msgs: Sequence[Any]) -> bool:
        """Cache pulled messages; True when the consume service should be given work (Java ``putMessage``)."""
        dispatch = False
        with self.tree_map_lock:
            valid = 0
            for msg in msgs:
                off = msg.queue_offset
                if off not in self._msgs:
                    if not self._offsets or off > self._offsets[-1]:
                        self._offsets.append(off)
                    else:
                        bisect.insort(self._offsets, off)
                    valid += 1
                    self.queue_offset_max = off
                    self.msg_size += _body_len(msg)
                self._msgs[off] = msg
            self.msg_count += valid
            if self._msgs and not self.consuming:
                dispatch = True
                self.consuming = True
            if msgs:
                last = msgs[-1]
                prop = last.get_property(PROPERTY_MAX_OFFSET)
                if prop is not None:
                    acc = int(prop) - last.queue_offset
                    if acc > 0:
                        self.msg_acc_cnt = acc
        return dispatch

    def get_max_span(self) -> int:
        with self.tree_map_lock:
            if self._offsets:
                return self._offsets[-1] - self._offsets[0]
        return 0

    def _pop(self, off: int) -> Any:
        msg = self._msgs.pop(off, None)
        if msg is not None:
            i = bisect.bisect_left(self._offsets, off)
            if i < len(self._offsets) and self._offsets[i] == off:
                del self._offsets[i]
        return msg

    def remove_message(self, msgs: Sequence[Any]) -> int:
        """Drop consumed messages; the offset now safe to commit, or -1 if the cache was empty."""
        result = -1
        with self.tree_map_lock:
            self.last_consume_timestamp = _now_ms()
            if self._msgs:
                result = self.queue_offset_max + 1
                removed = 0
                for msg in msgs:
                    if self._pop(msg.queue_offset) is not None:
                        removed += 1
                        self.msg_size -= _body_len(msg)
                self.msg_count -= removed
                if self.msg_count == 0:
                    self.msg_size = 0
                if self._offsets:
                    result = self._offsets[0]
        return result

    def first_offset(self) -> int | None:
        with self.tree_map_lock:
            return self._offsets[0] if self._offsets else None

    def first_message(self) -> Any:
        with self.tree_map_lock:
            return self._msgs[self._offsets[0]] if self._offsets else None

    def get_msg_tree_map(self) -> dict[int, Any]:
        """A snapshot of the cache in offset order."""
        with self.tree_map_lock:
            return {off: self._msgs[off] for off in self._offsets}

    # -- orderly consumption -----------------------------------------------------------------------
    def take_messages(self, batch_size: int) -> list[Any]:
        result: list[Any] = []
        with self.tree_map_lock:
            self.last_consume_timestamp = _now_ms()
            while self._offsets and len(result) < batch_size:
                off = self._offsets.pop(0)
                msg = self._msgs.pop(off)
                result.append(msg)
                self.consuming_msg_orderly_tree_map[off] = msg
            if not result:
                self.consuming = False
        return result

    def commit(self) -> int:
        with self.tree_map_lock:
            taken = self.consuming_msg_orderly_tree_map
            offset = max(taken) if taken else None
            self.msg_count -= len(taken)
            if self.msg_count == 0:
                self.msg_size = 0
            else:
                for msg in taken.values():
                    self.msg_size -= _body_len(msg)
            taken.clear()
            return offset + 1 if offset is not None else -1

    def rollback(self) -> None:
        with self.tree_map_lock:
            for off, msg in self.consuming_msg_orderly_tree_map.items():
                if off not in self._msgs:
                    bisect.insort(self._offsets, off)
                self._msgs[off] = msg
            self.consuming_msg_orderly_tree_map.clear()

    def make_message_to_consume_again(self, msgs: Sequence[Any]) -> None:
        with self.tree_map_lock:
            for msg in msgs:
                off = msg.queue_offset
                self.consuming_msg_orderly_tree_map.pop(off, None)
                if off not in self._msgs:
                    bisect.insort(self._offsets, off)
                self._msgs[off] = msg

    def has_temp_message(self) -> bool:
        with self.tree_map_lock:
            return bool(self._msgs)

    def clear(self) -> None:
        with self.tree_map_lock:
            self._msgs.clear()
            self._offsets.clear()
            self.consuming_msg_orderly_tree_map.clear()
            self.msg_count = 0
            self.msg_size = 0
            self.queue_offset_max = 0

    # -- expiry ------------------------------------------------------------------------------------
    def clean_expired_msg(self, consume_timeout_minutes: int,
                          send_message_back: Callable[[Any, int], None]) -> int:
        """Send back (delay level 3) and drop up to 16 messages consuming for longer than the consume
        timeout (Java ``cleanExpiredMsg``, concurrent mode only).  Returns how many were cleaned."""
        cleaned = 0
        for _ in range(min(len(self._offsets), 16)):
            with self.tree_map_lock:
                if not self._offsets:
                    break
                msg = self._msgs[self._offsets[0]]
                start = msg.get_property(PROPERTY_CONSUME_START_TIMESTAMP)
                if not start or _now_ms() - int(start) <= consume_timeout_minutes * 60 * 1000:
                    break
            try:
                send_message_back(msg, 3)
                log.info("send expire msg back. topic=%s, msgId=%s, storeHost=%s, queueId=%s, "
                         "queueOffset=%s", msg.topic, msg.msg_id, getattr(msg, "store_host", None),
                         msg.queue_id, msg.queue_offset)
                with self.tree_map_lock:
                    if self._offsets and msg.queue_offset == self._offsets[0]:
                        self.remove_message([msg])
                        cleaned += 1
            except Exception:
                log.exception("send expired msg exception")
                break
        return cleaned

    def __repr__(self) -> str:
        return (f"ProcessQueue(count={self.msg_count}, size={self.msg_size}, "
                f"offsetMax={self.queue_offset_max}, dropped={self.dropped})")
