"""Session-wide test set-up: one in-memory tracer provider (the global provider can be set once)."""
from __future__ import annotations

# Imported before the tracer provider: its at-fork child handler must run after the one this module
# registers (which re-creates the lock its ``before`` handler holds across fork), else a test that
# forks a server process while concurrent.futures.thread is imported later deadlocks in the child.
import concurrent.futures.thread  # noqa: F401

import pytest

from rocketmq_ref.common.tracing_setup import ConfiguredProvider, configure_tracing

_provider: ConfiguredProvider = configure_tracing("tests", memory=True, batch=False)


@pytest.fixture
def spans():
    """The in-memory span exporter, cleared before the test: ``spans.get_finished_spans()``."""
    assert _provider.memory is not None
    _provider.memory.clear()
    yield _provider.memory
    _provider.memory.clear()
