import threading
import time
from types import SimpleNamespace

from rocketmq_ref.broker.longpolling.pull_request import PullRequest
from rocketmq_ref.broker.longpolling.pull_request_hold_service import PullRequestHoldService
from rocketmq_ref.filter.expression_message_filter import ExpressionMessageFilter


class FakeStore:
    def __init__(self):
        self.max = {}

    def get_max_offset_in_queue(self, topic, queue_id):
        return self.max.get((topic, queue_id), 0)


class FakeProcessor:
    def __init__(self):
        self.woken = []
        self.event = threading.Event()

    def execute_request_when_wakeup(self, channel, request):
        self.woken.append((channel, request, time.monotonic()))
        self.event.set()


def controller():
    return SimpleNamespace(broker_config=SimpleNamespace(long_polling_enable=True, short_polling_time_mills=1000),
                           message_store=FakeStore(), pull_message_processor=FakeProcessor())


def held(cmd, offset=0, timeout=15000, sub=None):
    return PullRequest(cmd, "ch-" + cmd, timeout, int(time.time() * 1000), offset, sub,
                       ExpressionMessageFilter(sub))


def test_arrival_wakes_only_requests_behind_the_new_offset():
    c = controller()
    s = PullRequestHoldService(c)
    s.suspend_pull_request("T", 0, held("a", offset=0))
    s.suspend_pull_request("T", 0, held("b", offset=5))
    s.suspend_pull_request("T", 1, held("c", offset=0))
    s.notify_message_arriving("T", 0, 1)
    assert [w[1] for w in c.pull_message_processor.woken] == ["a"]
    assert s.held_count() == 2


def test_tag_mismatch_keeps_the_request_held():
    c = controller()
    s = PullRequestHoldService(c)
    sub = SimpleNamespace(sub_string="TagA", code_set={2598919}, expression_type="TAG", class_filter_mode=False)
    s.suspend_pull_request("T", 0, held("a", sub=sub))
    s.notify_message_arriving("T", 0, 1, tags_code=999)
    assert c.pull_message_processor.woken == []
    s.notify_message_arriving("T", 0, 2, tags_code=2598919)
    assert [w[1] for w in c.pull_message_processor.woken] == ["a"]


def test_timed_out_request_is_answered_by_the_service_thread_without_any_arrival():
    c = controller()
    s = PullRequestHoldService(c)
    s.start()
    try:
        begin = time.monotonic()
        s.suspend_pull_request("T", 0, held("a", timeout=300))
        assert c.pull_message_processor.event.wait(4.5)
        waited = c.pull_message_processor.woken[0][2] - begin
        assert waited >= 0.25
        assert s.held_count() == 0
    finally:
        s.shutdown()
    assert not s.is_alive()
