"""``RPCHook``: code run before every request is handled or sent and after its response (Java
``remoting/RPCHook``; ACL signs and checks requests here; book A4.3.1).

On the server ``do_before_request`` runs before the processor and ``do_after_response`` before the
response is written; on the client before the request is written and after the response arrived.
A hook that raises on the server turns the request into a SYSTEM_ERROR response; on the client the
exception reaches the caller.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand


class RPCHook:
    def do_before_request(self, remote_addr: str | None, request: "RemotingCommand") -> None:
        """Called with the request before it is processed (server) or sent (client)."""

    def do_after_response(self, remote_addr: str | None, request: "RemotingCommand",
                          response: "RemotingCommand | None") -> None:
        """Called with the request and its response (None when there is none)."""
