"""Topic metadata (Java ``org.apache.rocketmq.common.TopicConfig`` and ``TopicFilterType``; spec
message-and-store §14; books B2.3.1, A4.1.1)."""
from __future__ import annotations

import enum
from dataclasses import dataclass

from rocketmq_ref.common.fastjson import JsonBody
from rocketmq_ref.common.perm_name import PermName

SEPARATOR = " "
DEFAULT_READ_QUEUE_NUMS = 16
DEFAULT_WRITE_QUEUE_NUMS = 16


class TopicFilterType(enum.Enum):
    SINGLE_TAG = "SINGLE_TAG"
    MULTI_TAG = "MULTI_TAG"


@dataclass
class TopicConfig(JsonBody):
    topic_name: str | None = None
    read_queue_nums: int = DEFAULT_READ_QUEUE_NUMS
    write_queue_nums: int = DEFAULT_WRITE_QUEUE_NUMS
    perm: int = PermName.PERM_READ | PermName.PERM_WRITE
    topic_filter_type: TopicFilterType = TopicFilterType.SINGLE_TAG
    topic_sys_flag: int = 0
    order: bool = False

    def encode(self) -> str:  # type: ignore[override]
        """The space-separated form (``name read write perm filterType``) of the compressed
        registration path."""
        return SEPARATOR.join((str(self.topic_name), str(self.read_queue_nums),
                               str(self.write_queue_nums), str(self.perm),
                               self.topic_filter_type.name))

    def decode(self, text: str) -> bool:  # type: ignore[override]
        """Read the space-separated form; ``False`` (nothing changed) unless it has 5 fields."""
        parts = text.split(SEPARATOR)
        if len(parts) != 5:
            return False
        try:
            read, write, perm = int(parts[1]), int(parts[2]), int(parts[3])
            filter_type = TopicFilterType[parts[4]]
        except (ValueError, KeyError):
            return False
        self.topic_name = parts[0]
        self.read_queue_nums, self.write_queue_nums, self.perm = read, write, perm
        self.topic_filter_type = filter_type
        return True

    def __str__(self) -> str:
        return (f"TopicConfig [topicName={self.topic_name}, readQueueNums={self.read_queue_nums}, "
                f"writeQueueNums={self.write_queue_nums}, perm={PermName.perm2string(self.perm)}, "
                f"topicFilterType={self.topic_filter_type.name}, "
                f"topicSysFlag={self.topic_sys_flag}, order={str(self.order).lower()}]")
