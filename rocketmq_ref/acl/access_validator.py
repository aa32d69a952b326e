"""What a broker-side access validator does (Java ``acl.AccessValidator`` and ``AccessResource``):
parse a request into what it needs, validate that, and manage the accounts."""
from __future__ import annotations

import abc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rocketmq_ref.acl.plain_access_config import AclConfig, PlainAccessConfig
    from rocketmq_ref.common.data_version import DataVersion
    from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand


class AccessValidator(abc.ABC):
    @abc.abstractmethod
    def parse(self, request: "RemotingCommand", remote_addr: str | None) -> Any: ...

    @abc.abstractmethod
    def validate(self, access_resource: Any) -> None: ...

    @abc.abstractmethod
    def update_access_config(self, plain_access_config: "PlainAccessConfig") -> bool: ...

    @abc.abstractmethod
    def delete_access_config(self, access_key: str) -> bool: ...

    @abc.abstractmethod
    def get_acl_config_version(self) -> str: ...

    @abc.abstractmethod
    def update_global_white_addrs_config(self, global_white_addrs_list: list[str],
                                         acl_file_full_path: str | None = None) -> bool: ...

    @abc.abstractmethod
    def get_all_acl_config(self) -> "AclConfig": ...

    @abc.abstractmethod
    def get_all_acl_config_version(self) -> "dict[str, DataVersion]": ...
