"""A raw RocketMQ frame client for name server and broker tests: stdlib sockets and JSON headers,
no project code, so the tests check the wire format itself (protocol.md §2-§4)."""
from __future__ import annotations

import itertools
import json
import socket
import struct
import time

_opaque = itertools.count(1)


class WireConnection:
    """One TCP connection; ``request`` sends a frame and reads frames until the matching response
    (server-initiated requests that arrive meanwhile are kept in ``server_requests``)."""

    def __init__(self, addr: str, timeout: float = 10.0, version: int = 409, language: str = "JAVA") -> None:
        host, port = addr.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        self.version = version
        self.language = language
        self.server_requests: list[dict] = []

    def close(self) -> None:
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, code: int, ext: dict | None = None, body: bytes = b"", oneway: bool = False,
             raw_ext: bool = False, header_extra: dict | None = None) -> int:
        opaque = next(_opaque)
        header = {"code": code, "language": self.language, "version": self.version, "opaque": opaque,
                  "flag": 2 if oneway else 0, "serializeTypeCurrentRPC": "JSON"}
        if ext is not None:
            header["extFields"] = ext if raw_ext else {k: str(v) for k, v in ext.items()}
        if header_extra:
            header.update(header_extra)
        self.send_raw(encode_frame(json.dumps(header).encode(), body))
        return opaque

    def send_raw(self, data: bytes) -> None:
        self.sock.sendall(data)

    def read_frame(self, timeout: float | None = None) -> tuple[dict, bytes]:
        if timeout is not None:
            self.sock.settimeout(timeout)
        total, = struct.unpack(">i", self._recv(4))
        data = self._recv(total)
        (word,) = struct.unpack(">i", data[:4])
        hlen = word & 0xFFFFFF
        return json.loads(data[4:4 + hlen].decode()), data[4 + hlen:]

    def response_to(self, opaque: int, timeout: float = 10.0) -> tuple[dict, bytes]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no response to opaque {opaque}")
            header, body = self.read_frame(timeout=left)
            if header.get("flag", 0) & 1 and header.get("opaque") == opaque:
                return header, body
            if not header.get("flag", 0) & 1:
                self.server_requests.append(header)

    def request(self, code: int, ext: dict | None = None, body: bytes = b"", timeout: float = 10.0,
                **kw) -> tuple[dict, bytes]:
        return self.response_to(self.send(code, ext, body, **kw), timeout)

    def answer(self, request_header: dict, body: bytes = b"", code: int = 0) -> None:
        """Reply to a request the server sent us (same opaque, response flag)."""
        header = {"code": code, "language": self.language, "version": self.version,
                  "opaque": request_header["opaque"], "flag": 1, "serializeTypeCurrentRPC": "JSON"}
        self.send_raw(encode_frame(json.dumps(header).encode(), body))

    def next_server_request(self, timeout: float = 10.0) -> tuple[dict, bytes]:
        """The next request the server sends on this connection."""
        deadline = time.monotonic() + timeout
        while True:
            header, body = self.read_frame(timeout=max(0.01, deadline - time.monotonic()))
            if not header.get("flag", 0) & 1:
                return header, body

    def _recv(self, n: int) -> bytes:
        buf = bytearray()
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise EOFError("connection closed by peer")
            buf += chunk
        return bytes(buf)


def encode_frame(header: bytes, body: bytes = b"", serialize_type: int = 0) -> bytes:
    return struct.pack(">ii", 4 + len(header) + len(body), (serialize_type << 24) | len(header)) + header + body


def call(addr: str, code: int, ext: dict | None = None, body: bytes = b"", timeout: float = 10.0,
         **kw) -> tuple[dict, bytes]:
    with WireConnection(addr, timeout=timeout, **kw) as c:
        return c.request(code, ext, body, timeout=timeout)


def decode_messages(body: bytes) -> list[dict]:
    """Split a pull/query body into commit-log records (message-and-store.md §1): the fields tests look at."""
    out = []
    pos = 0
    while pos + 4 <= len(body):
        total, = struct.unpack_from(">i", body, pos)
        rec = body[pos:pos + total]
        queue_id, flag, queue_offset, phys = struct.unpack_from(">iiqq", rec, 12)
        sys_flag, = struct.unpack_from(">i", rec, 36)
        born_ts, = struct.unpack_from(">q", rec, 40)
        p = 48 + (8 if not sys_flag & 0x10 else 20)  # born host v4/v6
        p += 8 + (8 if not sys_flag & 0x20 else 20) + 4 + 8  # store ts, store host, reconsume, prepared
        reconsume, = struct.unpack_from(">i", rec, p - 12)
        blen, = struct.unpack_from(">i", rec, p)
        body_bytes = rec[p + 4:p + 4 + blen]
        p += 4 + blen
        tlen = rec[p]
        topic = rec[p + 1:p + 1 + tlen].decode()
        p += 1 + tlen
        plen, = struct.unpack_from(">h", rec, p)
        props_raw = rec[p + 2:p + 2 + plen].decode()
        props = dict(kv.split("\x01", 1) for kv in props_raw.split("\x02") if "\x01" in kv)
        out.append({"topic": topic, "queue_id": queue_id, "queue_offset": queue_offset, "phys_offset": phys,
                    "body": body_bytes, "properties": props, "reconsume_times": reconsume, "flag": flag,
                    "born_timestamp": born_ts, "sys_flag": sys_flag})
        pos += total
    return out


