"""``benchmark producer``: sending threads measuring TPS and RT (Java
``example.benchmark.Producer``; books A7.5, B9.7).

Every second a snapshot of the counters is taken; every 10 s the last 10 snapshots give the
``Current Time: ... Send TPS: ...`` line.  With ``-q`` the run stops after that many messages and
prints ``[Complete] Send Total: ...``.  p50/p99 (since the start) follow the Java fields.
"""
from __future__ import annotations

import collections
import random
import string
import sys
import threading
import time
from typing import Any, Callable

from rocketmq_ref.client.exception import MQBrokerException, MQClientException
from rocketmq_ref.common.utilall import time_millis_to_human_string2
from rocketmq_ref.remoting.exception import RemotingException
from rocketmq_ref.tools.benchmark import options as opts
from rocketmq_ref.tools.benchmark.latency import LatencyHistogram
from rocketmq_ref.tools.command.sub_command import Option, ParseException

# -y flow control: at most this many async sends in flight.  Java waits while its async sender queue
# holds more than 10000 tasks; at this client's rate (about 1k msg/s on 2 cores) that many in flight
# would wait past the 3 s send timeout and count as failures, so the bound is smaller.
MAX_LENGTH_ASYNC_QUEUE = 256

OPTIONS = [
    Option("w", "threadCount", True, "Thread count, Default: 64"),
    Option("s", "messageSize", True, "Message Size, Default: 128"),
    Option("k", "keyEnable", True, "Message Key Enable, Default: false"),
    Option("t", "topic", True, "Topic name, Default: BenchmarkTest"),
    Option("l", "tagCount", True, "Tag count, Default: 0"),
    Option("m", "msgTraceEnable", True, "Message Trace Enable, Default: false"),
    Option("a", "aclEnable", True, "Acl Enable, Default: false"),
    Option("q", "messageQuantity", True, "Send message quantity, Default: 0, running forever"),
    Option("d", "delayEnable", True, "Delay message Enable, Default: false"),
    Option("e", "delayLevel", True, "Delay message level, Default: 1"),
    Option("y", "asyncEnable", True, "Enable async produce, Default: false"),
    Option("p", "propertySize", True, "Property Size, Default: 0"),
]


