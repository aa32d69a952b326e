"""Benchmark tools with the shape of RocketMQ's ``example/benchmark`` (``producer.sh``,
``consumer.sh``, ``batchproducer.sh``; books A7.5, B9.7): the same option letters and output lines,
plus p50/p99 latencies, and a ``[Complete]`` line when a message count is given.

    python -m rocketmq_ref.tools.benchmark producer -n 127.0.0.1:9876 -t BenchmarkTest -w 4 -q 10000
    python -m rocketmq_ref.tools.benchmark consumer -n 127.0.0.1:9876 -t BenchmarkTest -q 10000
    python -m rocketmq_ref.tools.benchmark batchproducer -n 127.0.0.1:9876 -b 16 -q 10000
"""
