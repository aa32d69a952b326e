"""Topic and group name rules and the system topics (Java
``org.apache.rocketmq.common.topic.TopicValidator``; spec §14.2; books B3.4.1, B2.3.1).

The ``validate_*``/``is_*`` functions that take a ``response`` set its ``code`` and ``remark``
like the Java methods do with a ``RemotingCommand``; without one they only return the verdict."""
from __future__ import annotations

import re
from typing import Any

AUTO_CREATE_TOPIC_KEY_TOPIC = "TBW102"
RMQ_SYS_SCHEDULE_TOPIC = "SCHEDULE_TOPIC_XXXX"
RMQ_SYS_BENCHMARK_TOPIC = "BenchmarkTest"
RMQ_SYS_TRANS_HALF_TOPIC = "RMQ_SYS_TRANS_HALF_TOPIC"
RMQ_SYS_TRACE_TOPIC = "RMQ_SYS_TRACE_TOPIC"
RMQ_SYS_TRANS_OP_HALF_TOPIC = "RMQ_SYS_TRANS_OP_HALF_TOPIC"
RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC = "TRANS_CHECK_MAX_TIME_TOPIC"
RMQ_SYS_SELF_TEST_TOPIC = "SELF_TEST_TOPIC"
RMQ_SYS_OFFSET_MOVED_EVENT = "OFFSET_MOVED_EVENT"
SYSTEM_TOPIC_PREFIX = "rmq_sys_"
TOPIC_MAX_LENGTH = 127
GROUP_MAX_LENGTH = 255  # Validators.CHARACTER_MAX_LENGTH

# ResponseCode values the Java methods set (kept here so common does not import remoting)
_SYSTEM_ERROR = 1
_NO_PERMISSION = 16

_VALID = re.compile(r"[%|a-zA-Z0-9_-]+")

SYSTEM_TOPIC_SET: set[str] = {
    AUTO_CREATE_TOPIC_KEY_TOPIC, RMQ_SYS_SCHEDULE_TOPIC, RMQ_SYS_BENCHMARK_TOPIC,
    RMQ_SYS_TRANS_HALF_TOPIC, RMQ_SYS_TRACE_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC,
    RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, RMQ_SYS_SELF_TEST_TOPIC, RMQ_SYS_OFFSET_MOVED_EVENT,
}
NOT_ALLOWED_SEND_TOPIC_SET: frozenset[str] = frozenset({
    RMQ_SYS_SCHEDULE_TOPIC, RMQ_SYS_TRANS_HALF_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC,
    RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC, RMQ_SYS_SELF_TEST_TOPIC, RMQ_SYS_OFFSET_MOVED_EVENT,
})


def _answer(response: Any, code: int, remark: str) -> None:
    if response is not None:
        response.code = code
        response.remark = remark


def is_topic_or_group_illegal(name: str) -> bool:
    """True when ``name`` has a character outside ``^[%|a-zA-Z0-9_-]+$`` (ASCII only)."""
    return _VALID.fullmatch(name) is None if name else False


def check_topic(topic: str | None) -> str | None:
    """The remark Java answers for a bad topic name, or ``None`` when the name is valid."""
    if topic is None or not topic.strip():
        return "The specified topic is blank."
    if is_topic_or_group_illegal(topic):
        return "The specified topic contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$"
    if len(topic) > TOPIC_MAX_LENGTH:
        return "The specified topic is longer than topic max length."
    return None


def validate_topic(topic: str | None, response: Any = None) -> bool:
    remark = check_topic(topic)
    if remark is not None:
        _answer(response, _SYSTEM_ERROR, remark)
        return False
    return True


def is_system_topic(topic: str, response: Any = None) -> bool:
    if topic in SYSTEM_TOPIC_SET or topic.startswith(SYSTEM_TOPIC_PREFIX):
        _answer(response, _SYSTEM_ERROR, f"The topic[{topic}] is conflict with system topic.")
        return True
    return False


def is_not_allowed_send_topic(topic: str, response: Any = None) -> bool:
    if topic in NOT_ALLOWED_SEND_TOPIC_SET:
        _answer(response, _NO_PERMISSION, f"Sending message to topic[{topic}] is forbidden.")
        return True
    return False


def add_system_topic(system_topic: str) -> None:
    """The broker adds its cluster name, broker name and reply topic at start (as Java does)."""
    SYSTEM_TOPIC_SET.add(system_topic)


def get_system_topic_set() -> set[str]:
    return SYSTEM_TOPIC_SET


def get_not_allowed_send_topic_set() -> frozenset[str]:
    return NOT_ALLOWED_SEND_TOPIC_SET
