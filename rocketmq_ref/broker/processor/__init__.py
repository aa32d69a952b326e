"""Broker package `processor` (Java `org.apache.rocketmq.broker.processor`)."""
