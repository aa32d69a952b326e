"""Broker package `offset` (Java `org.apache.rocketmq.broker.offset`)."""
