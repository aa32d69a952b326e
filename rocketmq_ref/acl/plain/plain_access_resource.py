"""What a request needs, or what an account owns (Java ``acl.plain.PlainAccessResource``).

A parsed request carries its access key, signature, signed content, remote address, request code
and the topics/retry topics it touches with the permission each needs; a configured account carries
its secret, white address strategy, admin flag, default perms and per-resource perms.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rocketmq_ref.common.mixall import RETRY_GROUP_TOPIC_PREFIX


def is_retry_topic(topic: str | None) -> bool:
    return topic is not None and topic.startswith(RETRY_GROUP_TOPIC_PREFIX)


def get_group_from_retry_topic(retry_topic: str | None) -> str | None:
    return None if retry_topic is None else retry_topic[len(RETRY_GROUP_TOPIC_PREFIX):]


def get_retry_topic(group: str | None) -> str | None:
    return None if group is None else RETRY_GROUP_TOPIC_PREFIX + group


def print_str(resource: str | None, is_group: bool) -> str | None:
    if resource is None:
        return None
    return f"group:{get_group_from_retry_topic(resource)}" if is_group else f"topic:{resource}"


@dataclass(slots=True)
class PlainAccessResource:
    access_key: str | None = None
    secret_key: str | None = None
    white_remote_address: str | None = None
    admin: bool = False
    default_topic_perm: int = 1
    default_group_perm: int = 1
    resource_perm_map: dict[str, int] | None = None
    remote_address_strategy: Any = None
    request_code: int = 0
    content: bytes | None = None  # the signed ext-field values; Java appends the body here
    body: bytes | None = None  # signed after ``content`` (not copied onto it)
    signature: str | None = None
    secret_token: str | None = None
    recognition: str | None = None

    def add_resource_and_perm(self, resource: str | None, perm: int) -> None:
        if resource is None:
            return
        if self.resource_perm_map is None:
            self.resource_perm_map = {}
        self.resource_perm_map[resource] = perm
