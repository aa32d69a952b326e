"""The sans-I/O remoting codec (Java ``org.apache.rocketmq.remoting.protocol``; book A4.3.2, A13.4.2)."""
from rocketmq_ref.remoting.protocol.language_code import (LanguageCode, RemotingCommandType,
                                                          SerializeType)
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand
from rocketmq_ref.remoting.protocol.remoting_sys_response_code import RemotingSysResponseCode

__all__ = ["LanguageCode", "RemotingCommand", "RemotingCommandType", "RemotingSysResponseCode",
           "SerializeType"]
