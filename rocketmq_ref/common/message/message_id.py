"""A decoded offset message id (Java ``org.apache.rocketmq.common.message.MessageId``; spec §4)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MessageId:
    address: tuple[str, int]
    """(store host ip, port) of the broker that wrote the message"""
    offset: int
    """commit-log offset of the record"""
