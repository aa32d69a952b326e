from rocketmq_ref.broker.client.rebalance_lock_manager import RebalanceLockManager


class Clock:
    def __init__(self):
        self.now = 1_000_000

    def __call__(self):
        return self.now


def test_second_client_cannot_take_a_live_lock_but_takes_an_expired_one():
    clock = Clock()
    m = RebalanceLockManager(max_live_time_ms=60_000, clock=clock)
    mqs = {("T", "b", 0), ("T", "b", 1)}
    assert m.try_lock_batch("g", mqs, "c1") == mqs
    assert m.try_lock_batch("g", mqs, "c2") == set()
    clock.now += 30_000
    assert m.try_lock_batch("g", mqs, "c1") == mqs  # refresh
    clock.now += 59_000
    assert m.try_lock_batch("g", mqs, "c2") == set()
    clock.now += 2_000
    assert m.try_lock_batch("g", mqs, "c2") == mqs
    assert not m.is_lock_held("g", ("T", "b", 0), "c1")


def test_unlock_only_by_the_holder_and_groups_are_independent():
    m = RebalanceLockManager(max_live_time_ms=60_000)
    mq = ("T", "b", 0)
    assert m.try_lock("g1", mq, "c1")
    assert m.try_lock("g2", mq, "c2")
    m.unlock_batch("g1", {mq}, "c2")
    assert not m.try_lock("g1", mq, "c2")
    m.unlock_batch("g1", {mq}, "c1")
    assert m.try_lock("g1", mq, "c2")
    m.unlock_batch("missing", {mq}, "c1")
