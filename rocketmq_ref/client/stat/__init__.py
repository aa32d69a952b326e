"""Client package `stat` (Java `org.apache.rocketmq.client.stat`): the consumer's own rates."""
