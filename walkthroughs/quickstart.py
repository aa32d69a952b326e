"""Quickstart (book A1.3): start a name server and a broker, send and receive from the command
line with the quickstart producer and consumer, look at the cluster with mqadmin, and shut down.

Every step is the command a reader types, run as a process; their output is recorded with the
trace, and each process appends its spans to the same trace file.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile

from rocketmq_ref.tools.walkthrough_model import Walkthrough

PY = "python"  # as the reader types it; run with this interpreter


def run(cmd: list[str], cwd: str, env: dict[str, str], timeout: float = 60) -> str:
    """Run one command; its output as the page shows it (the temp dir shown as its name)."""
    proc = subprocess.run([sys.executable if c == PY else c for c in cmd], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}{proc.stderr}")
    shown = " ".join(cmd)
    return f"$ {shown}\n{proc.stdout}{proc.stderr}".replace(cwd, ".")


def scenario() -> dict[str, str]:
    outputs: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="walkthrough-quickstart-") as tmp:
        env = dict(os.environ)
        up = run([PY, "-m", "rocketmq_ref.tools.cluster", "up", "--dir", ".cluster"], tmp, env)
        outputs["up"] = up
        addr = re.search(r"namesrvAddr=(\S+)", up)
        assert addr, up
        try:
            env["NAMESRV_ADDR"] = addr.group(1)
            outputs["producer"] = run([PY, "-m", "rocketmq_ref.tools.quickstart", "producer",
                                       "--count", "4"], tmp, env)
            outputs["consumer"] = run([PY, "-m", "rocketmq_ref.tools.quickstart", "consumer",
                                       "--count", "4", "--timeout", "30"], tmp, env)
            outputs["clusterList"] = run([PY, "-m", "rocketmq_ref.tools.mqadmin", "clusterList",
                                          "-n", addr.group(1)], tmp, env)
            outputs["topicStatus"] = run([PY, "-m", "rocketmq_ref.tools.mqadmin", "topicStatus",
                                          "-n", addr.group(1), "-t", "TopicTest"], tmp, env)
            # A2.4: a few everyday admin commands
            outputs["updateTopic"] = run([PY, "-m", "rocketmq_ref.tools.mqadmin", "updateTopic",
                                          "-n", addr.group(1), "-c", "DefaultCluster",
                                          "-t", "TopicOrders", "-r", "2", "-w", "2"], tmp, env)
            outputs["topicRoute"] = run([PY, "-m", "rocketmq_ref.tools.mqadmin", "topicRoute",
                                         "-n", addr.group(1), "-t", "TopicOrders"], tmp, env)
            outputs["consumerProgress"] = run([PY, "-m", "rocketmq_ref.tools.mqadmin",
                                               "consumerProgress", "-n", addr.group(1), "-g",
                                               "please_rename_unique_group_name_4"], tmp, env)
        finally:
            outputs["down"] = run([PY, "-m", "rocketmq_ref.tools.cluster", "down", "--dir",
                                   ".cluster"], tmp, env)
    return outputs


WALKTHROUGH = Walkthrough(
    name="quickstart",
    title="Quickstart: start a cluster, send and receive from the command line, shut down",
    sections=("A1.3", "A1.3.1", "A1.3.2", "A1.3.3", "A1.3.4", "A2.4"),
    scenario=scenario,
    service="quickstart",
)
