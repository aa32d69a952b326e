"""StorePathConfigHelper (Java ``org.apache.rocketmq.store.config.StorePathConfigHelper``; book B4.5):
where each store file lives under ``storePathRootDir``."""
from __future__ import annotations

import os


class _UnderRoot(staticmethod):
    """One getter of the Java class: ``rootDir + File.separator + part [+ File.separator + part]``,
    a static method ``(root_dir: str) -> str`` named after the attribute it is bound to."""

    def __init__(self, *parts: str) -> None:
        def path(root_dir: str) -> str:
            return os.path.join(root_dir, *parts)
        super().__init__(path)

    def __set_name__(self, owner: type, name: str) -> None:
        self.__func__.__name__ = name
        self.__func__.__qualname__ = f"{owner.__qualname__}.{name}"


class StorePathConfigHelper:
    get_store_path_consume_queue = _UnderRoot("consumequeue")
    get_store_path_consume_queue_ext = _UnderRoot("consumequeue_ext")
    get_store_path_index = _UnderRoot("index")
    get_store_checkpoint = _UnderRoot("checkpoint")
    get_abort_file = _UnderRoot("abort")
    get_lock_file = _UnderRoot("lock")
    get_delay_offset_store_path = _UnderRoot("config", "delayOffset.json")
    get_tran_state_table_store_path = _UnderRoot("transaction", "statetable")
    get_tran_redo_log_store_path = _UnderRoot("transaction", "redolog")
