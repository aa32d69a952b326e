"""A held pull request (Java ``broker.longpolling.PullRequest``; B5.4.3)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class PullRequest:
    """One PULL_MESSAGE that found nothing and waits for a message or its timeout."""

    request_command: Any
    client_channel: Any
    timeout_millis: int
    suspend_timestamp: int
    pull_from_this_offset: int
    subscription_data: Any
    message_filter: Any
