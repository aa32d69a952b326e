"""MQAdminImpl: queue-level admin helpers every client has (Java ``client.impl.MQAdminImpl``;
books A3.1.4, A7.3.2): queues of a topic, min/max/searched offsets, view and query messages,
create a topic from a template.
"""
from __future__ import annotations

import logging
import time
from typing import Any

from rocketmq_ref.client.exception import MQClientException
from rocketmq_ref.common.message import MessageQueue
from rocketmq_ref.common.message.message_decoder import decode_message_id
from rocketmq_ref.common.perm_name import PermName
from rocketmq_ref.common.protocol.header.create_topic_request_header import \
    CreateTopicRequestHeader
from rocketmq_ref.common.protocol.request_code import RequestCode

log = logging.getLogger("rocketmq_ref.client")


class MQAdminImpl:
    def __init__(self, mq_client_factory: Any) -> None:
        self.mq_client_factory = mq_client_factory
        self.timeout_millis = 6000

    def _api(self) -> Any:
        return self.mq_client_factory.mq_client_api_impl

    def _route(self, topic: str) -> Any:
        try:
            return self._api().get_topic_route_info_from_name_server(topic, self.timeout_millis)
        except Exception as e:  # noqa: BLE001
            raise MQClientException(f"Can not find Message Queue for this topic, {topic}", e) from e

    def create_topic(self, key: str, new_topic: str, queue_num: int, topic_sys_flag: int = 0) -> None:
        """UPDATE_AND_CREATE_TOPIC on every master of the template topic's brokers."""
        route = self._route(key)
        created = False
        for bd in route.broker_datas:
            addr = bd.broker_addrs.get(0)
            if addr is None:
                continue
            self._api().invoke_broker(addr, RequestCode.UPDATE_AND_CREATE_TOPIC,
                                      CreateTopicRequestHeader(
                                          topic=new_topic, default_topic=key,
                                          read_queue_nums=queue_num, write_queue_nums=queue_num,
                                          perm=PermName.PERM_READ | PermName.PERM_WRITE,
                                          topic_filter_type="SINGLE_TAG",
                                          topic_sys_flag=topic_sys_flag, order=False),
                                      timeout_ms=self.timeout_millis)
            created = True
        if not created:
            raise MQClientException(f"Not found broker, maybe key is wrong: {key}")

    def fetch_publish_message_queues(self, topic: str) -> list[Any]:
        from rocketmq_ref.client.impl.factory.mq_client_instance import MQClientInstance

        info = MQClientInstance.topic_route_data2_topic_publish_info(topic, self._route(topic))
        if info.ok():
            return self.parse_publish_message_queues(info.message_queue_list)
        raise MQClientException(f"Unknow why, Can not find Message Queue for this topic, {topic}")

    def parse_publish_message_queues(self, queues: list[Any]) -> list[Any]:
        cc = self.mq_client_factory.client_config
        if not cc.namespace:
            return list(queues)
        return [MessageQueue(cc.without_namespace(mq.topic), mq.broker_name, mq.queue_id)
                for mq in queues]

    def fetch_subscribe_message_queues(self, topic: str) -> set[Any]:
        from rocketmq_ref.client.impl.factory.mq_client_instance import MQClientInstance

        mqs = MQClientInstance.topic_route_data2_topic_subscribe_info(topic, self._route(topic))
        if not mqs:
            raise MQClientException(
                f"Can not find Message Queue for this topic, {topic} Namesrv return empty")
        return mqs

    def _broker_addr(self, mq: Any) -> str:
        factory = self.mq_client_factory
        addr = factory.find_broker_address_in_publish(mq.broker_name)
        if addr is None:
            factory.update_topic_route_info_from_name_server(mq.topic)
            addr = factory.find_broker_address_in_publish(mq.broker_name)
        if addr is None:
            raise MQClientException(f"The broker[{mq.broker_name}] not exist")
        return addr

    def max_offset(self, mq: Any) -> int:
        return self._api().get_max_offset(self._broker_addr(mq), mq, self.timeout_millis)

    def min_offset(self, mq: Any) -> int:
        return self._api().get_min_offset(self._broker_addr(mq), mq, self.timeout_millis)

    def search_offset(self, mq: Any, timestamp: int) -> int:
        return self._api().search_offset(self._broker_addr(mq), mq, timestamp, self.timeout_millis)

    def earliest_msg_store_time(self, mq: Any) -> int:
        return self._api().get_earliest_msg_storetime(self._broker_addr(mq), mq,
                                                      self.timeout_millis)

    def view_message(self, msg_id: str) -> Any:
        """By offset message id: the store host and commit-log offset are inside it."""
        try:
            mid = decode_message_id(msg_id)
        except Exception as e:  # noqa: BLE001
            raise MQClientException(-1, f"bad message id {msg_id}: {e}") from e
        host, port = mid.address
        return self._api().view_message(f"{host}:{port}", mid.offset, self.timeout_millis)

    def query_message(self, topic: str, key: str, max_num: int, begin: int, end: int,
                      is_unique_key: bool = False) -> list[Any]:
        """QUERY_MESSAGE on every broker of the topic; keys must match exactly."""
        route = self._route(topic)
        found: list[Any] = []
        for bd in route.broker_datas:
            addr = bd.select_broker_addr()
            if addr is None:
                continue
            try:
                msgs = self._api().query_message(addr, topic=topic, key=key, max_num=max_num,
                                                 begin_timestamp=begin, end_timestamp=end,
                                                 timeout_ms=self.timeout_millis * 3,
                                                 is_unique_key=is_unique_key)
            except Exception as e:  # noqa: BLE001
                log.warning("queryMessage exception from %s: %s", addr, e)
                continue
            for m in msgs:
                if is_unique_key:
                    if m.get_property("UNIQ_KEY") == key:
                        found.append(m)
                elif key in (m.keys or "").split(" "):
                    found.append(m)
        if not found:
            raise MQClientException(208, "query message by key finished, but no message.")
        return found

    def query_message_by_uniq_key(self, topic: str, uniq_key: str) -> Any:
        msgs = self.query_message(topic, uniq_key, 32, 0, int(time.time() * 1000) + 3600_000, True)
        return msgs[0] if msgs else None
