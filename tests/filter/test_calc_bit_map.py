"""The SQL92 bit map: murmur3/bloom positions as Java computes them, and a real store with the
consume-queue ext where CommitLogDispatcherCalcBitMap lets a pull drop non-matching units without
reading the commit log (books A7.1.3, B5.8)."""
from __future__ import annotations

import time
from types import SimpleNamespace

from rocketmq_ref.broker.filter.commit_log_dispatcher_calc_bit_map import CommitLogDispatcherCalcBitMap
from rocketmq_ref.broker.filter.consumer_filter_manager import ConsumerFilterManager
from rocketmq_ref.common.broker_config import BrokerConfig
from rocketmq_ref.common.message.message_decoder import decode
from rocketmq_ref.common.protocol.heartbeat import SubscriptionData
from rocketmq_ref.filter.expression_message_filter import ExpressionMessageFilter
from rocketmq_ref.filter.util.bloom_filter import BitsArray, BloomFilter, murmur3_x64_128
from tests.store.store_a_support import new_msg, open_store, small_config, wait_dispatched


def test_murmur3_128_matches_the_reference_vector():
    h1, h2 = murmur3_x64_128(b"The quick brown fox jumps over the lazy dog")
    assert (h1.to_bytes(8, "little") + h2.to_bytes(8, "little")).hex() == "6c1b07bc7bbc4be347939ac4a93c437a"
    assert murmur3_x64_128(b"") == (0, 0)


def test_bloom_sizes_follow_the_error_rate_and_filter_count():
    b = BloomFilter.create_by_fn(20, 32)  # the broker defaults
    assert (b.k, b.m) == (3, 112)
    data = b.generate("group#topic")
    assert b.is_valid(data) and len(set(data.bit_pos)) <= 3 and all(0 <= p < 112 for p in data.bit_pos)
    bits = BitsArray(b.m)
    assert not b.is_hit(data, bits)
    b.hash_to(data, bits)
    assert b.is_hit(data, bits)
    assert not BloomFilter.create_by_fn(10, 32).is_valid(data)  # another geometry: not ours


def test_pull_skips_units_by_bit_map_without_reading_the_commit_log(tmp_path):
    config = small_config(tmp_path, enable_consume_queue_ext=True)
    broker_config = BrokerConfig()
    broker_config.enable_calc_filter_bit_map = True
    controller = SimpleNamespace(broker_config=broker_config, message_store_config=config)
    manager = ConsumerFilterManager(controller)
    assert config.bit_map_length_consume_queue_ext == manager.bloom_filter.m
    manager.register("g", [SubscriptionData(topic="T", sub_string="a > 5", expression_type="SQL92", sub_version=1)])
    manager.register("other", [SubscriptionData(topic="T", sub_string="a < 3", expression_type="SQL92",
                                                sub_version=1)])
    time.sleep(0.002)  # messages must be stored after the filter's birth to be judged by the map
    store = open_store(config)
    store.dispatcher_list.insert(0, CommitLogDispatcherCalcBitMap(broker_config, manager))
    try:
        for i in range(10):
            store.put_message(new_msg("T", b"m%d" % i, 0, properties={"a": str(i)}))
        wait_dispatched(store)
        data = manager.get("T", "g")
        f = ExpressionMessageFilter(SubscriptionData(topic="T", sub_string="a > 5", expression_type="SQL92"),
                                    data, manager)
        res = store.get_message("g", "T", 0, 0, 32, f)
        bodies = [bytes(decode(buf).body) for buf in res.message_buffer_list]
        res.release()
        assert bodies == [b"m6", b"m7", b"m8", b"m9"]
        # "g#T" -> bits {28, 68, 90}, "other#T" -> {12, 65, 72}: m0..m5 were refused by their bit
        # maps, so the expression ran only for the four matching records
        assert manager.bloom_filter.calc_bit_positions("g#T") == [90, 68, 28]
        assert (f.matched, f.skipped) == (4, 0)
    finally:
        store.shutdown()
