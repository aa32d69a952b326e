"""OperationResult: the half message found for an END_TRANSACTION, or why not (Java
``broker.transaction.OperationResult``; B8.3)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class OperationResult:
    prepare_message: Any = None
    response_code: int = 0
    response_remark: str | None = None
