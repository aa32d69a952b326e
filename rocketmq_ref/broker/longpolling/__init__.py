"""Broker package `longpolling` (Java `org.apache.rocketmq.broker.longpolling`)."""
