"""A minimal controller for manager unit tests: real configs where they exist, counters for calls."""
from __future__ import annotations

from types import SimpleNamespace


def broker_config(**kw):
    try:
        from rocketmq_ref.common.broker_config import BrokerConfig
        cfg = BrokerConfig()
        for k, v in kw.items():
            setattr(cfg, k, v)
        return cfg
    except ImportError:
        base = dict(broker_cluster_name="DefaultCluster", broker_name="broker-a", auto_create_topic_enable=True,
                    default_topic_queue_nums=8, cluster_topic_enable=True, broker_topic_enable=True,
                    trace_topic_enable=False, msg_trace_topic_name="RMQ_SYS_TRACE_TOPIC",
                    auto_create_subscription_group=True, notify_consumer_ids_changed_enable=True,
                    long_polling_enable=True, short_polling_time_mills=1000)
        base.update(kw)
        return SimpleNamespace(**base)


class FakeController:
    def __init__(self, root, **config):
        self.broker_config = broker_config(**config)
        self.message_store_config = SimpleNamespace(store_path_root_dir=str(root))
        self.registrations = []
        self.message_store = SimpleNamespace(get_min_offset_in_queue=lambda t, q: 0)

    def register_broker_all(self, check_order_config, oneway, force_register):
        self.registrations.append((check_order_config, oneway, force_register))
