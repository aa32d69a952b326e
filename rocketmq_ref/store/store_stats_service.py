"""StoreStatsService (Java ``org.apache.rocketmq.store.StoreStatsService``; book B4.2): the store's
counters and a once-a-second sampler giving the TPS figures of ``getRuntimeInfo`` (what
``mqadmin brokerStatus`` prints: putTps, getFoundTps, getMissTps, ...)."""
from __future__ import annotations

import bisect
import threading
import time
from collections import deque

from rocketmq_ref.common.service_thread import ServiceThread

FREQUENCY_OF_SAMPLING = 1000
MAX_RECORDS_OF_SAMPLING = 60 * 10
PRINT_TPS_INTERVAL_S = 60
# putMessageDistributeTime: "[<=0ms]" then exclusive upper bounds in ms, as Java counts them
_TIME_UPPER = (10, 50, 100, 200, 500, 1000, 2000, 3000, 4000, 5000, 10000)
_TIME_DESC = ("[<=0ms]", "[0~10ms]", "[10~50ms]", "[50~100ms]", "[100~200ms]", "[200~500ms]",
              "[500ms~1s]", "[1~2s]", "[2~3s]", "[3~4s]", "[4~5s]", "[5~10s]", "[10s~]")


def _latency_bucket_bounds() -> list[int]:
    """PUT_MESSAGE_ENTIRE_TIME_BUCKETS: 1 ms steps to 20, 2 to 50, 5 to 100, 10 to 200, 50 to
    500, 100 to 1000, 1000 to 10000, then everything above."""
    bounds: list[int] = []
    index = 0
    for interval, times in ((1, 20), (2, 15), (5, 10), (10, 10), (50, 6), (100, 5), (1000, 9)):
        for _ in range(times):
            index += interval
            bounds.append(index)
    bounds.append(2 ** 63 - 1)
    return bounds


_LATENCY_BOUNDS = _latency_bucket_bounds()


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
        self.last_put_message_distribute_time = [0] * len(_TIME_DESC)
        self.buckets = [0] * len(_LATENCY_BOUNDS)
        self.last_buckets = [0] * len(_LATENCY_BOUNDS)
        self._last_print = time.monotonic()
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
        """Count one put's latency (Java also keeps the max under this name)."""
        times = self.put_message_distribute_time
        if value_ms <= 0:  # most puts: first bucket of both, no search
            self.buckets[0] += 1
            times[0] += 1
            return
        self.buckets[bisect.bisect_left(_LATENCY_BOUNDS, value_ms)] += 1
        times[1 + bisect.bisect_right(_TIME_UPPER, value_ms)] += 1
        if value_ms > self.put_message_entire_time_max:
            self.put_message_entire_time_max = value_ms

    def find_put_message_entire_time_px(self, px: float) -> float:
        """The ``px`` quantile (ms) of last minute's put latencies, interpolated in its bucket."""
        counts = self.last_buckets
        px_index = int(sum(counts) * px)
        passed = 0
        for i, count in enumerate(counts):
            if px_index <= passed + count:
                relative = px_index - passed
                if i == 0:
                    return _LATENCY_BOUNDS[0] * relative / count if count else 0.0
                low = _LATENCY_BOUNDS[i - 1]
                return low + ((_LATENCY_BOUNDS[i] - low) * relative / count if count else 0.0)
            passed += count
        return 0.0

    def _rotate_minute(self) -> None:
        """Every minute the current latency counts become "last minute's" (Java ``printTps``)."""
        self.last_buckets, self.buckets = self.buckets, [0] * len(_LATENCY_BOUNDS)
        self.last_put_message_distribute_time = self.put_message_distribute_time
        self.put_message_distribute_time = [0] * len(_TIME_DESC)

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
            "putMessageDistributeTime": "".join(
                f"{d}:{n} " for d, n in zip(_TIME_DESC, self.last_put_message_distribute_time)),
            "putMessageAverageSize": str(self.get_put_message_size_total() / total),
            "dispatchMaxBuffer": str(self.dispatch_max_buffer),
            "getMessageEntireTimeMax": str(self.get_message_entire_time_max),
            "putTps": self._tps_string(self._put_times),
            "getFoundTps": self._tps_string(self._get_found),
            "getMissTps": self._tps_string(self._get_miss),
            "getTotalTps": str(found + miss),
            "getTransferedTps": self._tps_string(self._transfered),
            "putLatency99": f"{self.find_put_message_entire_time_px(0.99):.2f}",
            "putLatency999": f"{self.find_put_message_entire_time_px(0.999):.2f}",
        }

    def run(self) -> None:
        while not self.is_stopped():
            self.wait_for_running(FREQUENCY_OF_SAMPLING)
            self.sampling()
            if time.monotonic() - self._last_print >= PRINT_TPS_INTERVAL_S:
                self._last_print = time.monotonic()
                self._rotate_minute()
