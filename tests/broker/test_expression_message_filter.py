from types import SimpleNamespace

from rocketmq_ref.filter.expression_message_filter import ExpressionMessageFilter


def java_hash(s):
    h = 0
    for ch in s:
        h = (31 * h + ord(ch)) & 0xFFFFFFFF
    return h - (1 << 32) if h >= 1 << 31 else h


def sub(expr, expression_type="TAG"):
    tags = [t.strip() for t in expr.split("||") if t.strip()]
    return SimpleNamespace(topic="T", sub_string=expr, tags_set=set(tags), code_set={java_hash(t) for t in tags},
                           expression_type=expression_type, class_filter_mode=False, sub_version=1)


def test_tag_subscription_matches_only_listed_tags_codes():
    f = ExpressionMessageFilter(sub("TagA || TagB"))
    assert f.is_matched_by_consume_queue(2598919)  # "TagA"
    assert f.is_matched_by_consume_queue(java_hash("TagB"))
    assert not f.is_matched_by_consume_queue(java_hash("TagC"))
    assert f.is_matched_by_consume_queue(None)  # no code info -> match


def test_star_null_and_sql_subscriptions_match_everything():
    for f in (ExpressionMessageFilter(sub("*")), ExpressionMessageFilter(None),
              ExpressionMessageFilter(sub("a > 1", "SQL92"))):
        assert f.is_matched_by_consume_queue(12345)
        assert f.is_matched_by_commit_log(None, {"a": "1"})


def test_negative_hash_codes_compare_as_java_ints():
    tag = "zzzzzzzz"  # hashCode is negative in Java
    code = java_hash(tag)
    assert code < 0
    f = ExpressionMessageFilter(sub(tag))
    assert f.is_matched_by_consume_queue(code)
    assert f.is_matched_by_consume_queue(code & 0xFFFFFFFF)  # unsigned form from a CQ unit
