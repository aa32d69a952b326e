"""DelayOffsetSerializeWrapper: the body of ``config/delayOffset.json`` (Java
``org.apache.rocketmq.store.schedule.DelayOffsetSerializeWrapper``; books A3.2.2, B5.7.1).

``{"offsetTable":{1:12,2:0}}``: delay level -> next consume-queue offset of queue ``level-1`` of
``SCHEDULE_TOPIC_XXXX``, with fastjson's bare integer keys.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rocketmq_ref.common.fastjson import JsonBody


@dataclass
class DelayOffsetSerializeWrapper(JsonBody):
    offset_table: dict[int, int] = field(default_factory=dict)

    def to_json(self, fastjson: bool = True, pretty: bool = False) -> str:
        """The fastjson form Java writes (bare integer keys), which Java also reads back."""
        return super().to_json(fastjson=fastjson, pretty=pretty)
