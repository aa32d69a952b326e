"""The message store (Java module ``rocketmq-store``; books A5, B4): commit log, consume queues,
index, checkpoint, flush, recovery, clean-up and delayed delivery."""
