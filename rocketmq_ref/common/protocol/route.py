"""Route data: ``TopicRouteData``, ``QueueData``, ``BrokerData`` (Java
``org.apache.rocketmq.common.protocol.route.*``; book A4.1.1, B2.3.1, B2.3.4).

What GET_ROUTEINFO_BY_TOPIC carries. The name server writes it in one of two JSON flavours
(protocol.md §7.4): the plain fastjson form, with ``brokerAddrs`` keys bare (``{0:"ip:port"}``), for
old clients, and the standard-JSON form (``BrowserCompatible, QuoteFieldNames, MapSortField``) for
clients of version >= V4_9_4 or asking ``acceptStandardJsonOnly``. This is the name server's hot
path, so both writers here are specialised string builders, byte-identical to what a real 4.9.x name
server sends (see the interop captures). Reading accepts both forms, and ``topicSynFlag`` (<= 4.8)
as well as ``topicSysFlag``.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

__all__ = ["QueueData", "BrokerData", "TopicRouteData", "MASTER_ID", "fastjson_str", "browser_str"]

MASTER_ID = 0  # MixAll.MASTER_ID

# ----------------------------------------------------------------------------------------------
# string writers (fastjson SerializeWriter.writeStringWithDoubleQuote, both modes)

_SHORT = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\"}


def _plain_escape(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    return "\\u%04X" % ord(ch)


def _plain_needs(ch: str) -> bool:
    o = ord(ch)
    return o < 32 or ch in '"\\' or 0x7F <= o < 0xA0 or o in (0x2028, 0x2029)


def fastjson_str(s: str) -> str:
    """A string as fastjson writes it by default: control chars, ``"`` and ``\\`` escaped,
    U+007F..U+009F and U+2028/9 as ``\\uXXXX``, everything else raw (UTF-8 on the wire)."""
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return f'"{s}"'
    return '"' + "".join(_plain_escape(c) if _plain_needs(c) else c for c in s) + '"'


def browser_str(s: str) -> str:
    """A string as fastjson writes it with ``BrowserCompatible``: also ``/`` escaped and every
    char >= 127 as ``\\uXXXX`` (UTF-16 units, upper-case hex), so the text is pure ASCII."""
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s and "/" not in s:
        return f'"{s}"'
    out = []
    for unit in _utf16_units(s):
        o = ord(unit)
        if unit in _SHORT:
            out.append(_SHORT[unit])
        elif unit == "/":
            out.append("\\/")
        elif o < 32 or o >= 127:
            out.append("\\u%04X" % o)
        else:
            out.append(unit)
    return '"' + "".join(out) + '"'


def _utf16_units(s: str) -> list[str]:
    units = []
    for c in s:
        o = ord(c)
        if o > 0xFFFF:
            o -= 0x10000
            units.append(chr(0xD800 + (o >> 10)))
            units.append(chr(0xDC00 + (o & 0x3FF)))
        else:
            units.append(c)
    return units


_SAFE_LONG = 9007199254740991  # fastjson BrowserCompatible writes longs beyond +-2^53-1 as strings


def _browser_long(n: int) -> str:
    return str(n) if -_SAFE_LONG <= n <= _SAFE_LONG else f'"{n}"'


def _as_int(value: Any, default: int = 0) -> int:
    if value is None:
        return default
    if isinstance(value, bool):
        return int(value)
    return int(value)


# ----------------------------------------------------------------------------------------------
# the records


@dataclass(slots=True)
class QueueData:
    """One broker's queues of a topic (Java ``QueueData``)."""

    broker_name: str = ""
    read_queue_nums: int = 0
    write_queue_nums: int = 0
    perm: int = 0
    topic_sys_flag: int = 0

    def to_json(self, standard: bool = False) -> str:
        """JSON object with fastjson's alphabetical keys."""
        s = browser_str if standard else fastjson_str
        return (f'{{"brokerName":{s(self.broker_name)},"perm":{self.perm},'
                f'"readQueueNums":{self.read_queue_nums},"topicSysFlag":{self.topic_sys_flag},'
                f'"writeQueueNums":{self.write_queue_nums}}}')

    def to_dict(self) -> dict[str, Any]:
        return {"brokerName": self.broker_name, "perm": self.perm,
                "readQueueNums": self.read_queue_nums, "topicSysFlag": self.topic_sys_flag,
                "writeQueueNums": self.write_queue_nums}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> QueueData:
        flag = d.get("topicSysFlag", d.get("topicSynFlag", 0))  # renamed in 4.9.0
        return cls(broker_name=d.get("brokerName") or "",
                   read_queue_nums=_as_int(d.get("readQueueNums")),
                   write_queue_nums=_as_int(d.get("writeQueueNums")),
                   perm=_as_int(d.get("perm")), topic_sys_flag=_as_int(flag))

    def __lt__(self, other: QueueData) -> bool:  # Comparable by brokerName
        return self.broker_name < other.broker_name


