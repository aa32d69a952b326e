"""The five allocation strategies against the worked examples of the spec (ha-and-flows §4.1)."""
from __future__ import annotations

import hashlib

import pytest

from rocketmq_ref.client.consumer.rebalance import (AllocateMessageQueueAveragely,
                                                    AllocateMessageQueueAveragelyByCircle,
                                                    AllocateMessageQueueByConfig,
                                                    AllocateMessageQueueByMachineRoom,
                                                    AllocateMessageQueueConsistentHash)
from rocketmq_ref.common.message import MessageQueue


def queues(n: int, broker: str = "broker-a", topic: str = "T") -> list[MessageQueue]:
    return [MessageQueue(topic, broker, i) for i in range(n)]


def allocation(strategy, mqs, cids):
    return {cid: strategy.allocate("g", cid, mqs, cids) for cid in cids}


def test_averagely_gives_contiguous_blocks_with_the_extra_queues_to_the_first_consumers():
    mqs = queues(8)
    result = allocation(AllocateMessageQueueAveragely(), mqs, ["c0", "c1", "c2"])
    assert [q.queue_id for q in result["c0"]] == [0, 1, 2]
    assert [q.queue_id for q in result["c1"]] == [3, 4, 5]
    assert [q.queue_id for q in result["c2"]] == [6, 7]


def test_averagely_leaves_consumers_beyond_the_queue_count_idle():
    result = allocation(AllocateMessageQueueAveragely(), queues(2), ["c0", "c1", "c2"])
    assert [q.queue_id for q in result["c0"]] == [0]
    assert [q.queue_id for q in result["c1"]] == [1]
    assert result["c2"] == []


@pytest.mark.parametrize("n", range(1, 13))
@pytest.mark.parametrize("c", range(1, 6))
def test_every_strategy_partitions_the_queues_exactly_once(n, c):
    mqs = queues(n)
    cids = [f"10.0.0.{i}@{i}" for i in range(c)]
    for strategy in (AllocateMessageQueueAveragely(), AllocateMessageQueueAveragelyByCircle(),
                     AllocateMessageQueueConsistentHash()):
        owned = [q for qs in allocation(strategy, mqs, cids).values() for q in qs]
        assert sorted(owned) == mqs, strategy.get_name()


def test_by_circle_deals_queues_round_robin():
    result = allocation(AllocateMessageQueueAveragelyByCircle(), queues(8), ["c0", "c1", "c2"])
    assert [q.queue_id for q in result["c0"]] == [0, 3, 6]
    assert [q.queue_id for q in result["c1"]] == [1, 4, 7]
    assert [q.queue_id for q in result["c2"]] == [2, 5]


def test_by_config_returns_the_configured_queues_whatever_the_group():
    fixed = [MessageQueue("T", "b", 5)]
    strategy = AllocateMessageQueueByConfig(fixed)
    assert strategy.allocate("g", "c9", queues(3), ["c0"]) == fixed
    assert strategy.get_name() == "CONFIG"


def test_by_machine_room_keeps_only_queues_of_the_configured_rooms():
    mqs = (queues(4, "room1@broker-a") + queues(4, "room2@broker-b") + queues(2, "broker-c"))
    strategy = AllocateMessageQueueByMachineRoom({"room1"})
    result = allocation(strategy, mqs, ["c0", "c1", "c2"])
    # kept = 4 queues of room1; q = 4 // 3 = 1, r = 1: c0 takes kept[0] and kept[3]
    assert result["c0"] == [mqs[0], mqs[3]]
    assert result["c1"] == [mqs[1]]
    assert result["c2"] == [mqs[2]]


def _md5_ring_owner(mq: MessageQueue, cids: list[str], vnodes: int = 10) -> str:
    def h(key: str) -> int:
        return int.from_bytes(hashlib.md5(key.encode()).digest()[:4], "big")

    ring = sorted((h(f"{cid}-{k}"), cid) for cid in cids for k in range(vnodes))
    key = h(str(mq))
    for node_hash, cid in ring:
        if node_hash >= key:
            return cid
    return ring[0][1]


def test_consistent_hash_routes_each_queue_to_the_next_md5_ring_node():
    mqs = queues(16)
    cids = ["192.168.0.1@1", "192.168.0.2@2", "192.168.0.3@3"]
    result = allocation(AllocateMessageQueueConsistentHash(), mqs, cids)
    for cid, owned in result.items():
        for mq in owned:
            assert _md5_ring_owner(mq, cids) == cid
    assert str(mqs[0]) == "MessageQueue [topic=T, brokerName=broker-a, queueId=0]"


def test_consistent_hash_moves_only_some_queues_when_a_consumer_leaves():
    mqs = queues(32)
    before = allocation(AllocateMessageQueueConsistentHash(), mqs, ["a", "b", "c"])
    after = allocation(AllocateMessageQueueConsistentHash(), mqs, ["a", "b"])
    # queues a and b owned stay with them
    assert set(before["a"]) <= set(after["a"])
    assert set(before["b"]) <= set(after["b"])


def test_a_client_missing_from_the_group_gets_nothing_and_empty_inputs_are_errors():
    strategy = AllocateMessageQueueAveragely()
    assert strategy.allocate("g", "stranger", queues(4), ["c0"]) == []
    with pytest.raises(ValueError):
        strategy.allocate("g", "c0", [], ["c0"])
    with pytest.raises(ValueError):
        strategy.allocate("g", "c0", queues(1), [])
    with pytest.raises(ValueError):
        strategy.allocate("g", "", queues(1), ["c0"])


class RoomByPrefix:
    """Brokers named ``room-x`` and clients ``room@...``."""

    def broker_deploy_in(self, mq):
        return mq.broker_name.split("-")[0]

    def consumer_deploy_in(self, cid):
        return cid.split("@")[0]


def test_machine_room_nearby_keeps_queues_in_their_room_and_shares_orphan_rooms():
    from rocketmq_ref.client.consumer.rebalance import AllocateMachineRoomNearby

    mqs = queues(4, "hz-a") + queues(4, "sh-a") + queues(2, "bj-a")
    cids = ["hz@1", "hz@2", "sh@1"]
    strategy = AllocateMachineRoomNearby(AllocateMessageQueueAveragely(), RoomByPrefix())
    assert strategy.get_name() == "MACHINE_ROOM_NEARBY-AVG"
    result = allocation(strategy, mqs, cids)
    # hz queues split between the two hz consumers, sh queues all to sh@1, bj (no consumer) shared
    assert {q.broker_name for q in result["hz@1"] + result["hz@2"] if q.broker_name != "bj-a"} == \
        {"hz-a"}
    assert [q for q in result["sh@1"] if q.broker_name == "sh-a"] == mqs[4:8]
    owned = [q for qs in result.values() for q in qs]
    assert sorted(owned) == sorted(mqs)
