"""One trace record as the console and ``mqadmin queryMsgTraceById`` show it (Java
``client.trace.TraceView``; books A2.5, B9.7.1)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rocketmq_ref.client.trace.trace_data_encoder import TraceDataEncoder


@dataclass(slots=True)
class TraceView:
    msg_id: str | None = None
    tags: str | None = None
    keys: str | None = None
    store_host: str | None = None
    client_host: str | None = None
    cost_time: int = 0
    msg_type: str | None = None  # the record kind: Pub, SubBefore, SubAfter, EndTransaction
    off_set_msg_id: str | None = None
    time_stamp: int = 0
    born_time: int = 0
    topic: str | None = None
    group_name: str | None = None
    status: str | None = None

    @staticmethod
    def decode_from_trace_trans_data(key: str, message_ext: Any) -> list["TraceView"]:
        """The records of one trace message about message id ``key`` (Java
        ``decodeFromTraceTransData``); the client host is the trace message's born host."""
        body = bytes(message_ext.body or b"").decode("utf-8", errors="replace")
        views: list[TraceView] = []
        for ctx in TraceDataEncoder.decoder_from_trace_data_string(body):
            bean = ctx.trace_beans[0]
            if bean.msg_id != key:
                continue
            views.append(TraceView(
                msg_id=bean.msg_id, tags=bean.tags, keys=bean.keys, store_host=bean.store_host,
                client_host=message_ext.get_born_host_string(), cost_time=ctx.cost_time,
                msg_type=ctx.trace_type.name, off_set_msg_id=bean.offset_msg_id,
                time_stamp=ctx.time_stamp, topic=bean.topic, group_name=ctx.group_name,
                status="success" if ctx.is_success else "failed"))
        return views
