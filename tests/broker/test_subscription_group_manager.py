import json

from rocketmq_ref.broker.subscription.subscription_group_manager import SubscriptionGroupManager
from tests.broker.fakes import FakeController


def test_unknown_group_is_auto_created_with_java_defaults_and_persisted(tmp_path):
    m = SubscriptionGroupManager(FakeController(tmp_path))
    cfg = m.find_subscription_group_config("group_a")
    assert (cfg.retry_queue_nums, cfg.retry_max_times, cfg.consume_enable) == (1, 16, True)
    data = json.loads((tmp_path / "config" / "subscriptionGroup.json").read_text())
    assert data["subscriptionGroupTable"]["group_a"]["retryMaxTimes"] == 16
    m2 = SubscriptionGroupManager(FakeController(tmp_path))
    assert m2.load() and m2.contains_subscription_group("group_a")


def test_without_auto_create_only_system_and_known_groups_exist(tmp_path):
    m = SubscriptionGroupManager(FakeController(tmp_path, auto_create_subscription_group=False))
    assert m.find_subscription_group_config("nobody") is None
    assert m.find_subscription_group_config("TOOLS_CONSUMER") is not None
    assert m.find_subscription_group_config("CID_RMQ_SYS_TRANS") is not None  # system prefix
    assert m.delete_subscription_group_config("TOOLS_CONSUMER")
    assert not m.delete_subscription_group_config("TOOLS_CONSUMER")
