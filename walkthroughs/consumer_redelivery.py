"""Why a message is consumed twice (book A6.2; reader question 1): a consumer that dies before its
offsets reach the broker leaves them uncommitted, and the next consumer of the group is handed
the same messages again.

Four messages go to TopicRedelivery, one per queue.  A push consumer runs as a process (this file
run as a script); its listener works 300 ms per message, and it is killed with SIGKILL as soon as
it has consumed all four -- before the 10 s after start at which its client first persists
offsets, and after the follow-up pulls, which would have carried the offsets, had already left.
``mqadmin consumerProgress`` shows the group at offset 0.  A second consumer process of the same
group then receives the same four messages and stops cleanly, committing them.  The name server
and the broker run as processes.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus, ConsumeFromWhere,
                                          DefaultMQPushConsumer)
from rocketmq_ref.client.producer import DefaultMQProducer
from rocketmq_ref.common.message import Message
from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_commands import PY, mqadmin
from rocketmq_ref.tools.walkthrough_model import Walkthrough

TOPIC = "TopicRedelivery"
GROUP = "redelivery_group"
COUNT = 4
WORK_MS = 300
CONSUMED = re.compile(r"^consumed (\S+) (\S+)")


def run_consumer(count: int, timeout_s: float) -> int:
    """The consumer process: print each message once its (simulated) work is done; with
    ``count``, stop cleanly after that many, which commits the offsets."""
    consumed = 0
    lock = threading.Lock()
    done = threading.Event()

    def listener(msgs: list[Any], context: Any) -> ConsumeConcurrentlyStatus:
        nonlocal consumed
        time.sleep(WORK_MS / 1000)  # the work: the next pull of this queue has left meanwhile
        with lock:  # one whole line per message: the consume threads print concurrently
            for m in msgs:
                print(f"consumed {m.keys} {m.msg_id} queue {m.queue_id} offset {m.queue_offset}",
                      flush=True)
            consumed += len(msgs)
            if count and consumed >= count:
                done.set()
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

    consumer = DefaultMQPushConsumer(GROUP)
    consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
    consumer.subscribe(TOPIC, "*")
    consumer.register_message_listener(listener)
    consumer.start()
    try:
        done.wait(timeout_s)
    finally:
        consumer.shutdown()
    return 0 if not count or consumed >= count else 1


def consumer_command(count: int) -> list[str]:
    return [PY, "walkthroughs/consumer_redelivery.py", "--count", str(count), "--timeout", "60"]


def start_consumer(count: int, env: dict[str, str]) -> subprocess.Popen:
    cmd = [sys.executable if c == PY else c for c in consumer_command(count)]
    cmd[1] = os.path.abspath(__file__)
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, start_new_session=True)


def read_consumed(proc: subprocess.Popen, count: int) -> list[str]:
    """The consumer's lines until it has consumed ``count`` messages (bounded by 60 s)."""
    lines: list[str] = []
    deadline = time.monotonic() + 60
    assert proc.stdout is not None
    while len(lines) < count and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if CONSUMED.match(line):
            lines.append(line.rstrip("\n"))
    return lines


def scenario() -> dict[str, str]:
    with tempfile.TemporaryDirectory(prefix="walkthrough-redelivery-") as tmp:
        state = cluster.plan(tmp, namesrv=1, masters=1)
        cluster.start(state)  # the processes inherit ROCKETMQ_REF_TRACE_FILE
        env = {**os.environ, "NAMESRV_ADDR": state.namesrv_addr}
        n = state.namesrv_addr
        out: dict[str, str] = {}
        producer = None
        try:
            producer = DefaultMQProducer("walkthrough_producer_group")
            producer.set_namesrv_addr(n)
            producer.start()
            for i in range(COUNT):  # round robin: one message per queue
                producer.send(Message(TOPIC, f"order {i}".encode(), tags="TagA", keys=f"ORDER-{i}"))
            producer.shutdown()
            producer = None

            first = start_consumer(0, env)
            try:
                got = read_consumed(first, COUNT)
            finally:
                os.kill(first.pid, signal.SIGKILL)  # no shutdown, no offset commit
                first.wait()
            out["first"] = "\n".join([f"$ {' '.join(consumer_command(0))} &", *sorted(got),
                                      "$ kill -9 %1"])
            # the group has no stored offset at all: the command says so and exits 1
            out["killed"] = mqadmin(["consumerProgress", "-n", n, "-g", GROUP], tmp, env,
                                    check=False)

            second = start_consumer(COUNT, env)
            again = read_consumed(second, COUNT)
            second.wait(60)
            out["second"] = "\n".join([f"$ {' '.join(consumer_command(COUNT))}", *sorted(again)])
            out["after"] = mqadmin(["consumerProgress", "-n", n, "-g", GROUP], tmp, env)
            keys = [sorted(CONSUMED.match(line).group(1) for line in lines)  # type: ignore[union-attr]
                    for lines in (got, again)]
            assert keys[0] == keys[1] == [f"ORDER-{i}" for i in range(COUNT)], (got, again)
        finally:
            if producer is not None:
                producer.shutdown()
            cluster.stop(state)
    return out


WALKTHROUGH = Walkthrough(
    name="consumer_redelivery",
    title="Consumed twice: a consumer killed before its offsets are committed",
    sections=("A6.2",),
    scenario=scenario,
    service="producer",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The consumer process of this walkthrough.")
    parser.add_argument("--count", type=int, default=0, help="stop cleanly after this many")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args(argv)
    from rocketmq_ref.common.tracing_setup import configure_tracing_from_env, shutdown_tracing

    configure_tracing_from_env("consumer")
    try:
        return run_consumer(args.count, args.timeout)
    finally:
        shutdown_tracing()


if __name__ == "__main__":
    sys.exit(main())
