"""Admin client of the tools (Java ``org.apache.rocketmq.tools.admin``)."""
