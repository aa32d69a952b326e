"""Broker package `out` (Java `org.apache.rocketmq.broker.out`)."""
