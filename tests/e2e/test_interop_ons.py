"""A real, independent RocketMQ client (ali-ons, pure JavaScript) round-trips messages through our
``mqnamesrv`` and ``mqbroker``: create topic, send with numeric ext field values, heartbeat, rebalance,
long-polling pulls, offset commits (spec protocol.md §8.5, interop/README.md)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.broker.support import broker_props, start_broker, start_namesrv
from tests.support.processes import process_factory  # noqa: F401  (fixture)

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO.parent / "shared" / "interop" / "ons_roundtrip.sh"


def test_ali_ons_client_round_trips_every_message(process_factory, tmp_path):  # noqa: F811
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the ali-ons interop client needs Node.js")
    assert SCRIPT.is_file(), f"interop script missing at {SCRIPT} (expected <repo>/../shared/interop/)"
    ns = start_namesrv(process_factory, tmp_path)
    start_broker(process_factory, tmp_path, broker_props(tmp_path, ns.addr))
    env = dict(os.environ)
    result = subprocess.run(["bash", str(SCRIPT), ns.addr, "InteropOnsTopic", "10"], env=env,
                            capture_output=True, text=True, timeout=170)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert re.search(r"interop: sent=10 received=10", output), output[-4000:]
