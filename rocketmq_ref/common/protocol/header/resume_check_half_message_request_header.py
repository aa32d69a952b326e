"""``ResumeCheckHalfMessageRequestHeader``: RESUME_CHECK_HALF_MESSAGE (323) (Java
``common/protocol/header/ResumeCheckHalfMessageRequestHeader``; book A4.3.2)."""
from __future__ import annotations

from dataclasses import dataclass

from rocketmq_ref.remoting.command_custom_header import CommandCustomHeader, cf_nullable


@dataclass(slots=True)
class ResumeCheckHalfMessageRequestHeader(CommandCustomHeader):
    msg_id: str | None = cf_nullable()