def properties_string(props: dict[str, str]) -> str:
    return "".join(f"{k}\x01{v}\x02" for k, v in props.items())


# -- request builders ---------------------------------------------------------------------------

SEND_MESSAGE, PULL_MESSAGE, QUERY_CONSUMER_OFFSET, UPDATE_CONSUMER_OFFSET = 10, 11, 14, 15
UPDATE_AND_CREATE_TOPIC, GET_ROUTEINFO_BY_TOPIC, GET_BROKER_CLUSTER_INFO = 17, 105, 106
HEART_BEAT, CONSUMER_SEND_MSG_BACK, GET_CONSUMER_LIST_BY_GROUP = 34, 36, 38
NOTIFY_CONSUMER_IDS_CHANGED, LOCK_BATCH_MQ, UNLOCK_BATCH_MQ = 40, 41, 42
SEND_MESSAGE_V2, SEND_BATCH_MESSAGE = 310, 320
SUCCESS, SYSTEM_ERROR, PULL_NOT_FOUND, QUERY_NOT_FOUND = 0, 1, 19, 22

FLAG_COMMIT, FLAG_SUSPEND, FLAG_SUBSCRIPTION = 0x1, 0x2, 0x4


def send_v2(conn: WireConnection, topic: str, body: bytes, *, tags: str | None = "TagA",
            keys: str | None = None, queue_id: int = 0, group: str = "wire_pg", numeric: bool = False,
            extra_props: dict | None = None, reconsume_times: int | None = None,
            max_reconsume_times: int | None = None) -> tuple[dict, bytes]:
    props = {}
    if tags:
        props["TAGS"] = tags
    if keys:
        props["KEYS"] = keys
    props["WAIT"] = "true"
    props.update(extra_props or {})
    ext = {"a": group, "b": topic, "c": "TBW102", "d": 4, "e": queue_id, "f": 0,
           "g": int(time.time() * 1000), "h": 0, "i": properties_string(props), "j": reconsume_times or 0,
           "k": False, "m": False}
    if max_reconsume_times is not None:
        ext["l"] = max_reconsume_times
    if not numeric:
        ext = {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in ext.items()}
    return conn.request(SEND_MESSAGE_V2, ext, body, raw_ext=True)


def pull(conn: WireConnection, group: str, topic: str, queue_id: int, offset: int, *,
         subscription: str | None = "*", sys_flag: int | None = None, suspend_ms: int = 0,
         max_nums: int = 32, commit_offset: int = 0, timeout: float = 20.0) -> tuple[dict, bytes]:
    if sys_flag is None:
        sys_flag = (FLAG_SUBSCRIPTION if subscription is not None else 0) | (FLAG_SUSPEND if suspend_ms else 0)
    ext = {"consumerGroup": group, "topic": topic, "queueId": queue_id, "queueOffset": offset,
           "maxMsgNums": max_nums, "sysFlag": sys_flag, "commitOffset": commit_offset,
           "suspendTimeoutMillis": suspend_ms, "subVersion": 0}
    if subscription is not None:
        ext["subscription"] = subscription
        ext["expressionType"] = "TAG"
    return conn.request(PULL_MESSAGE, ext, timeout=timeout)


def create_topic(addr: str, topic: str, queues: int = 4, perm: int = 6) -> dict:
    h, _ = call(addr, UPDATE_AND_CREATE_TOPIC, {"topic": topic, "defaultTopic": "TBW102", "readQueueNums": queues,
                                                "writeQueueNums": queues, "perm": perm,
                                                "topicFilterType": "SINGLE_TAG", "topicSysFlag": 0,
                                                "order": "false"})
    return h


def heartbeat_body(client_id: str, consumer_groups=(), producer_groups=(), topics=("T",),
                   sub: str = "*") -> bytes:
    data = {"clientID": client_id,
            "producerDataSet": [{"groupName": g} for g in producer_groups],
            "consumerDataSet": [{"groupName": g, "consumeType": "CONSUME_PASSIVELY", "messageModel": "CLUSTERING",
                                 "consumeFromWhere": "CONSUME_FROM_FIRST_OFFSET", "unitMode": False,
                                 "subscriptionDataSet": [{"topic": t, "subString": sub, "tagsSet": [], "codeSet": [],
                                                          "subVersion": int(time.time() * 1000),
                                                          "classFilterMode": False, "expressionType": "TAG"}
                                                         for t in topics]}
                                for g in consumer_groups]}
    return json.dumps(data).encode()


def pull_found(conn: WireConnection, group: str, topic: str, queue_id: int, offset: int = 0,
               timeout: float = 10.0, **kw) -> tuple[dict, bytes]:
    """Pull until FOUND (the reput thread dispatches a sent message a moment after the send
    returns, as in Java) or the time is up; the last answer."""
    deadline = time.monotonic() + timeout
    while True:
        h, body = pull(conn, group, topic, queue_id, offset, **kw)
        if h["code"] == SUCCESS or time.monotonic() > deadline:
            return h, body
        time.sleep(0.05)
