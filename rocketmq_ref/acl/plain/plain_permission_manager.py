"""The accounts and white lists of the plain ACL, and the check itself (Java
``acl.plain.PlainPermissionManager``).

Files: every ``*.yml``/``*.yaml`` under ``${rocketmqHome}/conf/acl/`` plus the default file,
``${rocketmqHome}/conf/plain_acl.yml`` (or ``${rocketmqHome}/`` + the ``rocketmq.acl.plain.file``
property; here also the environment variable ``rocketmq_acl_plain_file``).  An access key belongs
to the first file that defines it.  ``validate`` checks, in Java's order: the global white list,
the access key, the account's white address, the signature, the admin-only codes and each
resource's permission.  Updates from mqadmin are written back to the file that holds the account
(a new one to the default file) with its ``dataVersion`` bumped.
"""
from __future__ import annotations

import logging
import os
import threading
from typing import Any

from rocketmq_ref.acl.common import acl_constants as C
from rocketmq_ref.acl.common import permission as P
from rocketmq_ref.acl.common.acl_exception import AclException
from rocketmq_ref.acl.common.acl_utils import cal_signature, get_yaml_data_object, write_data_object
from rocketmq_ref.acl.plain.plain_access_resource import PlainAccessResource, is_retry_topic, print_str
from rocketmq_ref.acl.plain.remote_address_strategy_factory import (RemoteAddressStrategy,
                                                                     RemoteAddressStrategyFactory)
from rocketmq_ref.acl.plain_access_config import AclConfig, PlainAccessConfig
from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.mixall import ROCKETMQ_HOME_ENV
from rocketmq_ref.common.topic_validator import RMQ_SYS_TRACE_TOPIC

log = logging.getLogger("rocketmq_ref.acl")

ACL_CONF_TOOLS_FILE = "/conf/tools.yml"  # MixAll.ACL_CONF_TOOLS_FILE
DEFAULT_PLAIN_FILE = "conf/plain_acl.yml"


def deal_file_path(path: str) -> str:
    """Java ``MixAll.dealFilePath``: ``a/./b/../c`` -> ``a/c``."""
    return os.path.normpath(path)


def acl_plain_file_property() -> str:
    return (os.environ.get("rocketmq_acl_plain_file") or os.environ.get("rocketmq.acl.plain.file")
            or DEFAULT_PLAIN_FILE)


