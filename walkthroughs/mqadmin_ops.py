"""Monitoring and operations with ``mqadmin`` on a local cluster (books A8.4, A8.4.1, B9.7, B9.7.2).

The cluster runner starts a name server and a broker; the quickstart producer and consumer put a
consumer group's progress on the broker.  Then one command of each family runs as a process --
topic, subscription group, message, consumer, broker -- and its real output is recorded with the
trace; every process appends its spans to the same trace file.
"""
from __future__ import annotations

import os
import re
import tempfile

from rocketmq_ref.tools.walkthrough_commands import PY, mqadmin, run_command
from rocketmq_ref.tools.walkthrough_model import Walkthrough

TOPIC = "TopicOps"
GROUP = "please_rename_unique_group_name_4"  # the quickstart consumer's group
DIR = ".cluster"


def scenario() -> dict[str, str]:
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="walkthrough-ops-") as tmp:
        env = dict(os.environ)
        out["up"] = run_command([PY, "-m", "rocketmq_ref.tools.cluster", "up", "--dir", DIR],
                                tmp, env)
        n = re.search(r"namesrvAddr=(\S+)", out["up"])
        broker = re.search(r"MASTER\s+\S+\s+(\S+)", out["up"])
        assert n and broker, out["up"]
        n, broker = n.group(1), broker.group(1)
        env["NAMESRV_ADDR"] = n
        try:
            out["topic"] = "\n".join([
                mqadmin(["updateTopic", "-n", n, "-c", "DefaultCluster", "-t", TOPIC,
                         "-r", "2", "-w", "2"], tmp, env),
                mqadmin(["updateSubGroup", "-n", n, "-c", "DefaultCluster", "-g", "ops_group",
                         "-r", "3"], tmp, env),
                mqadmin(["topicList", "-n", n], tmp, env)])
            out["message"] = "\n".join([
                mqadmin(["sendMessage", "-n", n, "-t", TOPIC, "-c", "TagA", "-k", "ORDER-1",
                         "-p", "order 1 paid"], tmp, env),
                mqadmin(["topicStatus", "-n", n, "-t", TOPIC], tmp, env),
                mqadmin(["queryMsgByKey", "-n", n, "-t", TOPIC, "-k", "ORDER-1"], tmp, env)])
            run_command([PY, "-m", "rocketmq_ref.tools.quickstart", "producer", "--count", "4"],
                        tmp, env)
            run_command([PY, "-m", "rocketmq_ref.tools.quickstart", "consumer", "--count", "4",
                         "--timeout", "30"], tmp, env)
            out["consumer"] = "\n".join([
                mqadmin(["consumerProgress", "-n", n, "-g", GROUP], tmp, env),
                mqadmin(["resetOffsetByTime", "-n", n, "-g", GROUP, "-t", "TopicTest", "-s", "0"],
                        tmp, env),
                mqadmin(["consumerProgress", "-n", n, "-g", GROUP], tmp, env)])
            out["broker"] = "\n".join([
                mqadmin(["statsAll", "-n", n, "-t", "TopicTest"], tmp, env),
                mqadmin(["brokerStatus", "-n", n, "-b", broker], tmp, env)])
        finally:
            out["down"] = run_command([PY, "-m", "rocketmq_ref.tools.cluster", "down", "--dir",
                                       DIR], tmp, env)
    return out


WALKTHROUGH = Walkthrough(
    name="mqadmin_ops",
    title="Monitoring and operations commands: mqadmin against a local cluster",
    sections=("A8.4", "A8.4.1", "B9.7", "B9.7.2"),
    scenario=scenario,
    service="ops",
)
