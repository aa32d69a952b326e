"""Replay the broker half of two sessions recorded between real clients (the Java 4.9.7 client and
ali-ons) and a real Apache RocketMQ 4.9.7 broker (``<repo>/../shared/interop/captures/``): every
request goes to our broker byte for byte as the client sent it (JSON headers with string or numeric
ext values, heartbeat bodies, message bodies), and every answer the real broker gave is matched by
code (and for sends by queue and queue offset). Long-poll holds are shortened to keep the test fast."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support import wire
from tests.broker.support import broker_props, start_broker, start_namesrv
from tests.support.processes import process_factory  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e

CAPTURES = Path(__file__).resolve().parents[2].parent / "shared" / "interop" / "captures"
_FRAME = re.compile(r"^#\d+ \S+ (namesrv|broker) (->|<-) (REQUEST|RESPONSE|ONEWAY) code=(\d+) opaque=(\d+)")


def parse_capture(path: Path) -> tuple[list[tuple[dict, bytes]], dict[int, dict]]:
    """Requests the client sent to the broker (in order) and the broker's responses by opaque.

    The recording proxy is multi-threaded: a frame's header line may come after the next frame's
    title line, so each header is matched to the pending frame with its opaque and direction."""
    frames: list[dict] = []
    pending: list[dict] = []
    last = None
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _FRAME.match(line)
        if m:
            frame = {"who": m.group(1), "dir": m.group(2), "kind": m.group(3), "code": int(m.group(4)),
                     "opaque": int(m.group(5)), "body": b""}
            frames.append(frame)
            pending.append(frame)
            continue
        stripped = line.strip()
        if stripped.startswith("header="):
            header = json.loads(stripped[len("header="):])
            is_response = bool(header.get("flag", 0) & 1)
            for frame in reversed(pending):
                if frame["opaque"] == header["opaque"] and (frame["kind"] == "RESPONSE") == is_response:
                    frame["header"] = header
                    pending.remove(frame)
                    last = frame
                    break
        elif stripped.startswith("body=text(") and last is not None:
            size = int(stripped[len("body=text("):stripped.index(")")])
            text = stripped.split("): ", 1)[1] if "): " in stripped else ""
            data = text.encode("utf-8")
            if len(data) != size and last["code"] == wire.HEART_BEAT:
                data = rebuild_heartbeat(text)  # the capture shortens long bodies ("...")
            last["body"] = data
    requests = [(f["header"], f["body"]) for f in frames
                if f["who"] == "broker" and f["dir"] == "->" and "header" in f]
    responses = {f["opaque"]: f["header"] for f in frames
                 if f["who"] == "broker" and f["kind"] == "RESPONSE" and "header" in f}
    return requests, responses


def rebuild_heartbeat(text: str) -> bytes:
    """A heartbeat equivalent to a shortened captured one: its client id, groups and topics."""
    client_id = re.search(r'"clientID":"([^"]+)"', text).group(1)
    groups = re.findall(r'"groupName":"([^"]+)"', text)
    topics = sorted(set(re.findall(r'"topic":"([^"]+)"', text)))
    consumers = [g for g in groups if "_cg_" in g or "consumer" in g.lower()] or groups[:1]
    producers = [g for g in groups if g not in consumers]
    return wire.heartbeat_body(client_id, consumers, producers, topics or ["TBW102"])


@pytest.mark.parametrize("capture", ["java-client-session.txt", "ali-ons-session.txt"])
def test_recorded_real_client_session_gets_the_real_brokers_answers(process_factory, tmp_path, capture):  # noqa: F811
    path = CAPTURES / capture
    if not path.is_file():
        pytest.skip(f"capture {path} is not on this machine (expected <repo>/../shared/interop/captures/)")
    requests, recorded = parse_capture(path)
    assert requests, f"no broker requests found in {capture}"
    ns = start_namesrv(process_factory, tmp_path)
    broker = start_broker(process_factory, tmp_path, broker_props(tmp_path, ns.addr))
    topics = {h.get("extFields", {}).get("b") for h, _ in requests if h["code"] == 310}
    for topic in topics - {None}:  # the clients created their topic (create_topic.py / auto-create)
        assert wire.create_topic(broker.addr, topic, 4)["code"] == 0
    compared = 0
    with wire.WireConnection(broker.addr) as c:
        for header, body in requests:
            header = json.loads(json.dumps(header))
            ext = header.get("extFields") or {}
            if "suspendTimeoutMillis" in ext:
                ext["suspendTimeoutMillis"] = 300 if isinstance(ext["suspendTimeoutMillis"], int) else "300"
            c.send_raw(wire.encode_frame(json.dumps(header).encode(), body))
            if header.get("flag", 0) & 2:
                continue
            try:
                got, _ = c.response_to(header["opaque"], timeout=15)
            except TimeoutError:
                raise AssertionError(f"no answer to {header}") from None
            want = recorded.get(header["opaque"])
            if want is None:
                continue  # the real broker was still holding this pull when the session ended
            if header["code"] == 11 and want["code"] == 0 and got["code"] == wire.PULL_NOT_FOUND:
                # the held pull timed out before dispatch caught up: ask again as the client would
                got, _ = c.request(11, ext, raw_ext=True, timeout=15)
            assert got["code"] == want["code"], (header, got, want)
            if header["code"] == 310:
                for key in ("queueId", "queueOffset", "MSG_REGION", "TRACE_ON"):
                    assert got["extFields"][key] == want["extFields"][key], key
            compared += 1
    assert compared >= 10, f"only {compared} answers compared"
