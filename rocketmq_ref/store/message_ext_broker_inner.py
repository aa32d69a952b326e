"""MessageExtBrokerInner (Java ``org.apache.rocketmq.store.MessageExtBrokerInner``; books B4.3, B4.5.1):
a message as the broker hands it to the store, with its properties already rendered to the wire
string and its tags code computed."""
from __future__ import annotations

from rocketmq_ref.common.java_hash import tags_string2tags_code as _tags_hash
from rocketmq_ref.common.message.message import MessageExt


class MessageExtBrokerInner(MessageExt):
    __slots__ = ("properties_string", "tags_code", "encoded_buff")

    def __init__(self, *args, properties_string: str = "", tags_code: int = 0, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.properties_string = properties_string
        self.tags_code = tags_code
        self.encoded_buff: memoryview | None = None

    @staticmethod
    def tags_string2tags_code(filter_type: str | None, tags: str | None) -> int:
        """Java: the tags' ``String.hashCode()``; the filter type is unused since 3.x."""
        return _tags_hash(tags)

    def get_delay_time_level(self) -> int:
        return self.delay_time_level