@dataclass(slots=True)
class BrokerData:
    """A broker group: its cluster, name and ``brokerId -> address`` (Java ``BrokerData``)."""

    cluster: str = ""
    broker_name: str = ""
    broker_addrs: dict[int, str] = field(default_factory=dict)

    def select_broker_addr(self) -> str | None:
        """The master's address, else a random slave's (Java ``selectBrokerAddr``)."""
        addr = self.broker_addrs.get(MASTER_ID)
        if addr is None and self.broker_addrs:
            return random.choice(list(self.broker_addrs.values()))
        return addr

    def clone(self) -> BrokerData:
        return BrokerData(self.cluster, self.broker_name, dict(self.broker_addrs))

    def to_json(self, standard: bool = False) -> str:
        """``brokerAddrs`` keys bare (fastjson ``Map<Long,String>``) or quoted and sorted."""
        if standard:
            addrs = ",".join(f'"{i}":{browser_str(a)}' for i, a in sorted(self.broker_addrs.items()))
            return (f'{{"brokerAddrs":{{{addrs}}},"brokerName":{browser_str(self.broker_name)},'
                    f'"cluster":{browser_str(self.cluster)}}}')
        addrs = ",".join(f"{i}:{fastjson_str(a)}" for i, a in sorted(self.broker_addrs.items()))
        return (f'{{"brokerAddrs":{{{addrs}}},"brokerName":{fastjson_str(self.broker_name)},'
                f'"cluster":{fastjson_str(self.cluster)}}}')

    def to_dict(self) -> dict[str, Any]:
        return {"brokerAddrs": dict(sorted(self.broker_addrs.items())),
                "brokerName": self.broker_name, "cluster": self.cluster}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> BrokerData:
        addrs = d.get("brokerAddrs") or {}
        return cls(cluster=d.get("cluster") or "", broker_name=d.get("brokerName") or "",
                   broker_addrs={int(k): v for k, v in addrs.items()})

    def __lt__(self, other: BrokerData) -> bool:
        return self.broker_name < other.broker_name


@dataclass(slots=True)
class TopicRouteData:
    """A topic's route: queue data per broker, the brokers' addresses, filter servers and the
    order-topic config string (Java ``TopicRouteData``)."""

    order_topic_conf: str | None = None
    queue_datas: list[QueueData] = field(default_factory=list)
    broker_datas: list[BrokerData] = field(default_factory=list)
    filter_server_table: dict[str, list[str]] = field(default_factory=dict)

    def clone_topic_route_data(self) -> TopicRouteData:
        return TopicRouteData(self.order_topic_conf, list(self.queue_datas),
                              list(self.broker_datas), dict(self.filter_server_table))

    # -- writing ---------------------------------------------------------------------------------

    def encode(self, standard_json: bool = False) -> bytes:
        """The body bytes: fastjson's default form, or with ``standard_json`` the form 4.9.4+
        name servers send (quoted map keys, keys sorted, pure ASCII)."""
        return self.to_json(standard_json).encode("utf-8")

    def to_json(self, standard: bool = False) -> str:
        s = browser_str if standard else fastjson_str
        brokers = ",".join(b.to_json(standard) for b in self.broker_datas)
        table = self.filter_server_table
        if standard:
            table = dict(sorted(table.items()))
        fst = ",".join(f'{s(addr)}:[{",".join(s(x) for x in servers)}]'
                       for addr, servers in table.items())
        parts = [f'"brokerDatas":[{brokers}]', f'"filterServerTable":{{{fst}}}']
        if self.order_topic_conf is not None:
            parts.append(f'"orderTopicConf":{s(self.order_topic_conf)}')
        parts.append(f'"queueDatas":[{",".join(q.to_json(standard) for q in self.queue_datas)}]')
        return "{" + ",".join(parts) + "}"

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"brokerDatas": [b.to_dict() for b in self.broker_datas],
                             "filterServerTable": {k: list(v) for k, v in
                                                   self.filter_server_table.items()}}
        if self.order_topic_conf is not None:
            d["orderTopicConf"] = self.order_topic_conf
        d["queueDatas"] = [q.to_dict() for q in self.queue_datas]
        return d

    # -- reading ---------------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TopicRouteData:
        return cls(order_topic_conf=d.get("orderTopicConf"),
                   queue_datas=[QueueData.from_dict(q) for q in d.get("queueDatas") or []],
                   broker_datas=[BrokerData.from_dict(b) for b in d.get("brokerDatas") or []],
                   filter_server_table={k: list(v or []) for k, v in
                                        (d.get("filterServerTable") or {}).items()})
