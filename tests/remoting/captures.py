"""Frames recorded between real RocketMQ 4.9.7 clients (Java, ali-ons) and a real 4.9.7 name server
and broker (``data/*-session.txt``), rebuilt as the bytes that crossed the wire."""
from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"
_FRAME = re.compile(r"^#(\d+) \S+ (\w+) (<-|->) (\w+) code=(\d+) opaque=(-?\d+) serialize_type=(\d+) "
                    r"header_len=(\d+) body_len=(\d+)$")


@dataclass
class CapturedFrame:
    session: str
    number: int
    peer: str  # namesrv / broker
    direction: str  # "->" client to server, "<-" server to client
    kind: str
    code: int
    opaque: int
    header: dict
    header_len: int
    body: bytes | None

    def java_header_bytes(self) -> bytes:
        """The header as the sender wrote it: compact JSON, keys in the recorded order."""
        return json.dumps(self.header, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def wire_bytes(self) -> bytes:
        header = self.java_header_bytes()
        body = self.body or b""
        return struct.pack(">ii", 4 + len(header) + len(body), len(header)) + header + body


def load(session: str) -> list[CapturedFrame]:
    lines = (DATA / f"{session}-session.txt").read_text(encoding="utf-8").splitlines()
    frames: list[CapturedFrame] = []
    i = 0
    while i < len(lines):
        m = _FRAME.match(lines[i])
        i += 1
        if not m:
            continue
        num, peer, direction, kind, code, opaque, stype, hlen, blen = m.groups()
        if not lines[i].startswith("   header="):
            continue  # the recording lost this frame's header
        header = json.loads(lines[i][len("   header="):])
        i += 1
        body = None
        if int(blen):
            line = lines[i]
            i += 1
            kind_, rest = line.strip()[len("body="):].split("(", 1)
            n, content = rest.split("): ", 1)
            body = bytes.fromhex(content) if kind_ == "binary" else content.encode("utf-8")
            if len(body) != int(n):
                body = None  # a text body the recording could not keep byte for byte
        frames.append(CapturedFrame(session, int(num), peer, direction, kind, int(code), int(opaque),
                                    header, int(hlen), body if body is not None or not int(blen) else None))
        if int(blen) and frames[-1].body is None:
            frames.pop()
    return frames
