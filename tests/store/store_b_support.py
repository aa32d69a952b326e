"""A part-store for unit tests of ConsumeQueue, IndexService and the clean services: the real config,
RunningFlags and StoreCheckpoint, without a commit log or the services of DefaultMessageStore."""
from __future__ import annotations

import os

from rocketmq_ref.store.config.message_store_config import MessageStoreConfig
from rocketmq_ref.store.running_flags import RunningFlags
from rocketmq_ref.store.store_checkpoint import StoreCheckpoint


class StoreTimes:
    """Stands in for the commit log where a test only needs ``pickup_store_timestamp``: store times
    by commit-log offset, as real records would give them."""

    def __init__(self) -> None:
        self.times: dict[int, int] = {}

    def pickup_store_timestamp(self, offset: int, size: int) -> int:
        return self.times.get(offset, -1)


class PartStore:
    """What ConsumeQueue, IndexService and the clean services ask of DefaultMessageStore."""

    def __init__(self, root: str, commit_log=None, **config) -> None:
        self.config = MessageStoreConfig(store_path_root_dir=root, **config)
        self.flags = RunningFlags()
        self.checkpoint = StoreCheckpoint(os.path.join(root, "checkpoint"))
        self.commit_log = commit_log if commit_log is not None else StoreTimes()
        self.min_phy_offset = 0
        self.consume_queue_table: dict = {}
        self.index_service = None

    def get_message_store_config(self):
        return self.config

    def get_running_flags(self):
        return self.flags

    def get_store_checkpoint(self):
        return self.checkpoint

    def get_commit_log(self):
        return self.commit_log

    def get_min_phy_offset(self) -> int:
        return self.min_phy_offset

    def get_consume_queue_table(self):
        return self.consume_queue_table

    def get_index_service(self):
        return self.index_service

    def close(self) -> None:
        for queues in self.consume_queue_table.values():
            for cq in queues.values():
                cq.close()
        if self.index_service is not None:
            self.index_service.shutdown()
        self.checkpoint.shutdown()
