"""``GetKVListByNamespaceRequestHeader``: GET_KVLIST_BY_NAMESPACE (219) (Java
``common/protocol/header/namesrv/GetKVListByNamespaceRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_not_null


@dataclass(slots=True)
class GetKVListByNamespaceRequestHeader(CommandCustomHeader):
    namespace: str | None = cf_not_null()
