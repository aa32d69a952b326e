"""MessageStoreConfig (Java ``org.apache.rocketmq.store.config.MessageStoreConfig``, 4.9.8 defaults;
books B4.1, B4.8, B4.9).

Every field of the Java class, snake_case, loaded from the same ``broker.conf`` keys.  A Java ``null``
string is ``""`` here.  The getters that compute something in Java (commit-log path, consume-queue
file size rounded to whole units, the clamped disk ratio, whether the transient pool is really on)
are methods with the Java names.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from rocketmq_ref.common.java_config import JavaConfig, config_field
from rocketmq_ref.store.config.broker_role import BrokerRole
from rocketmq_ref.store.config.flush_disk_type import FlushDiskType

CQ_STORE_UNIT_SIZE = 20  # ConsumeQueue.CQ_STORE_UNIT_SIZE
MULTI_PATH_SPLITTER = ","  # -Drocketmq.broker.multiPathSplitter


def _default_root() -> str:
    return os.path.join(os.path.expanduser("~"), "store")


@dataclass
class MessageStoreConfig(JavaConfig):
    # -- paths and file sizes (B4.4, B4.5)
    store_path_root_dir: str = config_field(default_factory=_default_root, important=True)
    store_path_commit_log: str = config_field("", important=True)
    store_path_d_ledger_commit_log: str = config_field("", key="storePathDLedgerCommitLog",
                                                      important=True)
    read_only_commit_log_store_paths: str = ""
    mapped_file_size_commit_log: int = 1024 * 1024 * 1024
    mapped_file_size_consume_queue: int = 300000 * CQ_STORE_UNIT_SIZE
    enable_consume_queue_ext: bool = False
    mapped_file_size_consume_queue_ext: int = 48 * 1024 * 1024
    bit_map_length_consume_queue_ext: int = 64
    # -- flush and commit (B4.8)
    flush_interval_commit_log: int = config_field(500, important=True)
    commit_interval_commit_log: int = config_field(200, important=True)
    use_reentrant_lock_when_put_message: bool = True
    flush_commit_log_timed: bool = config_field(True, important=True)
    flush_interval_consume_queue: int = 1000
    # -- clean-up (B4.9)
    clean_resource_interval: int = 10000
    delete_commit_log_files_interval: int = 100
    delete_consume_queue_files_interval: int = 100
    destroy_maped_file_interval_forcibly: int = 1000 * 120
    redelete_hanged_file_interval: int = 1000 * 120
    delete_when: str = config_field("04", important=True)
    disk_max_used_space_ratio: int = 75
    file_reserved_time: int = config_field(72, important=True)
    put_msg_index_hight_water: int = 600000
    max_message_size: int = 1024 * 1024 * 4
    check_crc_on_recover: bool = config_field(True, key="checkCRCOnRecover")
    flush_commit_log_least_pages: int = 4
    commit_commit_log_least_pages: int = 4
    flush_least_pages_when_warm_maped_file: int = 1024 // 4 * 16
    flush_consume_queue_least_pages: int = 2
    flush_commit_log_thorough_interval: int = 1000 * 10
    commit_commit_log_thorough_interval: int = 200
    flush_consume_queue_thorough_interval: int = 1000 * 60
    # -- pull transfer limits (B5)
    max_transfer_bytes_on_message_in_memory: int = config_field(1024 * 256, important=True)
    max_transfer_count_on_message_in_memory: int = config_field(32, important=True)
    max_transfer_bytes_on_message_in_disk: int = config_field(1024 * 64, important=True)
    max_transfer_count_on_message_in_disk: int = config_field(8, important=True)
    access_message_in_memory_max_ratio: int = config_field(40, important=True)
    # -- index (B4.5.3)
    message_index_enable: bool = config_field(True, important=True)
    max_hash_slot_num: int = 5000000
    max_index_num: int = 5000000 * 4
    max_msgs_num_batch: int = 64
    message_index_safe: bool = config_field(False, important=True)
    # -- HA (A5.5)
    ha_listen_port: int = 10912
    ha_send_heartbeat_interval: int = 1000 * 5
    ha_housekeeping_interval: int = 1000 * 20
    ha_transfer_batch_size: int = 1024 * 32
    ha_master_address: str = config_field("", important=True)
    ha_slave_fallbehind_max: int = 1024 * 1024 * 256
    broker_role: BrokerRole = config_field(BrokerRole.ASYNC_MASTER, important=True)
    flush_disk_type: FlushDiskType = config_field(FlushDiskType.ASYNC_FLUSH, important=True)
    sync_flush_timeout: int = 1000 * 5
    slave_timeout: int = 3000
    # -- delay (B5.7)
    message_delay_level: str = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h"
    flush_delay_offset_interval: int = 1000 * 10
    clean_file_forcibly_enable: bool = config_field(True, important=True)
    warm_maped_file_enable: bool = False
    offset_check_in_slave: bool = False
    debug_lock_enable: bool = False
    duplication_enable: bool = False
    disk_fall_recorded: bool = True
    os_page_cache_busy_time_out_mills: int = 1000
    default_query_max_num: int = 32
    # -- transient store pool (B4.4.3)
    transient_store_pool_enable: bool = config_field(False, important=True)
    transient_store_pool_size: int = 5
    fast_fail_if_no_buffer_in_store_pool: bool = False
    # -- DLedger (out of scope, kept so broker.conf files load)
    enable_d_leger_commit_log: bool = config_field(False, key="enableDLegerCommitLog")
    d_leger_group: str = config_field("", key="dLegerGroup")
    d_leger_peers: str = config_field("", key="dLegerPeers")
    d_leger_self_id: str = config_field("", key="dLegerSelfId")
    preferred_leader_id: str = ""
    is_enable_batch_push: bool = config_field(False, key="enableBatchPush")
    enable_schedule_message_stats: bool = True
    enable_lmq: bool = False
    enable_multi_dispatch: bool = False
    max_lmq_consume_queue_num: int = 20000
    enable_schedule_async_deliver: bool = False
    schedule_async_deliver_max_pending_limit: int = 2000
    schedule_async_deliver_max_resend_num2_blocked: int = config_field(
        3, key="scheduleAsyncDeliverMaxResendNum2Blocked")

    def get_store_path_commit_log(self) -> str:
        """``storePathCommitLog`` or ``<root>/commitlog``."""
        if not self.store_path_commit_log:
            return os.path.join(self.store_path_root_dir, "commitlog")
        return self.store_path_commit_log

    def get_mapped_file_size_consume_queue(self) -> int:
        """The configured size rounded up to whole 20-byte units."""
        factor = -(-self.mapped_file_size_consume_queue // CQ_STORE_UNIT_SIZE)
        return factor * CQ_STORE_UNIT_SIZE

    def get_disk_max_used_space_ratio(self) -> int:
        """Clamped to [10, 95] as in Java."""
        return min(95, max(10, self.disk_max_used_space_ratio))

    def is_transient_store_pool_enable(self) -> bool:
        """Only on an async-flush master (B4.4.3)."""
        return (self.transient_store_pool_enable
                and self.flush_disk_type is FlushDiskType.ASYNC_FLUSH
                and self.broker_role is not BrokerRole.SLAVE)
