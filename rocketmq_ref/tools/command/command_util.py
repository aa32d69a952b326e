"""CommandUtil: broker addresses and names of a cluster, as several commands need them
(Java ``tools.command.CommandUtil``; book A2.4)."""
from __future__ import annotations

from typing import Any

from rocketmq_ref.common import mixall
from rocketmq_ref.tools.command.sub_command import Option, OptionGroup, SubCommandException


def broker_or_cluster(desc_b: str, desc_c: str, required: bool = True) -> OptionGroup:
    """The ``-b brokerAddr`` / ``-c clusterName`` choice of the commands that act on one broker or
    on a cluster's brokers."""
    return OptionGroup((Option("b", "brokerAddr", True, desc_b),
                        Option("c", "clusterName", True, desc_c)), required=required)


def _cluster_brokers(admin: Any, cluster_name: str) -> list[Any]:
    info = admin.examine_broker_cluster_info()
    names = info.cluster_addr_table.get(cluster_name)
    if names is None:
        raise SubCommandException(f"Make sure the specified clusterName exists or the name server "
                                  f"connected to is correct: no cluster named {cluster_name}")
    return [info.broker_addr_table[n] for n in sorted(names) if n in info.broker_addr_table]


def fetch_master_addr_by_cluster_name(admin: Any, cluster_name: str) -> list[str]:
    return [bd.broker_addrs[mixall.MASTER_ID] for bd in _cluster_brokers(admin, cluster_name)
            if mixall.MASTER_ID in bd.broker_addrs]


def fetch_master_and_slave_addr_by_cluster_name(admin: Any, cluster_name: str) -> list[str]:
    return [addr for bd in _cluster_brokers(admin, cluster_name)
            for _, addr in sorted(bd.broker_addrs.items())]


def fetch_master_and_slave_distinguish(admin: Any, cluster_name: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for bd in _cluster_brokers(admin, cluster_name):
        master = bd.broker_addrs.get(mixall.MASTER_ID)
        if master is None:
            continue
        out[master] = [a for i, a in sorted(bd.broker_addrs.items()) if i != mixall.MASTER_ID]
    return out


def fetch_broker_name_by_cluster_name(admin: Any, cluster_name: str) -> list[str]:
    return [bd.broker_name for bd in _cluster_brokers(admin, cluster_name)]


def fetch_broker_name_by_addr(admin: Any, addr: str) -> str:
    info = admin.examine_broker_cluster_info()
    for bd in info.broker_addr_table.values():
        if addr in bd.broker_addrs.values():
            return bd.broker_name
    raise SubCommandException(f"Make sure the specified broker addr exists or the name server "
                              f"connected to is correct: {addr}")
