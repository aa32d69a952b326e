"""Broker package `topic` (Java `org.apache.rocketmq.broker.topic`)."""
