"""Route registration, expiry, deletion and discovery in one name server's RouteInfoManager.

Two master brokers of ``DefaultCluster`` register with their topics, a client looks up the route of
``TopicTest``, ``broker-b`` falls silent for longer than the 120 s expiry and the scan removes it,
``broker-a`` unregisters on shutdown, and the topic's route is gone.  The clock is the scenario's
own, so the two minutes pass at once.
"""
from __future__ import annotations

from rocketmq_ref.common.protocol.body.topic_config_serialize_wrapper import (
    TopicConfigSerializeWrapper)
from rocketmq_ref.common.topic_config import TopicConfig
from rocketmq_ref.namesrv.routeinfo.route_info_manager import (BROKER_CHANNEL_EXPIRED_TIME,
                                                               RouteInfoManager)
from rocketmq_ref.tools.walkthrough_model import Stop, Walkthrough

CLUSTER = "DefaultCluster"
TOPIC = "TopicTest"


class ScenarioClock:
    """Milliseconds that move only when the scenario says so."""

    def __init__(self, start_ms: int = 1_700_000_000_000) -> None:
        self.ms = start_ms

    def __call__(self) -> int:
        return self.ms


def topics_of(*names: str) -> TopicConfigSerializeWrapper:
    wrapper = TopicConfigSerializeWrapper()
    for name in names:
        wrapper.topic_config_table[name] = TopicConfig(topic_name=name, read_queue_nums=4,
                                                       write_queue_nums=4)
    wrapper.data_version.next_version()
    return wrapper


def scenario() -> None:
    clock = ScenarioClock()
    routes = RouteInfoManager(now_ms=clock)
    routes.register_broker(CLUSTER, "127.0.0.1:10911", "broker-a", 0, "127.0.0.1:10912",
                           topics_of(TOPIC, "TBW102"), None, channel=None)
    clock.ms += 10_000
    routes.register_broker(CLUSTER, "127.0.0.1:10921", "broker-b", 0, "127.0.0.1:10922",
                           topics_of(TOPIC), None, channel=None)
    route = routes.pickup_topic_route_data(TOPIC)
    assert route is not None and len(route.broker_datas) == 2, route
    # a topic no broker registered: the lookup behind "No route info of this topic"
    assert routes.pickup_topic_route_data("TopicNeverCreated") is None

    # broker-a keeps registering every 30 s; broker-b stops
    for _ in range(4):
        clock.ms += 30_000
        routes.update_broker_info_update_timestamp("127.0.0.1:10911", clock.ms)
    clock.ms += BROKER_CHANNEL_EXPIRED_TIME - 120_000 + 1
    expired = routes.scan_not_active_broker()
    assert expired == 1, expired
    route = routes.pickup_topic_route_data(TOPIC)
    assert route is not None and [b.broker_name for b in route.broker_datas] == ["broker-a"]

    routes.unregister_broker(CLUSTER, "127.0.0.1:10911", "broker-a", 0)
    assert routes.pickup_topic_route_data(TOPIC) is None


WALKTHROUGH = Walkthrough(
    name="namesrv_routes",
    title="Name server routes: registration, expiry, deletion, discovery",
    sections=("B2.3", "B2.3.1", "B2.3.2", "B2.3.3", "B2.3.4", "A4", "A4.1", "A4.1.1", "A4.1.2", "A10",
              "A10.2", "A10.3", "A10.4"),
    scenario=scenario,
    stops=(
        Stop("RouteInfoManager.register_broker", locals=("cluster_name", "broker_name", "broker_addr")),
        Stop("RouteInfoManager.pickup_topic_route_data", locals=("topic",)),
        Stop("RouteInfoManager.scan_not_active_broker", locals=("self",)),
        Stop("RouteInfoManager.on_channel_destroy", locals=("remote_addr", "reason")),
        Stop("RouteInfoManager.unregister_broker", locals=("broker_addr", "broker_name")),
    ),
    service="namesrv",
)
