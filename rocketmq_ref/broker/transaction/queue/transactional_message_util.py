"""TransactionalMessageUtil: the names of the transaction machinery (Java
``broker.transaction.queue.TransactionalMessageUtil``; B8.1)."""
from __future__ import annotations

from rocketmq_ref.common import mixall
from rocketmq_ref.common.topic_validator import RMQ_SYS_TRANS_HALF_TOPIC, RMQ_SYS_TRANS_OP_HALF_TOPIC

#: tag of an op message: the half message at the offset in the body is done
REMOVETAG = "d"
CHARSET = "utf-8"


def build_op_topic() -> str:
    return RMQ_SYS_TRANS_OP_HALF_TOPIC


def build_half_topic() -> str:
    return RMQ_SYS_TRANS_HALF_TOPIC


def build_consumer_group() -> str:
    """The group whose consumer offsets record how far the checker got (``CID_RMQ_SYS_TRANS``)."""
    return mixall.CID_SYS_RMQ_TRANS
