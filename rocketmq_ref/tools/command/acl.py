"""ACL commands: updateAclConfig, deleteAclConfig, clusterAclConfigVersion, updateGlobalWhiteAddr
(Java ``tools.command.acl.*`` and the ACL calls of ``DefaultMQAdminExt``/``MQClientAPIImpl``; A8.2).

mqadmin signs its own requests when ``${ROCKETMQ_HOME}/conf/tools.yml`` holds ``accessKey`` and
``secretKey`` (Java ``MQAdminStartup``: ``AclUtils.getAclRPCHook(rocketmqHome + "/conf/tools.yml")``).
"""
from __future__ import annotations

import os
from typing import Any, Callable, TextIO

from rocketmq_ref.acl.common.acl_utils import get_acl_rpc_hook
from rocketmq_ref.acl.plain.plain_permission_manager import ACL_CONF_TOOLS_FILE
from rocketmq_ref.acl.plain_access_config import ClusterAclVersionInfo, PlainAccessConfig
from rocketmq_ref.common.data_version import DataVersion
from rocketmq_ref.common.fastjson import loads
from rocketmq_ref.common.mixall import ROCKETMQ_HOME_ENV
from rocketmq_ref.common.protocol.header.create_access_config_request_header import (
    CreateAccessConfigRequestHeader)
from rocketmq_ref.common.protocol.header.delete_access_config_request_header import (
    DeleteAccessConfigRequestHeader)
from rocketmq_ref.common.protocol.header.get_broker_acl_config_response_header import (
    GetBrokerAclConfigResponseHeader)
from rocketmq_ref.common.protocol.header.update_global_white_addrs_config_request_header import (
    UpdateGlobalWhiteAddrsConfigRequestHeader)
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.tracing import traced
from rocketmq_ref.common.utilall import format_date
from rocketmq_ref.tools.command.command_util import (broker_or_cluster, fetch_master_addr_by_cluster_name,
                                                     fetch_master_and_slave_addr_by_cluster_name)
from rocketmq_ref.tools.command.sub_command import CommandLine, Option, SubCommand, java_bool

AdminFactory = Callable[[], Any]
_JAVA = "org.apache.rocketmq.tools.admin.DefaultMQAdminExt"


def tools_rpc_hook() -> Any:
    """The mqadmin RPC hook from ``conf/tools.yml`` under ``ROCKETMQ_HOME``, or None."""
    home = os.environ.get("rocketmq_home_dir") or os.environ.get(ROCKETMQ_HOME_ENV)
    return get_acl_rpc_hook(f"{home}{ACL_CONF_TOOLS_FILE}")


# -- the admin calls (DefaultMQAdminExt -> MQClientAPIImpl) ----------------------------------------------
def _join(items: list[str] | None) -> str | None:
    return None if items is None else ",".join(items)


@traced(_JAVA + "#createAndUpdatePlainAccessConfig", books=("A8.2",))
def create_and_update_plain_access_config(admin: Any, addr: str, config: PlainAccessConfig) -> None:
    header = CreateAccessConfigRequestHeader(
        access_key=config.access_key, secret_key=config.secret_key, admin=config.admin,
        default_group_perm=config.default_group_perm, default_topic_perm=config.default_topic_perm,
        white_remote_address=config.white_remote_address, topic_perms=_join(config.topic_perms),
        group_perms=_join(config.group_perms))
    admin._broker(addr, RequestCode.UPDATE_AND_CREATE_ACL_CONFIG, header)


@traced(_JAVA + "#deletePlainAccessConfig", books=("A8.2",))
def delete_plain_access_config(admin: Any, addr: str, access_key: str) -> None:
    admin._broker(addr, RequestCode.DELETE_ACL_CONFIG, DeleteAccessConfigRequestHeader(access_key=access_key))


@traced(_JAVA + "#updateGlobalWhiteAddrConfig", books=("A8.2",))
def update_global_white_addr_config(admin: Any, addr: str, global_white_addrs: str,
                                    acl_file_full_path: str | None = None) -> None:
    header = UpdateGlobalWhiteAddrsConfigRequestHeader(global_white_addrs=global_white_addrs,
                                                       acl_file_full_path=acl_file_full_path)
    admin._broker(addr, RequestCode.UPDATE_GLOBAL_WHITE_ADDRS_CONFIG, header)


@traced(_JAVA + "#examineBrokerClusterAclVersionInfo", books=("A8.2",))
def examine_broker_cluster_acl_version_info(admin: Any, addr: str) -> ClusterAclVersionInfo:
    response = admin._broker(addr, RequestCode.GET_BROKER_CLUSTER_ACL_INFO, None)
    h = response.decode_command_custom_header(GetBrokerAclConfigResponseHeader)
    info = ClusterAclVersionInfo(broker_name=h.broker_name, broker_addr=h.broker_addr,
                                 cluster_name=h.cluster_name)
    info.acl_config_data_version = DataVersion.from_json_value(loads(h.version)) if h.version else None
    versions = loads(h.all_acl_file_version) if h.all_acl_file_version else {}
    info.all_acl_config_data_version = {path: DataVersion.from_json_value(v) for path, v in versions.items()}
    return info


# -- the commands -----------------------------------------------------------------------------------------
def _target_addrs(cl: CommandLine, admin: Any) -> list[str]:
    """``-b`` one broker, or ``-c`` every master and slave of the cluster."""
    if cl.has_option("b"):
        return [cl.get_option_value("b")]  # type: ignore[list-item]
    return fetch_master_and_slave_addr_by_cluster_name(admin, cl.get_option_value("c"))


