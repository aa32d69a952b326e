"""The public import paths and call shapes issue 7 fixes as the contract."""
from __future__ import annotations


def test_the_documented_imports_and_message_constructor_work():
    from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus, ConsumeFromWhere,
                                              DefaultLitePullConsumer, DefaultMQPullConsumer,
                                              DefaultMQPushConsumer, MessageModel)
    from rocketmq_ref.client.producer import DefaultMQProducer, MessageQueueSelector, SendStatus
    from rocketmq_ref.common.message import Message

    msg = Message("TopicTest", "TagA", b"hello", keys="k1")
    assert (msg.topic, msg.tags, msg.body, msg.keys) == ("TopicTest", "TagA", b"hello", "k1")
    assert Message("T", "TagA", "k1", b"x").body == b"x"
    assert Message("T", b"only body").tags is None
    consumer = DefaultMQPushConsumer("cg")
    consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
    consumer.subscribe("TopicTest", "TagA || TagB")
    consumer.register_message_listener(lambda msgs, ctx: ConsumeConcurrentlyStatus.CONSUME_SUCCESS)
    assert consumer.subscription == {"TopicTest": "TagA || TagB"}
    assert consumer.message_model is MessageModel.CLUSTERING
    assert DefaultMQProducer("pg").producer_group == "pg"
    assert SendStatus.SEND_OK.name == "SEND_OK"
    assert MessageQueueSelector and DefaultMQPullConsumer and DefaultLitePullConsumer


def test_subscriptions_become_the_heartbeat_subscription_data():
    from rocketmq_ref.client.consumer import DefaultMQPushConsumer, MessageSelector

    consumer = DefaultMQPushConsumer("cg_sub")
    consumer.subscribe("TagT", "TagA || TagB")
    consumer.subscribe("SqlT", MessageSelector.by_sql("a > 5 AND b = 'x'"))
    impl = consumer.default_mq_push_consumer_impl
    impl.copy_subscription()
    inner = impl.rebalance_impl.subscription_inner
    assert inner["TagT"].tags_set == {"TagA", "TagB"} and inner["TagT"].expression_type == "TAG"
    assert inner["SqlT"].expression_type == "SQL92" and inner["SqlT"].sub_string == "a > 5 AND b = 'x'"
    assert "%RETRY%cg_sub" in inner  # clustering consumers also take their retry topic
