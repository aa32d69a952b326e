"""``CreateAccessConfigRequestHeader``: UPDATE_AND_CREATE_ACL_CONFIG (50) (Java
``common/protocol/header/CreateAccessConfigRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null, cf_nullable


@dataclass(slots=True)
class CreateAccessConfigRequestHeader(CommandCustomHeader):
    access_key: str | None = cf_not_null()
    secret_key: str | None = cf_nullable()
    white_remote_address: str | None = cf_nullable()
    admin: bool = cf_nullable(False)
    default_topic_perm: str | None = cf_nullable()
    default_group_perm: str | None = cf_nullable()
    topic_perms: str | None = cf_nullable()
    group_perms: str | None = cf_nullable()
