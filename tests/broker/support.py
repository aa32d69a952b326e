"""Start a real name server and broker for end-to-end tests (``mqnamesrv``/``mqbroker`` processes on
127.0.0.1, free ports, the test's temp dir)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.support.processes import free_port, free_port_block

NAMESRV_MODULE = "rocketmq_ref.namesrv.namesrv_startup"
BROKER_MODULE = "rocketmq_ref.broker.broker_startup"


@dataclass
class Node:
    """A started server: its managed process, ``ip:port`` and config file."""

    proc: Any
    addr: str
    conf: Path


def write_properties(path: Path, props: dict) -> Path:
    lines = []
    for k, v in props.items():
        if isinstance(v, bool):
            v = "true" if v else "false"
        lines.append(f"{k}={v}")
    path.write_text("\n".join(lines) + "\n")
    return path


def start_namesrv(process_factory, tmp_path: Path, name: str = "namesrv", **props):
    port = free_port()
    conf = write_properties(tmp_path / f"{name}.properties",
                            {"listenPort": port, "kvConfigPath": tmp_path / name / "kvConfig.json",
                             **props})
    proc = process_factory.start(NAMESRV_MODULE, ["-c", str(conf)], name=name,
                                 ready_line="The Name Server boot success", ready_port=port)
    return Node(proc, f"127.0.0.1:{port}", conf)


def broker_props(tmp_path: Path, namesrv_addr: str, name: str = "broker-a", port: int | None = None,
                 **extra) -> dict:
    port = port or free_port_block()
    store = tmp_path / f"store-{name}"
    props = {
        "brokerClusterName": "DefaultCluster", "brokerName": name, "brokerId": 0,
        "brokerRole": "ASYNC_MASTER", "flushDiskType": "ASYNC_FLUSH", "namesrvAddr": namesrv_addr,
        "listenPort": port, "brokerIP1": "127.0.0.1", "storePathRootDir": store,
        "storePathCommitLog": store / "commitlog", "autoCreateTopicEnable": True, "deleteWhen": "04",
        "fileReservedTime": 48, "mappedFileSizeCommitLog": 4 * 1024 * 1024,
        "mappedFileSizeConsumeQueue": 300000 * 20 // 100,
    }
    props.update(extra)
    return props


def start_broker(process_factory, tmp_path: Path, props: dict, name: str | None = None, env=None):
    name = name or props["brokerName"]
    conf = write_properties(tmp_path / f"{name}.properties", props)
    port = int(props["listenPort"])
    proc = process_factory.start(BROKER_MODULE, ["-c", str(conf)], name=name, env=env,
                                 ready_line="boot success", ready_port=port)
    return Node(proc, f"127.0.0.1:{port}", conf)
