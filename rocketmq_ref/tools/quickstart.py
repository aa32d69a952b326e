"""The quickstart producer and consumer of ``tools.sh org.apache.rocketmq.example.quickstart.Producer``
and ``...Consumer`` (book A1.3.3).

    export NAMESRV_ADDR=127.0.0.1:9876
    python -m rocketmq_ref.tools.quickstart producer       # 1000 x "Hello RocketMQ i" to TopicTest
    python -m rocketmq_ref.tools.quickstart consumer       # prints what arrives until Ctrl-C

Like the Java examples the name server comes from ``NAMESRV_ADDR`` (or ``-n``); the groups, topic,
tag and output lines are theirs.  ``--count`` / ``--timeout`` bound a run for scripts and tests.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from typing import Any

from rocketmq_ref.tools.tool_logging import log_client_to_file

PRODUCER_GROUP = "please_rename_unique_group_name"
CONSUMER_GROUP = "please_rename_unique_group_name_4"
TOPIC = "TopicTest"


def run_producer(namesrv: str | None, count: int, topic: str) -> int:
    """Java ``quickstart.Producer``: send ``count`` messages, print each ``SendResult``."""
    from rocketmq_ref.client.producer import DefaultMQProducer
    from rocketmq_ref.common.message import Message

    producer = DefaultMQProducer(PRODUCER_GROUP)
    if namesrv:
        producer.set_namesrv_addr(namesrv)
    producer.start()
    failed = 0
    try:
        for i in range(count):
            try:
                result = producer.send(Message(topic, f"Hello RocketMQ {i}".encode(), tags="TagA"))
                print(f"{result}", flush=True)
            except Exception as e:  # noqa: BLE001 - Java prints the exception and sleeps 1 s
                failed += 1
                print(f"send failed: {e}", file=sys.stderr, flush=True)
                time.sleep(1)
    finally:
        producer.shutdown()
    return 1 if failed else 0


def run_consumer(namesrv: str | None, count: int, timeout_s: float, topic: str) -> int:
    """Java ``quickstart.Consumer``: push consumer from the first offset, printing each batch."""
    from rocketmq_ref.client.consumer import (ConsumeConcurrentlyStatus, ConsumeFromWhere,
                                              DefaultMQPushConsumer)

    received = 0
    lock = threading.Lock()
    done = threading.Event()

    def listener(msgs: list[Any], context: Any) -> ConsumeConcurrentlyStatus:
        nonlocal received
        print(f"{threading.current_thread().name} Receive New Messages: {msgs} ", flush=True)
        with lock:
            received += len(msgs)
            if count and received >= count:
                done.set()
        return ConsumeConcurrentlyStatus.CONSUME_SUCCESS

    consumer = DefaultMQPushConsumer(CONSUMER_GROUP)
    if namesrv:
        consumer.set_namesrv_addr(namesrv)
    consumer.set_consume_from_where(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET)
    consumer.subscribe(topic, "*")
    consumer.register_message_listener(listener)
    consumer.start()
    print("Consumer Started.", flush=True)
    try:
        done.wait(timeout_s if timeout_s > 0 else None)
    except KeyboardInterrupt:
        pass
    finally:
        consumer.shutdown()
    if count and received < count:
        print(f"received {received} of {count} messages", file=sys.stderr)
        return 1
    return 0


def _on_sigterm(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rocketmq_ref.tools.quickstart",
                                     description="The quickstart Producer and Consumer (book A1.3.3).")
    parser.add_argument("role", choices=["producer", "consumer"])
    parser.add_argument("-n", "--namesrv", help="name server list (default: $NAMESRV_ADDR)")
    parser.add_argument("-t", "--topic", default=TOPIC, help=f"topic (default {TOPIC})")
    parser.add_argument("-c", "--count", type=int, default=None,
                        help="producer: messages to send (default 1000); consumer: stop after "
                             "this many (default: run until Ctrl-C)")
    parser.add_argument("--timeout", type=float, default=0.0,
                        help="consumer: stop after this many seconds (default: no limit)")
    args = parser.parse_args(argv)
    if not (args.namesrv or os.environ.get("NAMESRV_ADDR")):
        print("quickstart: no name server: set NAMESRV_ADDR (export NAMESRV_ADDR=127.0.0.1:9876) "
              "or pass -n", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _on_sigterm)
    log_client_to_file()
    from rocketmq_ref.common.tracing_setup import configure_tracing_from_env, shutdown_tracing

    configure_tracing_from_env(f"quickstart-{args.role}")
    try:
        if args.role == "producer":
            return run_producer(args.namesrv, 1000 if args.count is None else args.count, args.topic)
        return run_consumer(args.namesrv, args.count or 0, args.timeout, args.topic)
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # noqa: BLE001 - one line, no traceback
        print(f"quickstart {args.role}: {e}", file=sys.stderr)
        return 1
    finally:
        shutdown_tracing()


if __name__ == "__main__":
    sys.exit(main())
