"""``GetBrokerAclConfigResponseHeader``: the response header of the GET_BROKER_ACL_CONFIG request
(Java ``common/protocol/header/GetBrokerAclConfigResponseHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null, cf_nullable


@dataclass(slots=True)
class GetBrokerAclConfigResponseHeader(CommandCustomHeader):
    version: str | None = cf_not_null()
    all_acl_file_version: str | None = cf_nullable()
    broker_name: str | None = cf_not_null()
    broker_addr: str | None = cf_not_null()
    cluster_name: str | None = cf_not_null()
