"""Delayed delivery (Java ``org.apache.rocketmq.store.schedule``; books A3.2.2, B5.7)."""
