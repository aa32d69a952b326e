"""The client side of ACL: sign every request (Java ``acl.common.AclClientRPCHook``; A8.2).

    producer = DefaultMQProducer("g", rpc_hook=AclClientRPCHook(SessionCredentials("ak", "sk")))

Before a request is sent: ``AccessKey`` (and ``SecurityToken``) go into the ext fields, the custom
header is written into them, and ``Signature`` = Base64(HmacSHA1(secret, sorted values + body)).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from rocketmq_ref.acl.common.acl_utils import cal_signature, request_content_head
from rocketmq_ref.acl.common.session_credentials import (ACCESS_KEY, SECURITY_TOKEN, SIGNATURE,
                                                         SessionCredentials)
from rocketmq_ref.remoting.rpc_hook import RPCHook

if TYPE_CHECKING:
    from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand


class AclClientRPCHook(RPCHook):
    def __init__(self, session_credentials: SessionCredentials) -> None:
        self.session_credentials = session_credentials

    def do_before_request(self, remote_addr: str | None, request: "RemotingCommand") -> None:
        c = self.session_credentials
        request.add_ext_field(ACCESS_KEY, c.access_key)
        if c.security_token is not None:
            request.add_ext_field(SECURITY_TOKEN, c.security_token)
        head = request_content_head(self.parse_request_content(request))
        request.add_ext_field(SIGNATURE, cal_signature(head, c.secret_key, request.body))

    def do_after_response(self, remote_addr: str | None, request: "RemotingCommand",
                          response: "RemotingCommand | None") -> None:
        pass

    @staticmethod
    def parse_request_content(request: "RemotingCommand") -> dict[str, str]:
        """The ext fields with the custom header written into them (Java sorts them in a TreeMap;
        ``request_content_head`` sorts)."""
        request.make_custom_header_to_net()
        return request.ext_fields  # type: ignore[return-value]

    def get_session_credentials(self) -> SessionCredentials:
        return self.session_credentials
