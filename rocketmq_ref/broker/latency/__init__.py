"""Broker package `latency` (Java `org.apache.rocketmq.broker.latency`)."""
