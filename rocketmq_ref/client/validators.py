"""Validators: group, topic and message checks before anything is sent
(Java ``client.Validators``; books B3.4.1).  Errors are ``MQClientException`` with Java's texts."""
from __future__ import annotations

from typing import Any

from rocketmq_ref.client.exception import MQClientException
from rocketmq_ref.common import topic_validator

CHARACTER_MAX_LENGTH = 255
TOPIC_MAX_LENGTH = 127
VALID_PATTERN_STR = "^[%|a-zA-Z0-9_-]+$"
MESSAGE_ILLEGAL = 13  # ResponseCode.MESSAGE_ILLEGAL


def check_group(group: str | None) -> None:
    if group is None or not group.strip():
        raise MQClientException("the specified group is blank")
    if len(group) > CHARACTER_MAX_LENGTH:
        raise MQClientException("the specified group is longer than group max length 255.")
    if topic_validator.is_topic_or_group_illegal(group):
        raise MQClientException(f"the specified group[{group}] contains illegal characters, "
                                f"allowing only {VALID_PATTERN_STR}")


def check_topic(topic: str | None) -> None:
    if topic is None or not topic.strip():
        raise MQClientException("The specified topic is blank")
    if len(topic) > TOPIC_MAX_LENGTH:
        raise MQClientException(
            f"The specified topic is longer than topic max length {TOPIC_MAX_LENGTH}.")
    if topic_validator.is_topic_or_group_illegal(topic):
        raise MQClientException(f"The specified topic[{topic}] contains illegal characters, "
                                f"allowing only {VALID_PATTERN_STR}")


def is_system_topic(topic: str) -> None:
    if topic_validator.is_system_topic(topic):
        raise MQClientException(f"The topic[{topic}] is conflict with system topic.")


def is_not_allowed_send_topic(topic: str) -> None:
    if topic_validator.is_not_allowed_send_topic(topic):
        raise MQClientException(f"Sending message to topic[{topic}] is forbidden.")


def check_message(msg: Any, max_message_size: int) -> None:
    """Java ``checkMessage``: topic rules, then a non-empty body no larger than ``maxMessageSize``."""
    if msg is None:
        raise MQClientException(MESSAGE_ILLEGAL, "the message is null")
    check_topic(msg.topic)
    is_not_allowed_send_topic(msg.topic)
    body = msg.body
    if body is None:
        raise MQClientException(MESSAGE_ILLEGAL, "the message body is null")
    if len(body) == 0:
        raise MQClientException(MESSAGE_ILLEGAL, "the message body length is zero")
    if len(body) > max_message_size:
        raise MQClientException(MESSAGE_ILLEGAL,
                                f"the message body size over max value, MAX: {max_message_size}")
