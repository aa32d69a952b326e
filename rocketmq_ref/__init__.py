"""rocketmq-ref: Apache RocketMQ 4.x rebuilt in Python, traced and debuggable, for readers of the books."""

__version__ = "0.1.0"
