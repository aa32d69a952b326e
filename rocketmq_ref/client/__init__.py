"""The RocketMQ client (Java module ``client``; books A3.1-A3.3, A7.3, A7.4, A11, B3, B5.1-B5.6,
B5.9, B9.1-B9.2).

Public faces: ``client.producer`` (DefaultMQProducer, TransactionMQProducer, selectors),
``client.consumer`` (DefaultMQPushConsumer, DefaultMQPullConsumer, DefaultLitePullConsumer, listener
statuses, MessageSelector) and ``client.aio`` (the same classes, awaitable).  The engine is in
``client.impl``: MQClientInstance (one per client id), MQClientAPIImpl (every request),
PullMessageService / RebalanceService, the consume services, offset stores and allocation
strategies.  The admin client mqadmin uses is ``rocketmq_ref.tools.admin.DefaultMQAdminExt``.
"""
