"""Long polling: hold pulls that found nothing, answer them when a message arrives or time runs out
(Java ``broker.longpolling.PullRequestHoldService``; B5.4.3).

Java re-checks every 5 s (long polling) or ``shortPollingTimeMills`` (short polling). We keep that
period but also wake up at the earliest deadline of a held request, so a request held for 1 s is
answered after about 1 s instead of at the next 5 s tick; arrivals still wake requests at once.
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Any

from opentelemetry import trace as otel_trace

from rocketmq_ref.broker.longpolling.many_pull_request import ManyPullRequest
from rocketmq_ref.broker.longpolling.pull_request import PullRequest
from rocketmq_ref.common.service_thread import ServiceThread
from rocketmq_ref.common.tracing import Link, span

log = logging.getLogger("rocketmq_ref.broker")

TOPIC_QUEUEID_SEPARATOR = "@"
LONG_POLLING_CHECK_INTERVAL_MS = 5 * 1000


def _now_ms() -> int:
    return int(time.time() * 1000)


class PullRequestHoldService(ServiceThread):
    """``pull_request_table``: ``topic@queueId`` -> ManyPullRequest."""

    def __init__(self, broker_controller: Any) -> None:
        super().__init__()
        self.broker_controller = broker_controller
        self.pull_request_table: dict[str, ManyPullRequest] = {}
        self._table_lock = threading.Lock()
        self._earliest_deadline = 0

    @staticmethod
    def build_key(topic: str, queue_id: int) -> str:
        return f"{topic}{TOPIC_QUEUEID_SEPARATOR}{queue_id}"

    def suspend_pull_request(self, topic: str, queue_id: int, pull_request: PullRequest) -> None:
        key = self.build_key(topic, queue_id)
        mpr = self.pull_request_table.get(key)
        if mpr is None:
            with self._table_lock:
                mpr = self.pull_request_table.setdefault(key, ManyPullRequest())
        mpr.add_pull_request(pull_request)
        deadline = pull_request.suspend_timestamp + pull_request.timeout_millis
        if self._earliest_deadline == 0 or deadline < self._earliest_deadline:
            self._earliest_deadline = deadline
            self.wakeup()  # re-plan the wait around the nearer deadline

    def held_count(self) -> int:
        return sum(len(m) for m in list(self.pull_request_table.values()))

    def _check_interval_ms(self) -> int:
        config = self.broker_controller.broker_config
        if config.long_polling_enable:
            return LONG_POLLING_CHECK_INTERVAL_MS
        return config.short_polling_time_mills

    def run(self) -> None:
        while not self.is_stopped():
            try:
                wait = self._check_interval_ms()
                if self._earliest_deadline:
                    wait = max(1, min(wait, self._earliest_deadline - _now_ms() + 1))
                self.wait_for_running(wait)
                if self.is_stopped():
                    break
                begin = time.monotonic()
                self.check_hold_request()
                cost = (time.monotonic() - begin) * 1000
                if cost > 5000:
                    log.info("[NOTIFYME] check hold request cost %d ms.", cost)
            except Exception:
                log.exception("%s service has exception.", self.get_service_name())

    def check_hold_request(self) -> None:
        """Re-run every held request whose queue has grown or whose time is up."""
        self._earliest_deadline = 0
        store = self.broker_controller.message_store
        for key in list(self.pull_request_table.keys()):
            topic, sep, qid = key.rpartition(TOPIC_QUEUEID_SEPARATOR)
            if not sep:
                continue
            queue_id = int(qid)
            try:
                self.notify_message_arriving(topic, queue_id, store.get_max_offset_in_queue(topic, queue_id))
            except Exception:
                log.exception("check hold request failed. topic=%s, queueId=%s", topic, queue_id)

    def notify_message_arriving(self, topic: str, queue_id: int, max_offset: int, tags_code: int | None = None,
                                msg_store_time: int = 0, filter_bit_map: bytes | None = None,
                                properties: dict[str, str] | None = None) -> None:
        mpr = self.pull_request_table.get(self.build_key(topic, queue_id))
        if mpr is None:
            return
        request_list = mpr.clone_list_and_clear()
        if not request_list:
            return
        replay: list[PullRequest] = []
        store = self.broker_controller.message_store
        processor = self.broker_controller.pull_message_processor
        now = _now_ms()
        for request in request_list:
            newest = max_offset
            if newest <= request.pull_from_this_offset:
                newest = store.get_max_offset_in_queue(topic, queue_id)
            if newest > request.pull_from_this_offset:
                match = request.message_filter.is_matched_by_consume_queue(tags_code, None)
                if match and properties is not None:
                    match = request.message_filter.is_matched_by_commit_log(None, properties)
                if match:
                    self._wake(processor, request, "message arrived", now)
                    continue
            if now >= request.suspend_timestamp + request.timeout_millis:
                self._wake(processor, request, "suspend timeout", now)
                continue
            replay.append(request)
        if replay:
            mpr.add_pull_requests(replay)
            deadline = min(r.suspend_timestamp + r.timeout_millis for r in replay)
            if self._earliest_deadline == 0 or deadline < self._earliest_deadline:
                self._earliest_deadline = deadline

    @staticmethod
    def _wake(processor: Any, request: PullRequest, reason: str, now: int) -> None:
        """The wake-up belongs to the held pull's trace (child of its SERVER span), linked to what
        woke it (the dispatch of the arriving message, when that is traced)."""
        request_span = getattr(request.client_channel, "span", None)
        context = otel_trace.set_span_in_context(request_span) if request_span is not None else None
        waker = otel_trace.get_current_span().get_span_context()
        links = [Link(waker)] if waker.is_valid else None
        with span("PullRequestHoldService.notify_message_arriving",
                  java="org.apache.rocketmq.broker.longpolling.PullRequestHoldService#notifyMessageArriving",
                  books=("B5.4.3",), context=context, links=links) as s:
            if s.is_recording():
                s.add_event("pull.wakeup", {"reason": reason,
                                            "rocketmq.pull.wait_ms": now - request.suspend_timestamp,
                                            "rocketmq.pull.offset": request.pull_from_this_offset})
            try:
                processor.execute_request_when_wakeup(request.client_channel, request.request_command)
            except Exception:
                log.exception("execute request when wakeup failed.")
