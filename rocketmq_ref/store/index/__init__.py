"""The key index (Java ``org.apache.rocketmq.store.index``; books B4.5.3, B4.6.2)."""
