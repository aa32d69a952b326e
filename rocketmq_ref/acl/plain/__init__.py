"""The plain-file ACL (Java ``org.apache.rocketmq.acl.plain``)."""
