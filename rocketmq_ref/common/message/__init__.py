"""The message model and its codecs (Java ``org.apache.rocketmq.common.message``; books B3.2, B4.5.1)."""
from rocketmq_ref.common.message.message import Message, MessageClientExt, MessageExt
from rocketmq_ref.common.message.message_queue import MessageQueue

__all__ = ["Message", "MessageExt", "MessageClientExt", "MessageQueue"]
