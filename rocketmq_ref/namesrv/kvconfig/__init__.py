"""The KV store (Java ``org.apache.rocketmq.namesrv.kvconfig``; book A10.2)."""
