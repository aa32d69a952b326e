"""One account as configured, the whole ACL config, and one broker's ACL versions (Java
``common.PlainAccessConfig``, ``common.AclConfig``, ``common.protocol.body.ClusterAclVersionInfo``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rocketmq_ref.acl.common import acl_constants as C
from rocketmq_ref.common.data_version import DataVersion


def _str_or_none(value: Any) -> str | None:
    """YAML reads ``secretKey: 12345678`` as a number; Java's fastjson turns it back into text."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _str_list(value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list):
        value = [value]
    return [_str_or_none(v) for v in value if v is not None]  # type: ignore[misc]


@dataclass(slots=True)
class PlainAccessConfig:
    access_key: str | None = None
    secret_key: str | None = None
    white_remote_address: str | None = None
    admin: bool = False
    default_topic_perm: str | None = None
    default_group_perm: str | None = None
    topic_perms: list[str] | None = None
    group_perms: list[str] | None = None

    @classmethod
    def from_map(cls, m: dict[str, Any]) -> "PlainAccessConfig":
        """One entry of ``accounts`` in ``plain_acl.yml``."""
        if not isinstance(m, dict):
            from rocketmq_ref.acl.common.acl_exception import AclException
            raise AclException(f"an account must be a mapping, got {m!r}")
        admin = m.get(C.CONFIG_ADMIN_ROLE)
        return cls(access_key=_str_or_none(m.get(C.CONFIG_ACCESS_KEY)),
                   secret_key=_str_or_none(m.get(C.CONFIG_SECRET_KEY)),
                   white_remote_address=_str_or_none(m.get(C.CONFIG_WHITE_ADDR)),
                   admin=admin is True or str(admin).lower() == "true",
                   default_topic_perm=_str_or_none(m.get(C.CONFIG_DEFAULT_TOPIC_PERM)),
                   default_group_perm=_str_or_none(m.get(C.CONFIG_DEFAULT_GROUP_PERM)),
                   topic_perms=_str_list(m.get(C.CONFIG_TOPIC_PERMS)),
                   group_perms=_str_list(m.get(C.CONFIG_GROUP_PERMS)))


@dataclass(slots=True)
class AclConfig:
    global_white_addrs: list[str] = field(default_factory=list)
    plain_access_configs: list[PlainAccessConfig] = field(default_factory=list)


@dataclass(slots=True)
class ClusterAclVersionInfo:
    broker_name: str | None = None
    broker_addr: str | None = None
    acl_config_data_version: DataVersion | None = None
    all_acl_config_data_version: dict[str, DataVersion] = field(default_factory=dict)
    cluster_name: str | None = None
