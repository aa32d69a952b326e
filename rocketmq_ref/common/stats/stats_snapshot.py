"""What one window of a counter says (Java ``common.stats.StatsSnapshot``; A2.4): the sum added in
the window, that sum per second (``tps``), how many additions (``times``) and the sum per addition
(``avgpt``, an average response time for RT counters)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class StatsSnapshot:
    sum: int = 0
    tps: float = 0.0
    times: int = 0
    avgpt: float = 0.0
