"""MessageStoreConfig: 4.9.8 defaults, Java keys from a broker.conf, derived getters (book B4.1)."""
from __future__ import annotations

import os

import pytest

from rocketmq_ref.common.java_config import ConfigError, parse_properties
from rocketmq_ref.store.config import (BrokerRole, FlushDiskType, MessageStoreConfig,
                                       StorePathConfigHelper)


def test_defaults_are_those_of_4_9_8():
    c = MessageStoreConfig()
    assert c.store_path_root_dir == os.path.join(os.path.expanduser("~"), "store")
    assert c.get_store_path_commit_log() == os.path.join(c.store_path_root_dir, "commitlog")
    assert (c.mapped_file_size_commit_log, c.mapped_file_size_consume_queue) == (1 << 30, 6_000_000)
    assert (c.flush_disk_type, c.broker_role) == (FlushDiskType.ASYNC_FLUSH, BrokerRole.ASYNC_MASTER)
    assert (c.flush_interval_commit_log, c.flush_commit_log_least_pages,
            c.flush_commit_log_thorough_interval, c.flush_commit_log_timed) == (500, 4, 10_000, True)
    assert (c.sync_flush_timeout, c.max_message_size, c.delete_when, c.file_reserved_time) == \
        (5000, 4 * 1024 * 1024, "04", 72)
    assert c.message_delay_level == "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h"
    assert c.use_reentrant_lock_when_put_message and c.check_crc_on_recover
    assert len(c.to_properties()) == 78  # every field of the Java class


def test_broker_conf_keys_set_the_fields():
    c = MessageStoreConfig()
    unknown = c.apply_properties(parse_properties(
        "storePathRootDir=/data/rmq\n"
        "storePathCommitLog=/data/rmq/cl\n"
        "flushDiskType=SYNC_FLUSH\n"
        "brokerRole=SLAVE\n"
        "checkCRCOnRecover=false\n"
        "mappedFileSizeConsumeQueue=1000\n"
        "diskMaxUsedSpaceRatio=99\n"
        "transientStorePoolEnable=true\n"
        "enableDLegerCommitLog=false\n"
        "brokerName=broker-a\n"), warn_unknown=False)
    assert unknown == ["brokerName"]  # a BrokerConfig key: not ours
    assert c.get_store_path_commit_log() == "/data/rmq/cl"
    assert c.flush_disk_type is FlushDiskType.SYNC_FLUSH and c.broker_role is BrokerRole.SLAVE
    assert not c.check_crc_on_recover
    assert c.get_mapped_file_size_consume_queue() == 1000  # already a multiple of 20
    c.mapped_file_size_consume_queue = 1001
    assert c.get_mapped_file_size_consume_queue() == 1020  # rounded up to whole units
    assert c.get_disk_max_used_space_ratio() == 95  # clamped
    assert not c.is_transient_store_pool_enable()  # only on an async-flush master
    with pytest.raises(ConfigError, match="flushDiskType"):
        c.apply_properties({"flushDiskType": "SOMETIMES"})


def test_store_paths_under_the_root():
    root = "/r"
    h = StorePathConfigHelper
    assert (h.get_store_path_consume_queue(root), h.get_store_path_index(root),
            h.get_store_checkpoint(root), h.get_abort_file(root), h.get_lock_file(root),
            h.get_delay_offset_store_path(root)) == \
        ("/r/consumequeue", "/r/index", "/r/checkpoint", "/r/abort", "/r/lock",
         "/r/config/delayOffset.json")
