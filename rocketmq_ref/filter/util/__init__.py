"""Bloom filter helpers of the SQL92 bit map (Java ``org.apache.rocketmq.filter.util``; B5.8)."""
