"""Counters sampled into per-minute, per-hour and per-day snapshots (Java ``org.apache.rocketmq.common.stats``;
A2.4, B9.7.2): the broker's put/get statistics and the client's consume statistics are built on them."""