class StatsBenchmarkProducer:
    """Java ``StatsBenchmarkProducer``: counters, max RT, and the RT histogram."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.send_request_success_count = 0
        self.send_request_failed_count = 0
        self.receive_response_success_count = 0
        self.receive_response_failed_count = 0
        self.send_message_success_time_total = 0.0
        self.send_message_max_rt = 0.0
        self.send_message_success_count = 0  # messages (a batch counts its size)
        self.latency = LatencyHistogram()

    def success(self, begin: float, messages: int = 1) -> None:
        rt = (time.monotonic() - begin) * 1000.0
        self.latency.record(rt)
        with self._lock:
            self.send_request_success_count += 1
            self.receive_response_success_count += 1
            self.send_message_success_count += messages
            self.send_message_success_time_total += rt
            if rt > self.send_message_max_rt:
                self.send_message_max_rt = rt

    def failed(self, response: bool = False) -> None:
        with self._lock:
            if response:
                self.receive_response_failed_count += 1
            else:
                self.send_request_failed_count += 1

    def create_snapshot(self) -> tuple:
        with self._lock:
            return (time.monotonic() * 1000.0, self.send_request_success_count,
                    self.send_request_failed_count, self.receive_response_success_count,
                    self.receive_response_failed_count, self.send_message_success_time_total,
                    self.send_message_success_count)


def random_body(size: int) -> bytes:
    return "".join(random.choices(string.ascii_letters + string.digits, k=size)).encode()


class Reporter:
    """The timer threads of the Java tools: a snapshot every second, a line every 10 s."""

    def __init__(self, snapshot: Callable[[], tuple], line: Callable[[list[tuple], bool], str],
                 period_s: int = 10) -> None:
        self.snapshot = snapshot
        self.line = line
        self.period_s = period_s
        self.snapshots: collections.deque[tuple] = collections.deque(maxlen=period_s + 1)
        self.snapshots.append(snapshot())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="BenchmarkTimerThread-1", daemon=True)
        self.progress = sys.stdout.isatty()

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        ticks = 0
        while not self._stop.wait(1.0):
            self.snapshots.append(self.snapshot())
            ticks += 1
            if ticks % self.period_s == 0 and len(self.snapshots) > self.period_s:
                self._print(self.line(list(self.snapshots), False))
            elif self.progress:  # a progress display on a terminal, overwritten by the next line
                sys.stdout.write("\r" + self.line(list(self.snapshots)[-2:], False)[:150])
                sys.stdout.flush()

    def _print(self, text: str) -> None:
        sys.stdout.write(("\r" if self.progress else "") + text + "\n")
        sys.stdout.flush()

    def stop(self, complete: bool) -> None:
        self._stop.set()
        self._thread.join(5)
        if complete:
            self.snapshots.append(self.snapshot())
            self._print(self.line(list(self.snapshots), True))


def producer_line(stats: StatsBenchmarkProducer) -> Callable[[list[tuple], bool], str]:
    def line(snapshots: list[tuple], done: bool) -> str:
        begin, end = snapshots[0], snapshots[-1]
        elapsed = max(end[0] - begin[0], 1e-6)
        sent = end[3] - begin[3]
        send_tps = int(sent / elapsed * 1000)
        average_rt = (end[5] - begin[5]) / sent if sent else 0.0
        tail = (f"Send TPS: {send_tps} Max RT(ms): {int(stats.send_message_max_rt)} "
                f"Average RT(ms): {average_rt:7.3f} Send Failed: {end[2]} Response Failed: {end[4]}"
                f"{stats.latency.describe()}")
        if done:
            total = stats.send_request_success_count + stats.send_request_failed_count
            return f"[Complete] Send Total: {total} {tail}"
        return f"Current Time: {time_millis_to_human_string2(int(time.time() * 1000))} {tail}"
    return line


def split_quantity(total: int, threads: int) -> list[int]:
    """Java: ``total / threads`` each, the remainder to the first; 0 means forever."""
    if total <= 0:
        return [0] * threads
    counts = [total // threads] * threads
    counts[0] += total % threads
    return [c for c in counts if c > 0]


def send_loop(send: Callable[[], None], stats: StatsBenchmarkProducer, limit: int,
              stop: threading.Event) -> None:
    """One sending thread (Java's ``Runnable`` in ``Producer.main``), errors counted as Java does."""
    num = 0
    while not stop.is_set():
        try:
            send()
        except MQBrokerException:
            stats.failed(response=True)
            stop.wait(3.0)
        except RemotingException:
            stats.failed()
            stop.wait(3.0)
        except MQClientException:
            stats.failed()
        except Exception:  # noqa: BLE001 - counted like Java's send failures, never a traceback
            stats.failed()
        num += 1
        if limit and num >= limit:
            return


def run(argv: list[str]) -> int:
    cl = opts.parse("producer", OPTIONS, argv)
    if cl is None:
        return 0 if argv and argv[0] in ("-h", "--help") else 1
    try:
        opts.refuse_unsupported(cl)
        namesrv = opts.namesrv(cl)
        topic = opts.value(cl, "t", "BenchmarkTest")
        message_size = opts.value(cl, "s", 128, int)
        key_enable = opts.value(cl, "k", False, opts.java_bool)
        property_size = opts.value(cl, "p", 0, int)
        tag_count = opts.value(cl, "l", 0, int)
        trace_enable = opts.value(cl, "m", False, opts.java_bool)
        acl_enable = opts.value(cl, "a", False, opts.java_bool)
        message_num = opts.value(cl, "q", 0, int)
        delay_enable = opts.value(cl, "d", False, opts.java_bool)
        delay_level = opts.value(cl, "e", 1, int)
        async_enable = opts.value(cl, "y", False, opts.java_bool)
        thread_count = 1 if async_enable else opts.value(cl, "w", 64, int)
    except ParseException as e:
        print(f"benchmark producer: {e}", file=sys.stderr)
        return 1
    print(f"topic: {topic} threadCount: {thread_count} messageSize: {message_size} keyEnable: "
          f"{str(key_enable).lower()} propertySize: {property_size} tagCount: {tag_count} "
          f"traceEnable: {str(trace_enable).lower()} aclEnable: {str(acl_enable).lower()} "
          f"messageQuantity: {message_num}\ndelayEnable: {str(delay_enable).lower()} "
          f"delayLevel: {delay_level}\nasyncEnable: {str(async_enable).lower()}", flush=True)

    from rocketmq_ref.common.message import Message

    body = random_body(message_size)
    stats = StatsBenchmarkProducer()
    producer = benchmark_producer("benchmark_producer", namesrv)
    in_flight = threading.BoundedSemaphore(MAX_LENGTH_ASYNC_QUEUE)

    def build() -> Any:
        msg = Message(topic, body)
        if key_enable:
            msg.keys = str(int(time.time()))
        if delay_enable:
            msg.delay_time_level = delay_level
        if tag_count > 0:
            msg.tags = f"tag{int(time.time() * 1000) % tag_count}"
        if property_size > 0:
            i, start, size = 0, random.randrange(100), 0
            while size <= property_size:
                k1, v1, k2, v2 = f"prop{i}", f"hello{start}", f"prop{i + 1}", str(start)
                msg.put_user_property(k1, v1)
                msg.put_user_property(k2, v2)
                size += len(k1) + len(k2) + len(v1) + len(v2)
                i, start = i + 2, start + 2
        return msg

    def send() -> None:
        msg = build()
        begin = time.monotonic()
        if async_enable:
            in_flight.acquire()  # Java's flow control on the async sender queue

            def on_success(result: Any) -> None:
                in_flight.release()
                stats.success(begin)

            def on_exception(e: BaseException) -> None:
                in_flight.release()
                stats.failed()
            from rocketmq_ref.client.producer.send_result import FunctionSendCallback
            producer.send_async(msg, FunctionSendCallback(on_success, on_exception))
        else:
            producer.send(msg)
            stats.success(begin)

    return drive(producer, stats, send, split_quantity(message_num, thread_count), message_num,
                 producer_line(stats),
                 lambda: [in_flight.acquire() for _ in range(MAX_LENGTH_ASYNC_QUEUE)]
                 if async_enable else None)


def benchmark_producer(group: str, namesrv: str) -> Any:
    """The producer the benchmark tools send with: its own instance, bodies never compressed."""
    from rocketmq_ref.client.producer import DefaultMQProducer

    producer = DefaultMQProducer(group)
    producer.set_namesrv_addr(namesrv)
    producer.instance_name = str(int(time.time() * 1000))
    producer.set_compress_msg_body_over_howmuch(2**31 - 1)
    return producer


def drive(producer: Any, stats: StatsBenchmarkProducer, send: Callable[[], None], limits: list[int],
          message_num: int, line: Callable[[list[tuple], bool], str],
          drain: Callable[[], Any] | None = None) -> int:
    """Start the producer, the reporter and the sending threads; wait; print the result line."""
    try:
        producer.start()
    except Exception as e:  # noqa: BLE001 - one line, no traceback
        print(f"benchmark: cannot start the producer: {e}", file=sys.stderr)
        return 1
    stop = threading.Event()
    reporter = Reporter(stats.create_snapshot, line)
    reporter.start()
    threads = [threading.Thread(target=send_loop, args=(send, stats, limit, stop),
                                name=f"BenchmarkSender-{i}", daemon=True)
               for i, limit in enumerate(limits)]
    for t in threads:
        t.start()
    interrupted = False
    try:
        for t in threads:
            while t.is_alive():
                t.join(0.5)
        if drain is not None:
            drain()
    except KeyboardInterrupt:
        interrupted = True
        stop.set()
    reporter.stop(complete=message_num > 0 and not interrupted)
    producer.shutdown()
    failed = stats.send_request_failed_count + stats.receive_response_failed_count
    return 130 if interrupted else (1 if failed else 0)