class PlainPermissionManager:
    def __init__(self, file_home: str | None = None, acl_plain_file: str | None = None) -> None:
        self.file_home = file_home if file_home is not None else os.environ.get(ROCKETMQ_HOME_ENV)
        home = self.file_home or ""
        self.default_acl_dir = deal_file_path(os.path.join(home, "conf", "acl"))
        self.default_acl_file = deal_file_path(home + os.sep + (acl_plain_file or acl_plain_file_property()))
        self.acl_plain_access_resource_map: dict[str, dict[str, PlainAccessResource]] = {}
        self.access_key_table: dict[str, str] = {}
        self.global_white_remote_address_strategy: list[RemoteAddressStrategy] = []
        self.global_white_remote_address_strategy_map: dict[str, list[RemoteAddressStrategy]] = {}
        self.remote_address_strategy_factory = RemoteAddressStrategyFactory()
        self.data_version_map: dict[str, DataVersion] = {}
        self.data_version = DataVersion()  # the default file's (deprecated in Java, still sent)
        self.file_list: list[str] = []
        self.lock = threading.RLock()
        self.load()

    # -- files ------------------------------------------------------------------------------------
    def get_all_acl_files(self, path: str) -> list[str]:
        if not os.path.exists(path):
            log.info("The default acl dir %s is not exist", path)
            return []
        found: list[str] = []
        for name in sorted(os.listdir(path)):
            full = os.path.abspath(os.path.join(path, name))
            if full == f"{self.file_home}{ACL_CONF_TOOLS_FILE}":
                continue
            if full.endswith(".yml") or full.endswith(".yaml"):
                found.append(full)
            elif os.path.isdir(full):
                found.extend(self.get_all_acl_files(full))
        return found

    def _assure_acl_config_files_exist(self) -> None:
        """The default file holds the global white list, so it must exist (Java creates it empty)."""
        if not os.path.exists(self.default_acl_file):
            try:
                with open(self.default_acl_file, "x"):
                    pass
            except FileExistsError:
                pass
            except OSError as e:
                raise AclException(f"Error in creating {self.default_acl_file}: {e}") from e

    @staticmethod
    def _read_conf(path: str) -> dict[str, Any] | None:
        data = get_yaml_data_object(path)
        if data is None:
            return None
        if not isinstance(data, dict):
            raise AclException(f"{path}: an ACL file must be a YAML mapping")
        return data

    def _strategies(self, conf: dict[str, Any]) -> list[RemoteAddressStrategy]:
        addrs = conf.get(C.CONFIG_GLOBAL_WHITE_ADDRS) or []
        if not isinstance(addrs, list):
            addrs = [addrs]
        return [self.remote_address_strategy_factory.get_remote_address_strategy(str(a)) for a in addrs]

    @staticmethod
    def _accounts(conf: dict[str, Any]) -> list[PlainAccessConfig]:
        accounts = conf.get(C.CONFIG_ACCOUNTS) or []
        if not isinstance(accounts, list):
            raise AclException(f"'{C.CONFIG_ACCOUNTS}' must be a list")
        return [PlainAccessConfig.from_map(a) for a in accounts]

    @staticmethod
    def _data_version(conf: dict[str, Any]) -> DataVersion:
        version = DataVersion()
        versions = conf.get(C.CONFIG_DATA_VERSION)
        if isinstance(versions, list) and versions and isinstance(versions[0], dict):
            version.assign_new_one(DataVersion.from_json_value(versions[0]))
        return version

    def load(self, acl_file_path: str | None = None) -> None:
        """Java ``load()`` (every file, replacing all tables) or ``load(path)`` (one file)."""
        with self.lock:
            if acl_file_path is not None:
                self._load_one(deal_file_path(acl_file_path))
            else:
                self._load_all()

    def _load_all(self) -> None:
        if not self.file_home:
            return
        resource_map: dict[str, dict[str, PlainAccessResource]] = {}
        access_key_table: dict[str, str] = {}
        global_white: list[RemoteAddressStrategy] = []
        global_white_map: dict[str, list[RemoteAddressStrategy]] = {}
        data_version_map: dict[str, DataVersion] = {}
        self._assure_acl_config_files_exist()
        file_list = self.get_all_acl_files(self.default_acl_dir)
        if os.path.exists(self.default_acl_file) and self.default_acl_file not in file_list:
            file_list.append(self.default_acl_file)
        for current in (deal_file_path(f) for f in file_list):
            conf = self._read_conf(current)
            if not conf:
                log.warning("No data in file %s", current)
                continue
            strategies = self._strategies(conf)
            if strategies:
                global_white_map[current] = strategies
                global_white.extend(strategies)
            accounts: dict[str, PlainAccessResource] = {}
            for config in self._accounts(conf):
                resource = self.build_plain_access_resource(config)
                if resource.access_key not in access_key_table:
                    accounts[resource.access_key] = resource  # type: ignore[index]
                    access_key_table[resource.access_key] = current  # type: ignore[index]
                else:
                    log.warning("The accesssKey %s is repeated in multiple ACL files", resource.access_key)
            if accounts:
                resource_map[current] = accounts
            data_version_map[current] = self._data_version(conf)
        if self.default_acl_file in data_version_map:
            self.data_version.assign_new_one(data_version_map[self.default_acl_file])
        self.file_list = file_list
        self.data_version_map = data_version_map
        self.global_white_remote_address_strategy_map = global_white_map
        self.global_white_remote_address_strategy = global_white
        self.acl_plain_access_resource_map = resource_map
        self.access_key_table = access_key_table

    def _load_one(self, path: str) -> None:
        """Everything is parsed before anything is replaced: a bad edit keeps the old accounts."""
        conf = self._read_conf(path)
        if not conf:
            log.warning("No data in %s, skip it", path)
            return
        strategies = self._strategies(conf)
        accounts: dict[str, PlainAccessResource] = {}
        table = {k: f for k, f in self.access_key_table.items() if f != path}  # removed ones go
        for config in self._accounts(conf):
            resource = self.build_plain_access_resource(config)
            if table.get(resource.access_key, path) == path:  # type: ignore[arg-type]
                accounts[resource.access_key] = resource  # type: ignore[index]
                table[resource.access_key] = path  # type: ignore[index]
        version = self._data_version(conf)
        old = self.global_white_remote_address_strategy_map.get(path, [])
        self.global_white_remote_address_strategy = (
            [s for s in self.global_white_remote_address_strategy if s not in old] + strategies)
        self.global_white_remote_address_strategy_map[path] = strategies
        self.acl_plain_access_resource_map[path] = accounts
        self.access_key_table = table
        self.data_version_map[path] = version
        if path == self.default_acl_file:
            self.data_version.assign_new_one(version)

    # -- accounts ---------------------------------------------------------------------------------
    @staticmethod
    def check_plain_access_config(config: PlainAccessConfig) -> None:
        if (config.access_key is None or config.secret_key is None
                or len(config.access_key) <= C.ACCESS_KEY_MIN_LENGTH
                or len(config.secret_key) <= C.SECRET_KEY_MIN_LENGTH):
            raise AclException(f"The accessKey={config.access_key} and secretKey={config.secret_key} cannot be "
                               "null and length should longer than 6")

    def build_plain_access_resource(self, config: PlainAccessConfig) -> PlainAccessResource:
        self.check_plain_access_config(config)
        resource = PlainAccessResource(access_key=config.access_key, secret_key=config.secret_key,
                                       white_remote_address=config.white_remote_address, admin=config.admin)
        resource.default_group_perm = P.parse_perm_from_string(config.default_group_perm)
        resource.default_topic_perm = P.parse_perm_from_string(config.default_topic_perm)
        P.parse_resource_perms(resource, False, config.group_perms)
        P.parse_resource_perms(resource, True, config.topic_perms)
        resource.remote_address_strategy = self.remote_address_strategy_factory.get_remote_address_strategy(
            resource.white_remote_address)
        return resource

    def update_acl_config_file_version(self, acl_file_name: str, conf: dict[str, Any]) -> dict[str, Any]:
        version = self._data_version(conf)
        version.next_version()
        conf[C.CONFIG_DATA_VERSION] = [{C.CONFIG_COUNTER: version.counter, C.CONFIG_TIME_STAMP: version.timestamp}]
        self.data_version_map[acl_file_name] = version
        if acl_file_name == self.default_acl_file:
            self.data_version.assign_new_one(version)
        return conf

    @staticmethod
    def create_acl_access_config_map(existing: dict[str, Any] | None,
                                     config: PlainAccessConfig) -> dict[str, Any]:
        m = existing if existing is not None else {}
        if not config.access_key or len(config.access_key) <= C.ACCESS_KEY_MIN_LENGTH:
            raise AclException(f"The accessKey={config.access_key} cannot be null and length should longer than 6")
        m[C.CONFIG_ACCESS_KEY] = config.access_key
        if config.secret_key:
            if len(config.secret_key) <= C.SECRET_KEY_MIN_LENGTH:
                raise AclException(f"The secretKey={config.secret_key} value length should longer than 6")
            m[C.CONFIG_SECRET_KEY] = config.secret_key
        if config.white_remote_address is not None:
            m[C.CONFIG_WHITE_ADDR] = config.white_remote_address
        m[C.CONFIG_ADMIN_ROLE] = config.admin
        if config.default_topic_perm:
            m[C.CONFIG_DEFAULT_TOPIC_PERM] = config.default_topic_perm
        if config.default_group_perm:
            m[C.CONFIG_DEFAULT_GROUP_PERM] = config.default_group_perm
        if config.topic_perms is not None:
            m[C.CONFIG_TOPIC_PERMS] = list(config.topic_perms)
        if config.group_perms is not None:
            m[C.CONFIG_GROUP_PERMS] = list(config.group_perms)
        return m

    def update_access_config(self, config: PlainAccessConfig | None) -> bool:
        """Create or update one account and write it back (Java ``updateAccessConfig``)."""
        if config is None:
            raise AclException("Parameter value plainAccessConfig is null, Please check your parameter")
        self.check_plain_access_config(config)
        P.check_resource_perms(config.topic_perms)
        P.check_resource_perms(config.group_perms)
        self.build_plain_access_resource(config)  # refuse what could not be loaded back
        with self.lock:
            file_name = self.access_key_table.get(config.access_key)  # type: ignore[arg-type]
            if file_name is None:
                file_name = self.default_acl_file
                self._assure_acl_config_files_exist()
            conf = self._read_conf(file_name) or {}
            accounts = conf.get(C.CONFIG_ACCOUNTS)
            if not isinstance(accounts, list):
                accounts = []
            for i, account in enumerate(accounts):
                if isinstance(account, dict) and str(account.get(C.CONFIG_ACCESS_KEY)) == config.access_key:
                    accounts.pop(i)
                    accounts.append(self.create_acl_access_config_map(account, config))
                    break
            else:
                accounts.append(self.create_acl_access_config_map(None, config))
            conf[C.CONFIG_ACCOUNTS] = accounts
            written = write_data_object(file_name, self.update_acl_config_file_version(file_name, conf))
            # what the file now says, at once (Java keeps the partial config until its watcher
            # reloads the file: the fields an update leaves out are kept in the file, not in memory)
            self._load_one(file_name)
            if file_name not in self.file_list:
                self.file_list.append(file_name)
            return written

    def delete_access_config(self, access_key: str | None) -> bool:
        if not access_key:
            log.error("Parameter value accesskey is null or empty String,Please check your parameter")
            return False
        with self.lock:
            file_name = self.access_key_table.get(access_key)
            if file_name is None:
                return False
            conf = self._read_conf(file_name)
            if not conf:
                log.warning("No data found in %s when deleting access config of %s", file_name, access_key)
                return True
            accounts = conf.get(C.CONFIG_ACCOUNTS) or []
            for i, account in enumerate(accounts):
                if isinstance(account, dict) and str(account.get(C.CONFIG_ACCESS_KEY)) == access_key:
                    accounts.pop(i)
                    conf[C.CONFIG_ACCOUNTS] = accounts
                    written = write_data_object(file_name, self.update_acl_config_file_version(file_name, conf))
                    self._load_one(file_name)
                    return written
            return False

    def update_global_white_addrs_config(self, global_white_addrs_list: list[str] | None,
                                         file_name: str | None = None) -> bool:
        if not file_name:
            file_name = self.default_acl_file
        if global_white_addrs_list is None:
            log.error("Parameter value globalWhiteAddrsList is null,Please check your parameter")
            return False
        if not os.path.exists(file_name) or os.path.isdir(file_name):
            log.error("Parameter value %s is not exist or is a directory, please check your parameter", file_name)
            return False
        if not self.file_home or not file_name.startswith(self.file_home):
            log.error("Parameter value %s is not in the directory rocketmq.home.dir %s", file_name, self.file_home)
            return False
        if not (file_name.endswith(".yml") or file_name.endswith(".yaml")):
            log.error("Parameter value %s is not a ACL configuration file", file_name)
            return False
        for addr in global_white_addrs_list:  # refuse what the broker could not load back
            self.remote_address_strategy_factory.get_remote_address_strategy(addr)
        with self.lock:
            conf = self._read_conf(file_name) or {}
            conf[C.CONFIG_GLOBAL_WHITE_ADDRS] = list(global_white_addrs_list)
            written = write_data_object(file_name, self.update_acl_config_file_version(file_name, conf))
            self._load_one(deal_file_path(file_name))
            return written

    def get_all_acl_config(self) -> AclConfig:
        config = AclConfig()
        seen: set[str] = set()
        for path in self.file_list:
            conf = self._read_conf(path)
            if not conf:
                continue
            addrs = conf.get(C.CONFIG_GLOBAL_WHITE_ADDRS) or []
            config.global_white_addrs.extend(str(a) for a in (addrs if isinstance(addrs, list) else [addrs]))
            for account in self._accounts(conf):
                if account.access_key not in seen:
                    seen.add(account.access_key)  # type: ignore[arg-type]
                    config.plain_access_configs.append(account)
        return config

    def get_acl_config_data_version(self) -> DataVersion:
        return self.data_version

    def get_data_version_map(self) -> dict[str, DataVersion]:
        return self.data_version_map

    # -- the check --------------------------------------------------------------------------------
    def check_perm(self, needed: PlainAccessResource, owned: PlainAccessResource) -> None:
        if P.need_admin_perm(needed.request_code) and not owned.admin:
            raise AclException(f"Need admin permission for request code={needed.request_code}, "
                               f"but accessKey={owned.access_key} is not")
        needed_map = needed.resource_perm_map
        owned_map = owned.resource_perm_map
        if needed_map is None:
            return
        if owned_map is None and owned.admin:
            return
        for resource, needed_perm in needed_map.items():
            is_group = is_retry_topic(resource)
            if owned_map is None or resource not in owned_map:
                owned_perm = owned.default_group_perm if is_group else owned.default_topic_perm
            else:
                owned_perm = owned_map[resource]
            if not P.check_permission(needed_perm, owned_perm):
                raise AclException(f"No default permission for {print_str(resource, is_group)}")

    def validate(self, resource: PlainAccessResource) -> None:
        for strategy in self.global_white_remote_address_strategy:
            if strategy.match(resource):
                return
        if resource.access_key is None:
            raise AclException("No accessKey is configured")
        file_name = self.access_key_table.get(resource.access_key)
        if file_name is None:
            raise AclException(f"No acl config for {resource.access_key}")
        owned = self.acl_plain_access_resource_map.get(file_name, {}).get(resource.access_key)
        if owned is None:
            raise AclException(f"No PlainAccessResource for accessKey={resource.access_key}")
        if owned.remote_address_strategy.match(resource):
            return
        signature = cal_signature(resource.content or b"", owned.secret_key, resource.body)  # type: ignore[arg-type]
        if signature != resource.signature:
            raise AclException(f"Check signature failed for accessKey={resource.access_key}")
        # the message-trace topic is open to every signed account (Java skips its check)
        perms = resource.resource_perm_map
        if perms is not None and perms.get(RMQ_SYS_TRACE_TOPIC) == P.PUB:
            return
        self.check_perm(resource, owned)
