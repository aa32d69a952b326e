"""Adding and removing a broker on a running cluster, with the command-line tools (book A6.3.2).

A name server and broker-a run from the cluster runner.  A second master, broker-b, is added by
writing its config file and starting it: it registers with the name server by itself, and
``updateTopic -c`` puts the topic on it.  broker-a is then taken out in the safe order: its write
permission is wiped (producers stop sending to it, consumers still drain it), then it is shut down
with ``mqshutdown``.  Every command runs as a process and appends its spans to the trace file.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rocketmq_ref.tools import cluster
from rocketmq_ref.tools.walkthrough_commands import PY, mqadmin, run_command
from rocketmq_ref.tools.walkthrough_model import Walkthrough

TOPIC = "TopicScale"
DIR = ".cluster"


def broker_names(addr: str) -> list[str]:
    return sorted(cluster.cluster_info(addr).get("brokerAddrTable", {}))


def wait_for(cond, timeout_s: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError("the cluster did not reach the expected state")
        time.sleep(0.1)


def write_broker_b(tmp: str) -> str:
    """broker-b's config: broker-a's, with its own name, port and store directory."""
    conf = Path(tmp, DIR, "conf")
    props = dict(line.split("=", 1) for line in
                 (conf / "broker-a.properties").read_text().splitlines() if "=" in line)
    port = cluster.free_broker_port({int(props["listenPort"])})
    store = Path(tmp, DIR, "data", "broker-b")
    props.update({"brokerName": "broker-b", "listenPort": str(port), "storePathRootDir": str(store),
                  "storePathCommitLog": str(store / "commitlog")})
    cluster.write_properties(conf / "broker-b.properties", props)
    return f"{DIR}/conf/broker-b.properties"


def scenario() -> dict[str, str]:
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="walkthrough-scale-") as tmp:
        env = dict(os.environ)
        up = run_command([PY, "-m", "rocketmq_ref.tools.cluster", "up", "--dir", DIR], tmp, env)
        addr = re.search(r"namesrvAddr=(\S+)", up)
        assert addr, up
        n = addr.group(1)
        broker_b = None
        try:
            out["before"] = "\n".join([
                mqadmin(["clusterList", "-n", n], tmp, env),
                mqadmin(["updateTopic", "-n", n, "-c", "DefaultCluster", "-t", TOPIC,
                         "-r", "4", "-w", "4"], tmp, env)])

            # add: a config file and a start command; the broker registers itself
            conf_b = write_broker_b(tmp)
            with open(Path(tmp, DIR, "logs", "broker-b.log"), "ab") as log:
                broker_b = subprocess.Popen(
                    [sys.executable, "-m", "rocketmq_ref.broker.broker_startup", "-c", conf_b],
                    cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL, start_new_session=True)
            wait_for(lambda: broker_names(n) == ["broker-a", "broker-b"])
            out["add"] = "\n".join([
                f"$ nohup python -m rocketmq_ref.broker.broker_startup -c {conf_b} &",
                mqadmin(["clusterList", "-n", n], tmp, env),
                mqadmin(["updateTopic", "-n", n, "-c", "DefaultCluster", "-t", TOPIC,
                         "-r", "4", "-w", "4"], tmp, env),
                mqadmin(["topicRoute", "-n", n, "-t", TOPIC], tmp, env)])

            # remove: no more writes, then (once consumers have drained it) shut it down
            out["wipe"] = "\n".join([
                mqadmin(["wipeWritePerm", "-n", n, "-b", "broker-a"], tmp, env),
                mqadmin(["topicRoute", "-n", n, "-t", TOPIC], tmp, env),
                mqadmin(["sendMessage", "-n", n, "-t", TOPIC, "-p", "after the wipe"], tmp, env)])
            conf_a = str(Path(tmp, DIR, "conf", "broker-a.properties"))
            stop_a = run_command([PY, "-m", "rocketmq_ref.tools.mqshutdown", "broker",
                                  "--match", conf_a], tmp, env)
            wait_for(lambda: broker_names(n) == ["broker-b"])
            out["remove"] = "\n".join([re.sub(r"\(\d+[\d ]*\)", "(PID)", stop_a),
                                       mqadmin(["clusterList", "-n", n], tmp, env)])
        finally:
            if broker_b is not None and broker_b.poll() is None:
                os.kill(broker_b.pid, signal.SIGTERM)
                try:
                    broker_b.wait(15)
                except subprocess.TimeoutExpired:
                    os.kill(broker_b.pid, signal.SIGKILL)
                    broker_b.wait()
            out["down"] = run_command([PY, "-m", "rocketmq_ref.tools.cluster", "down", "--dir", DIR],
                                      tmp, env)
    return out


WALKTHROUGH = Walkthrough(
    name="broker_scale",
    title="Adding and removing a broker on a running cluster",
    sections=("A6.3.2",),
    scenario=scenario,
    service="ops",
)
