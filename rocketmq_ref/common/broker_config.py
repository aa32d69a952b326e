"""Broker settings (Java ``org.apache.rocketmq.common.BrokerConfig``, 4.9.8 defaults; books A2.2.2,
BappA, B2.3.2): identity, thread pools and their queues, long polling, registration, transaction
check-back, flags.  Keys are those of a real ``broker.conf`` (``brokerIP1``, ``brokerClusterName``).
Fields of ``NettyServerConfig`` (``listenPort``) and ``MessageStoreConfig`` (``storePathRootDir``,
``brokerRole``, ``flushDiskType``) live in those classes."""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass

from rocketmq_ref.common.java_config import JavaConfig, config_field
from rocketmq_ref.common.mixall import (
    DEFAULT_TRACE_REGION_ID, MASTER_ID, NAMESRV_ADDR_ENV, ROCKETMQ_HOME_ENV)
from rocketmq_ref.common.perm_name import PermName
from rocketmq_ref.common.topic_validator import RMQ_SYS_TRACE_TOPIC
from rocketmq_ref.common.utilall import get_ip, ip_to_ipv4_str

_CPUS = os.cpu_count() or 1


def local_address() -> str:
    """This host's outward IPv4 address (the Java default of ``brokerIP1``), else 127.0.0.1."""
    try:
        ip = get_ip()
    except RuntimeError:
        return "127.0.0.1"
    return ip_to_ipv4_str(ip) or "127.0.0.1"


def local_host_name() -> str:
    """``BrokerConfig.localHostName``: the host name, else ``DEFAULT_BROKER``."""
    try:
        return socket.gethostname() or "DEFAULT_BROKER"
    except OSError:
        return "DEFAULT_BROKER"


@dataclass
class BrokerConfig(JavaConfig):
    rocketmq_home: str | None = config_field(default_factory=lambda: os.environ.get(ROCKETMQ_HOME_ENV))
    namesrv_addr: str | None = config_field(
        default_factory=lambda: os.environ.get(NAMESRV_ADDR_ENV), important=True,
        doc="name server addresses, 'host:port;host:port'")
    broker_ip1: str = config_field(default_factory=local_address, key="brokerIP1", important=True,
                                   doc="address the broker registers and stores as STOREHOST")
    broker_ip2: str = config_field(default_factory=local_address, key="brokerIP2",
                                   doc="address a master gives slaves for HA")
    broker_name: str = config_field(default_factory=local_host_name, important=True)
    broker_cluster_name: str = config_field("DefaultCluster", important=True)
    broker_id: int = config_field(MASTER_ID, important=True, doc="0 = master, > 0 = slave")
    broker_permission: int = PermName.PERM_READ | PermName.PERM_WRITE
    default_topic_queue_nums: int = 8
    auto_create_topic_enable: bool = config_field(True, important=True)
    cluster_topic_enable: bool = True
    broker_topic_enable: bool = True
    auto_create_subscription_group: bool = config_field(True, important=True)
    message_store_plug_in: str = ""
    msg_trace_topic_name: str = config_field(RMQ_SYS_TRACE_TOPIC, important=True)
    trace_topic_enable: bool = config_field(False, important=True)

    send_message_thread_pool_nums: int = min(_CPUS, 4)
    put_message_future_thread_pool_nums: int = min(_CPUS, 4)
    pull_message_thread_pool_nums: int = 16 + _CPUS * 2
    process_reply_message_thread_pool_nums: int = 16 + _CPUS * 2
    query_message_thread_pool_nums: int = 8 + _CPUS
    admin_broker_thread_pool_nums: int = 16
    client_manage_thread_pool_nums: int = 32
    consumer_manage_thread_pool_nums: int = 32
    heartbeat_thread_pool_nums: int = min(32, _CPUS)
    end_transaction_thread_pool_nums: int = max(8 + _CPUS * 2, min(_CPUS, 4) * 4)

    flush_consumer_offset_interval: int = config_field(1000 * 5, doc="ms between consumerOffset.json writes")
    flush_consumer_offset_history_interval: int = 1000 * 60
    reject_transaction_message: bool = config_field(False, important=True)
    fetch_namesrv_addr_by_address_server: bool = config_field(False, important=True)

    send_thread_pool_queue_capacity: int = 10000
    put_thread_pool_queue_capacity: int = 10000
    pull_thread_pool_queue_capacity: int = 100000
    reply_thread_pool_queue_capacity: int = 10000
    query_thread_pool_queue_capacity: int = 20000
    client_manager_thread_pool_queue_capacity: int = 1000000
    consumer_manager_thread_pool_queue_capacity: int = 1000000
    heartbeat_thread_pool_queue_capacity: int = 50000
    end_transaction_pool_queue_capacity: int = 100000

    filter_server_nums: int = 0
    long_polling_enable: bool = config_field(True, doc="hold PULL requests until messages arrive")
    short_polling_time_mills: int = config_field(1000, doc="hold time (ms) when long polling is off")
    notify_consumer_ids_changed_enable: bool = True
    high_speed_mode: bool = False
    commercial_enable: bool = True
    commercial_timer_count: int = 1
    commercial_trans_count: int = 1
    commercial_big_count: int = 1
    commercial_base_count: int = 1
    transfer_msg_by_heap: bool = True
    max_delay_time: int = 40
    region_id: str = DEFAULT_TRACE_REGION_ID
    register_broker_timeout_mills: int = 6000
    slave_read_enable: bool = False
    disable_consume_if_consumer_read_slowly: bool = False
    consumer_fallbehind_threshold: int = 1024 * 1024 * 1024 * 16

    broker_fast_failure_enable: bool = True
    wait_time_mills_in_send_queue: int = 200
    wait_time_mills_in_pull_queue: int = 5 * 1000
    wait_time_mills_in_heartbeat_queue: int = 31 * 1000
    wait_time_mills_in_transaction_queue: int = 3 * 1000
    start_accept_send_request_time_stamp: int = 0
    trace_on: bool = True

    enable_calc_filter_bit_map: bool = False
    expect_consumer_num_use_filter: int = 32
    max_error_rate_of_bloom_filter: int = 20
    filter_data_clean_time_span: int = 24 * 3600 * 1000
    filter_support_retry: bool = False
    enable_property_filter: bool = False

    compressed_register: bool = False
    force_register: bool = True
    register_name_server_period: int = config_field(
        1000 * 30, doc="ms between registrations with the name servers (10000..60000)")
    transaction_time_out: int = config_field(
        6 * 1000, important=True, doc="ms before a half message is first checked back")
    transaction_check_max: int = config_field(
        15, important=True, doc="check-backs before a half message is discarded")
    transaction_check_interval: int = config_field(
        60 * 1000, important=True, doc="ms between check-back scans")
    acl_enable: bool = config_field(False, important=True)
    store_reply_message_enable: bool = True
    enable_detail_stat: bool = True
    auto_delete_unused_stats: bool = False
    isolate_log_enable: bool = False
    config_black_list: str = "configBlackList;brokerConfigPath"
