"""MQFaultStrategy: the producer's queue choice with optional latency-based broker avoidance
(Java ``client.latency.MQFaultStrategy``; books A3.2.3, B3.4.3).

| latencyMax (ms)           | 50 | 100 | 550   | 1000  | 2000   | 3000   | 15000  |
| notAvailableDuration (ms) | 0  | 0   | 30000 | 60000 | 120000 | 180000 | 600000 |
"""
from __future__ import annotations

import logging
from typing import Any

from rocketmq_ref.client.latency.latency_fault_tolerance import LatencyFaultToleranceImpl

log = logging.getLogger("rocketmq_ref.client")


class MQFaultStrategy:
    def __init__(self) -> None:
        self.latency_fault_tolerance = LatencyFaultToleranceImpl()
        self.send_latency_fault_enable = False
        self.latency_max = [50, 100, 550, 1000, 2000, 3000, 15000]
        self.not_available_duration = [0, 0, 30000, 60000, 120000, 180000, 600000]

    def select_one_message_queue(self, tp_info: Any, last_broker_name: str | None) -> Any:
        """Round-robin over the topic's queues; with fault mode on, skip brokers still in penalty."""
        if self.send_latency_fault_enable:
            try:
                queues = tp_info.message_queue_list
                index = tp_info.send_which_queue.increment_and_get()
                for _ in range(len(queues)):
                    pos = index % len(queues)
                    index += 1
                    mq = queues[pos]
                    if self.latency_fault_tolerance.is_available(mq.broker_name):
                        return mq
                not_best = self.latency_fault_tolerance.pick_one_at_least()
                write_queue_nums = tp_info.get_queue_id_by_broker(not_best)
                if write_queue_nums > 0:
                    mq = tp_info.select_one_message_queue()
                    if not_best is not None:
                        return type(mq)(mq.topic, not_best,
                                        tp_info.send_which_queue.increment_and_get() % write_queue_nums)
                    return mq
                self.latency_fault_tolerance.remove(not_best)
            except Exception:
                log.exception("Error occurred when selecting message queue")
            return tp_info.select_one_message_queue()
        return tp_info.select_one_message_queue(last_broker_name)

    def update_fault_item(self, broker_name: str, current_latency: int, isolation: bool) -> None:
        if self.send_latency_fault_enable:
            duration = self.compute_not_available_duration(30000 if isolation else current_latency)
            self.latency_fault_tolerance.update_fault_item(broker_name, current_latency, duration)

    def compute_not_available_duration(self, current_latency: int) -> int:
        for i in range(len(self.latency_max) - 1, -1, -1):
            if current_latency >= self.latency_max[i]:
                return self.not_available_duration[i]
        return 0

    def set_send_latency_fault_enable(self, enable: bool) -> None:
        self.send_latency_fault_enable = enable

    def is_send_latency_fault_enable(self) -> bool:
        return self.send_latency_fault_enable
