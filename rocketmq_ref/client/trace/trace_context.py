"""What a trace record holds (Java ``client.trace.TraceBean``, ``TraceContext``, ``TraceTransferBean``;
books A2.5, B9.7.1).

A ``TraceContext`` is one hook event (a send, a consume before/after, an end-transaction) with the
``TraceBean`` of each message it covers; ``TraceDataEncoder`` turns it into a ``TraceTransferBean``:
the record text and the keys the trace message is indexed by.  ``None`` stands for Java's ``null``
and is written as the text ``null``, as Java's ``StringBuilder`` does.
"""
from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field

from rocketmq_ref.client.trace.trace_constants import AccessChannel, TraceType
from rocketmq_ref.common.message.message_client_id_setter import MessageClientIDSetter
from rocketmq_ref.common.message.message_type import MessageType
from rocketmq_ref.common.utilall import get_ip, ip_to_ipv4_str


@functools.lru_cache(maxsize=1)
def local_address() -> str:
    """Java ``TraceBean.LOCAL_ADDRESS``: ``ipToIPv4Str(getIP())``, the address message ids carry."""
    try:
        return ip_to_ipv4_str(get_ip()) or "127.0.0.1"
    except RuntimeError:  # no interface at all: Java fails to load the class; a trace must not
        return "127.0.0.1"


def _now_millis() -> int:
    return int(time.time() * 1000)


@dataclass(slots=True)
class TraceBean:
    """One traced message (Java ``TraceBean``)."""

    topic: str | None = ""
    msg_id: str | None = ""
    offset_msg_id: str | None = ""
    tags: str | None = ""
    keys: str | None = ""
    store_host: str | None = field(default_factory=local_address)
    client_host: str | None = field(default_factory=local_address)
    store_time: int = 0
    retry_times: int = 0
    body_length: int = 0
    msg_type: MessageType | None = None
    transaction_state: str | None = None  # a LocalTransactionState name
    transaction_id: str | None = None
    from_transaction_check: bool = False


@dataclass(slots=True)
class TraceContext:
    """One hook event and the messages it covers (Java ``TraceContext``); ordered by time stamp."""

    trace_type: TraceType | None = None
    time_stamp: int = field(default_factory=_now_millis)
    region_id: str | None = ""
    region_name: str = ""
    group_name: str | None = ""
    cost_time: int = 0
    is_success: bool = True
    request_id: str = field(default_factory=MessageClientIDSetter.create_uniq_id)
    context_code: int = 0
    access_channel: AccessChannel | None = None
    trace_beans: list[TraceBean] | None = None

    def __lt__(self, other: "TraceContext") -> bool:
        return self.time_stamp < other.time_stamp

    def __str__(self) -> str:
        beans = "".join(f"{b.msg_id}_{b.topic}_" for b in self.trace_beans or ())
        kind = self.trace_type.name if self.trace_type else "null"
        return (f"TraceContext{{{kind}_{self.group_name}_{self.region_id}_"
                f"{'true' if self.is_success else 'false'}_{beans}}}")


@dataclass(slots=True)
class TraceTransferBean:
    """The encoded records of one context and the keys of its trace message (Java ``TraceTransferBean``)."""

    trans_data: str = ""
    trans_key: set[str] = field(default_factory=set)
