"""The transport layer (Java ``remoting/netty``; book A4.3.3, A13.4.3): the frame splitter and the
asyncio ``NettyRemotingServer`` / ``NettyRemotingClient``."""
