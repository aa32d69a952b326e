"""``SendMessageRequestHeaderV2``: SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320), the send header
with one-letter wire keys ``a``..``n`` that Java clients use by default, and its V1/V2 conversion
(Java ``common/protocol/header/SendMessageRequestHeaderV2``; book B3.4.4)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from rocketmq_ref.common.protocol.header.rpc_request_header import RpcRequestHeader
from rocketmq_ref.common.protocol.header.send_message_request_header import SendMessageRequestHeader
from rocketmq_ref.remoting.command_custom_header import Long, cf_not_null, cf_nullable, converting_decoder


@dataclass(slots=True)
class SendMessageRequestHeaderV2(RpcRequestHeader):
    a: str | None = cf_not_null()  # producerGroup
    b: str | None = cf_not_null()  # topic
    c: str | None = cf_not_null()  # defaultTopic
    d: int | None = cf_not_null()  # defaultTopicQueueNums
    e: int | None = cf_not_null()  # queueId
    f: int | None = cf_not_null()  # sysFlag
    g: Long | None = cf_not_null()  # bornTimestamp
    h: int | None = cf_not_null()  # flag
    i: str | None = cf_nullable()  # properties
    j: int | None = cf_nullable()  # reconsumeTimes
    k: bool = cf_nullable(False)  # unitMode
    l: int | None = cf_nullable()  # maxReconsumeTimes  # noqa: E741 (the wire key)
    m: bool = cf_nullable(False)  # batch
    n: str | None = cf_nullable()  # brokerName (4.9.5+)

    @staticmethod
    def create_send_message_request_header_v1(v2: "SendMessageRequestHeaderV2"
                                              ) -> SendMessageRequestHeader:
        """Java ``createSendMessageRequestHeaderV1``: what the broker works with."""
        return SendMessageRequestHeader(
            bname=v2.n, producer_group=v2.a, topic=v2.b, default_topic=v2.c,
            default_topic_queue_nums=v2.d, queue_id=v2.e, sys_flag=v2.f, born_timestamp=v2.g,
            flag=v2.h, properties=v2.i, reconsume_times=v2.j, unit_mode=v2.k, batch=v2.m,
            max_reconsume_times=v2.l)

    @staticmethod
    def create_send_message_request_header_v2(v1: SendMessageRequestHeader
                                              ) -> "SendMessageRequestHeaderV2":
        """Java ``createSendMessageRequestHeaderV2``: what the client puts on the wire."""
        return SendMessageRequestHeaderV2(
            a=v1.producer_group, b=v1.topic, c=v1.default_topic, d=v1.default_topic_queue_nums,
            e=v1.queue_id, f=v1.sys_flag, g=v1.born_timestamp, h=v1.flag, i=v1.properties,
            j=v1.reconsume_times, k=v1.unit_mode, l=v1.max_reconsume_times, m=v1.batch,
            n=v1.bname)

    @staticmethod
    def decode_as_v1(ext: Mapping[str, str] | None) -> SendMessageRequestHeader:
        """``decode`` then ``create_send_message_request_header_v1`` in one step, with the same
        rules and error messages and no V2 object in between (the broker's send path)."""
        if ext is None:
            return SendMessageRequestHeader()
        return _decode_as_v1(ext)


#: V1 takes its bname from ``n`` (brokerName); V2's own ``bname`` key is dropped, as in Java
_decode_as_v1 = converting_decoder(SendMessageRequestHeaderV2, SendMessageRequestHeader, {
    "bname": None, "a": "producer_group", "b": "topic", "c": "default_topic",
    "d": "default_topic_queue_nums", "e": "queue_id", "f": "sys_flag", "g": "born_timestamp",
    "h": "flag", "i": "properties", "j": "reconsume_times", "k": "unit_mode",
    "l": "max_reconsume_times", "m": "batch", "n": "bname"})
