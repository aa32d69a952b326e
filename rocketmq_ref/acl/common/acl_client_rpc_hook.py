"""The client side of ACL: sign every request (Java ``acl.common.AclClientRPCHook``; A8.2).

    producer = DefaultMQProducer("g", rpc_hook=AclClientRPCHook(SessionCredentials("ak", "sk")))

Before a request is sent: ``AccessKey`` (and ``SecurityToken``) go into the ext fields, the custom
header is written into them, and ``Signature`` = Base64(HmacSHA1(secret, sorted values + body)).

Our remoting client writes the W3C trace context (``traceparent``) into the ext fields after the
RPC hooks ran, and a broker signs over every field it receives.  So the request's custom header is
wrapped: when the frame is encoded, the fields are written again and, if trace context was added,
the request is signed again over exactly what goes on the wire.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rocketmq_ref.acl.common.acl_utils import cal_signature, request_content_head
from rocketmq_ref.acl.common.session_credentials import (ACCESS_KEY, SECURITY_TOKEN, SIGNATURE,
                                                         SessionCredentials)
from rocketmq_ref.remoting.rpc_hook import RPCHook

if TYPE_CHECKING:
    from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

_LATE_FIELDS = ("traceparent", "tracestate")


class AclClientRPCHook(RPCHook):
    def __init__(self, session_credentials: SessionCredentials) -> None:
        self.session_credentials = session_credentials

    def do_before_request(self, remote_addr: str | None, request: "RemotingCommand") -> None:
        _SignOnEncode.unwrap(request)  # a retried request: start from its real header
        c = self.session_credentials
        request.add_ext_field(ACCESS_KEY, c.access_key)
        if c.security_token is not None:  # optional
            request.add_ext_field(SECURITY_TOKEN, c.security_token)
        head = request_content_head(self.parse_request_content(request))
        request.add_ext_field(SIGNATURE, cal_signature(head, c.secret_key, request.body))
        _SignOnEncode.wrap(self, request)  # trace context written after the hooks is signed too

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


def _late_values(ext_fields: dict[str, str] | None) -> tuple[str | None, ...]:
    return tuple(ext_fields.get(k) for k in _LATE_FIELDS) if ext_fields else (None,) * len(_LATE_FIELDS)


class _SignOnEncode:
    """Stands in for a signed request's custom header until the frame is encoded."""

    __slots__ = ("header", "hook", "request", "signed_late")

    def __init__(self, header: Any, hook: AclClientRPCHook, request: "RemotingCommand") -> None:
        self.header = header
        self.hook = hook
        self.request = request
        self.signed_late = _late_values(request.ext_fields)

    @classmethod
    def wrap(cls, hook: AclClientRPCHook, request: "RemotingCommand") -> None:
        request.custom_header = cls(request.custom_header, hook, request)

    @staticmethod
    def unwrap(request: "RemotingCommand") -> None:
        header = request.custom_header
        if isinstance(header, _SignOnEncode):
            request.custom_header = header.header

    def encode_to(self, ext_fields: dict[str, str]) -> None:
        if self.header is not None:
            self.header.encode_to(ext_fields)
        if _late_values(ext_fields) != self.signed_late:  # sign what is sent, trace context too
            self.hook.do_before_request(None, self.request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.header, name)
