"""Session-wide test set-up: one in-memory tracer provider (the global provider can be set once)."""
from __future__ import annotations

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
