"""CleanCommitLogService and CleanConsumeQueueService: retention and disk-space clean-up (Java inner
classes ``DefaultMessageStore.CleanCommitLogService`` / ``CleanConsumeQueueService``; book B4.9).

``DefaultMessageStore`` runs both every ``cleanResourceInterval`` (10 s; first after 60 s), commit log
first.  Commit-log files (never the newest, at most 10 per run, ``deleteCommitLogFilesInterval`` apart)
are deleted once ``fileReservedTime`` hours have passed since their last write, but only when it is
"time to delete" (local hour in ``deleteWhen``), "space to delete" (the partition is fuller than
``diskMaxUsedSpaceRatio``) or an admin asked (20 attempts).  Above ``diskSpaceCleanForciblyRatio``
(0.85) files go regardless of age; above ``diskSpaceWarningLevelRatio`` (0.90) the store is marked disk
full (not writeable).  A file still held by a reader is only unmapped after
``destroyMapedFileIntervalForcibly``.  Then consume-queue and index files wholly below the commit
log's new min offset follow.
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable

from rocketmq_ref.common.tracing import span
from rocketmq_ref.common.utilall import get_disk_partition_space_used_percent, is_it_time_to_do
from rocketmq_ref.store.config.message_store_config import MULTI_PATH_SPLITTER
from rocketmq_ref.store.config.store_path_config_helper import StorePathConfigHelper

log = logging.getLogger("rocketmq_ref.store")

MAX_MANUAL_DELETE_FILE_TIMES = 20


def _ratio_property(name: str, default: str) -> float:
    """Java reads these from system properties (``-Drocketmq.broker.diskSpaceWarningLevelRatio``); here
    from the environment variable of the same name with dots as underscores."""
    return float(os.environ.get(name.replace(".", "_"), default))


class CleanCommitLogService:
    """Deletes expired commit-log files and watches the disk (Java ``CleanCommitLogService``)."""

    def __init__(self, store, disk_usage: Callable[[str], float] = get_disk_partition_space_used_percent
                 ) -> None:
        self.store = store
        self.disk_usage = disk_usage  # the partition-usage probe (0.0..1.0, -1 unknown)
        self.disk_space_warning_level_ratio = _ratio_property(
            "rocketmq.broker.diskSpaceWarningLevelRatio", "0.90")
        self.disk_space_clean_forcibly_ratio = _ratio_property(
            "rocketmq.broker.diskSpaceCleanForciblyRatio", "0.85")
        self.last_redelete_timestamp = 0
        self.manual_delete_file_several_times = 0
        self.clean_immediately = False

    def get_service_name(self) -> str:
        return "CleanCommitLogService"

    def execute_delete_files_manually(self) -> None:
        """Admin ``DELETE_EXPIRED_COMMITLOG``: the next 20 runs delete expired files whatever the hour."""
        self.manual_delete_file_several_times = MAX_MANUAL_DELETE_FILE_TIMES
        log.info("executeDeleteFilesManually was invoked")

    def run(self) -> int:
        """One clean-up round; returns how many commit-log files were deleted."""
        try:
            deleted = self.delete_expired_files()
            self.redelete_hanged_file()
            return deleted
        except Exception:
            log.warning("%s service has exception.", self.get_service_name(), exc_info=True)
            return 0

    def delete_expired_files(self) -> int:
        config = self.store.get_message_store_config()
        timeup = self.is_time_to_delete()
        spacefull = self.is_space_to_delete()
        manual_delete = self.manual_delete_file_several_times > 0
        if not (timeup or spacefull or manual_delete):
            return 0
        if manual_delete:
            self.manual_delete_file_several_times -= 1
        clean_at_once = config.clean_file_forcibly_enable and self.clean_immediately
        with span("CleanCommitLogService.delete_expired_files",
                  java="org.apache.rocketmq.store.DefaultMessageStore$CleanCommitLogService#deleteExpiredFiles",
                  books=("B4.9",),
                  attributes={"rocketmq.clean.timeup": timeup, "rocketmq.clean.spacefull": spacefull,
                              "rocketmq.clean.manual": manual_delete,
                              "rocketmq.clean.at_once": clean_at_once,
                              "rocketmq.clean.file_reserved_hours": config.file_reserved_time}) as s:
            log.info("begin to delete before %d hours file. timeup: %s spacefull: %s "
                     "manualDeleteFileSeveralTimes: %d cleanAtOnce: %s", config.file_reserved_time,
                     timeup, spacefull, self.manual_delete_file_several_times, clean_at_once)
            file_reserved_time = config.file_reserved_time * 60 * 60 * 1000
            delete_count = self.store.get_commit_log().delete_expired_file(
                file_reserved_time, config.delete_commit_log_files_interval,
                config.destroy_maped_file_interval_forcibly, clean_at_once)
            if s.is_recording():
                s.set_attribute("rocketmq.clean.files_deleted", delete_count)
            if delete_count == 0 and spacefull:
                log.warning("disk space will be full soon, but delete file failed.")
            return delete_count

    def redelete_hanged_file(self) -> None:
        """Every ``redeleteHangedFileInterval``, retry a first file whose deletion a reader blocked."""
        config = self.store.get_message_store_config()
        now = int(time.time() * 1000)
        if now - self.last_redelete_timestamp > config.redelete_hanged_file_interval:
            self.last_redelete_timestamp = now
            self.store.get_commit_log().retry_delete_first_file(config.destroy_maped_file_interval_forcibly)

    def is_time_to_delete(self) -> bool:
        when = self.store.get_message_store_config().delete_when
        if is_it_time_to_do(when):
            log.info("it's time to reclaim disk space, %s", when)
            return True
        return False

    def _store_paths_physic(self) -> list[str]:
        return [p for p in self.store.get_message_store_config().get_store_path_commit_log().strip()
                .split(MULTI_PATH_SPLITTER) if p]

    def is_space_to_delete(self) -> bool:
        """Is either partition (commit log, consume queues) fuller than ``diskMaxUsedSpaceRatio``?
        Also sets ``clean_immediately`` and the store's disk-full flag."""
        config = self.store.get_message_store_config()
        ratio = config.get_disk_max_used_space_ratio() / 100.0
        flags = self.store.get_running_flags()
        self.clean_immediately = False

        paths = self._store_paths_physic()
        min_physic_ratio, min_store_path = 100.0, None
        for path in paths:
            physic_ratio = self.disk_usage(path)
            if physic_ratio < min_physic_ratio:
                min_physic_ratio, min_store_path = physic_ratio, path
        if min_physic_ratio > self.disk_space_warning_level_ratio:
            if flags.get_and_make_disk_full():
                log.error("physic disk maybe full soon %s, so mark disk full, storePathPhysic=%s",
                          min_physic_ratio, min_store_path)
            self.clean_immediately = True
        elif min_physic_ratio > self.disk_space_clean_forcibly_ratio:
            self.clean_immediately = True
        elif not flags.get_and_make_disk_ok():
            log.info("physic disk space OK %s, so mark disk ok, storePathPhysic=%s",
                     min_physic_ratio, min_store_path)
        if min_physic_ratio < 0 or min_physic_ratio > ratio:
            log.info("physic disk maybe full soon, so reclaim space, %s, storePathPhysic=%s",
                     min_physic_ratio, min_store_path)
            return True

        logics_path = StorePathConfigHelper.get_store_path_consume_queue(config.store_path_root_dir)
        logics_ratio = self.disk_usage(logics_path)
        if logics_ratio > self.disk_space_warning_level_ratio:
            if flags.get_and_make_disk_full():
                log.error("logics disk maybe full soon %s, so mark disk full", logics_ratio)
            self.clean_immediately = True
        elif logics_ratio > self.disk_space_clean_forcibly_ratio:
            self.clean_immediately = True
        elif not flags.get_and_make_disk_ok():
            log.info("logics disk space OK %s, so mark disk ok", logics_ratio)
        if logics_ratio < 0 or logics_ratio > ratio:
            log.info("logics disk maybe full soon, so reclaim space, %s", logics_ratio)
            return True
        return False

    def calc_store_path_physic_ratio(self) -> float:
        """The least-used commit-log partition (-1 for a missing path)."""
        min_ratio = 100.0
        for path in self._store_paths_physic():
            physic_ratio = self.disk_usage(path) if os.path.exists(path) else -1.0
            min_ratio = min(min_ratio, physic_ratio)
        return min_ratio

    def is_space_full(self) -> bool:
        """The 10-second disk check: mark the store disk full (or OK again); True when over
        ``diskMaxUsedSpaceRatio``."""
        physic_ratio = self.calc_store_path_physic_ratio()
        ratio = self.store.get_message_store_config().get_disk_max_used_space_ratio() / 100.0
        flags = self.store.get_running_flags()
        if physic_ratio > ratio:
            log.info("physic disk of commitLog used: %s", physic_ratio)
        if physic_ratio > self.disk_space_warning_level_ratio:
            if flags.get_and_make_disk_full():
                log.error("physic disk of commitLog maybe full soon, used %s, so mark disk full",
                          physic_ratio)
            return True
        if not flags.get_and_make_disk_ok():
            log.info("physic disk space of commitLog OK %s, so mark disk ok", physic_ratio)
        return False

    def get_manual_delete_file_several_times(self) -> int:
        return self.manual_delete_file_several_times

    def set_manual_delete_file_several_times(self, value: int) -> None:
        self.manual_delete_file_several_times = value


