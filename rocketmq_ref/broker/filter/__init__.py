"""SQL92 consumer filters on the broker (Java ``org.apache.rocketmq.broker.filter``; A7.1.3, B5.8)."""
