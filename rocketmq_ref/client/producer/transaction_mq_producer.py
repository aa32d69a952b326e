"""TransactionMQProducer: a producer of transactional messages (Java
``client.producer.TransactionMQProducer``; A3.2.4, B8.2, B8.4).

    producer = TransactionMQProducer("tx_pg")
    producer.set_transaction_listener(listener)      # execute_local_transaction / check_local_transaction
    producer.set_namesrv_addr("127.0.0.1:9876")
    producer.start()
    result = producer.send_message_in_transaction(Message("TopicTest", b"order-1"), arg)

The half message is stored on the broker, the listener's ``execute_local_transaction`` runs, and its
answer goes to the broker as END_TRANSACTION (commit, rollback, or unknown).  While a half message is
unresolved the broker asks again (CHECK_TRANSACTION_STATE) any producer of the same group, which
answers from ``check_local_transaction`` on its check executor.
"""
from __future__ import annotations

from concurrent.futures import Executor
from typing import Any

from rocketmq_ref.client.exception import MQClientException
from rocketmq_ref.client.producer.default_mq_producer import DefaultMQProducer
from rocketmq_ref.client.producer.transaction_listener import TransactionListener
from rocketmq_ref.client.producer.transaction_send_result import TransactionSendResult
from rocketmq_ref.common import mixall
from rocketmq_ref.common.message import Message


class TransactionMQProducer(DefaultMQProducer):
    def __init__(self, producer_group: str = mixall.DEFAULT_PRODUCER_GROUP, rpc_hook: Any = None,
                 namespace: str | None = None, enable_msg_trace: bool = False,
                 custom_trace_topic: str | None = None) -> None:
        super().__init__(producer_group, rpc_hook, namespace, enable_msg_trace, custom_trace_topic)
        self.check_thread_pool_min_size = 1
        self.check_thread_pool_max_size = 1
        self.check_request_hold_max = 2000
        self.executor_service: Executor | None = None
        self.transaction_listener: TransactionListener | None = None

    def start(self) -> None:
        self.default_mq_producer_impl.init_transaction_env()
        super().start()

    def shutdown(self) -> None:
        super().shutdown()
        self.default_mq_producer_impl.destroy_transaction_env()

    def send_message_in_transaction(self, msg: Message, arg: Any = None) -> TransactionSendResult:
        if self.transaction_listener is None:
            raise MQClientException("TransactionListener is null")
        msg.topic = self.with_namespace(msg.topic)
        return self.default_mq_producer_impl.send_message_in_transaction(msg, arg)

    def get_transaction_listener(self) -> TransactionListener | None:
        return self.transaction_listener

    def set_transaction_listener(self, transaction_listener: TransactionListener) -> None:
        self.transaction_listener = transaction_listener

    def get_executor_service(self) -> Executor | None:
        return self.executor_service

    def set_executor_service(self, executor_service: Executor) -> None:
        """The executor check-backs run on (default: one thread, 2000 waiting)."""
        self.executor_service = executor_service
