"""What the statistics need from a scheduler: ``schedule_at_fixed_rate(fn, initial_ms, period_ms)``
(Java ``ScheduledExecutorService.scheduleAtFixedRate``; A2.4).  The client's
:class:`~rocketmq_ref.client.common.scheduled_executor.ScheduledExecutor` is one."""
from __future__ import annotations

from typing import Callable, Protocol


class StatsScheduler(Protocol):
    def schedule_at_fixed_rate(self, fn: Callable[[], None], initial_ms: float, period_ms: float) -> None: ...
