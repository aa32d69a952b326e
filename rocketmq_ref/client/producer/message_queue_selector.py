"""MessageQueueSelector and the stock selectors (Java ``client.producer.MessageQueueSelector`` and
``producer.selector.*``; books A3.2.3, B9.2).

A selector picks the queue for an ordered send: the same ``arg`` (an order id) always lands in the
same queue, so those messages keep their order there.
"""
from __future__ import annotations

import random
from typing import Any, Callable, Sequence

from rocketmq_ref.common.java_hash import java_string_hash_code


def java_hash_code(arg: Any) -> int:
    """``arg.hashCode()`` as Java computes it for the usual order ids: String, Integer, Long."""
    if isinstance(arg, str):
        return java_string_hash_code(arg)
    if isinstance(arg, bool):
        return 1231 if arg else 1237
    if isinstance(arg, int):
        if -2**31 <= arg < 2**31:
            return arg
        v = arg & 0xFFFFFFFFFFFFFFFF
        h = (v ^ (v >> 32)) & 0xFFFFFFFF
        return h - 0x100000000 if h & 0x80000000 else h
    return hash(arg) & 0x7FFFFFFF


class MessageQueueSelector:
    """Java ``MessageQueueSelector.select(mqs, msg, arg)``."""

    def select(self, mqs: Sequence[Any], msg: Any, arg: Any) -> Any:  # pragma: no cover - interface
        raise NotImplementedError


class FunctionMessageQueueSelector(MessageQueueSelector):
    def __init__(self, fn: Callable[[Sequence[Any], Any, Any], Any]) -> None:
        self._fn = fn

    def select(self, mqs: Sequence[Any], msg: Any, arg: Any) -> Any:
        return self._fn(mqs, msg, arg)


def as_selector(selector: Any) -> MessageQueueSelector:
    if isinstance(selector, MessageQueueSelector):
        return selector
    if callable(selector):
        return FunctionMessageQueueSelector(selector)
    raise TypeError("selector must be a MessageQueueSelector or a function (mqs, msg, arg) -> mq")


class SelectMessageQueueByHash(MessageQueueSelector):
    """``abs(arg.hashCode()) % size`` with Java's hashCode (strings and ints as Java hashes them)."""

    def select(self, mqs: Sequence[Any], msg: Any, arg: Any) -> Any:
        value = java_hash_code(arg)
        if value < 0:
            value = abs(value)
        return mqs[value % len(mqs)]


class SelectMessageQueueByRandom(MessageQueueSelector):
    def select(self, mqs: Sequence[Any], msg: Any, arg: Any) -> Any:
        return mqs[random.randrange(len(mqs))]


class SelectMessageQueueByMachineRoom(MessageQueueSelector):
    """Java returns null here: a placeholder for unit-aware routing."""

    def __init__(self) -> None:
        self.consumeridcs: set[str] = set()

    def select(self, mqs: Sequence[Any], msg: Any, arg: Any) -> Any:
        return None
