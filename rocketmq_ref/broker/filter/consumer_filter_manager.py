"""The broker's SQL92 filters by topic and group, fed by heartbeats and persisted to
``config/consumerFilter.json`` (Java ``broker.filter.ConsumerFilterManager``; A7.1.3, B5.8).

A heartbeat's subscriptions are registered (compiled once; an expression that does not compile is
not registered, so the group's pulls answer FILTER_DATA_NOT_EXIST); a newer ``subVersion`` with a
changed expression replaces the filter; topics the group stopped subscribing, and groups that left,
are marked dead and cleaned ``filterDataCleanTimeSpan`` later. After a restart the loaded filters
count as dead until their group's next heartbeat brings them back. Each filter gets its bloom
filter positions (``"<group>#<topic>"``) for the consume-queue ext bit map
(``CommitLogDispatcherCalcBitMap``, ``enableCalcFilterBitMap``).
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

from rocketmq_ref.broker.broker_path_config_helper import get_consumer_filter_path
from rocketmq_ref.broker.filter.consumer_filter_data import ConsumerFilterData
from rocketmq_ref.common.config_manager import ConfigManager
from rocketmq_ref.common.fastjson import dumps, loads
from rocketmq_ref.filter.expression_message_filter import is_tag_type
from rocketmq_ref.filter.filter_factory import FilterFactory
from rocketmq_ref.filter.util.bloom_filter import BloomFilter, BloomFilterData

log = logging.getLogger("rocketmq_ref.filter")

MS_24_HOUR = 24 * 3600 * 1000


def _now_ms() -> int:
    return int(time.time() * 1000)


class FilterDataMapByTopic:
    """Java ``ConsumerFilterManager.FilterDataMapByTopic``: group -> filter for one topic."""

    def __init__(self, topic: str | None = None) -> None:
        self.topic = topic
        self.group_filter_data: dict[str, ConsumerFilterData] = {}

    def un_register(self, consumer_group: str) -> None:
        data = self.group_filter_data.get(consumer_group)
        if data is None or data.is_dead():
            return
        data.dead_time = _now_ms()
        log.info("Unregister consumer filter: %s, deadTime: %s", data, data.dead_time)

    def register(self, consumer_group: str, expression: str, type_: str,
                 bloom_filter_data: BloomFilterData | None, client_version: int) -> bool:
        old = self.group_filter_data.get(consumer_group)
        if old is None:
            data = ConsumerFilterManager.build(self.topic, consumer_group, expression, type_, client_version)
            if data is None:
                return False
            data.bloom_filter_data = bloom_filter_data
            self.group_filter_data[consumer_group] = data
            log.info("New consumer filter registered: %s", data)
            return True
        if client_version <= old.client_version:
            if type_ != old.expression_type or expression != old.expression:
                log.info("Ignore consumer(%s:%s) filter, because of version %s <= %s, but maybe info changed!"
                         "old=%s:%s, ignored=%s:%s", consumer_group, self.topic, client_version,
                         old.client_version, old.expression_type, old.expression, type_, expression)
            if client_version == old.client_version and old.is_dead():
                self.re_alive(old)
                return True
            return False
        if (old.expression != expression or old.expression_type != type_
                or old.bloom_filter_data != bloom_filter_data):
            data = ConsumerFilterManager.build(self.topic, consumer_group, expression, type_, client_version)
            if data is None:
                self.group_filter_data.pop(consumer_group, None)
                return False
            data.bloom_filter_data = bloom_filter_data
            self.group_filter_data[consumer_group] = data
            log.info("Consumer filter info change, old: %s, new: %s", old, data)
            return True
        old.client_version = client_version
        if old.is_dead():
            self.re_alive(old)
        return True

    @staticmethod
    def re_alive(filter_data: ConsumerFilterData) -> None:
        old_dead_time = filter_data.dead_time
        filter_data.dead_time = 0
        log.info("Re alive consumer filter: %s, oldDeadTime: %s", filter_data, old_dead_time)


class ConsumerFilterManager(ConfigManager):
    """Java ``ConsumerFilterManager`` (a ``ConfigManager``)."""

    def __init__(self, broker_controller: Any = None) -> None:
        super().__init__()
        self.broker_controller = broker_controller
        self.filter_data_by_topic: dict[str, FilterDataMapByTopic] = {}
        self._lock = threading.Lock()
        if broker_controller is None:
            self.bloom_filter = BloomFilter.create_by_fn(20, 64)
        else:
            config = broker_controller.broker_config
            self.bloom_filter = BloomFilter.create_by_fn(config.max_error_rate_of_bloom_filter,
                                                         config.expect_consumer_num_use_filter)
            # the CQ ext units carry a bit map of exactly this length (Java sets it here too)
            broker_controller.message_store_config.bit_map_length_consume_queue_ext = self.bloom_filter.m

    @staticmethod
    def build(topic: str | None, consumer_group: str, expression: str | None, type_: str | None,
              client_version: int) -> ConsumerFilterData | None:
        """Compile a filter; ``None`` for a tag subscription or an expression that fails."""
        if is_tag_type(type_):
            return None
        data = ConsumerFilterData(consumer_group=consumer_group, topic=topic, expression=expression,
                                  expression_type=type_, born_time=_now_ms(), dead_time=0,
                                  client_version=client_version)
        try:
            data.compiled_expression = FilterFactory.INSTANCE.compile(type_, expression)
        except Exception as e:
            log.error("parse error: expr=%s, topic=%s, group=%s, error=%s", expression, topic, consumer_group, e)
            return None
        return data

    def register(self, consumer_group: str, sub_list: Iterable[Any]) -> None:
        """A group's heartbeat: register every SQL92 subscription, kill the topics it left."""
        sub_list = list(sub_list)
        with self._lock:
            for sd in sub_list:
                self._register_one(sd.topic, consumer_group, sd.sub_string, sd.expression_type, sd.sub_version)
            topics = {sd.topic for sd in sub_list}
            for data in self._get_by_group(consumer_group):
                if data.topic not in topics and not data.is_dead():
                    data.dead_time = _now_ms()
                    log.info("Consumer filter changed: %s, make illegal topic dead:%s", consumer_group, data)

    def register_one(self, topic: str, consumer_group: str, expression: str | None, type_: str | None,
                     client_version: int) -> bool:
        """Java ``register(topic, group, expression, type, clientVersion)``."""
        with self._lock:
            return self._register_one(topic, consumer_group, expression, type_, client_version)

    def _register_one(self, topic: str, consumer_group: str, expression: str | None, type_: str | None,
                      client_version: int) -> bool:
        if is_tag_type(type_) or not expression:
            return False
        by_topic = self.filter_data_by_topic.get(topic)
        if by_topic is None:
            by_topic = self.filter_data_by_topic[topic] = FilterDataMapByTopic(topic)
        bloom_filter_data = self.bloom_filter.generate(f"{consumer_group}#{topic}")
        return by_topic.register(consumer_group, expression, type_, bloom_filter_data, client_version)

    def un_register(self, consumer_group: str) -> None:
        with self._lock:
            for by_topic in self.filter_data_by_topic.values():
                by_topic.un_register(consumer_group)

    def get(self, topic: str, consumer_group: str) -> ConsumerFilterData | None:
        by_topic = self.filter_data_by_topic.get(topic)
        return None if by_topic is None else by_topic.group_filter_data.get(consumer_group)

    def get_by_topic(self, topic: str) -> list[ConsumerFilterData] | None:
        """Java ``get(topic)``."""
        by_topic = self.filter_data_by_topic.get(topic)
        if by_topic is None or not by_topic.group_filter_data:
            return None
        return list(by_topic.group_filter_data.values())

    def get_by_group(self, consumer_group: str) -> list[ConsumerFilterData]:
        with self._lock:
            return self._get_by_group(consumer_group)

    def _get_by_group(self, consumer_group: str) -> list[ConsumerFilterData]:
        return [d for by_topic in self.filter_data_by_topic.values()
                for d in by_topic.group_filter_data.values() if d.consumer_group == consumer_group]

    def _clean_time_span(self) -> int:
        if self.broker_controller is None:
            return MS_24_HOUR
        return self.broker_controller.broker_config.filter_data_clean_time_span

    def clean(self) -> None:
        """Forget filters dead longer than ``filterDataCleanTimeSpan`` and topics left empty."""
        span_ms, now = self._clean_time_span(), _now_ms()
        with self._lock:
            for topic in list(self.filter_data_by_topic):
                by_topic = self.filter_data_by_topic[topic]
                for group, data in list(by_topic.group_filter_data.items()):
                    if data.how_long_after_death(now) >= span_ms:
                        log.info("Remove filter consumer %s, died too long!", data)
                        del by_topic.group_filter_data[group]
                if not by_topic.group_filter_data:
                    log.info("Topic has no consumer, remove it! %s", topic)
                    del self.filter_data_by_topic[topic]

    # -- file form (ConfigManager) -----------------------------------------------------------
    def encode(self, pretty_format: bool = False) -> str:
        self.clean()
        with self._lock:
            table = {topic: {"groupFilterData": {g: d.to_json_value() for g, d in by_topic.group_filter_data.items()},
                             "topic": by_topic.topic}
                     for topic, by_topic in self.filter_data_by_topic.items()}
        return dumps({"filterDataByTopic": table}, pretty=pretty_format)

    def decode(self, json_string: str) -> None:
        """Load the file: every filter is compiled again and starts dead (at most 30 s ago, never
        before its birth) until a heartbeat brings it back. Everything is parsed before the table
        is replaced."""
        value = loads(json_string)
        if not isinstance(value, dict):
            raise ValueError("consumerFilter.json is not a JSON object")
        loaded: dict[str, FilterDataMapByTopic] = {}
        bloom_changed = False
        for topic, raw in (value.get("filterDataByTopic") or {}).items():
            if raw is None:
                continue
            if not isinstance(raw, dict):
                raise ValueError(f"filter data of topic {topic} is not an object")
            by_topic = FilterDataMapByTopic(raw.get("topic") or topic)
            for group, raw_data in (raw.get("groupFilterData") or {}).items():
                if raw_data is None:
                    continue
                data = ConsumerFilterData.from_json_value(raw_data)
                try:
                    data.compiled_expression = FilterFactory.INSTANCE.compile(data.expression_type, data.expression)
                except Exception as e:
                    log.error("load filter data error, %s: %s", data, e)
                if not self.bloom_filter.is_valid(data.bloom_filter_data):
                    bloom_changed = True
                    log.info("Bloom filter is changed!So ignore all filter data persisted! %s, %s",
                             self.bloom_filter, data.bloom_filter_data)
                    break
                if data.dead_time == 0:
                    dead_time = _now_ms() - 30 * 1000
                    data.dead_time = data.born_time if dead_time <= data.born_time else dead_time
                by_topic.group_filter_data[str(group)] = data
                log.info("load exist consumer filter data: %s", data)
            loaded[str(topic)] = by_topic
        if bloom_changed:
            return
        with self._lock:
            self.filter_data_by_topic = loaded

    def config_file_path(self) -> str:
        root = (self.broker_controller.message_store_config.store_path_root_dir
                if self.broker_controller is not None else "./unit_test")
        return get_consumer_filter_path(root)
