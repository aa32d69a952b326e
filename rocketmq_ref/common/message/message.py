"""The message model (Java ``org.apache.rocketmq.common.message.Message``, ``MessageExt``,
``MessageClientExt``; spec message-and-store §1-§3; books B3.2, B4.5.1).

``Message`` is what a producer sends: topic, flag, properties, body.  ``MessageExt`` adds what the
broker stores with it (the fields of the commit-log record).  Hosts are ``(ip, port)`` tuples,
like Python socket addresses.  Java getters and setters of plain fields are attributes here; the
ones backed by properties (tags, keys, delay level, ...) are Python properties.
"""
from __future__ import annotations

import socket
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from rocketmq_ref.common.message import message_const as mc
from rocketmq_ref.common.sysflag import MessageSysFlag

Host = tuple[str, int]
_BYTES = (bytes, bytearray, memoryview)


class Message:
    """A message as the producer builds it (Java ``Message``; book B3.2)."""

    __slots__ = ("topic", "flag", "properties", "body", "transaction_id")

    def __init__(self, topic: str = "", body: bytes = b"", tags: str | None = None,
                 keys: str | Iterable[str] | None = None, flag: int = 0,
                 wait_store_msg_ok: bool = True, properties: dict[str, str] | None = None) -> None:
        if isinstance(body, str) and not isinstance(tags, (str, type(None))):
            body, tags = tags, body  # Java's Message(topic, tags, body)
        elif isinstance(body, str) and isinstance(tags, str) and isinstance(keys, _BYTES):
            body, tags, keys = keys, body, tags  # Java's Message(topic, tags, keys, body)
        self.topic = topic
        self.flag = flag
        self.body = body
        self.transaction_id: str | None = None
        self.properties: dict[str, str] = {} if properties is None else properties
        if tags:
            self.properties[mc.PROPERTY_TAGS] = tags
        if keys:
            self.set_keys(keys)
        if properties is None:  # Java's constructors set WAIT; an explicit map is taken as is
            self.properties[mc.PROPERTY_WAIT_STORE_MSG_OK] = "true" if wait_store_msg_ok else "false"

    # -- properties ---------------------------------------------------------------------------
    def put_property(self, name: str, value: str) -> None:
        self.properties[name] = value

    def clear_property(self, name: str) -> None:
        self.properties.pop(name, None)

    def get_property(self, name: str) -> str | None:
        return self.properties.get(name)

    def put_user_property(self, name: str, value: str) -> None:
        """A user property; system keys (``MessageConst.STRING_HASH_SET``) and blanks are refused."""
        if name in mc.STRING_HASH_SET:
            raise ValueError(f"The Property<{name}> is used by system, input another please")
        if value is None or not str(value).strip() or name is None or not name.strip():
            raise ValueError("The name or value of property can not be null or blank string!")
        self.properties[name] = value

    def get_user_property(self, name: str) -> str | None:
        return self.properties.get(name)

    @property
    def tags(self) -> str | None:
        return self.properties.get(mc.PROPERTY_TAGS)

    @tags.setter
    def tags(self, tags: str) -> None:
        self.properties[mc.PROPERTY_TAGS] = tags

    @property
    def keys(self) -> str | None:
        return self.properties.get(mc.PROPERTY_KEYS)

    @keys.setter
    def keys(self, keys: str | Iterable[str]) -> None:
        self.set_keys(keys)

    def set_keys(self, keys: str | Iterable[str]) -> None:
        """One key string, or a collection joined with ``KEY_SEPARATOR`` (a space)."""
        if not isinstance(keys, str):
            keys = mc.KEY_SEPARATOR.join(keys)
        self.properties[mc.PROPERTY_KEYS] = keys

    @property
    def delay_time_level(self) -> int:
        t = self.properties.get(mc.PROPERTY_DELAY_TIME_LEVEL)
        return int(t) if t is not None else 0

    @delay_time_level.setter
    def delay_time_level(self, level: int) -> None:
        self.properties[mc.PROPERTY_DELAY_TIME_LEVEL] = str(level)

    @property
    def wait_store_msg_ok(self) -> bool:
        result = self.properties.get(mc.PROPERTY_WAIT_STORE_MSG_OK)
        return True if result is None else result.lower() == "true"

    @wait_store_msg_ok.setter
    def wait_store_msg_ok(self, value: bool) -> None:
        self.properties[mc.PROPERTY_WAIT_STORE_MSG_OK] = "true" if value else "false"

    @property
    def buyer_id(self) -> str | None:
        return self.properties.get(mc.PROPERTY_BUYER_ID)

    @buyer_id.setter
    def buyer_id(self, value: str) -> None:
        self.properties[mc.PROPERTY_BUYER_ID] = value

    def set_instance_id(self, instance_id: str) -> None:
        self.properties[mc.PROPERTY_INSTANCE_ID] = instance_id

    def __repr__(self) -> str:
        body_len = len(self.body) if self.body is not None else 0
        return (f"Message{{topic='{self.topic}', flag={self.flag}, properties={self.properties}, "
                f"body=[{body_len} bytes], transactionId='{self.transaction_id}'}}")


