"""MessageUtil: build the reply to a request message (Java ``client.utils.MessageUtil``; books
A3.2.1, B9.8).

    reply = MessageUtil.create_reply_message(request_msg, b"answer")
    producer.send(reply)          # goes as SEND_REPLY_MESSAGE_V2 to <cluster>_REPLY_TOPIC

The reply's topic is the request's cluster's reply topic (``<cluster>_REPLY_TOPIC``, made by every
broker at start); it carries the request's ``CORRELATION_ID``, ``REPLY_TO_CLIENT`` (the requester's
client id) and ``TTL``, and ``MSG_TYPE=reply`` so the producer sends it with SEND_REPLY_MESSAGE_V2.
"""
from __future__ import annotations

from typing import Any

from rocketmq_ref.client.exception import MQClientException
from rocketmq_ref.common import mixall
from rocketmq_ref.common.message import Message
from rocketmq_ref.common.message import message_const as mc

CREATE_REPLY_MESSAGE_EXCEPTION = 10007  # ClientErrorCode.CREATE_REPLY_MESSAGE_EXCEPTION


class MessageUtil:
    @staticmethod
    def create_reply_message(request_message: Any, body: bytes) -> Message:
        """Java ``createReplyMessage``: fails with ``MQClientException`` (code 10007) when there is
        no request or it carries no ``CLUSTER`` (it was not delivered by a broker)."""
        if request_message is None:
            raise MQClientException(CREATE_REPLY_MESSAGE_EXCEPTION,
                                    "create reply message fail, requestMessage cannot be null.")
        cluster = request_message.get_property(mc.PROPERTY_CLUSTER)
        if cluster is None:
            raise MQClientException(CREATE_REPLY_MESSAGE_EXCEPTION,
                                    f"create reply message fail, requestMessage error, "
                                    f"property[{mc.PROPERTY_CLUSTER}] is null.")
        # Java's ``new Message()``: no WAIT property, only what the reply needs
        reply = Message(mixall.get_reply_topic(cluster), body, properties={})
        reply.put_property(mc.PROPERTY_MESSAGE_TYPE, mixall.REPLY_MESSAGE_FLAG)
        for key in (mc.PROPERTY_CORRELATION_ID, mc.PROPERTY_MESSAGE_REPLY_TO_CLIENT,
                    mc.PROPERTY_MESSAGE_TTL):
            value = request_message.get_property(key)
            if value is not None:  # Java puts null, which is never written to the wire
                reply.put_property(key, value)
        return reply

    @staticmethod
    def get_reply_to_client(msg: Any) -> str | None:
        return msg.get_property(mc.PROPERTY_MESSAGE_REPLY_TO_CLIENT)


create_reply_message = MessageUtil.create_reply_message
get_reply_to_client = MessageUtil.get_reply_to_client
