"""PullAPIWrapper: builds PULL_MESSAGE for a queue and decodes what comes back
(Java ``client.impl.consumer.PullAPIWrapper``; books A11.1.3, B5.4.3).

``process_pull_result`` decodes the raw commit-log records, filters them again by tag *string*
(the broker only compared tag hash codes), and stamps ``MIN_OFFSET``/``MAX_OFFSET``.
"""
from __future__ import annotations

import logging
import threading
from typing import Any

from rocketmq_ref.client.consumer.pull_result import PullResultExt, PullStatus
from rocketmq_ref.client.exception import MQClientException
from rocketmq_ref.client.impl.mq_client_api_impl import CommunicationMode
from rocketmq_ref.common import mixall
from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message import message_decoder
from rocketmq_ref.common.protocol.header.pull_message_request_header import \
    PullMessageRequestHeader
from rocketmq_ref.common.sysflag import PullSysFlag
from rocketmq_ref.common.tracing import SpanKind, messaging_span

log = logging.getLogger("rocketmq_ref.client")


class PullAPIWrapper:
    def __init__(self, mq_client_factory: Any, consumer_group: str, unit_mode: bool = False) -> None:
        self.mq_client_factory = mq_client_factory
        self.consumer_group = consumer_group
        self.unit_mode = unit_mode
        self.pull_from_which_node_table: dict[Any, int] = {}
        self._lock = threading.Lock()
        self.connect_broker_by_user = False
        self.default_broker_id = mixall.MASTER_ID

    def process_pull_result(self, mq: Any, pull_result: PullResultExt, subscription_data: Any
                            ) -> PullResultExt:
        self.update_pull_from_which_node(mq, pull_result.suggest_which_broker_id)
        if pull_result.pull_status is PullStatus.FOUND and pull_result.message_binary:
            msgs = message_decoder.decodes(pull_result.message_binary)
            tags_set = getattr(subscription_data, "tags_set", None)
            if tags_set and not getattr(subscription_data, "class_filter_mode", False):
                msgs = [m for m in msgs if m.tags is not None and m.tags in tags_set]
            min_s, max_s = str(pull_result.min_offset), str(pull_result.max_offset)
            for msg in msgs:
                tran = msg.get_property(mc.PROPERTY_TRANSACTION_PREPARED)
                if tran == "true":
                    msg.transaction_id = msg.get_property(mc.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
                msg.properties[mc.PROPERTY_MIN_OFFSET] = min_s
                msg.properties[mc.PROPERTY_MAX_OFFSET] = max_s
                msg.broker_name = mq.broker_name
            pull_result.msg_found_list = msgs
        pull_result.message_binary = None
        return pull_result

    def update_pull_from_which_node(self, mq: Any, broker_id: int) -> None:
        self.pull_from_which_node_table[mq] = broker_id

    def recalculate_pull_from_which_node(self, mq: Any) -> int:
        if self.connect_broker_by_user:
            return self.default_broker_id
        return self.pull_from_which_node_table.get(mq, mixall.MASTER_ID)

    def pull_kernel_impl(self, mq: Any, sub_expression: str | None, expression_type: str | None,
                         sub_version: int, offset: int, max_nums: int, sys_flag: int,
                         commit_offset: int, broker_suspend_max_time_millis: int,
                         timeout_millis: int, communication_mode: str,
                         pull_callback: Any = None) -> PullResultExt | None:
        """PULL_MESSAGE to the broker suggested last time (Java ``pullKernelImpl``; book B5.4.3)."""
        factory = self.mq_client_factory
        found = factory.find_broker_address_in_subscribe(
            mq.broker_name, self.recalculate_pull_from_which_node(mq), False)
        if found is None:
            factory.update_topic_route_info_from_name_server(mq.topic)
            found = factory.find_broker_address_in_subscribe(
                mq.broker_name, self.recalculate_pull_from_which_node(mq), False)
        if found is None:
            raise MQClientException(f"The broker[{mq.broker_name}] not exist")
        if found.slave:
            sys_flag = PullSysFlag.clear_commit_offset_flag(sys_flag)
        header = PullMessageRequestHeader(
            bname=mq.broker_name, consumer_group=self.consumer_group, topic=mq.topic,
            queue_id=mq.queue_id, queue_offset=offset, max_msg_nums=max_nums, sys_flag=sys_flag,
            commit_offset=commit_offset, suspend_timeout_millis=broker_suspend_max_time_millis,
            subscription=sub_expression, sub_version=sub_version, expression_type=expression_type)
        return factory.mq_client_api_impl.pull_message(found.broker_addr, header, timeout_millis,
                                                       communication_mode, pull_callback)


def pull_span(mq: Any, group: str, offset: int):  # noqa: ANN201 - a context manager
    """The ``receive <topic>`` span of one pull (messaging conventions)."""
    return messaging_span("receive", mq.topic, SpanKind.CONSUMER,
                          java="org.apache.rocketmq.client.impl.consumer.PullAPIWrapper#pullKernelImpl",
                          books=("B5.4.3", "A11.1.3"),
                          attributes={"messaging.consumer.group.name": group,
                                      "messaging.destination.partition.id": str(mq.queue_id),
                                      "messaging.rocketmq.broker_name": mq.broker_name,
                                      "rocketmq_ref.pull.offset": offset})


__all__ = ["PullAPIWrapper", "pull_span", "CommunicationMode"]
