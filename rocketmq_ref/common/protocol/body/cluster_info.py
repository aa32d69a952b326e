"""ClusterInfo: every broker group and which cluster holds it (Java
``org.apache.rocketmq.common.protocol.body.ClusterInfo``; books B2.3.1, A4.1.1).

The body of GET_BROKER_CLUSTER_INFO; ``mqadmin clusterList`` and ``updateTopic -c`` read it.
``brokerAddrs`` keys are written bare as fastjson does (``{0:"ip:port"}``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody
from rocketmq_ref.common.protocol.route import BrokerData


@dataclass
class ClusterInfo(JsonBody):
    broker_addr_table: dict[str, BrokerData] = field(default_factory=dict)
    cluster_addr_table: dict[str, set[str]] = field(default_factory=dict)

    def retrieve_all_addr_by_cluster(self, cluster: str) -> list[str]:
        """Every broker address (masters and slaves) of the cluster's broker groups."""
        addrs: list[str] = []
        for broker_name in self.cluster_addr_table.get(cluster, ()):
            broker_data = self.broker_addr_table.get(broker_name)
            if broker_data is not None:
                addrs.extend(broker_data.broker_addrs.values())
        return addrs

    def retrieve_all_cluster_names(self) -> list[str]:
        return list(self.cluster_addr_table)
