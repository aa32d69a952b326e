"""``InvokeCallback``: what ``invoke_async`` calls with the finished ``ResponseFuture`` (Java
``remoting/InvokeCallback``; book A4.3.1).  A plain callable taking the future works too.

``response_future.response_command`` is the response, or None when the request failed; then
``cause`` says why (``RemotingTimeoutException``, ``RemotingSendRequestException``,
``RemotingConnectException``) and ``is_send_request_ok()`` whether it left this process.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rocketmq_ref.remoting.netty.response_future import ResponseFuture


class InvokeCallback:
    def operation_complete(self, response_future: "ResponseFuture") -> None:
        raise NotImplementedError
