"""A whole local cluster for a test module (``rocketmq_ref.tools.cluster``: config files in a temp
dir, name servers then brokers started and registered, every pid stopped at the end)::

    @pytest.fixture(scope="module")
    def ns(tmp_path_factory):
        with running_cluster(tmp_path_factory.mktemp("bench-cluster")) as state:
            yield state.namesrv_addr
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Any, Iterator

from rocketmq_ref.tools import cluster

START_TIMEOUT_S = 40.0  # two busy cores: a broker's first start can take a while


@contextmanager
def running_cluster(directory: str | os.PathLike[str], *, timeout_s: float = START_TIMEOUT_S,
                    **plan: Any) -> Iterator[cluster.ClusterState]:
    """``cluster.plan(directory, **plan)`` started; stopped on the way out, whatever happened."""
    state = cluster.plan(str(directory), **plan)
    try:
        cluster.start(state, timeout_s=timeout_s)
        yield state
    finally:
        cluster.stop(state)
