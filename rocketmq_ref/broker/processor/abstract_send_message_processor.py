"""What every send-path processor shares: header parsing (V1 and the one-letter V2), the message check
with topic auto-creation, queue choice (Java ``broker.processor.AbstractSendMessageProcessor``; B3.4.4)."""
from __future__ import annotations

import logging
import random
from typing import Any

from rocketmq_ref.broker.client.client_channel_info import parse_channel_remote_addr
from rocketmq_ref.common import mixall, topic_validator
from rocketmq_ref.common.perm_name import PermName
from rocketmq_ref.common.protocol.header.send_message_request_header import SendMessageRequestHeader
from rocketmq_ref.common.protocol.header.send_message_request_header_v2 import SendMessageRequestHeaderV2
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.common.sysflag import TopicSysFlag
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

log = logging.getLogger("rocketmq_ref.broker")

DLQ_NUMS_PER_GROUP = 1
#: ``MQVersion.Version.V3_4_9.ordinal()``: clients from here on send ``maxReconsumeTimes``
V3_4_9 = 121

_V2_CODES = (int(RequestCode.SEND_MESSAGE_V2), int(RequestCode.SEND_BATCH_MESSAGE))


def channel_remote_host(ctx: Any) -> tuple[str, int]:
    """The peer as an ``(ip, port)`` tuple (the born host of what it sends), parsed once per
    connection and kept in the channel's attributes."""
    attributes = getattr(getattr(ctx, "channel", None), "attributes", None)
    if attributes is not None:
        host = attributes.get("born_host")
        if host is not None:
            return host
    addr = parse_channel_remote_addr(ctx)
    ip, _, port = addr.rpartition(":")
    try:
        host = (ip.strip("[]") or "127.0.0.1", int(port))
    except ValueError:
        host = ("127.0.0.1", 0)
    if attributes is not None:
        attributes["born_host"] = host
    return host


class AbstractSendMessageProcessor:
    def __init__(self, broker_controller: Any) -> None:
        self.broker_controller = broker_controller
        self._store_host: tuple[str, int] | None = None

    @property
    def store_host(self) -> tuple[str, int]:
        """Read once the server is bound (the port may have been chosen at start)."""
        host = self._store_host
        if host is None or host[1] == 0:
            host = self._store_host = self.broker_controller.get_store_host()
        return host

    @staticmethod
    def parse_request_header(request: RemotingCommand) -> SendMessageRequestHeader | None:
        """SEND_MESSAGE carries the long names, SEND_MESSAGE_V2 / SEND_BATCH_MESSAGE the letters a..n;
        a V2 header is decoded straight into the V1 one (same rules and errors, no V2 object)."""
        if request.code in _V2_CODES:
            return SendMessageRequestHeaderV2.decode_as_v1(request.ext_fields)
        if request.code == RequestCode.SEND_MESSAGE:
            return request.decode_command_custom_header(SendMessageRequestHeader)
        return None

    @staticmethod
    def random_queue_id(write_queue_nums: int) -> int:
        return random.randrange(99999999) % max(1, write_queue_nums)

    def msg_check(self, ctx: Any, header: SendMessageRequestHeader, response: RemotingCommand) -> RemotingCommand:
        """Java ``msgCheck``: permission, topic name, not-allowed topics, auto-create, queue id."""
        controller = self.broker_controller
        config = controller.broker_config
        topic = header.topic
        if not PermName.is_writeable(config.broker_permission) and \
                controller.topic_config_manager.is_order_topic(topic):
            response.code = ResponseCode.NO_PERMISSION
            response.remark = f"the broker[{config.broker_ip1}] sending message is forbidden"
            return response
        if not topic_validator.validate_topic(topic, response):
            return response
        if topic_validator.is_not_allowed_send_topic(topic, response):
            return response
        tcm = controller.topic_config_manager
        topic_config = tcm.select_topic_config(topic)
        if topic_config is None:
            topic_sys_flag = 0
            if header.unit_mode:
                topic_sys_flag = (TopicSysFlag.build_sys_flag(False, True) if topic.startswith(
                    mixall.RETRY_GROUP_TOPIC_PREFIX) else TopicSysFlag.build_sys_flag(True, False))
            remote = parse_channel_remote_addr(ctx)
            log.warning("the topic %s not exist, producer: %s", topic, remote)
            topic_config = tcm.create_topic_in_send_message_method(
                topic, header.default_topic, remote, header.default_topic_queue_nums or 0, topic_sys_flag)
            if topic_config is None and topic.startswith(mixall.RETRY_GROUP_TOPIC_PREFIX):
                topic_config = tcm.create_topic_in_send_message_back_method(
                    topic, 1, PermName.PERM_WRITE | PermName.PERM_READ, topic_sys_flag)
            if topic_config is None:
                response.code = ResponseCode.TOPIC_NOT_EXIST
                response.remark = f"topic[{topic}] not exist, apply first please!"
                return response
        queue_id = header.queue_id
        valid = max(topic_config.write_queue_nums, topic_config.read_queue_nums)
        if queue_id >= valid:
            response.code = ResponseCode.SYSTEM_ERROR
            response.remark = (f"request queueId[{queue_id}] is illegal, {topic_config} "
                               f"Producer: {parse_channel_remote_addr(ctx)}")
            log.warning(response.remark)
        return response

    def reject_request(self) -> bool:
        """Java: the page cache is busy, or the transient store pool ran out of buffers."""
        store = self.broker_controller.message_store
        busy = getattr(store, "is_os_page_cache_busy", None)
        deficient = getattr(store, "is_transient_store_pool_deficient", None)
        return bool((busy and busy()) or (deficient and deficient()))

    def record_stored(self, topic: str, aresult: Any, response: RemotingCommand, queue_id: int) -> None:
        """What a stored send or reply shares (Java ``handlePutMessageResult``): the put stats, and the
        message id and offsets in the response header."""
        stats = self.broker_controller.broker_stats_manager
        stats.inc_topic_put_nums(topic, aresult.msg_num, 1)
        stats.inc_topic_put_size(topic, aresult.wrote_bytes)
        stats.inc_broker_put_nums(aresult.msg_num)
        header = response.custom_header
        header.msg_id = aresult.msg_id
        header.queue_id = queue_id
        header.queue_offset = aresult.logics_offset
