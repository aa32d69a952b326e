"""Convert an OTLP JSON lines recording to Chrome trace-event JSON for Perfetto (no Java twin).

    python -m rocketmq_ref.tools.trace_convert traces/store_put_flush.jsonl -o /tmp/store.json

Each service becomes a process and each trace a thread track; every span is a complete (``X``)
event whose ``args`` carry its attributes, and every span link becomes a flow arrow (``s``/``f``)
from the linked span to the linking one.  Open the result in ui.perfetto.dev or chrome://tracing.
"""
from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rocketmq_ref.common.otlp_json import KIND_NAMES, read_spans


def _us(nanos: str | int) -> float:
    return int(nanos) / 1000.0


def to_trace_events(spans: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The Chrome trace-event document (``{"traceEvents": [...]}``) for flattened spans."""
    pids: dict[str, int] = {}
    tids: dict[tuple[int, str], int] = {}
    by_id: dict[str, dict[str, Any]] = {s["spanId"]: s for s in spans}
    events: list[dict[str, Any]] = []
    placed: dict[str, tuple[int, int]] = {}
    for s in sorted(spans, key=lambda x: int(x.get("startTimeUnixNano", 0))):
        pid = pids.setdefault(s["service"], len(pids) + 1)
        tid = tids.setdefault((pid, s.get("traceId", "")), len([k for k in tids if k[0] == pid]) + 1)
        placed[s["spanId"]] = (pid, tid)
        start = _us(s.get("startTimeUnixNano", 0))
        args = dict(s["attrs"])
        args["span.kind"] = KIND_NAMES.get(int(s.get("kind", 1)), "INTERNAL")
        args["span.id"] = s["spanId"]
        if s.get("parentSpanId") in by_id:
            args["parent"] = by_id[s["parentSpanId"]]["name"]
        if (s.get("status") or {}).get("code") == 2:
            args["status"] = "ERROR " + s["status"].get("message", "")
        events.append({"name": s["name"], "cat": args["span.kind"].lower(), "ph": "X",
                       "ts": start, "dur": max(_us(s.get("endTimeUnixNano", 0)) - start, 0.0),
                       "pid": pid, "tid": tid, "args": args})
        for ev in s.get("events") or ():
            events.append({"name": ev.get("name", "event"), "ph": "i", "s": "t", "pid": pid,
                           "tid": tid, "ts": _us(ev.get("timeUnixNano", 0))})
    for s in spans:
        for link in s.get("links") or ():
            source = by_id.get(link.get("spanId", ""))
            if source is None:
                continue
            flow_id = zlib.crc32(f"{source['spanId']}->{s['spanId']}".encode())
            spid, stid = placed[source["spanId"]]
            dpid, dtid = placed[s["spanId"]]
            events.append({"name": "link", "cat": "link", "ph": "s", "id": flow_id,
                           "pid": spid, "tid": stid, "ts": _us(source["startTimeUnixNano"])})
            events.append({"name": "link", "cat": "link", "ph": "f", "bp": "e", "id": flow_id,
                           "pid": dpid, "tid": dtid, "ts": _us(s["startTimeUnixNano"])})
    for service, pid in pids.items():
        events.append({"name": "process_name", "ph": "M", "pid": pid, "args": {"name": service}})
    for (pid, trace_id), tid in tids.items():
        events.append({"name": "thread_name", "ph": "M", "pid": pid, "tid": tid,
                       "args": {"name": f"trace {trace_id[:8]}"}})
    return {"traceEvents": events, "displayTimeUnit": "ms"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rocketmq_ref.tools.trace_convert",
                                     description="OTLP JSON lines -> Chrome trace-event JSON")
    parser.add_argument("file", type=Path)
    parser.add_argument("-o", "--out", type=Path, help="output file (default: FILE with .json)")
    args = parser.parse_args(argv)
    try:
        spans = read_spans(args.file)
    except (OSError, ValueError) as e:
        print(f"trace_convert: {e}", file=sys.stderr)
        return 2
    out = args.out or args.file.with_suffix(".json")
    out.write_text(json.dumps(to_trace_events(spans)), encoding="utf-8")
    print(f"{len(spans)} spans -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
