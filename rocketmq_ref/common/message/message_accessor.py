"""Property helpers the client and broker use on messages (Java
``org.apache.rocketmq.common.message.MessageAccessor``; books B5.6, B3.2)."""
from __future__ import annotations

from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.message.message import Message


def clear_property(msg: Message, name: str) -> None:
    msg.properties.pop(name, None)


def set_properties(msg: Message, properties: dict[str, str]) -> None:
    msg.properties = properties


def put_property(msg: Message, name: str, value: str) -> None:
    msg.properties[name] = value


def set_transfer_flag(msg: Message, unit: str) -> None:
    msg.properties[mc.PROPERTY_TRANSFER_FLAG] = unit


def get_transfer_flag(msg: Message) -> str | None:
    return msg.properties.get(mc.PROPERTY_TRANSFER_FLAG)


def set_correction_flag(msg: Message, unit: str) -> None:
    msg.properties[mc.PROPERTY_CORRECTION_FLAG] = unit


def get_correction_flag(msg: Message) -> str | None:
    return msg.properties.get(mc.PROPERTY_CORRECTION_FLAG)


def set_origin_message_id(msg: Message, origin_message_id: str) -> None:
    msg.properties[mc.PROPERTY_ORIGIN_MESSAGE_ID] = origin_message_id


def get_origin_message_id(msg: Message) -> str | None:
    return msg.properties.get(mc.PROPERTY_ORIGIN_MESSAGE_ID)


def set_mq2_flag(msg: Message, flag: str) -> None:
    msg.properties[mc.PROPERTY_MQ2_FLAG] = flag


def get_mq2_flag(msg: Message) -> str | None:
    return msg.properties.get(mc.PROPERTY_MQ2_FLAG)


def set_reconsume_time(msg: Message, reconsume_times: str) -> None:
    msg.properties[mc.PROPERTY_RECONSUME_TIME] = reconsume_times


def get_reconsume_time(msg: Message) -> str | None:
    return msg.properties.get(mc.PROPERTY_RECONSUME_TIME)


def set_max_reconsume_times(msg: Message, max_reconsume_times: str) -> None:
    msg.properties[mc.PROPERTY_MAX_RECONSUME_TIMES] = max_reconsume_times


def get_max_reconsume_times(msg: Message) -> str | None:
    return msg.properties.get(mc.PROPERTY_MAX_RECONSUME_TIMES)


def set_consume_start_time_stamp(msg: Message, timestamp: str) -> None:
    msg.properties[mc.PROPERTY_CONSUME_START_TIMESTAMP] = timestamp


def get_consume_start_time_stamp(msg: Message) -> str | None:
    return msg.properties.get(mc.PROPERTY_CONSUME_START_TIMESTAMP)


def clone_message(msg: Message) -> Message:
    """A new ``Message`` with the same topic, flag, body and a copy of the properties."""
    new = Message(msg.topic, msg.body, flag=msg.flag, properties=dict(msg.properties))
    new.transaction_id = msg.transaction_id
    return new

