"""The remoting module (Java ``remoting``): the RocketMQ wire protocol and its asyncio server and client.

Book sections A4.3, A4.3.1, A4.3.2, A13.4.  Layout:

* ``protocol/`` -- the sans-I/O codec: ``RemotingCommand`` with JSON and ROCKETMQ binary headers,
  codes and enums (no sockets; shared by server, client and tools);
* ``command_custom_header`` -- declarative custom headers carried in ``extFields``;
* ``netty/`` -- the frame splitter and the asyncio ``NettyRemotingServer`` / ``NettyRemotingClient``.
"""
