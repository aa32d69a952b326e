"""``RemotingSysResponseCode`` (Java ``remoting/protocol/RemotingSysResponseCode``; book A4.3.1):
the response codes the remoting layer itself produces."""
from __future__ import annotations

from enum import IntEnum


class RemotingSysResponseCode(IntEnum):
    SUCCESS = 0
    SYSTEM_ERROR = 1
    SYSTEM_BUSY = 2
    REQUEST_CODE_NOT_SUPPORTED = 3
    TRANSACTION_FAILED = 4
