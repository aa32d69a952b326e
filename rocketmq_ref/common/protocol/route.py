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

import functools
import random
from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody, json_field
from rocketmq_ref.common.mixall import MASTER_ID

__all__ = ["QueueData", "BrokerData", "TopicRouteData", "fastjson_str", "browser_str"]

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


@functools.lru_cache(maxsize=8192)  # broker names, addresses, clusters: a small, repeating set
def fastjson_str(s: str) -> str:
    """A string as fastjson writes it by default: control chars, ``"`` and ``\\`` escaped,
    U+007F..U+009F and U+2028/9 as ``\\uXXXX``, everything else raw (UTF-8 on the wire)."""
    if s.isascii() and s.isprintable() and '"' not in s and "\\" not in s:
        return f'"{s}"'
    return '"' + "".join(_plain_escape(c) if _plain_needs(c) else c for c in s) + '"'


@functools.lru_cache(maxsize=8192)
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


# ----------------------------------------------------------------------------------------------
# the records (JsonBody reads both flavours; ``encode`` writes them with the builders above)


@dataclass(slots=True)
class QueueData(JsonBody):
    """One broker's queues of a topic (Java ``QueueData``)."""

    broker_name: str = ""
    read_queue_nums: int = 0
    write_queue_nums: int = 0
    perm: int = 0
    topic_sys_flag: int = json_field(0, aliases=("topicSynFlag",))  # renamed in 4.9.0

    def to_json_text(self, standard: bool = False) -> str:
        s = browser_str if standard else fastjson_str
        return (f'{{"brokerName":{s(self.broker_name)},"perm":{self.perm},'
                f'"readQueueNums":{self.read_queue_nums},"topicSysFlag":{self.topic_sys_flag},'
                f'"writeQueueNums":{self.write_queue_nums}}}')

    def __lt__(self, other: QueueData) -> bool:  # Comparable by brokerName
        return self.broker_name < other.broker_name


@dataclass(slots=True)
class BrokerData(JsonBody):
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

    def to_json_text(self, standard: bool = False) -> str:
        """``brokerAddrs`` keys bare (fastjson ``Map<Long,String>``) or quoted; sorted by id."""
        if standard:
            addrs = ",".join(f'"{i}":{browser_str(a)}' for i, a in sorted(self.broker_addrs.items()))
            return (f'{{"brokerAddrs":{{{addrs}}},"brokerName":{browser_str(self.broker_name)},'
                    f'"cluster":{browser_str(self.cluster)}}}')
        addrs = ",".join(f"{i}:{fastjson_str(a)}" for i, a in sorted(self.broker_addrs.items()))
        return (f'{{"brokerAddrs":{{{addrs}}},"brokerName":{fastjson_str(self.broker_name)},'
                f'"cluster":{fastjson_str(self.cluster)}}}')

    def __lt__(self, other: BrokerData) -> bool:
        return self.broker_name < other.broker_name


@dataclass(slots=True)
class TopicRouteData(JsonBody):
    """A topic's route: queue data per broker, the brokers' addresses, filter servers and the
    order-topic config string (Java ``TopicRouteData``)."""

    order_topic_conf: str | None = None
    queue_datas: list[QueueData] = field(default_factory=list)
    broker_datas: list[BrokerData] = field(default_factory=list)
    filter_server_table: dict[str, list[str]] = field(default_factory=dict)

    def clone_topic_route_data(self) -> TopicRouteData:
        return TopicRouteData(self.order_topic_conf, list(self.queue_datas),
                              list(self.broker_datas), dict(self.filter_server_table))

    def encode(self, fastjson: bool = True, pretty: bool = False) -> bytes:
        """The body bytes: fastjson's default form, or with ``fastjson=False`` the standard JSON
        4.9.4+ name servers send (``BrowserCompatible``: quoted map keys, keys sorted, ASCII)."""
        if pretty:  # JsonBody by name: zero-argument super() fails in a slots dataclass
            return JsonBody.encode(self, fastjson, pretty)
        return self.to_json_text(standard=not fastjson).encode("utf-8")

    def to_json_text(self, standard: bool = False) -> str:
        s = browser_str if standard else fastjson_str
        brokers = ",".join(b.to_json_text(standard) for b in self.broker_datas)
        table = self.filter_server_table
        if standard:
            table = dict(sorted(table.items()))
        fst = ",".join(f'{s(addr)}:[{",".join(s(x) for x in servers)}]'
                       for addr, servers in table.items())
        parts = [f'"brokerDatas":[{brokers}]', f'"filterServerTable":{{{fst}}}']
        if self.order_topic_conf is not None:
            parts.append(f'"orderTopicConf":{s(self.order_topic_conf)}')
        queues = ",".join(q.to_json_text(standard) for q in self.queue_datas)
        parts.append(f'"queueDatas":[{queues}]')
        return "{" + ",".join(parts) + "}"
