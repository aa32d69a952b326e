"""RouteInfoManager: the name server's five route tables under one read/write lock (Java
``org.apache.rocketmq.namesrv.routeinfo.RouteInfoManager``; books A4.1.1, A4.1.2, A10.4, B2.3).

| table | key -> value |
| --- | --- |
| ``topic_queue_table`` | topic -> {brokerName -> QueueData} |
| ``broker_addr_table`` | brokerName -> BrokerData{cluster, brokerName, {brokerId -> addr}} |
| ``cluster_addr_table`` | clusterName -> {brokerName} |
| ``broker_live_table`` | brokerAddr -> BrokerLiveInfo{last update, DataVersion, channel, HA addr} |
| ``filter_server_table`` | brokerAddr -> [filter server addr] |

Registration (B2.3.2) refreshes a broker's live entry and, for a master whose topic DataVersion
changed (or that registers for the first time), rewrites its QueueData in every topic. Removal
(B2.3.3) happens on UNREGISTER_BROKER, when the broker's connection closes, or when the scan finds
it silent for ``broker_channel_expired_time`` ms (120 s). Discovery (B2.3.4) is
``pickup_topic_route_data``.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rocketmq_ref.common.mixall import MASTER_ID
from rocketmq_ref.common.perm_name import PermName
from rocketmq_ref.common.protocol.body.cluster_info import ClusterInfo
from rocketmq_ref.common.protocol.body.topic_list import TopicList
from rocketmq_ref.common.protocol.route import BrokerData, QueueData, TopicRouteData
from rocketmq_ref.common.sysflag import TopicSysFlag
from rocketmq_ref.common.tracing import span
from rocketmq_ref.namesrv.read_write_lock import ReadWriteLock

log = logging.getLogger("rocketmq_ref.namesrv")

BROKER_CHANNEL_EXPIRED_TIME = 1000 * 60 * 2  # ms, Java RouteInfoManager.BROKER_CHANNEL_EXPIRED_TIME
_JAVA = "org.apache.rocketmq.namesrv.routeinfo.RouteInfoManager#"


def _now_ms() -> int:
    return int(time.time() * 1000)


@dataclass(slots=True)
class BrokerLiveInfo:
    """When a broker last registered, with which topic DataVersion, over which connection."""

    last_update_timestamp: int
    data_version: Any
    channel: Any
    ha_server_addr: str | None


@dataclass(slots=True)
class RegisterBrokerResult:
    """What a registering slave learns: its master's HA address and address (Java
    ``org.apache.rocketmq.common.namesrv.RegisterBrokerResult``)."""

    ha_server_addr: str | None = None
    master_addr: str | None = None


def _close_channel(channel: Any) -> None:
    """``RemotingUtil.closeChannel``: close whatever connection object the server gave us."""
    close = getattr(channel, "close", None)
    if close is not None:
        try:
            close()
        except Exception:  # closing an already broken connection must not stop the scan
            log.debug("closing channel %r failed", channel, exc_info=True)


class RouteInfoManager:
    """All routing state of one name server (book B2.3.1)."""

    def __init__(self, broker_channel_expired_time: int = BROKER_CHANNEL_EXPIRED_TIME,
                 now_ms: Callable[[], int] = _now_ms,
                 close_channel: Callable[[Any], None] = _close_channel) -> None:
        self.lock = ReadWriteLock()
        self.topic_queue_table: dict[str, dict[str, QueueData]] = {}
        self.broker_addr_table: dict[str, BrokerData] = {}
        self.cluster_addr_table: dict[str, set[str]] = {}
        self.broker_live_table: dict[str, BrokerLiveInfo] = {}
        self.filter_server_table: dict[str, list[str]] = {}
        self.broker_channel_expired_time = broker_channel_expired_time
        self.now_ms = now_ms
        self._close_channel = close_channel

    # ------------------------------------------------------------------------------------------
    # registration (B2.3.2)

    def register_broker(self, cluster_name: str, broker_addr: str, broker_name: str,
                        broker_id: int, ha_server_addr: str | None, topic_config_wrapper: Any,
                        filter_server_list: list[str] | None, channel: Any
                        ) -> RegisterBrokerResult:
        """Record a broker's registration; a master's topics replace its queue data when its
        topic DataVersion changed or it registers for the first time (Java ``registerBroker``)."""
        with span("RouteInfoManager.register_broker", java=_JAVA + "registerBroker",
                  books=("B2.3.2", "A4.1.2", "A10.3"),
                  attributes={"rocketmq.broker.cluster": cluster_name,
                              "rocketmq.broker.name": broker_name,
                              "rocketmq.broker.addr": broker_addr,
                              "rocketmq.broker.id": broker_id}) as s:
            result = RegisterBrokerResult()
            data_version = getattr(topic_config_wrapper, "data_version", None)
            topics_new: list[str] = []
            topics_changed: list[str] = []
            topic_config_changed = False
            with self.lock.write_lock():
                broker_names = self.cluster_addr_table.setdefault(cluster_name, set())
                broker_names.add(broker_name)

                register_first = False
                broker_data = self.broker_addr_table.get(broker_name)
                if broker_data is None:
                    register_first = True
                    broker_data = BrokerData(cluster_name, broker_name, {})
                    self.broker_addr_table[broker_name] = broker_data
                addrs = broker_data.broker_addrs
                # slave -> master switch: one address has one record only
                for other_id in [i for i, a in addrs.items()
                                 if a == broker_addr and i != broker_id]:
                    del addrs[other_id]
                old_addr = addrs.get(broker_id)
                addrs[broker_id] = broker_addr
                if broker_id == MASTER_ID and old_addr != broker_addr:
                    log.info("cluster [%s] brokerName [%s] master address change from %s to %s",
                             cluster_name, broker_name, old_addr, broker_addr)
                register_first = register_first or old_addr is None

                if topic_config_wrapper is not None and broker_id == MASTER_ID:
                    if self.is_broker_topic_config_changed(broker_addr, data_version) \
                            or register_first:
                        topic_config_changed = True
                        table = getattr(topic_config_wrapper, "topic_config_table", None) or {}
                        for topic_config in table.values():
                            change = self._create_and_update_queue_data(broker_name, topic_config)
                            if change == "new":
                                topics_new.append(topic_config.topic_name)
                            elif change == "changed":
                                topics_changed.append(topic_config.topic_name)

                prev = self.broker_live_table.get(broker_addr)
                self.broker_live_table[broker_addr] = BrokerLiveInfo(
                    self.now_ms(), data_version, channel, ha_server_addr)
                if prev is None:
                    log.info("new broker registered, %s HAServer: %s", broker_addr, ha_server_addr)

                if filter_server_list is not None:
                    if not filter_server_list:
                        self.filter_server_table.pop(broker_addr, None)
                    else:
                        self.filter_server_table[broker_addr] = list(filter_server_list)

                if broker_id != MASTER_ID:
                    master_addr = addrs.get(MASTER_ID)
                    if master_addr is not None:
                        master_live = self.broker_live_table.get(master_addr)
                        if master_live is not None:
                            result.ha_server_addr = master_live.ha_server_addr
                            result.master_addr = master_addr
            if s.is_recording():
                s.set_attributes({
                    "rocketmq.namesrv.register_first": register_first,
                    "rocketmq.namesrv.new_live_entry": prev is None,
                    "rocketmq.namesrv.topic_config_changed": topic_config_changed,
                    "rocketmq.namesrv.topics_new": topics_new,
                    "rocketmq.namesrv.topics_changed": topics_changed,
                    "rocketmq.namesrv.data_version": str(data_version),
                    "rocketmq.namesrv.master_addr": result.master_addr or "",
                })
            return result

    def is_broker_topic_config_changed(self, broker_addr: str, data_version: Any) -> bool:
        prev = self.query_broker_topic_config(broker_addr)
        return prev is None or prev != data_version

    def query_broker_topic_config(self, broker_addr: str) -> Any:
        """The DataVersion the broker last registered with, or None."""
        live = self.broker_live_table.get(broker_addr)
        return live.data_version if live is not None else None

    def update_broker_info_update_timestamp(self, broker_addr: str, timestamp: int) -> None:
        live = self.broker_live_table.get(broker_addr)
        if live is not None:
            live.last_update_timestamp = timestamp

    def _create_and_update_queue_data(self, broker_name: str, topic_config: Any) -> str | None:
        """Put this broker's QueueData for the topic; 'new', 'changed' or None (unchanged)."""
        topic = topic_config.topic_name
        if not topic:  # Java would file it under a null key and fail later; skip it loudly
            log.warning("broker %s registered a topic config without a name: %s", broker_name,
                        topic_config)
            return None
        queue_data = QueueData(broker_name=broker_name,
                               read_queue_nums=topic_config.read_queue_nums,
                               write_queue_nums=topic_config.write_queue_nums,
                               perm=topic_config.perm,
                               topic_sys_flag=topic_config.topic_sys_flag)
        queue_data_map = self.topic_queue_table.get(topic)
        if queue_data_map is None:
            self.topic_queue_table[topic] = {broker_name: queue_data}
            log.info("new topic registered, %s %s", topic, queue_data)
            return "new"
        old = queue_data_map.get(broker_name)
        queue_data_map[broker_name] = queue_data
        if old is None:
            return "new"
        if old != queue_data:
            log.info("topic changed, %s OLD: %s NEW: %s", topic, old, queue_data)
            return "changed"
        return None

    # ------------------------------------------------------------------------------------------
    # write permission (mqadmin wipeWritePerm / addWritePerm)

    def wipe_write_perm_of_broker_by_lock(self, broker_name: str) -> int:
        return self._operate_write_perm_of_broker_by_lock(broker_name, wipe=True)

    def add_write_perm_of_broker_by_lock(self, broker_name: str) -> int:
        return self._operate_write_perm_of_broker_by_lock(broker_name, wipe=False)

    def _operate_write_perm_of_broker_by_lock(self, broker_name: str, wipe: bool) -> int:
        count = 0
        with self.lock.write_lock():
            for queue_data_map in self.topic_queue_table.values():
                qd = queue_data_map.get(broker_name)
                if qd is None:
                    continue
                if wipe:
                    qd.perm &= ~PermName.PERM_WRITE
                else:
                    qd.perm = PermName.PERM_READ | PermName.PERM_WRITE
                count += 1
        return count

    # ------------------------------------------------------------------------------------------
    # removal (B2.3.3)

    def unregister_broker(self, cluster_name: str, broker_addr: str, broker_name: str,
                          broker_id: int) -> None:
        """A broker said goodbye (UNREGISTER_BROKER at shutdown)."""
        with span("RouteInfoManager.unregister_broker", java=_JAVA + "unregisterBroker",
                  books=("B2.3.3",),
                  attributes={"rocketmq.broker.cluster": cluster_name,
                              "rocketmq.broker.name": broker_name,
                              "rocketmq.broker.addr": broker_addr,
                              "rocketmq.broker.id": broker_id}) as s:
            removed_topics: list[str] = []
            remove_broker_name = False
            with self.lock.write_lock():
                live = self.broker_live_table.pop(broker_addr, None)
                log.info("unregisterBroker, remove from brokerLiveTable %s, %s",
                         "OK" if live is not None else "Failed", broker_addr)
                self.filter_server_table.pop(broker_addr, None)
                broker_data = self.broker_addr_table.get(broker_name)
                if broker_data is not None:
                    addr = broker_data.broker_addrs.pop(broker_id, None)
                    log.info("unregisterBroker, remove addr from brokerAddrTable %s, %s",
                             "OK" if addr is not None else "Failed", broker_addr)
                    if not broker_data.broker_addrs:
                        del self.broker_addr_table[broker_name]
                        remove_broker_name = True
                if remove_broker_name:
                    names = self.cluster_addr_table.get(cluster_name)
                    if names is not None:
                        names.discard(broker_name)
                        if not names:
                            del self.cluster_addr_table[cluster_name]
                    removed_topics = self._remove_topic_by_broker_name(broker_name)
            if s.is_recording():
                s.set_attributes({"rocketmq.namesrv.broker_name_removed": remove_broker_name,
                                  "rocketmq.namesrv.topics_removed": removed_topics})

    def _remove_topic_by_broker_name(self, broker_name: str) -> list[str]:
        """Drop the broker's QueueData everywhere; return the topics left with no broker."""
        emptied = []
        for topic, queue_data_map in self.topic_queue_table.items():
            if queue_data_map.pop(broker_name, None) is not None:
                log.info("removeTopicByBrokerName, remove one broker's topic %s %s",
                         topic, broker_name)
            if not queue_data_map:
                emptied.append(topic)
        for topic in emptied:
            del self.topic_queue_table[topic]
        return emptied

    def scan_not_active_broker(self) -> int:
        """Drop every broker silent for longer than ``broker_channel_expired_time`` ms: close its
        connection and clean its routes (Java ``scanNotActiveBroker``, every 10 s; B2.3.3)."""
        with span("RouteInfoManager.scan_not_active_broker", java=_JAVA + "scanNotActiveBroker",
                  books=("B2.3.3", "A4.1.2")) as s:
            now = self.now_ms()
            expired: list[tuple[str, BrokerLiveInfo]] = []
            with self.lock.write_lock():
                for addr, live in list(self.broker_live_table.items()):
                    if live.last_update_timestamp + self.broker_channel_expired_time < now:
                        del self.broker_live_table[addr]
                        expired.append((addr, live))
            for addr, live in expired:
                silent = now - live.last_update_timestamp
                log.warning("The broker channel expired, %s %dms (silent for %d ms)", addr,
                            self.broker_channel_expired_time, silent)
                self._close_channel(live.channel)
                self.on_channel_destroy(addr, live.channel, reason="expired")
            if s.is_recording():
                s.set_attributes({
                    "rocketmq.namesrv.brokers_live": len(self.broker_live_table),
                    "rocketmq.namesrv.brokers_expired": [a for a, _ in expired],
                    "rocketmq.namesrv.expired_reasons": [
                        f"{a}: silent {now - l.last_update_timestamp} ms > "
                        f"{self.broker_channel_expired_time} ms" for a, l in expired],
                })
            return len(expired)

    def on_channel_destroy(self, remote_addr: str | None, channel: Any,
                           reason: str = "channel closed") -> str | None:
        """A connection went away: if a broker registered over it (or from ``remote_addr``), remove
        that broker address and whatever becomes empty (Java ``onChannelDestroy``). Connections
        of clients and tools find no broker and change nothing (and open no span)."""
        broker_addr_found = None
        with self.lock.read_lock():
            if channel is not None:
                for addr, live in self.broker_live_table.items():
                    if live.channel is channel:
                        broker_addr_found = addr
                        break
            by_channel = broker_addr_found is not None
            if broker_addr_found is None and remote_addr and self._is_broker_addr(remote_addr):
                broker_addr_found = remote_addr
        if broker_addr_found is None:
            return None
        if by_channel:
            log.info("the broker's channel destroyed, %s, clean it's data structure at once",
                     broker_addr_found)
        with span("RouteInfoManager.on_channel_destroy", java=_JAVA + "onChannelDestroy",
                  books=("B2.3.3",),
                  attributes={"rocketmq.namesrv.reason": reason,
                              "net.peer.addr": remote_addr or ""}) as s:
            removed_topics: list[str] = []
            broker_name_found = None
            remove_broker_name = False
            if broker_addr_found:
                with self.lock.write_lock():
                    self.broker_live_table.pop(broker_addr_found, None)
                    self.filter_server_table.pop(broker_addr_found, None)
                    for name, broker_data in list(self.broker_addr_table.items()):
                        for broker_id, addr in list(broker_data.broker_addrs.items()):
                            if addr == broker_addr_found:
                                broker_name_found = name
                                del broker_data.broker_addrs[broker_id]
                                log.info("remove brokerAddr[%s, %s] from brokerAddrTable, "
                                         "because channel destroyed", broker_id, addr)
                                break
                        if broker_name_found is not None:
                            if not broker_data.broker_addrs:
                                remove_broker_name = True
                                del self.broker_addr_table[name]
                                log.info("remove brokerName[%s] from brokerAddrTable, because "
                                         "channel destroyed", name)
                            break
                    if broker_name_found is not None and remove_broker_name:
                        for cluster, names in list(self.cluster_addr_table.items()):
                            if broker_name_found in names:
                                names.discard(broker_name_found)
                                log.info("remove brokerName[%s], clusterName[%s] from "
                                         "clusterAddrTable, because channel destroyed",
                                         broker_name_found, cluster)
                                if not names:
                                    del self.cluster_addr_table[cluster]
                                break
                        removed_topics = self._remove_topic_by_broker_name(broker_name_found)
            if s.is_recording():
                s.set_attributes({
                    "rocketmq.broker.addr": broker_addr_found or "",
                    "rocketmq.broker.name": broker_name_found or "",
                    "rocketmq.namesrv.broker_name_removed": remove_broker_name,
                    "rocketmq.namesrv.topics_removed": removed_topics,
                })
            return broker_addr_found if broker_name_found is not None else None

    def _is_broker_addr(self, addr: str) -> bool:
        """Under the read lock: does any table still hold this broker address?"""
        return (addr in self.broker_live_table or addr in self.filter_server_table
                or any(addr in bd.broker_addrs.values() for bd in self.broker_addr_table.values()))

    # ------------------------------------------------------------------------------------------
    # discovery (B2.3.4)

    def pickup_topic_route_data(self, topic: str) -> TopicRouteData | None:
        """The topic's route (copies), or None when no queue data or no broker data is known."""
        with span("RouteInfoManager.pickup_topic_route_data",
                  java=_JAVA + "pickupTopicRouteData", books=("B2.3.4", "A4.2.1"),
                  attributes={"messaging.destination.name": topic}) as s:
            route = None
            with self.lock.read_lock():
                queue_data_map = self.topic_queue_table.get(topic)
                if queue_data_map:
                    brokers = []
                    filter_servers: dict[str, list[str]] = {}
                    for broker_name in queue_data_map:
                        bd = self.broker_addr_table.get(broker_name)
                        if bd is None:
                            continue
                        clone = BrokerData(bd.cluster, bd.broker_name, dict(bd.broker_addrs))
                        brokers.append(clone)
                        if self.filter_server_table:
                            for addr in clone.broker_addrs.values():
                                servers = self.filter_server_table.get(addr)
                                if servers is not None:
                                    filter_servers[addr] = list(servers)
                    if brokers:
                        route = TopicRouteData(
                            queue_datas=[QueueData(q.broker_name, q.read_queue_nums,
                                                   q.write_queue_nums, q.perm, q.topic_sys_flag)
                                         for q in queue_data_map.values()],
                            broker_datas=brokers, filter_server_table=filter_servers)
            if s.is_recording():
                s.set_attribute("rocketmq.namesrv.found", route is not None)
                if route is not None:
                    s.set_attribute("rocketmq.namesrv.brokers",
                                    [b.broker_name for b in route.broker_datas])
            return route

    # ------------------------------------------------------------------------------------------
    # listings

    def get_all_cluster_info(self) -> ClusterInfo:
        """A consistent copy of ``broker_addr_table`` and ``cluster_addr_table``."""
        with self.lock.read_lock():
            return ClusterInfo(
                {name: bd.clone() for name, bd in self.broker_addr_table.items()},
                {c: set(names) for c, names in self.cluster_addr_table.items()})

    def delete_topic(self, topic: str, cluster_name: str | None = None) -> None:
        """Forget a topic everywhere, or only on the brokers of ``cluster_name``."""
        with self.lock.write_lock():
            if not cluster_name:
                self.topic_queue_table.pop(topic, None)
                return
            names = self.cluster_addr_table.get(cluster_name)
            queue_data_map = self.topic_queue_table.get(topic)
            if not names or queue_data_map is None:
                return
            for name in names:
                if queue_data_map.pop(name, None) is not None:
                    log.info("deleteTopic, remove one broker's topic %s %s", name, topic)
            if not queue_data_map:
                log.info("deleteTopic, remove the topic all queue %s %s", cluster_name, topic)
                del self.topic_queue_table[topic]

    def get_all_topic_list(self) -> TopicList:
        with self.lock.read_lock():
            return TopicList(set(self.topic_queue_table))

    def get_system_topic_list(self) -> TopicList:
        """Cluster names and broker names (they are topics too), and one broker address."""
        topics: set[str] = set()
        broker_addr = None
        with self.lock.read_lock():
            for cluster, names in self.cluster_addr_table.items():
                topics.add(cluster)
                topics.update(names)
            for bd in self.broker_addr_table.values():
                if bd.broker_addrs:
                    broker_addr = next(iter(bd.broker_addrs.values()))
                    break
        return TopicList(topics, broker_addr)

    def get_topics_by_cluster(self, cluster: str) -> TopicList:
        with self.lock.read_lock():
            names = self.cluster_addr_table.get(cluster) or set()
            return TopicList({topic for topic, qmap in self.topic_queue_table.items()
                              if any(name in qmap for name in names)})

    def get_unit_topics(self) -> TopicList:
        return self._topic_queue_table_iter(lambda f: TopicSysFlag.has_unit_flag(f))

    def get_has_unit_sub_topic_list(self) -> TopicList:
        return self._topic_queue_table_iter(lambda f: TopicSysFlag.has_unit_sub_flag(f))

    def get_has_unit_sub_un_unit_topic_list(self) -> TopicList:
        return self._topic_queue_table_iter(
            lambda f: not TopicSysFlag.has_unit_flag(f) and TopicSysFlag.has_unit_sub_flag(f))

    def _topic_queue_table_iter(self, pick: Callable[[int], bool]) -> TopicList:
        """Topics whose first QueueData's sysflag passes ``pick`` (Java looks at one only)."""
        with self.lock.read_lock():
            out = set()
            for topic, qmap in self.topic_queue_table.items():
                first = next(iter(qmap.values()), None)
                if first is not None and pick(first.topic_sys_flag):
                    out.add(topic)
            return TopicList(out)

    def print_all_periodically(self) -> None:
        with self.lock.read_lock():
            log.info("--------------------------------------------------------")
            log.info("topicQueueTable SIZE: %d", len(self.topic_queue_table))
            for topic, qmap in self.topic_queue_table.items():
                log.info("topicQueueTable Topic: %s %s", topic, qmap)
            log.info("brokerAddrTable SIZE: %d", len(self.broker_addr_table))
            for name, bd in self.broker_addr_table.items():
                log.info("brokerAddrTable brokerName: %s %s", name, bd)
            log.info("brokerLiveTable SIZE: %d", len(self.broker_live_table))
            for addr, live in self.broker_live_table.items():
                log.info("brokerLiveTable brokerAddr: %s %s", addr, live)
            log.info("clusterAddrTable SIZE: %d", len(self.cluster_addr_table))
            for cluster, names in self.cluster_addr_table.items():
                log.info("clusterAddrTable clusterName: %s %s", cluster, names)
