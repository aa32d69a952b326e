"""The consumer API (Java package ``client.consumer``; books A3.1, A11, B5).

Names load on first use (PEP 562), like ``client.producer``.
"""
from __future__ import annotations

from rocketmq_ref.client.common.lazy_exports import lazy_exports

_EXPORTS = {
    "DefaultMQPushConsumer": "rocketmq_ref.client.consumer.default_mq_push_consumer",
    "DefaultMQPullConsumer": "rocketmq_ref.client.consumer.default_mq_pull_consumer",
    "MessageQueueListener": "rocketmq_ref.client.consumer.default_mq_pull_consumer",
    "DefaultLitePullConsumer": "rocketmq_ref.client.consumer.default_lite_pull_consumer",
    "ConsumeConcurrentlyStatus": "rocketmq_ref.client.consumer.listener",
    "ConsumeConcurrentlyContext": "rocketmq_ref.client.consumer.listener",
    "MessageListenerConcurrently": "rocketmq_ref.client.consumer.listener",
    "MessageSelector": "rocketmq_ref.client.consumer.message_selector",
    "PullResult": "rocketmq_ref.client.consumer.pull_result",
    "PullStatus": "rocketmq_ref.client.consumer.pull_result",
    "ConsumeFromWhere": "rocketmq_ref.common.protocol.heartbeat",
    "MessageModel": "rocketmq_ref.common.protocol.heartbeat",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_exports(__name__, globals(), _EXPORTS)
