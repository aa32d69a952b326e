"""Permission bits and checks (Java ``acl.common.Permission``).

``DENY`` wins over everything; a needed ``ANY`` is met by PUB or SUB; else the needed bit must be
owned.  The admin-only request codes need an ``admin: true`` account.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from rocketmq_ref.acl.common import acl_constants as C
from rocketmq_ref.acl.common.acl_exception import AclException
from rocketmq_ref.common.protocol.request_code import RequestCode

if TYPE_CHECKING:
    from rocketmq_ref.acl.plain.plain_access_resource import PlainAccessResource

DENY = 1
ANY = 1 << 1
PUB = 1 << 2
SUB = 1 << 3

ADMIN_CODE = frozenset((RequestCode.UPDATE_AND_CREATE_TOPIC, RequestCode.UPDATE_BROKER_CONFIG,
                        RequestCode.DELETE_TOPIC_IN_BROKER, RequestCode.UPDATE_AND_CREATE_SUBSCRIPTIONGROUP,
                        RequestCode.DELETE_SUBSCRIPTIONGROUP))


def check_permission(needed_perm: int, owned_perm: int) -> bool:
    if owned_perm & DENY:
        return False
    if needed_perm & ANY:
        return bool(owned_perm & PUB or owned_perm & SUB)
    return bool(needed_perm & owned_perm)


def parse_perm_from_string(perm_string: str | None) -> int:
    """``PUB``, ``SUB``, ``PUB|SUB``/``SUB|PUB``; anything else (or nothing) is DENY."""
    if perm_string is None:
        return DENY
    return {C.PUB: PUB, C.SUB: SUB, C.PUB_SUB: PUB | SUB, C.SUB_PUB: PUB | SUB}.get(perm_string.strip(), DENY)


def _items(resource: str) -> list[str]:
    return [p for p in resource.split("=") if p]  # StringUtils.split


def parse_resource_perms(resource_holder: "PlainAccessResource", is_topic: bool,
                         resources: list[str] | None) -> None:
    """``topicA=PUB`` entries into the resource map; groups are keyed by their retry topic."""
    from rocketmq_ref.acl.plain.plain_access_resource import get_retry_topic

    for resource in resources or ():
        items = _items(str(resource))
        if len(items) != 2:
            raise AclException("Parse resource permission failed for %s:%s"
                               % ("topic" if is_topic else "group", resource))
        name = items[0].strip()
        resource_holder.add_resource_and_perm(name if is_topic else get_retry_topic(name),
                                              parse_perm_from_string(items[1].strip()))


def check_resource_perms(resources: list[str] | None) -> None:
    for resource in resources or ():
        items = _items(str(resource))
        if len(items) != 2:
            raise AclException(f"Parse Resource format error for {resource}.\n"
                               "The expected resource format is 'Res=Perm'. For example: topicA=SUB")
        if items[1].strip() != C.DENY and parse_perm_from_string(items[1].strip()) == DENY:
            raise AclException(f"Parse resource permission error for {resource}.\n"
                               "The expected permissions are 'SUB' or 'PUB' or 'SUB|PUB' or 'PUB|SUB'.")


def need_admin_perm(code: int) -> bool:
    return code in ADMIN_CODE
