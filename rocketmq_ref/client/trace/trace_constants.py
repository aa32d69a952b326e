"""Message-trace constants and kinds (Java ``client.trace.TraceConstants``, ``TraceType``,
``TraceDispatcher.Type``; books A2.5, B9.7.1)."""
from __future__ import annotations

import enum

from rocketmq_ref.common.topic_validator import SYSTEM_TOPIC_PREFIX


class TraceConstants:
    GROUP_NAME_PREFIX = "_INNER_TRACE_PRODUCER"
    CONTENT_SPLITOR = "\u0001"  # between the fields of one record
    FIELD_SPLITOR = "\u0002"  # after each record
    TRACE_INSTANCE_NAME = "PID_CLIENT_INNER_TRACE_PRODUCER"
    TRACE_TOPIC_PREFIX = SYSTEM_TOPIC_PREFIX + "TRACE_DATA_"
    TRACE_SEND_TIMEOUT_MILLIS = 5000  # AsyncTraceDispatcher: the trace producer's send timeout


class TraceType(enum.Enum):
    """The record kinds, in Java's order (the names are written on the wire)."""

    Pub = 0
    SubBefore = 1
    SubAfter = 2
    EndTransaction = 3


class TraceDispatcherType(enum.Enum):
    """Java ``TraceDispatcher.Type``: part of the trace producer's group name."""

    PRODUCE = 0
    CONSUME = 1


class AccessChannel(enum.Enum):
    """Java ``AccessChannel``: CLOUD writes SubAfter without its time/group tail and routes each
    region to its own ``TRACE_TOPIC_PREFIX + regionId`` topic."""

    LOCAL = 0
    CLOUD = 1
