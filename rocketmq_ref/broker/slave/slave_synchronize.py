"""SlaveSynchronize: a slave copies its master's metadata every 10 s (Java
``org.apache.rocketmq.broker.slave.SlaveSynchronize``; B7, B7.1).

The commit log arrives through HA; topics, consumer offsets, delay offsets and subscription groups
come from the master's admin requests (GET_ALL_TOPIC_CONFIG, GET_ALL_CONSUMER_OFFSET,
GET_ALL_DELAY_OFFSET, GET_ALL_SUBSCRIPTIONGROUP_CONFIG).  Topics and groups are replaced only when
the master's DataVersion differs; offsets are merged; the delay-offset file is overwritten.  Each
step fails alone (logged), as in Java.
"""
from __future__ import annotations

import logging
from typing import Any

from rocketmq_ref.common.mixall import string2file
from rocketmq_ref.common.tracing import record_error, span
from rocketmq_ref.store.config.store_path_config_helper import StorePathConfigHelper

log = logging.getLogger("rocketmq_ref.broker")

_JAVA = "org.apache.rocketmq.broker.slave.SlaveSynchronize"
_BOOKS = ("B7", "B7.1")


def _replace_table(table: dict, new: dict) -> None:
    """Java clears and refills; update-then-prune leaves no moment where a topic is missing."""
    table.update(new)
    for key in [k for k in table if k not in new]:
        table.pop(key, None)


class SlaveSynchronize:
    def __init__(self, broker_controller: Any) -> None:
        self.broker_controller = broker_controller
        self.master_addr: str | None = None

    def get_master_addr(self) -> str | None:
        return self.master_addr

    def set_master_addr(self, master_addr: str | None) -> None:
        self.master_addr = master_addr

    def _master(self) -> str | None:
        addr = self.master_addr
        if addr and addr != self.broker_controller.get_broker_addr():
            return addr
        return None

    def sync_all(self) -> None:
        if self._master() is None:
            return
        with span("SlaveSynchronize.sync_all", java=_JAVA + "#syncAll", books=_BOOKS,
                  attributes={"rocketmq_ref.ha.master_addr": self.master_addr or ""}):
            self.sync_topic_config()
            self.sync_consumer_offset()
            self.sync_delay_offset()
            self.sync_subscription_group_config()

    def sync_topic_config(self) -> None:
        addr = self._master()
        if addr is None:
            return
        bc = self.broker_controller
        with span("SlaveSynchronize.sync_topic_config", java=_JAVA + "#syncTopicConfig", books=_BOOKS) as s:
            try:
                wrapper = bc.broker_outer_api.get_all_topic_config(addr)
                tcm = bc.topic_config_manager
                changed = tcm.data_version != wrapper.data_version
                if changed:
                    for name, tc in wrapper.topic_config_table.items():
                        if tc.topic_name is None:
                            tc.topic_name = name
                    _replace_table(tcm.topic_config_table, wrapper.topic_config_table)
                    tcm.data_version.assign_new_one(wrapper.data_version)
                    tcm.persist()
                    log.info("Update slave topic config from master, %s", addr)
                if s.is_recording():
                    s.set_attributes({"rocketmq_ref.ha.changed": changed,
                                      "rocketmq_ref.ha.topics": len(wrapper.topic_config_table)})
            except Exception as e:
                log.error("SyncTopicConfig Exception, %s: %s", addr, e)
                record_error(s, e)

    def sync_consumer_offset(self) -> None:
        addr = self._master()
        if addr is None:
            return
        bc = self.broker_controller
        with span("SlaveSynchronize.sync_consumer_offset", java=_JAVA + "#syncConsumerOffset",
                  books=_BOOKS) as s:
            try:
                wrapper = bc.broker_outer_api.get_all_consumer_offset(addr)
                com = bc.consumer_offset_manager
                for key, offsets in wrapper.offset_table.items():
                    com.offset_table[key] = dict(offsets)  # putAll: the master's map per key
                com.persist()
                log.info("Update slave consumer offset from master, %s", addr)
                if s.is_recording():
                    s.set_attribute("rocketmq_ref.ha.offset_keys", len(wrapper.offset_table))
            except Exception as e:
                log.error("SyncConsumerOffset Exception, %s: %s", addr, e)
                record_error(s, e)

    def sync_delay_offset(self) -> None:
        addr = self._master()
        if addr is None:
            return
        bc = self.broker_controller
        with span("SlaveSynchronize.sync_delay_offset", java=_JAVA + "#syncDelayOffset", books=_BOOKS) as s:
            try:
                delay_offset = bc.broker_outer_api.get_all_delay_offset(addr)
                if delay_offset:
                    file_name = StorePathConfigHelper.get_delay_offset_store_path(
                        bc.message_store_config.store_path_root_dir)
                    try:
                        string2file(delay_offset, file_name)
                    except OSError as e:
                        log.error("Persist file Exception, %s: %s", file_name, e)
                log.info("Update slave delay offset from master, %s", addr)
            except Exception as e:
                log.error("SyncDelayOffset Exception, %s: %s", addr, e)
                record_error(s, e)

    def sync_subscription_group_config(self) -> None:
        addr = self._master()
        if addr is None:
            return
        bc = self.broker_controller
        with span("SlaveSynchronize.sync_subscription_group_config",
                  java=_JAVA + "#syncSubscriptionGroupConfig", books=_BOOKS) as s:
            try:
                wrapper = bc.broker_outer_api.get_all_subscription_group_config(addr)
                sgm = bc.subscription_group_manager
                changed = sgm.data_version != wrapper.data_version
                if changed:
                    for name, cfg in wrapper.subscription_group_table.items():
                        if cfg.group_name is None:
                            cfg.group_name = name
                    _replace_table(sgm.subscription_group_table, wrapper.subscription_group_table)
                    sgm.data_version.assign_new_one(wrapper.data_version)
                    sgm.persist()
                    log.info("Update slave Subscription Group from master, %s", addr)
                if s.is_recording():
                    s.set_attribute("rocketmq_ref.ha.changed", changed)
            except Exception as e:
                log.error("SyncSubscriptionGroup Exception, %s: %s", addr, e)
                record_error(s, e)
