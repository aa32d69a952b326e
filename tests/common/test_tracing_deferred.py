"""Spans that outlive their block: a held pull answered later, a response on another thread."""
from __future__ import annotations

import threading

from rocketmq_ref.common.tracing import span, start_span, use_span


def test_a_started_span_ends_on_another_thread_and_parents_inner_work(spans):
    held = start_span("PullRequestHoldService.hold", java="org.apache.rocketmq.broker.longpolling."
                      "PullRequestHoldService#suspendPullRequest", books=("B5.4.3",))
    assert held.is_recording() and not spans.get_finished_spans()

    def answer_later():
        with use_span(held):
            with span("PullMessageProcessor.execute_request_when_wakeup"):
                pass
        held.end()

    worker = threading.Thread(target=answer_later)
    worker.start()
    worker.join(10)
    finished = {s.name: s for s in spans.get_finished_spans()}
    outer, inner = finished["PullRequestHoldService.hold"], finished[
        "PullMessageProcessor.execute_request_when_wakeup"]
    assert inner.parent.span_id == outer.context.span_id
    assert outer.attributes["rocketmq_ref.book.sections"] == ("B5.4.3",)
    assert outer.attributes["code.function.name"].endswith(
        "test_a_started_span_ends_on_another_thread_and_parents_inner_work")
    assert outer.end_time >= inner.end_time
