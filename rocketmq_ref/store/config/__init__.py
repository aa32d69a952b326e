"""Store configuration (Java ``org.apache.rocketmq.store.config``; book B4.1)."""
from rocketmq_ref.store.config.broker_role import BrokerRole
from rocketmq_ref.store.config.flush_disk_type import FlushDiskType
from rocketmq_ref.store.config.message_store_config import MessageStoreConfig
from rocketmq_ref.store.config.store_path_config_helper import StorePathConfigHelper

__all__ = ["BrokerRole", "FlushDiskType", "MessageStoreConfig", "StorePathConfigHelper"]
