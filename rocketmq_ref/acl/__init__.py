"""Plain access control (Java module ``acl``, ``org.apache.rocketmq.acl``; RocketMQ 4.4+).

Clients sign every request with ``common.AclClientRPCHook``; a broker with ``aclEnable=true`` checks
each one with ``plain.PlainAccessValidator`` against ``conf/plain_acl.yml`` (and ``conf/acl/*.yml``)
under its ``rocketmqHome``.
"""