@lru_cache(maxsize=1024)
def _ip_bytes(ip: str) -> bytes:
    if ":" in ip:
        return socket.inet_pton(socket.AF_INET6, ip)
    return socket.inet_aton(ip)


def socket_address2bytes(address: Host) -> bytes:
    """``MessageExt.socketAddress2ByteBuffer``: 4-byte IPv4 (or 16-byte IPv6) address + int32 port."""
    ip, port = address
    return _ip_bytes(ip) + port.to_bytes(4, "big", signed=True)


def is_ipv6(address: Host | None) -> bool:
    return address is not None and ":" in address[0]


class MessageExt(Message):
    """A stored message: the commit-log record's fields (Java ``MessageExt``; spec §1; book B4.5.1).

    ``msg_id`` is the offset message id (spec §4); it is computed from ``store_host`` and
    ``commit_log_offset`` the first time it is read unless it was set.
    """

    __slots__ = ("broker_name", "queue_id", "store_size", "queue_offset", "sys_flag",
                 "born_timestamp", "born_host", "store_timestamp", "store_host", "_msg_id",
                 "commit_log_offset", "body_crc", "reconsume_times", "prepared_transaction_offset")

    def __init__(self, topic: str = "", body: bytes = b"", *, flag: int = 0,
                 properties: dict[str, str] | None = None, queue_id: int = 0,
                 store_size: int = 0, queue_offset: int = 0, sys_flag: int = 0,
                 born_timestamp: int = 0, born_host: Host | None = None,
                 store_timestamp: int = 0, store_host: Host | None = None,
                 msg_id: str | None = None, commit_log_offset: int = 0, body_crc: int = 0,
                 reconsume_times: int = 0, prepared_transaction_offset: int = 0,
                 broker_name: str | None = None) -> None:
        # no WAIT default here: a decoded message carries exactly the stored properties
        self.topic = topic
        self.flag = flag
        self.body = body
        self.transaction_id = None
        self.properties = {} if properties is None else properties
        self.broker_name = broker_name
        self.queue_id = queue_id
        self.store_size = store_size
        self.queue_offset = queue_offset
        self.sys_flag = sys_flag
        self.born_timestamp = born_timestamp
        self.born_host = born_host
        self.store_timestamp = store_timestamp
        self.store_host = store_host
        self._msg_id = msg_id
        self.commit_log_offset = commit_log_offset
        self.body_crc = body_crc
        self.reconsume_times = reconsume_times
        self.prepared_transaction_offset = prepared_transaction_offset

    @classmethod
    def from_record(cls, topic: str, body: bytes | None, flag: int, properties: dict[str, str],
                    queue_id: int, store_size: int, queue_offset: int, sys_flag: int,
                    born_timestamp: int, born_host: Host, store_timestamp: int, store_host: Host,
                    commit_log_offset: int, body_crc: int, reconsume_times: int,
                    prepared_transaction_offset: int) -> "MessageExt":
        """The decoder's constructor: positional and without ``__init__`` (keyword calls cost
        several times more on the pull path).  Sets every slot ``__init__`` sets."""
        m = cls.__new__(cls)
        m.topic = topic
        m.flag = flag
        m.body = body
        m.transaction_id = None
        m.properties = properties
        m.broker_name = None
        m.queue_id = queue_id
        m.store_size = store_size
        m.queue_offset = queue_offset
        m.sys_flag = sys_flag
        m.born_timestamp = born_timestamp
        m.born_host = born_host
        m.store_timestamp = store_timestamp
        m.store_host = store_host
        m._msg_id = None
        m.commit_log_offset = commit_log_offset
        m.body_crc = body_crc
        m.reconsume_times = reconsume_times
        m.prepared_transaction_offset = prepared_transaction_offset
        return m

    @property
    def msg_id(self) -> str | None:
        if self._msg_id is None and self.store_host is not None:
            from rocketmq_ref.common.message.message_decoder import create_message_id
            self._msg_id = create_message_id(self.store_host, self.commit_log_offset)
        return self._msg_id

    @msg_id.setter
    def msg_id(self, value: str | None) -> None:
        self._msg_id = value

    @staticmethod
    def parse_topic_filter_type(sys_flag: int) -> str:
        """``TopicFilterType`` name: MULTI_TAG when the multi-tags bit is set, else SINGLE_TAG."""
        if sys_flag & MessageSysFlag.MULTI_TAGS_FLAG:
            return "MULTI_TAG"
        return "SINGLE_TAG"

    def get_born_host_bytes(self) -> bytes:
        assert self.born_host is not None
        return socket_address2bytes(self.born_host)

    def get_store_host_bytes(self) -> bytes:
        assert self.store_host is not None
        return socket_address2bytes(self.store_host)

    def get_born_host_string(self) -> str | None:
        return self.born_host[0] if self.born_host else None

    def get_born_host_name_string(self) -> str | None:
        return self.born_host[0] if self.born_host else None

    def set_store_host_address_v6_flag(self) -> None:
        self.sys_flag |= MessageSysFlag.STOREHOSTADDRESS_V6_FLAG

    def set_born_host_v6_flag(self) -> None:
        self.sys_flag |= MessageSysFlag.BORNHOST_V6_FLAG

    def __repr__(self) -> str:
        body_len = len(self.body) if self.body is not None else 0
        return (f"MessageExt [brokerName={self.broker_name}, queueId={self.queue_id}, "
                f"storeSize={self.store_size}, queueOffset={self.queue_offset}, "
                f"sysFlag={self.sys_flag}, bornTimestamp={self.born_timestamp}, "
                f"bornHost={self.born_host}, storeTimestamp={self.store_timestamp}, "
                f"storeHost={self.store_host}, msgId={self.msg_id}, "
                f"commitLogOffset={self.commit_log_offset}, bodyCRC={self.body_crc}, "
                f"reconsumeTimes={self.reconsume_times}, "
                f"preparedTransactionOffset={self.prepared_transaction_offset}, "
                f"toString()=Message{{topic='{self.topic}', flag={self.flag}, "
                f"properties={self.properties}, body=[{body_len} bytes]}}]")


class MessageClientExt(MessageExt):
    """What a consumer sees (Java ``MessageClientExt``; book B5.4.3): ``msg_id`` is the client's
    ``UNIQ_KEY`` when present, else the offset id, which stays available as ``offset_msg_id``."""

    __slots__ = ()

    @property
    def offset_msg_id(self) -> str | None:
        return MessageExt.msg_id.fget(self)  # type: ignore[attr-defined]

    @offset_msg_id.setter
    def offset_msg_id(self, value: str | None) -> None:
        self._msg_id = value

    @property
    def msg_id(self) -> str | None:
        uniq = self.properties.get(mc.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX)
        return uniq if uniq is not None else self.offset_msg_id

    @msg_id.setter
    def msg_id(self, value: Any) -> None:
        """Java ``MessageClientExt.setMsgId`` does nothing: the id comes from UNIQ_KEY or the offset."""
