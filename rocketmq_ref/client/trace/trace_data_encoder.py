"""Trace records to text and back (Java ``client.trace.TraceDataEncoder``; books A2.5, B9.7.1).

Each record is its fields joined by ``CONTENT_SPLITOR`` (\\u0001) and closed by ``FIELD_SPLITOR``
(\\u0002); a trace message body is records back to back.  The layouts, as Java writes them:

    Pub            type ts region group topic msgId tags keys storeHost bodyLength costTime
                   msgTypeOrdinal offsetMsgId success
    SubBefore      type ts region group requestId msgId retryTimes keys       (one per message)
    SubAfter       type requestId msgId costTime success keys contextCode ts group
                   (one per message; CLOUD ends after contextCode's splitter, with no \\u0002)
    EndTransaction type ts region group topic msgId tags keys storeHost msgTypeOrdinal
                   transactionId transactionState fromTransactionCheck

Decoding splits as Java's ``String.split`` does (trailing empty fields dropped) and accepts the
shorter Pub/SubAfter of older clients; a record whose numbers do not parse raises
``TraceDataFormatError`` naming it.
"""
from __future__ import annotations

from rocketmq_ref.client.producer.transaction_listener import LocalTransactionState
from rocketmq_ref.client.trace.trace_constants import AccessChannel, TraceConstants, TraceType
from rocketmq_ref.client.trace.trace_context import TraceBean, TraceContext, TraceTransferBean
from rocketmq_ref.common.message.message_const import KEY_SEPARATOR
from rocketmq_ref.common.message.message_type import MessageType

C = TraceConstants.CONTENT_SPLITOR
F = TraceConstants.FIELD_SPLITOR
_MESSAGE_TYPES = tuple(MessageType)  # Java MessageType.values(), ordinal order


class TraceDataFormatError(ValueError):
    """A trace record that cannot be decoded (or a context that cannot be encoded)."""


def java_split(text: str, sep: str) -> list[str]:
    """Java ``String.split`` for a one-character literal: trailing empty strings are dropped."""
    parts = text.split(sep)
    while parts and not parts[-1]:
        parts.pop()
    return parts if text else [""]


