"""Request processors (Java ``org.apache.rocketmq.namesrv.processor``; book A10.3)."""
