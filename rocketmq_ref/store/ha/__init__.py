"""Master/slave replication of the commit log (Java ``org.apache.rocketmq.store.ha``; B7.1)."""
