"""The producer API (Java package ``client.producer``; books A3.2, B3).

Names load on first use (PEP 562) so the engine modules can import ``send_result`` and the
selectors from this package without a cycle.
"""
from __future__ import annotations

from rocketmq_ref.client.common.lazy_exports import lazy_exports

_EXPORTS = {
    "DefaultMQProducer": "rocketmq_ref.client.producer.default_mq_producer",
    "MessageQueueSelector": "rocketmq_ref.client.producer.message_queue_selector",
    "RequestCallback": "rocketmq_ref.client.producer.request_callback",
    "SelectMessageQueueByHash": "rocketmq_ref.client.producer.message_queue_selector",
    "SelectMessageQueueByMachineRoom": "rocketmq_ref.client.producer.message_queue_selector",
    "SelectMessageQueueByRandom": "rocketmq_ref.client.producer.message_queue_selector",
    "SendCallback": "rocketmq_ref.client.producer.send_result",
    "SendResult": "rocketmq_ref.client.producer.send_result",
    "SendStatus": "rocketmq_ref.client.producer.send_result",
    "SendMessageHook": "rocketmq_ref.client.impl.producer.default_mq_producer_impl",
    "SendMessageContext": "rocketmq_ref.client.impl.producer.default_mq_producer_impl",
    "LocalTransactionState": "rocketmq_ref.client.producer.transaction_listener",
    "TransactionListener": "rocketmq_ref.client.producer.transaction_listener",
    "TransactionMQProducer": "rocketmq_ref.client.producer.transaction_mq_producer",
    "TransactionSendResult": "rocketmq_ref.client.producer.transaction_send_result",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, globals(), _EXPORTS)
