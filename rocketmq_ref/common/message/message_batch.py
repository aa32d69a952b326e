"""Batch messages (Java ``org.apache.rocketmq.common.message.MessageBatch`` and ``MessageExtBatch``;
spec message-and-store §6; book B3.5)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from rocketmq_ref.common.message.message import Message, MessageExt
from rocketmq_ref.common.message.message_decoder import encode_messages
from rocketmq_ref.common.mixall import RETRY_GROUP_TOPIC_PREFIX


class MessageBatchError(ValueError):
    """Messages that cannot travel in one batch (Java throws UnsupportedOperationException)."""


class MessageBatch(Message):
    """Several messages of one topic sent as one SEND_BATCH_MESSAGE; the body is
    :func:`encode_messages` of them."""

    __slots__ = ("messages",)

    def __init__(self, messages: list[Message]) -> None:
        super().__init__()
        self.messages = messages

    def encode(self) -> bytes:
        return encode_messages(self.messages)

    def __iter__(self) -> Iterator[Message]:
        return iter(self.messages)

    def __len__(self) -> int:
        return len(self.messages)

    @classmethod
    def generate_from_list(cls, messages: Iterable[Message]) -> "MessageBatch":
        """Same topic and WAIT flag for all; no delay level; no retry topic."""
        message_list = list(messages)
        if not message_list:
            raise MessageBatchError("a batch needs at least one message")
        first = message_list[0]
        for message in message_list:
            if message.delay_time_level > 0:
                raise MessageBatchError("TimeDelayLevel is not supported for batching")
            if message.topic.startswith(RETRY_GROUP_TOPIC_PREFIX):
                raise MessageBatchError("Retry Group is not supported for batching")
            if message.topic != first.topic:
                raise MessageBatchError(
                    "The topic of the messages in one batch should be the same")
            if message.wait_store_msg_ok != first.wait_store_msg_ok:
                raise MessageBatchError(
                    "The waitStoreMsgOK of the messages in one batch should the same")
        batch = cls(message_list)
        batch.topic = first.topic
        batch.wait_store_msg_ok = first.wait_store_msg_ok
        return batch


class MessageExtBatch(MessageExt):
    """A received batch on the broker: the batch-level fields plus the encoded inner messages in
    ``body`` (Java ``MessageExtBatch``); ``encoded_buff`` holds the records the store appends."""

    __slots__ = ("encoded_buff",)

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.encoded_buff: bytes | None = None

    def wrap(self) -> memoryview:
        assert self.body is not None
        return memoryview(self.body)
