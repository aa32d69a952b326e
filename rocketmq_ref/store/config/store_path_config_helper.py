"""StorePathConfigHelper (Java ``org.apache.rocketmq.store.config.StorePathConfigHelper``; book B4.5):
where each store file lives under ``storePathRootDir``."""
from __future__ import annotations

import os


class StorePathConfigHelper:
    @staticmethod
    def get_store_path_consume_queue(root_dir: str) -> str:
        return os.path.join(root_dir, "consumequeue")

    @staticmethod
    def get_store_path_consume_queue_ext(root_dir: str) -> str:
        return os.path.join(root_dir, "consumequeue_ext")

    @staticmethod
    def get_store_path_index(root_dir: str) -> str:
        return os.path.join(root_dir, "index")

    @staticmethod
    def get_store_checkpoint(root_dir: str) -> str:
        return os.path.join(root_dir, "checkpoint")

    @staticmethod
    def get_abort_file(root_dir: str) -> str:
        return os.path.join(root_dir, "abort")

    @staticmethod
    def get_lock_file(root_dir: str) -> str:
        return os.path.join(root_dir, "lock")

    @staticmethod
    def get_delay_offset_store_path(root_dir: str) -> str:
        return os.path.join(root_dir, "config", "delayOffset.json")

    @staticmethod
    def get_tran_state_table_store_path(root_dir: str) -> str:
        return os.path.join(root_dir, "transaction", "statetable")

    @staticmethod
    def get_tran_redo_log_store_path(root_dir: str) -> str:
        return os.path.join(root_dir, "transaction", "redolog")
