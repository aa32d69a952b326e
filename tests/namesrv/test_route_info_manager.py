"""RouteInfoManager: registration, data versions, slaves, topic merge, expiry, channel close."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from rocketmq_ref.common.perm_name import PermName
from rocketmq_ref.common.protocol.route import QueueData
from rocketmq_ref.namesrv.routeinfo.route_info_manager import RouteInfoManager


@dataclass
class Topic:
    topic_name: str
    read_queue_nums: int = 4
    write_queue_nums: int = 4
    perm: int = 6
    topic_sys_flag: int = 0


@dataclass(frozen=True)
class Version:
    timestamp: int
    counter: int = 0


@dataclass
class Wrapper:
    data_version: Version
    topic_config_table: dict = field(default_factory=dict)


def wrapper(version: int, *topics: Topic) -> Wrapper:
    return Wrapper(Version(version), {t.topic_name: t for t in topics})


class Clock:
    def __init__(self) -> None:
        self.ms = 1_000_000

    def __call__(self) -> int:
        return self.ms


class Channel:
    def __init__(self, name: str) -> None:
        self.name = name
        self.closed = False

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def rim(clock):
    return RouteInfoManager(now_ms=clock)


def register(rim, name="broker-a", broker_id=0, addr=None, cluster="DefaultCluster", w=None,
             channel=None, filters=None):
    addr = addr or f"10.0.0.{1 + broker_id}:10911"
    return rim.register_broker(cluster, addr, name, broker_id, addr.replace("10911", "10912"),
                               w if w is not None else wrapper(1), filters, channel or Channel(addr))


def test_register_master_creates_routes_for_its_topics(rim):
    register(rim, w=wrapper(1, Topic("T1"), Topic("T2", 8, 8, 6)))
    route = rim.pickup_topic_route_data("T2")
    assert route is not None
    assert route.queue_datas == [QueueData("broker-a", 8, 8, 6, 0)]
    assert [(b.cluster, b.broker_name, b.broker_addrs) for b in route.broker_datas] == \
        [("DefaultCluster", "broker-a", {0: "10.0.0.1:10911"})]
    assert rim.pickup_topic_route_data("unknown") is None
    assert rim.get_all_topic_list().topic_list == {"T1", "T2"}
    info = rim.get_all_cluster_info()
    assert info.cluster_addr_table == {"DefaultCluster": {"broker-a"}}


def test_reregister_with_same_data_version_keeps_routes_but_refreshes_liveness(rim, clock):
    register(rim, w=wrapper(1, Topic("T1")))
    clock.ms += 5000
    # same version, different content: the name server trusts the version and ignores the topics
    register(rim, w=wrapper(1, Topic("T1", 16, 16), Topic("T9")))
    assert rim.pickup_topic_route_data("T1").queue_datas[0].read_queue_nums == 4
    assert rim.pickup_topic_route_data("T9") is None
    assert rim.broker_live_table["10.0.0.1:10911"].last_update_timestamp == clock.ms
    # a new version applies the new content
    register(rim, w=wrapper(2, Topic("T1", 16, 16), Topic("T9")))
    assert rim.pickup_topic_route_data("T1").queue_datas[0].read_queue_nums == 16
    assert rim.pickup_topic_route_data("T9") is not None


def test_slave_registration_learns_master_and_never_changes_topics(rim):
    register(rim, w=wrapper(1, Topic("T1")))
    result = register(rim, broker_id=1, w=wrapper(7, Topic("T1", 1, 1), Topic("SlaveOnly")))
    assert result.master_addr == "10.0.0.1:10911"
    assert result.ha_server_addr == "10.0.0.1:10912"
    assert rim.pickup_topic_route_data("SlaveOnly") is None
    route = rim.pickup_topic_route_data("T1")
    assert route.queue_datas[0].read_queue_nums == 4
    assert route.broker_datas[0].broker_addrs == {0: "10.0.0.1:10911", 1: "10.0.0.2:10911"}
    assert register(rim, name="broker-b", broker_id=1, addr="10.0.9.9:10911").master_addr is None


def test_topic_merges_queue_data_from_each_master(rim):
    register(rim, name="broker-a", addr="10.0.0.1:10911", w=wrapper(1, Topic("T", 4, 4)))
    register(rim, name="broker-b", addr="10.0.0.3:10911", w=wrapper(1, Topic("T", 8, 8)))
    route = rim.pickup_topic_route_data("T")
    assert sorted((q.broker_name, q.read_queue_nums) for q in route.queue_datas) == \
        [("broker-a", 4), ("broker-b", 8)]
    assert sorted(b.broker_name for b in route.broker_datas) == ["broker-a", "broker-b"]
    assert rim.get_topics_by_cluster("DefaultCluster").topic_list == {"T"}


def test_slave_promoted_on_same_address_replaces_its_old_id(rim):
    register(rim, broker_id=1, addr="10.0.0.2:10911")
    register(rim, broker_id=0, addr="10.0.0.2:10911", w=wrapper(3, Topic("T")))
    assert rim.broker_addr_table["broker-a"].broker_addrs == {0: "10.0.0.2:10911"}


def test_scan_expires_silent_brokers_closes_channel_and_drops_routes(rim, clock):
    ch_a, ch_b = Channel("a"), Channel("b")
    register(rim, name="broker-a", addr="10.0.0.1:10911", w=wrapper(1, Topic("T"), Topic("OnlyA")),
             channel=ch_a)
    clock.ms += 60_000
    register(rim, name="broker-b", addr="10.0.0.3:10911", w=wrapper(1, Topic("T")), channel=ch_b)
    clock.ms += 60_001  # a: 120.001 s silent, b: 60.001 s
    assert rim.scan_not_active_broker() == 1
    assert ch_a.closed and not ch_b.closed
    assert rim.pickup_topic_route_data("OnlyA") is None
    assert [q.broker_name for q in rim.pickup_topic_route_data("T").queue_datas] == ["broker-b"]
    assert "broker-a" not in rim.broker_addr_table
    assert rim.scan_not_active_broker() == 0


def test_expiry_time_is_configurable(clock):
    rim = RouteInfoManager(broker_channel_expired_time=1000, now_ms=clock)
    register(rim, w=wrapper(1, Topic("T")))
    clock.ms += 1000
    assert rim.scan_not_active_broker() == 0  # not past the bound yet
    clock.ms += 1
    assert rim.scan_not_active_broker() == 1
    assert rim.get_all_cluster_info().cluster_addr_table == {}


def test_channel_close_removes_only_that_broker_and_empty_cluster(rim):
    ch_master, ch_slave = Channel("m"), Channel("s")
    register(rim, w=wrapper(1, Topic("T")), channel=ch_master)
    register(rim, broker_id=1, channel=ch_slave)
    assert rim.on_channel_destroy("127.0.0.1:50000", ch_slave) == "10.0.0.2:10911"
    assert rim.broker_addr_table["broker-a"].broker_addrs == {0: "10.0.0.1:10911"}
    assert rim.pickup_topic_route_data("T") is not None
    # a client connection closing changes nothing
    assert rim.on_channel_destroy("127.0.0.1:50001", Channel("client")) is None
    rim.on_channel_destroy("127.0.0.1:50002", ch_master)
    assert rim.pickup_topic_route_data("T") is None
    assert rim.get_all_cluster_info().cluster_addr_table == {}
    assert rim.broker_live_table == {}


def test_unregister_broker_cleans_tables(rim):
    register(rim, w=wrapper(1, Topic("T")), filters=["10.0.0.1:9999"])
    assert rim.filter_server_table == {"10.0.0.1:10911": ["10.0.0.1:9999"]}
    assert rim.pickup_topic_route_data("T").filter_server_table == \
        {"10.0.0.1:10911": ["10.0.0.1:9999"]}
    rim.unregister_broker("DefaultCluster", "10.0.0.1:10911", "broker-a", 0)
    assert rim.pickup_topic_route_data("T") is None
    assert rim.filter_server_table == {} and rim.broker_live_table == {}
    assert rim.get_all_cluster_info().broker_addr_table == {}


def test_wipe_and_add_write_perm(rim):
    register(rim, w=wrapper(1, Topic("T1"), Topic("T2")))
    assert rim.wipe_write_perm_of_broker_by_lock("broker-a") == 2
    assert rim.pickup_topic_route_data("T1").queue_datas[0].perm == PermName.PERM_READ
    assert rim.add_write_perm_of_broker_by_lock("broker-a") == 2
    assert rim.pickup_topic_route_data("T2").queue_datas[0].perm == \
        PermName.PERM_READ | PermName.PERM_WRITE
    assert rim.wipe_write_perm_of_broker_by_lock("nobody") == 0


def test_delete_topic_everywhere_or_in_one_cluster(rim):
    register(rim, name="a", cluster="C1", addr="10.0.0.1:1", w=wrapper(1, Topic("T"), Topic("U")))
    register(rim, name="b", cluster="C2", addr="10.0.0.3:1", w=wrapper(1, Topic("T")))
    rim.delete_topic("T", "C1")
    assert [q.broker_name for q in rim.pickup_topic_route_data("T").queue_datas] == ["b"]
    rim.delete_topic("T")
    assert rim.pickup_topic_route_data("T") is None
    assert rim.get_all_topic_list().topic_list == {"U"}


def test_unit_topic_lists_and_system_topics(rim):
    register(rim, w=wrapper(1, Topic("plain"), Topic("unit", topic_sys_flag=1),
                            Topic("sub", topic_sys_flag=2), Topic("both", topic_sys_flag=3)))
    assert rim.get_unit_topics().topic_list == {"both", "unit"}
    assert rim.get_has_unit_sub_topic_list().topic_list == {"both", "sub"}
    assert rim.get_has_unit_sub_un_unit_topic_list().topic_list == {"sub"}
    system = rim.get_system_topic_list()
    assert system.topic_list == {"DefaultCluster", "broker-a"}
    assert system.broker_addr == "10.0.0.1:10911"


def test_route_is_a_copy(rim):
    register(rim, w=wrapper(1, Topic("T")))
    route = rim.pickup_topic_route_data("T")
    route.queue_datas[0].perm = 0
    route.broker_datas[0].broker_addrs[5] = "x"
    again = rim.pickup_topic_route_data("T")
    assert again.queue_datas[0].perm == 6 and 5 not in again.broker_datas[0].broker_addrs


def test_register_span_says_what_changed(rim, spans):
    register(rim, w=wrapper(1, Topic("T1")))
    register(rim, w=wrapper(2, Topic("T1", 8, 8), Topic("T2")))
    s = [x for x in spans.get_finished_spans() if x.name == "RouteInfoManager.register_broker"]
    assert len(s) == 2
    attrs = s[1].attributes
    assert attrs["rocketmq.namesrv.topic_config_changed"] is True
    assert list(attrs["rocketmq.namesrv.topics_new"]) == ["T2"]
    assert list(attrs["rocketmq.namesrv.topics_changed"]) == ["T1"]
    assert "B2.3.2" in attrs["rocketmq_ref.book.sections"]
    assert attrs["code.function.name"].endswith("RouteInfoManager.register_broker")


def test_scan_span_names_expired_brokers_and_why(rim, clock, spans):
    register(rim, w=wrapper(1, Topic("T")))
    clock.ms += 200_000
    rim.scan_not_active_broker()
    scan = [x for x in spans.get_finished_spans()
            if x.name == "RouteInfoManager.scan_not_active_broker"][0]
    assert list(scan.attributes["rocketmq.namesrv.brokers_expired"]) == ["10.0.0.1:10911"]
    assert "silent 200000 ms > 120000 ms" in scan.attributes["rocketmq.namesrv.expired_reasons"][0]
    destroy = [x for x in spans.get_finished_spans()
               if x.name == "RouteInfoManager.on_channel_destroy"][0]
    assert destroy.attributes["rocketmq.namesrv.reason"] == "expired"
    assert list(destroy.attributes["rocketmq.namesrv.topics_removed"]) == ["T"]


def test_topic_config_without_a_name_is_skipped(rim):
    register(rim, w=wrapper(1, Topic(None), Topic("")))  # type: ignore[arg-type]
    register(rim, name="b", addr="10.0.0.9:1", w=wrapper(1, Topic("Ok")))
    assert rim.get_all_topic_list().topic_list == {"Ok"}


def test_client_connection_close_changes_nothing_and_opens_no_span(rim, spans):
    register(rim, w=wrapper(1, Topic("T")))
    spans.clear()
    assert rim.on_channel_destroy("127.0.0.1:50001", Channel("client")) is None
    assert spans.get_finished_spans() == ()
    assert rim.pickup_topic_route_data("T") is not None
    # a broker address given without its channel (Java's fallback) is still cleaned
    assert rim.on_channel_destroy("10.0.0.1:10911", None) == "10.0.0.1:10911"
    assert rim.pickup_topic_route_data("T") is None