class CleanConsumeQueueService:
    """Deletes consume-queue and index files wholly below the commit log's min offset (Java
    ``CleanConsumeQueueService``)."""

    def __init__(self, store) -> None:
        self.store = store
        self.last_physical_min_offset = 0

    def get_service_name(self) -> str:
        return "CleanConsumeQueueService"

    def run(self) -> int:
        """One round; returns how many consume-queue files were deleted."""
        try:
            return self.delete_expired_files()
        except Exception:
            log.warning("%s service has exception.", self.get_service_name(), exc_info=True)
            return 0

    def delete_expired_files(self) -> int:
        store = self.store
        interval = store.get_message_store_config().delete_consume_queue_files_interval
        min_offset = store.get_commit_log().get_min_offset()
        if min_offset <= self.last_physical_min_offset:
            return 0
        self.last_physical_min_offset = min_offset
        with span("CleanConsumeQueueService.delete_expired_files",
                  java="org.apache.rocketmq.store.DefaultMessageStore$CleanConsumeQueueService#deleteExpiredFiles",
                  books=("B4.9",), attributes={"rocketmq.commitlog.min_offset": min_offset}) as s:
            deleted = 0
            for queues in list(store.get_consume_queue_table().values()):
                for logic in list(queues.values()):
                    count = logic.delete_expired_file(min_offset)
                    deleted += count
                    if count > 0 and interval > 0:
                        time.sleep(interval / 1000.0)
            index_deleted = store.get_index_service().delete_expired_file(min_offset)
            if s.is_recording():
                s.set_attribute("rocketmq.clean.cq_files_deleted", deleted)
                s.set_attribute("rocketmq.clean.index_files_deleted", index_deleted)
            return deleted
