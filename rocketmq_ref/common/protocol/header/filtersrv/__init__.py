"""Filter-server headers (Java ``common/protocol/header/filtersrv``), kept for the request codes
that still name them."""
from __future__ import annotations

from rocketmq_ref.common.protocol.header.filtersrv.register_filter_server_request_header import RegisterFilterServerRequestHeader
from rocketmq_ref.common.protocol.header.filtersrv.register_filter_server_response_header import RegisterFilterServerResponseHeader
from rocketmq_ref.common.protocol.header.filtersrv.register_message_filter_class_request_header import RegisterMessageFilterClassRequestHeader

__all__ = [
    "RegisterFilterServerRequestHeader",
    "RegisterFilterServerResponseHeader",
    "RegisterMessageFilterClassRequestHeader",
]
