"""TopicPublishInfo: the writable queues of a topic as the producer sees them
(Java ``client.impl.producer.TopicPublishInfo``; books B3.4.2, B3.4.3).
"""
from __future__ import annotations

from typing import Any

from rocketmq_ref.client.common.thread_local_index import ThreadLocalIndex

PERM_WRITE = 0x1 << 1


class TopicPublishInfo:
    def __init__(self) -> None:
        self.order_topic = False
        self.have_topic_router_info = False
        self.message_queue_list: list[Any] = []
        self.send_which_queue = ThreadLocalIndex()
        self.topic_route_data: Any = None

    def ok(self) -> bool:
        return bool(self.message_queue_list)

    def select_one_message_queue(self, last_broker_name: str | None = None) -> Any:
        """Round-robin; on a retry prefer a queue of another broker than the one that failed."""
        queues = self.message_queue_list
        if last_broker_name is not None:
            for _ in range(len(queues)):
                mq = queues[self.send_which_queue.increment_and_get() % len(queues)]
                if mq.broker_name != last_broker_name:
                    return mq
        return queues[self.send_which_queue.increment_and_get() % len(queues)]

    def get_queue_id_by_broker(self, broker_name: str | None) -> int:
        """The write queue count of a writable broker of this topic, -1 if none."""
        for qd in self.topic_route_data.queue_datas:
            if qd.perm & PERM_WRITE and qd.broker_name == broker_name:
                return qd.write_queue_nums
        return -1

    def get_message_queue_list(self) -> list[Any]:
        return self.message_queue_list

    def is_have_topic_router_info(self) -> bool:
        return self.have_topic_router_info

    def __repr__(self) -> str:
        return (f"TopicPublishInfo [orderTopic={self.order_topic}, messageQueueList="
                f"{self.message_queue_list}, haveTopicRouterInfo={self.have_topic_router_info}]")
