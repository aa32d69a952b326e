"""QUERY_CONSUME_TIME_SPAN answer (Java ``common.protocol.body.QueueTimeSpan``,
``QueryConsumeTimeSpanBody``; B5.6.3): per queue, the store times of its first and last message and of
the group's last consumed one, and how long the next unconsumed message has waited."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody
from rocketmq_ref.common.message.message_queue import MessageQueue


def _format(t_ms: int) -> str:
    """Java ``UtilAll.formatDate(new Date(t), "yyyy-MM-dd HH:mm:ss,SSS")`` in local time."""
    d = datetime.datetime.fromtimestamp(t_ms / 1000)
    return f"{d:%Y-%m-%d %H:%M:%S},{t_ms % 1000:03d}"


@dataclass
class QueueTimeSpan(JsonBody):
    message_queue: MessageQueue | None = None
    min_time_stamp: int = 0
    max_time_stamp: int = 0
    consume_time_stamp: int = 0
    delay_time: int = 0

    def to_json_value(self) -> dict:
        """fastjson also writes the ``get...Str`` getters: the three times as dates."""
        out = super().to_json_value()
        out["minTimeStampStr"] = _format(self.min_time_stamp)
        out["maxTimeStampStr"] = _format(self.max_time_stamp)
        out["consumeTimeStampStr"] = _format(self.consume_time_stamp)
        return dict(sorted(out.items()))


@dataclass
class QueryConsumeTimeSpanBody(JsonBody):
    consume_time_span_set: list[QueueTimeSpan] = field(default_factory=list)
