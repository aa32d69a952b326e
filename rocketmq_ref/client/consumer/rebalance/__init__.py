"""Queue allocation strategies (Java package ``client.consumer.rebalance``; books A7.3.1, B5.5)."""
from rocketmq_ref.client.consumer.rebalance.allocate_machine_room_nearby import \
    AllocateMachineRoomNearby
from rocketmq_ref.client.consumer.rebalance.allocate_message_queue_averagely import \
    AllocateMessageQueueAveragely
from rocketmq_ref.client.consumer.rebalance.allocate_message_queue_averagely_by_circle import \
    AllocateMessageQueueAveragelyByCircle
from rocketmq_ref.client.consumer.rebalance.allocate_message_queue_by_config import \
    AllocateMessageQueueByConfig
from rocketmq_ref.client.consumer.rebalance.allocate_message_queue_by_machine_room import \
    AllocateMessageQueueByMachineRoom
from rocketmq_ref.client.consumer.rebalance.allocate_message_queue_consistent_hash import \
    AllocateMessageQueueConsistentHash
from rocketmq_ref.client.consumer.rebalance.allocate_message_queue_strategy import (
    AbstractAllocateMessageQueueStrategy, AllocateMessageQueueStrategy)

__all__ = ["AllocateMachineRoomNearby", "AllocateMessageQueueStrategy", "AbstractAllocateMessageQueueStrategy",
           "AllocateMessageQueueAveragely", "AllocateMessageQueueAveragelyByCircle",
           "AllocateMessageQueueByConfig", "AllocateMessageQueueByMachineRoom",
           "AllocateMessageQueueConsistentHash"]
