"""Broker package `client` (Java `org.apache.rocketmq.broker.client`)."""
