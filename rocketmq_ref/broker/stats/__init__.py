"""Broker package `stats` (Java `org.apache.rocketmq.broker.stats`)."""