def _perm_list(value: str) -> list[str]:
    return value.strip().split(",")  # Java String.split: empty items kept, trailing ones dropped


class UpdateAccessConfigSubCommand(SubCommand):
    name = "updateAclConfig"
    desc = "Update acl config yaml file in broker"

    def build_command_line_options(self) -> list:
        return [broker_or_cluster("update acl config file to which broker",
                                   "update acl config file to which cluster"),
                Option("a", "accessKey", True, "set accessKey in acl config file", required=True),
                Option("s", "secretKey", True, "set secretKey in acl config file", required=True),
                Option("w", "whiteRemoteAddress", True, "set white ip Address for account in acl config file"),
                Option("i", "defaultTopicPerm", True, "set default topicPerm in acl config file"),
                Option("u", "defaultGroupPerm", True, "set default GroupPerm in acl config file"),
                Option("t", "topicPerms", True, "set topicPerms list,eg: topicA=DENY,topicD=SUB"),
                Option("g", "groupPerms", True, "set groupPerms list,eg: groupD=DENY,groupD=SUB"),
                Option("m", "admin", True, "set admin flag in acl config file")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        config = PlainAccessConfig(access_key=cl.get_option_value("a"))
        if cl.has_option("s"):
            config.secret_key = cl.get_option_value("s")
        if cl.has_option("m"):
            config.admin = java_bool(cl.get_option_value("m"))
        if cl.has_option("i"):
            config.default_topic_perm = cl.get_option_value("i")
        if cl.has_option("u"):
            config.default_group_perm = cl.get_option_value("u")
        if cl.has_option("w"):
            config.white_remote_address = cl.get_option_value("w")
        if cl.has_option("t"):
            config.topic_perms = _perm_list(cl.get_option_value("t") or "")
        if cl.has_option("g"):
            config.group_perms = _perm_list(cl.get_option_value("g") or "")
        admin = admin_factory()
        for addr in _target_addrs(cl, admin):
            create_and_update_plain_access_config(admin, addr, config)
            out.write(f"create or update plain access config to {addr} success.\n")
        # Java prints the PlainAccessConfig object, which has no toString: its identity
        out.write(f"org.apache.rocketmq.common.PlainAccessConfig@{id(config) & 0xFFFFFFFF:x}")


class DeleteAccessConfigSubCommand(SubCommand):
    name = "deleteAclConfig"
    alias = "deleteAccessConfig"  # Java commandAlias
    desc = "Delete Acl Config Account in broker"

    def build_command_line_options(self) -> list:
        return [broker_or_cluster("delete acl config account from which broker",
                                   "delete acl config account from which cluster"),
                Option("a", "accessKey", True, "set accessKey in acl config file for deleting which account",
                       required=True)]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        access_key = cl.get_option_value("a")
        admin = admin_factory()
        for addr in _target_addrs(cl, admin):
            delete_plain_access_config(admin, addr, access_key)
            out.write(f"delete plain access config account from {addr} success.\n")
        out.write(f"account's accesskey is:{access_key}")


class ClusterAclConfigVersionListSubCommand(SubCommand):
    name = "clusterAclConfigVersion"
    desc = "List all of acl config version information in cluster"

    def build_command_line_options(self) -> list:
        return [broker_or_cluster("query acl config version for which broker",
                                   "query acl config version for specified cluster")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        admin = admin_factory()
        if cl.has_option("b"):
            self.print_cluster_base_info(admin, cl.get_option_value("b"), out)
            out.write("get broker's plain access config version success.\n")
            return
        masters = fetch_master_addr_by_cluster_name(admin, cl.get_option_value("c"))
        out.write("%-16s  %-22s  %-22s  %-20s  %-22s  %-22s\n" % (
            "#Cluster Name", "#Broker Name", "#Broker Addr", "#AclFilePath", "#AclConfigVersionNum",
            "#AclLastUpdateTime"))
        for addr in masters:
            self.print_cluster_base_info(admin, addr, out)
        out.write("get cluster's plain access config version success.\n")

    @staticmethod
    def print_cluster_base_info(admin: Any, addr: str, out: TextIO) -> None:
        info = examine_broker_cluster_acl_version_info(admin, addr)
        for path, version in info.all_acl_config_data_version.items():
            when = format_date(version.timestamp)
            out.write("%-16s  %-22s  %-22s  %-20s  %-22s  %-22s\n" % (
                info.cluster_name, info.broker_name, info.broker_addr, path, version.counter, when))


class UpdateGlobalWhiteAddrSubCommand(SubCommand):
    name = "updateGlobalWhiteAddr"
    desc = "Update global white address for acl Config File in broker"

    def build_command_line_options(self) -> list:
        return [broker_or_cluster("update global white address to which broker",
                                   "update global white address to which cluster"),
                Option("g", "globalWhiteRemoteAddresses", True,
                       "set globalWhiteRemoteAddress list,eg: 10.10.103.*,192.168.0.*", required=True),
                Option("p", "aclFileFullPath", True,
                       "update global white address of specified acl file,eg: /xxx/plain_test.yml")]

    def execute(self, cl: CommandLine, out: TextIO, admin_factory: AdminFactory) -> None:
        addrs_value = cl.get_option_value("g")
        path = cl.get_option_value("p") if cl.has_option("p") else None
        admin = admin_factory()
        for addr in _target_addrs(cl, admin):
            update_global_white_addr_config(admin, addr, addrs_value, path)
            out.write(f"update global white remote addresses to {addr} success.\n")


COMMANDS = [UpdateAccessConfigSubCommand, DeleteAccessConfigSubCommand, ClusterAclConfigVersionListSubCommand,
            UpdateGlobalWhiteAddrSubCommand]
