"""StoreStatsService (Java ``org.apache.rocketmq.store.StoreStatsService``; book B4.2): the store's
counters and a once-a-second sampler giving the TPS figures of ``getRuntimeInfo`` (what
``mqadmin brokerStatus`` prints: putTps, getFoundTps, getMissTps, ...)."""
from __future__ import annotations

import threading
import time
from collections import deque

from rocketmq_ref.common.service_thread import ServiceThread

FREQUENCY_OF_SAMPLING = 1000
MAX_RECORDS_OF_SAMPLING = 60 * 10
# putMessageDistributeTime buckets (ms upper bounds), as Java prints them
_TIME_BUCKETS = (0, 10, 50, 100, 200, 500, 1000, 2000, 3000, 4000, 5000, 10000)
_TIME_DESC = ("[<=0ms]", "[0~10ms]", "[10~50ms]", "[50~100ms]", "[100~200ms]", "[200~500ms]",
              "[500ms~1s]", "[1~2s]", "[2~3s]", "[3~4s]", "[4~5s]", "[5~10s]", "[10s~]")


class StoreStatsService(ServiceThread):
    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self.put_message_failed_times = 0
        self.put_message_topic_times_total: dict[str, int] = {}
        self.put_message_topic_size_total: dict[str, int] = {}
        self.get_message_times_total_found = 0
        self.get_message_transfered_msg_count = 0
        self.get_message_times_total_miss = 0
        self.put_message_entire_time_max = 0
        self.get_message_entire_time_max = 0
        self.dispatch_max_buffer = 0
        self.put_message_distribute_time = [0] * len(_TIME_DESC)
        self.message_store_boot_timestamp = int(time.time() * 1000)
        # (timestamp ms, value) snapshots, newest last
        self._put_times: deque[tuple[int, int]] = deque(maxlen=MAX_RECORDS_OF_SAMPLING + 1)
        self._get_found: deque[tuple[int, int]] = deque(maxlen=MAX_RECORDS_OF_SAMPLING + 1)
        self._get_miss: deque[tuple[int, int]] = deque(maxlen=MAX_RECORDS_OF_SAMPLING + 1)
        self._transfered: deque[tuple[int, int]] = deque(maxlen=MAX_RECORDS_OF_SAMPLING + 1)
        self.sampling()

    # -- recording (called on the put and get paths; plain int updates under the GIL)
    def on_put(self, topic: str, times: int, size: int) -> None:
        t = self.put_message_topic_times_total
        t[topic] = t.get(topic, 0) + times
        s = self.put_message_topic_size_total
        s[topic] = s.get(topic, 0) + size

    def on_put_failed(self) -> None:
        self.put_message_failed_times += 1

    def set_put_message_entire_time_max(self, value_ms: int) -> None:
        b = self.put_message_distribute_time
        for i, bound in enumerate(_TIME_BUCKETS):
            if value_ms <= bound:
                b[i] += 1
                break
        else:
            b[-1] += 1
        if value_ms > self.put_message_entire_time_max:
            self.put_message_entire_time_max = value_ms

    def set_get_message_entire_time_max(self, value_ms: int) -> None:
        if value_ms > self.get_message_entire_time_max:
            self.get_message_entire_time_max = value_ms

    def on_get(self, found: bool, transferred: int) -> None:
        if found:
            self.get_message_times_total_found += 1
        else:
            self.get_message_times_total_miss += 1
        self.get_message_transfered_msg_count += transferred

    def set_dispatch_max_buffer(self, value: int) -> None:
        if value > self.dispatch_max_buffer:
            self.dispatch_max_buffer = value

    # -- totals
    def get_put_message_times_total(self) -> int:
        return sum(self.put_message_topic_times_total.values())

    def get_put_message_size_total(self) -> int:
        return sum(self.put_message_topic_size_total.values())

    # -- sampling and TPS
    def sampling(self) -> None:
        now = int(time.time() * 1000)
        with self._lock:
            self._put_times.append((now, self.get_put_message_times_total()))
            self._get_found.append((now, self.get_message_times_total_found))
            self._get_miss.append((now, self.get_message_times_total_miss))
            self._transfered.append((now, self.get_message_transfered_msg_count))

    @staticmethod
    def _tps(snaps: deque[tuple[int, int]], span_s: int) -> float | None:
        if len(snaps) <= span_s:
            return None
        t0, v0 = snaps[-(span_s + 1)]
        t1, v1 = snaps[-1]
        return (v1 - v0) * 1000.0 / (t1 - t0) if t1 > t0 else 0.0

    def _tps_string(self, snaps: deque[tuple[int, int]]) -> str:
        with self._lock:
            parts = [self._tps(snaps, n) for n in (10, 60, 600)]
        return " ".join("" if p is None else f"{p:.2f}" for p in parts)

    def get_runtime_info(self) -> dict[str, str]:
        total = self.get_put_message_times_total() or 1
        runtime_s = (int(time.time() * 1000) - self.message_store_boot_timestamp) // 1000
        days, rem = divmod(runtime_s, 86400)
        hours, rem = divmod(rem, 3600)
        minutes, seconds = divmod(rem, 60)
        with self._lock:
            found = self._tps(self._get_found, 10) or 0.0
            miss = self._tps(self._get_miss, 10) or 0.0
        return {
            "bootTimestamp": str(self.message_store_boot_timestamp),
            "runtime": f"[ {days} days, {hours} hours, {minutes} minutes, {seconds} seconds ]",
            "putMessageEntireTimeMax": str(self.put_message_entire_time_max),
            "putMessageTimesTotal": str(total),
            "putMessageFailedTimes": str(self.put_message_failed_times),
            "putMessageSizeTotal": str(self.get_put_message_size_total()),
            "putMessageDistributeTime": " ".join(
                f"{d}:{n}" for d, n in zip(_TIME_DESC, self.put_message_distribute_time)),
            "putMessageAverageSize": str(self.get_put_message_size_total() / total),
            "dispatchMaxBuffer": str(self.dispatch_max_buffer),
            "getMessageEntireTimeMax": str(self.get_message_entire_time_max),
            "putTps": self._tps_string(self._put_times),
            "getFoundTps": self._tps_string(self._get_found),
            "getMissTps": self._tps_string(self._get_miss),
            "getTotalTps": str(found + miss),
            "getTransferedTps": self._tps_string(self._transfered),
        }

    def run(self) -> None:
        while not self.is_stopped():
            self.wait_for_running(FREQUENCY_OF_SAMPLING)
            self.sampling()
