"""The consumer monitor behind ``mqadmin startMonitoring`` (Java ``org.apache.rocketmq.tools.monitor``)."""
