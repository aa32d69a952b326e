"""ExpressionMessageFilter with SQL92: matched on the stored record's properties, one span per pull
batch with the matched/skipped counts; the retry variant uses the original topic's filter."""
from __future__ import annotations

from rocketmq_ref.broker.filter.consumer_filter_manager import ConsumerFilterManager
from rocketmq_ref.common.message.message import MessageExt
from rocketmq_ref.common.message.message_decoder import encode
from rocketmq_ref.common.protocol.heartbeat import SubscriptionData
from rocketmq_ref.common.tracing import ATTR_BOOK, ATTR_JAVA
from rocketmq_ref.filter.expression_message_filter import (ExpressionForRetryMessageFilter,
                                                           ExpressionMessageFilter)


def record(topic="T", **props) -> memoryview:
    msg = MessageExt(topic, b"body", properties=dict(props), born_host=("127.0.0.1", 1),
                     store_host=("127.0.0.1", 2))
    return memoryview(encode(msg))


def sql_filter(expression, topic="T", group="g", cls=ExpressionMessageFilter):
    manager = ConsumerFilterManager(None)
    manager.register_one(topic, group, expression, "SQL92", 1)
    sub = SubscriptionData(topic=topic, sub_string=expression, expression_type="SQL92", sub_version=1)
    return cls(sub, manager.get(topic, group), manager), manager


def test_sql92_matches_by_the_record_properties_and_passes_the_consume_queue():
    f, _ = sql_filter("a > 5 AND b = 'x'")
    assert f.is_matched_by_consume_queue(12345, None)
    assert f.is_matched_by_commit_log(record(a="6", b="x"), None)
    assert not f.is_matched_by_commit_log(record(a="5", b="x"), None)
    assert not f.is_matched_by_commit_log(record(b="x"), None)           # missing: null
    assert not f.is_matched_by_commit_log(record(a="abc", b="x"), None)  # evaluation error
    assert not f.is_matched_by_commit_log(record(), None)                # no properties at all
    assert f.is_matched_by_commit_log(None, {"a": "9", "b": "x"})        # long polling passes properties
    assert (f.matched, f.skipped) == (2, 4)


def test_a_torn_record_is_skipped_not_raised():
    f, _ = sql_filter("a > 5")
    assert not f.is_matched_by_commit_log(record(a="6")[:40], None)


def test_tag_filters_keep_working_next_to_sql92():
    sub = SubscriptionData(topic="T", sub_string="TagA", tags_set={"TagA"}, code_set={2598919})
    f = ExpressionMessageFilter(sub, None, None)
    assert f.is_matched_by_consume_queue(2598919, None) and not f.is_matched_by_consume_queue(1, None)
    assert f.is_matched_by_commit_log(record(a="1"), None)


def test_retry_topic_uses_the_filter_of_the_original_topic():
    f, manager = sql_filter("a > 5", topic="%RETRY%g", cls=ExpressionForRetryMessageFilter)
    manager.register_one("T", "g", "a > 5", "SQL92", 1)
    assert f.is_matched_by_commit_log(record("%RETRY%g", a="6", RETRY_TOPIC="T"), None)
    assert not f.is_matched_by_commit_log(record("%RETRY%g", a="1", RETRY_TOPIC="T"), None)
    # the original topic has no SQL92 filter: everything passes
    assert f.is_matched_by_commit_log(record("%RETRY%g", a="1", RETRY_TOPIC="Other"), None)


def test_one_span_per_pull_batch_with_matched_and_skipped_counts(spans):
    f, _ = sql_filter("a > 5")
    with f.evaluation_span("T", "g"):
        for a in ("1", "6", "7", "x"):
            f.is_matched_by_commit_log(record(a=a), None)
    (s,) = [s for s in spans.get_finished_spans() if s.name == "ExpressionMessageFilter.is_matched_by_commit_log"]
    assert s.attributes["rocketmq.filter.matched"] == 2 and s.attributes["rocketmq.filter.skipped"] == 2
    assert s.attributes["rocketmq.filter.expression"] == "a > 5"
    assert "A7.1.3" in s.attributes[ATTR_BOOK]
    assert s.attributes[ATTR_JAVA].endswith("ExpressionMessageFilter#isMatchedByCommitLog")
    tag = ExpressionMessageFilter(SubscriptionData(topic="T", sub_string="*"), None, None)
    spans.clear()
    with tag.evaluation_span("T", "g"):
        pass
    assert spans.get_finished_spans() == ()
