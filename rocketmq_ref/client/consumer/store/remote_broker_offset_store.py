"""RemoteBrokerOffsetStore: clustering consumers keep offsets on the broker
(Java ``client.consumer.store.RemoteBrokerOffsetStore``; books A3.3, B5.6.3).

Reads go to QUERY_CONSUMER_OFFSET on the queue's master ("not found" -> -1, other failure -> -2);
``persist_all`` sends UPDATE_CONSUMER_OFFSET oneway for every assigned queue and forgets the rest.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable

from rocketmq_ref.client.consumer.store.offset_store import OffsetStore, ReadOffsetType
from rocketmq_ref.client.exception import MQBrokerException, MQClientException
from rocketmq_ref.common.tracing import SpanKind, messaging_span, record_error

log = logging.getLogger("rocketmq_ref.client")

MASTER_ID = 0
OFFSET_RPC_TIMEOUT_MS = 5000


class RemoteBrokerOffsetStore(OffsetStore):
    def __init__(self, mq_client_factory: Any, group_name: str) -> None:
        super().__init__(group_name)
        self.mq_client_factory = mq_client_factory

    def read_offset(self, mq: Any, type_: ReadOffsetType) -> int:
        if mq is None:
            return -1
        if type_ in (ReadOffsetType.READ_FROM_MEMORY, ReadOffsetType.MEMORY_FIRST_THEN_STORE):
            offset = self.offset_table.get(mq)
            if offset is not None:
                return offset
            if type_ is ReadOffsetType.READ_FROM_MEMORY:
                return -1
        try:
            broker_offset = self.fetch_consume_offset_from_broker(mq)
        except MQBrokerException:
            return -1  # QUERY_NOT_FOUND: the group never committed on this queue
        except Exception as e:  # noqa: BLE001 - Java: any other failure means "unknown" (-2)
            log.warning("fetchConsumeOffsetFromBroker exception, %s: %s", mq, e)
            return -2
        self.update_offset(mq, broker_offset, False)
        return broker_offset

    def persist_all(self, mqs: Iterable[Any]) -> None:
        mqs = set(mqs or ())
        if not mqs:
            return
        unused = []
        for mq, offset in list(self.offset_table.items()):
            if mq in mqs:
                try:
                    self.update_consume_offset_to_broker(mq, offset)
                    log.info("[persistAll] Group: %s ClientId: %s updateConsumeOffsetToBroker %s %s",
                             self.group_name, self.mq_client_factory.client_id, mq, offset)
                except Exception as e:  # noqa: BLE001
                    log.error("updateConsumeOffsetToBroker exception, %s %s", mq, e)
            else:
                unused.append(mq)
        for mq in unused:
            self.remove_offset(mq)
            log.info("remove unused mq, %s, %s", mq, self.group_name)

    def persist(self, mq: Any) -> None:
        offset = self.offset_table.get(mq)
        if offset is not None:
            try:
                self.update_consume_offset_to_broker(mq, offset)
            except Exception as e:  # noqa: BLE001
                log.error("updateConsumeOffsetToBroker exception, %s %s", mq, e)

    def _find_master(self, mq: Any) -> str | None:
        factory = self.mq_client_factory
        found = factory.find_broker_address_in_subscribe(mq.broker_name, MASTER_ID, True)
        if found is None:
            factory.update_topic_route_info_from_name_server(mq.topic)
            found = factory.find_broker_address_in_subscribe(mq.broker_name, MASTER_ID, False)
        return found.broker_addr if found is not None else None

    def update_consume_offset_to_broker(self, mq: Any, offset: int, is_oneway: bool = True) -> None:
        """UPDATE_CONSUMER_OFFSET to the queue's master (oneway from the timer, as Java does)."""
        with messaging_span("settle", mq.topic, SpanKind.CLIENT,
                            java="org.apache.rocketmq.client.consumer.store.RemoteBrokerOffsetStore"
                                 "#updateConsumeOffsetToBroker",
                            books=("A3.3", "B5.6.3"),
                            attributes={"messaging.consumer.group.name": self.group_name,
                                        "messaging.destination.partition.id": str(mq.queue_id),
                                        "messaging.rocketmq.broker_name": mq.broker_name,
                                        "rocketmq_ref.commit_offset": offset}) as s:
            addr = self._find_master(mq)
            if addr is None:
                err = MQClientException(f"The broker[{mq.broker_name}] not exist")
                record_error(s, err)
                raise err
            self.mq_client_factory.mq_client_api_impl.update_consumer_offset(
                addr, topic=mq.topic, consumer_group=self.group_name, queue_id=mq.queue_id,
                commit_offset=offset, broker_name=mq.broker_name,
                timeout_ms=OFFSET_RPC_TIMEOUT_MS, oneway=is_oneway)

    def fetch_consume_offset_from_broker(self, mq: Any) -> int:
        addr = self._find_master(mq)
        if addr is None:
            raise MQClientException(f"The broker[{mq.broker_name}] not exist")
        return self.mq_client_factory.mq_client_api_impl.query_consumer_offset(
            addr, topic=mq.topic, consumer_group=self.group_name, queue_id=mq.queue_id,
            broker_name=mq.broker_name, timeout_ms=OFFSET_RPC_TIMEOUT_MS)
