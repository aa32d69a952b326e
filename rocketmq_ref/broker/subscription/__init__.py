"""Broker package `subscription` (Java `org.apache.rocketmq.broker.subscription`)."""
