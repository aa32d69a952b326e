"""DefaultLitePullConsumerImpl keeps one pull chain per queue (Java ``taskTable``): rebalance and
``start`` asking for the same queue, or a ``seek``, never leave two chains pulling the same offsets
(which delivered a message twice)."""
from __future__ import annotations

from rocketmq_ref.client.consumer import DefaultLitePullConsumer
from rocketmq_ref.client.impl.factory.mq_client_instance import ServiceState
from rocketmq_ref.common.message import MessageQueue


class RecordingExecutor:
    def __init__(self) -> None:
        self.tasks = []

    def submit(self, fn, task):
        self.tasks.append(task)


def running_impl():
    impl = DefaultLitePullConsumer("lite_tasks_cg").default_lite_pull_consumer_impl
    impl.service_state = ServiceState.RUNNING
    impl.pull_executor = RecordingExecutor()
    return impl


def test_a_queue_assigned_by_rebalance_and_by_start_gets_one_pull_chain():
    impl = running_impl()
    mq = MessageQueue("T", "broker-a", 0)
    impl.subscription_type = "SUBSCRIBE"
    impl.update_assigned_message_queue("T", {mq})  # the rebalance thread
    impl._start_pull_task(mq)  # start() walking the assigned queues
    assert [t.message_queue for t in impl.pull_executor.tasks] == [mq]


def test_a_removed_queue_cancels_its_chain_and_a_seek_replaces_it():
    impl = running_impl()
    mq = MessageQueue("T", "broker-a", 0)
    impl.update_assigned_message_queue("T", {mq})
    first = impl.pull_executor.tasks[0]
    impl.update_assigned_message_queue("T", set())
    assert first.cancelled and mq not in impl.task_table
    impl.update_assigned_message_queue("T", {mq})
    second = impl.pull_executor.tasks[-1]
    assert second is not first and not second.cancelled
    impl._pull_task(first)  # the cancelled chain's last run does nothing and schedules nothing
    assert impl.pull_executor.tasks[-1] is second