def _s(value: object) -> str:
    """A value as Java's ``StringBuilder.append`` writes it (``null``, ``true``/``false``)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _ordinal(msg_type: MessageType | None, record: str) -> str:
    if msg_type is None:
        raise TraceDataFormatError(f"{record} record without a message type")
    return str(_MESSAGE_TYPES.index(msg_type))


def _msg_type(text: str) -> MessageType:
    """Java ``MessageType.values()[Integer.parseInt(text)]``."""
    ordinal = int(text)
    if not 0 <= ordinal < len(_MESSAGE_TYPES):
        raise ValueError(f"no message type with ordinal {ordinal}")
    return _MESSAGE_TYPES[ordinal]


def _parse_bool(text: str) -> bool:
    """Java ``Boolean.parseBoolean``: only ``true`` (any case) is true."""
    return text.lower() == "true"


class TraceDataEncoder:
    """Java ``TraceDataEncoder``: ``encoder_from_context_bean`` / ``decoder_from_trace_data_string``."""

    @staticmethod
    def encoder_from_context_bean(ctx: TraceContext | None) -> TraceTransferBean | None:
        if ctx is None:
            return None
        beans = ctx.trace_beans or []
        kind = ctx.trace_type
        parts: list[str] = []
        if kind is TraceType.Pub:
            b = beans[0]
            parts.append(C.join((kind.name, _s(ctx.time_stamp), _s(ctx.region_id), _s(ctx.group_name),
                                 _s(b.topic), _s(b.msg_id), _s(b.tags), _s(b.keys), _s(b.store_host),
                                 _s(b.body_length), _s(ctx.cost_time), _ordinal(b.msg_type, "Pub"),
                                 _s(b.offset_msg_id), _s(ctx.is_success))) + F)
        elif kind is TraceType.SubBefore:
            head = C.join((kind.name, _s(ctx.time_stamp), _s(ctx.region_id), _s(ctx.group_name),
                           _s(ctx.request_id)))
            for b in beans:
                parts.append(C.join((head, _s(b.msg_id), _s(b.retry_times), _s(b.keys))) + F)
        elif kind is TraceType.SubAfter:
            cloud = ctx.access_channel is AccessChannel.CLOUD
            tail = "" if cloud else C.join((_s(ctx.time_stamp), _s(ctx.group_name))) + F
            for b in beans:
                parts.append(C.join((kind.name, _s(ctx.request_id), _s(b.msg_id), _s(ctx.cost_time),
                                     _s(ctx.is_success), _s(b.keys), _s(ctx.context_code))) + C + tail)
        elif kind is TraceType.EndTransaction:
            b = beans[0]
            parts.append(C.join((kind.name, _s(ctx.time_stamp), _s(ctx.region_id), _s(ctx.group_name),
                                 _s(b.topic), _s(b.msg_id), _s(b.tags), _s(b.keys), _s(b.store_host),
                                 _ordinal(b.msg_type, "EndTransaction"), _s(b.transaction_id),
                                 _s(b.transaction_state), _s(b.from_transaction_check))) + F)
        transfer = TraceTransferBean("".join(parts))
        keys = transfer.trans_key
        for b in beans:
            keys.add(_s(b.msg_id))
            if b.keys:
                keys.update(java_split(b.keys, KEY_SEPARATOR))
        return transfer

    @staticmethod
    def decoder_from_trace_data_string(trace_data: str | None) -> list[TraceContext]:
        result: list[TraceContext] = []
        if not trace_data:
            return result
        for record in java_split(trace_data, F):
            line = java_split(record, C)
            try:
                ctx = _decode_line(line)
            except (ValueError, IndexError) as e:
                raise TraceDataFormatError(f"bad trace record {record!r}: {e}") from None
            if ctx is not None:
                result.append(ctx)
        return result


_MIN_FIELDS = {"Pub": 12, "SubBefore": 8, "SubAfter": 6, "EndTransaction": 13}


def _decode_line(line: list[str]) -> TraceContext | None:
    kind = line[0]
    need = _MIN_FIELDS.get(kind)
    if need is None:  # Java skips a record type it does not know
        return None
    if len(line) < need:  # trailing empty text fields were dropped by the split
        line = line + [""] * (need - len(line))
    if kind == "Pub":
        ctx = TraceContext(TraceType.Pub, int(line[1]), line[2], group_name=line[3])
        bean = TraceBean(topic=line[4], msg_id=line[5], tags=line[6], keys=line[7], store_host=line[8],
                         body_length=int(line[9]), msg_type=_msg_type(line[11]))
        ctx.cost_time = int(line[10])
        if len(line) == 13:
            ctx.is_success = _parse_bool(line[12])
        elif len(line) >= 14:
            bean.offset_msg_id = line[12]
            ctx.is_success = _parse_bool(line[13])
            if len(line) >= 15:  # older clients wrote the client host too
                bean.client_host = line[14]
        ctx.trace_beans = [bean]
    elif kind == "SubBefore":
        ctx = TraceContext(TraceType.SubBefore, int(line[1]), line[2], group_name=line[3],
                           request_id=line[4])
        ctx.trace_beans = [TraceBean(msg_id=line[5], retry_times=int(line[6]), keys=line[7])]
    elif kind == "SubAfter":
        ctx = TraceContext(TraceType.SubAfter, request_id=line[1], cost_time=int(line[3]),
                           is_success=_parse_bool(line[4]))
        ctx.trace_beans = [TraceBean(msg_id=line[2], keys=line[5])]
        if len(line) >= 7:
            ctx.context_code = int(line[6])
        if len(line) >= 9:
            ctx.time_stamp = int(line[7])
            ctx.group_name = line[8]
    else:
        ctx = TraceContext(TraceType.EndTransaction, int(line[1]), line[2], group_name=line[3])
        state = line[11]
        if state not in LocalTransactionState.__members__:
            raise ValueError(f"unknown transaction state {state!r}")
        ctx.trace_beans = [TraceBean(topic=line[4], msg_id=line[5], tags=line[6], keys=line[7],
                                     store_host=line[8], msg_type=_msg_type(line[9]),
                                     transaction_id=line[10], transaction_state=state,
                                     from_transaction_check=_parse_bool(line[12]))]
    return ctx
