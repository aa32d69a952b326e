"""A runnable local cluster on 127.0.0.1 from generated Java-style config files (book A1.3, A2.2, A2.2.1).

    python -m rocketmq_ref.tools.cluster up --namesrv 2 --masters 2 --dir .cluster
    python -m rocketmq_ref.tools.cluster status --dir .cluster
    python -m rocketmq_ref.tools.cluster down --dir .cluster

The Java distribution does this by hand: ``nohup sh bin/mqnamesrv &`` and
``nohup sh bin/mqbroker -c conf/2m-noslave/broker-a.properties &``.  Here one command writes the
``.properties`` files, starts each process in its own session, and records every pid in
``cluster.json``; ``down`` stops exactly those pids.  Data, configs and logs live under one directory.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
STATE_FILE = "cluster.json"


class ClusterError(RuntimeError):
    """A cluster that cannot be started, found or stopped; the message says why."""


@dataclass
class Node:
    """One process of the cluster."""

    role: str                 # NAMESRV, MASTER or SLAVE
    name: str                 # namesrv-0, broker-a, broker-a-s
    port: int
    conf: str
    log: str
    pid: int = 0
    broker_name: str = ""
    broker_id: int = 0

    @property
    def addr(self) -> str:
        return f"{HOST}:{self.port}"


@dataclass
class ClusterState:
    directory: str
    cluster_name: str = "DefaultCluster"
    nodes: list[Node] = field(default_factory=list)

    @property
    def namesrv_addr(self) -> str:
        return ";".join(n.addr for n in self.nodes if n.role == "NAMESRV")

    def save(self) -> None:
        path = Path(self.directory, STATE_FILE)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2))
        tmp.replace(path)

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> ClusterState:
        path = Path(directory, STATE_FILE)
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise ClusterError(f"no cluster in {directory} (no {STATE_FILE})") from None
        except (OSError, ValueError) as e:
            raise ClusterError(f"cannot read {path}: {e}") from None
        return cls(directory=data["directory"], cluster_name=data.get("cluster_name", "DefaultCluster"),
                   nodes=[Node(**n) for n in data.get("nodes", [])])


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def free_broker_port(taken: set[int]) -> int:
    """A listen port p with p-2 (the VIP channel) and p+1 (HA) free too."""
    for _ in range(200):
        p = free_port()
        ports = {p - 2, p, p + 1}
        if p > 1026 and not ports & taken and all(_port_free(q) for q in ports):
            return p
    raise ClusterError("no free port triple (p-2, p, p+1) on 127.0.0.1")


def pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of ours counts as gone
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def _is_our_process(node: Node) -> bool:
    """The pid still runs the process we started (pids are reused after exit)."""
    try:
        with open(f"/proc/{node.pid}/cmdline", "rb") as f:
            cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return pid_alive(node.pid)
    return node.conf in cmdline


def wait_port(port: int, timeout_s: float, pid: int) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            raise ClusterError(f"process {pid} exited before listening on {HOST}:{port}")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise ClusterError(f"nothing listening on {HOST}:{port} after {timeout_s:.0f} s")


def cluster_info(namesrv_addr: str, timeout_s: float = 3.0) -> dict:
    """GET_BROKER_CLUSTER_INFO from one name server over a plain socket (what ``clusterList`` asks)."""
    from rocketmq_ref.common import fastjson
    from rocketmq_ref.common.protocol.request_code import RequestCode
    from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

    host, port = namesrv_addr.rsplit(":", 1)
    request = RemotingCommand.create_request_command(RequestCode.GET_BROKER_CLUSTER_INFO, None)
    with socket.create_connection((host, int(port)), timeout=timeout_s) as s:
        s.sendall(request.encode())
        length = int.from_bytes(_recv_exactly(s, 4), "big")
        response = RemotingCommand.decode(_recv_exactly(s, length))
    return fastjson.loads(bytes(response.body)) if response.body else {}


def topic_route_known(namesrv_addr: str, topic: str, timeout_s: float = 3.0) -> bool:
    """GET_ROUTEINFO_BY_TOPIC over a plain socket: does this name server route ``topic`` yet?"""
    from rocketmq_ref.common.protocol.request_code import RequestCode
    from rocketmq_ref.common.protocol.response_code import ResponseCode
    from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand

    host, port = namesrv_addr.rsplit(":", 1)
    request = RemotingCommand.create_request_command(RequestCode.GET_ROUTEINFO_BY_TOPIC, None)
    request.ext_fields = {"topic": topic}
    with socket.create_connection((host, int(port)), timeout=timeout_s) as s:
        s.sendall(request.encode())
        length = int.from_bytes(_recv_exactly(s, 4), "big")
        response = RemotingCommand.decode(_recv_exactly(s, length))
    return response.code == ResponseCode.SUCCESS


def wait_topic_route(namesrv_addrs: str, topic: str, timeout_s: float = 10.0) -> None:
    """Wait until every name server routes ``topic``.  A broker registers a topic that a send
    auto-created in the background (Java sends that registration oneway), so a client asking
    for the route right after such a send can still be told TOPIC_NOT_EXIST."""
    deadline = time.monotonic() + timeout_s
    pending = [a for a in namesrv_addrs.split(";") if a]
    while pending:
        pending = [a for a in pending if not topic_route_known(a, topic)]
        if pending and time.monotonic() > deadline:
            raise ClusterError(f"no route for {topic} on {', '.join(pending)} after {timeout_s:.0f}s")
        if pending:
            time.sleep(0.05)


def _recv_exactly(s: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("connection closed by the name server")
        buf += chunk
    return bytes(buf)


def wait_registered(state: ClusterState, timeout_s: float) -> None:
    """Wait until every name server lists every broker (a broker registers right after start-up;
    clients asking for routes before that would find none)."""
    expected = {(n.broker_name, n.broker_id) for n in state.nodes if n.role != "NAMESRV"}
    if not expected:
        return
    deadline = time.monotonic() + timeout_s
    for ns in (n for n in state.nodes if n.role == "NAMESRV"):
        while True:
            try:
                table = cluster_info(ns.addr).get("brokerAddrTable", {})
                seen = {(name, int(i)) for name, data in table.items()
                        for i in data.get("brokerAddrs", {})}
                if expected <= seen:
                    break
            except (OSError, ValueError):
                pass
            if time.monotonic() > deadline:
                raise ClusterError(f"brokers not registered with {ns.addr} after {timeout_s:.0f} s")
            time.sleep(0.1)


def write_properties(path: Path, props: dict[str, object]) -> None:
    lines = [f"{k}={'true' if v is True else 'false' if v is False else v}" for k, v in props.items()]
    path.write_text("\n".join(lines) + "\n")


def plan(directory: str, namesrv: int = 1, masters: int = 1, slaves: int = 0,
         cluster_name: str = "DefaultCluster", broker_props: dict[str, str] | None = None,
         namesrv_port: int | None = None, broker_port: int | None = None) -> ClusterState:
    """Write the config files of a cluster and return its state (nothing started yet)."""
    root = Path(directory).resolve()
    (root / "conf").mkdir(parents=True, exist_ok=True)
    (root / "logs").mkdir(parents=True, exist_ok=True)
    state = ClusterState(directory=str(root), cluster_name=cluster_name)
    taken: set[int] = set()
    for i in range(namesrv):
        port = namesrv_port + i if namesrv_port and i == 0 else free_port()
        taken.add(port)
        conf = root / "conf" / f"namesrv-{i}.properties"
        write_properties(conf, {"listenPort": port,
                                "kvConfigPath": root / "data" / f"namesrv-{i}" / "kvConfig.json"})
        state.nodes.append(Node("NAMESRV", f"namesrv-{i}", port, str(conf),
                                str(root / "logs" / f"namesrv-{i}.log")))
    namesrv_addr = state.namesrv_addr
    for m in range(masters):
        broker_name = f"broker-{chr(ord('a') + m)}"
        for broker_id in range(slaves + 1):
            if broker_port and m == 0 and broker_id == 0:
                port = broker_port
            else:
                port = free_broker_port(taken)
            taken.update({port - 2, port, port + 1})
            name = broker_name if broker_id == 0 else f"{broker_name}-s{broker_id}"
            conf = root / "conf" / f"{name}.properties"
            store = root / "data" / name
            props: dict[str, object] = {
                "brokerClusterName": cluster_name,
                "brokerName": broker_name,
                "brokerId": broker_id,
                "brokerRole": "ASYNC_MASTER" if broker_id == 0 else "SLAVE",
                "flushDiskType": "ASYNC_FLUSH",
                "namesrvAddr": namesrv_addr,
                "listenPort": port,
                "brokerIP1": HOST,
                "brokerIP2": HOST,  # the HA address a slave is told (default: the machine's address)
                "storePathRootDir": store,
                "storePathCommitLog": store / "commitlog",
                "autoCreateTopicEnable": True,
                "deleteWhen": "04",
                "fileReservedTime": 48,
            }
            props.update(broker_props or {})
            write_properties(conf, props)
            state.nodes.append(Node("MASTER" if broker_id == 0 else "SLAVE", name, port, str(conf),
                                    str(root / "logs" / f"{name}.log"), broker_name=broker_name,
                                    broker_id=broker_id))
    return state


def _command(node: Node) -> list[str]:
    module = ("rocketmq_ref.namesrv.namesrv_startup" if node.role == "NAMESRV"
              else "rocketmq_ref.broker.broker_startup")
    return [sys.executable, "-m", module, "-c", node.conf]


def start(state: ClusterState, timeout_s: float = 30.0, env: dict[str, str] | None = None) -> None:
    """Start every node (name servers first), wait until each listens, and record the pids."""
    try:
        for role in ("NAMESRV", "MASTER", "SLAVE"):
            for node in (n for n in state.nodes if n.role == role):
                with open(node.log, "ab") as log:
                    proc = subprocess.Popen(_command(node), stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, cwd=state.directory,
                                            env={**os.environ, **(env or {})},
                                            start_new_session=True)
                node.pid = proc.pid
                state.save()
                wait_port(node.port, timeout_s, node.pid)
        wait_registered(state, timeout_s)
    except BaseException:
        stop(state)
        raise


def stop(state: ClusterState, timeout_s: float = 15.0) -> list[str]:
    """Stop every recorded pid: SIGTERM (clean shutdown), then SIGKILL past the bound.
    Brokers go first so they can unregister from the name servers."""
    stopped = []
    order = sorted(state.nodes, key=lambda n: n.role == "NAMESRV")
    for node in order:
        if node.pid and pid_alive(node.pid) and _is_our_process(node):
            os.kill(node.pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout_s
            while pid_alive(node.pid) and time.monotonic() < deadline:
                _reap(node.pid)
                time.sleep(0.05)
            if pid_alive(node.pid):
                os.kill(node.pid, signal.SIGKILL)
                while pid_alive(node.pid):
                    _reap(node.pid)
                    time.sleep(0.02)
            stopped.append(f"{node.name} pid {node.pid}")
        node.pid = 0
    state.save()
    return stopped


def _reap(pid: int) -> None:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


def status_lines(state: ClusterState) -> list[str]:
    rows = [("ROLE", "NAME", "ADDRESS", "PID", "STATE")]
    for n in state.nodes:
        alive = n.pid and pid_alive(n.pid) and _is_our_process(n)
        rows.append((n.role, n.name, n.addr, str(n.pid or "-"), "running" if alive else "stopped"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rocketmq_ref.tools.cluster",
                                     description="Run a local RocketMQ cluster on 127.0.0.1.")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="write configs and start name servers and brokers")
    up.add_argument("--namesrv", type=int, default=1, help="number of name servers (default 1)")
    up.add_argument("--masters", type=int, default=1, help="number of broker groups (default 1)")
    up.add_argument("--slaves", type=int, default=0, help="slaves per broker group (default 0)")
    up.add_argument("--cluster-name", default="DefaultCluster")
    up.add_argument("--namesrv-port", type=int, help="first name server port (default: a free one)")
    up.add_argument("--broker-port", type=int, help="first broker port (default: a free one)")
    up.add_argument("-o", "--broker-option", action="append", default=[], metavar="KEY=VALUE",
                    help="extra broker.conf entry, for example -o flushDiskType=SYNC_FLUSH")
    for p in (up, sub.add_parser("status", help="show processes, ports and roles"),
              sub.add_parser("down", help="stop every process of the cluster")):
        p.add_argument("--dir", default=".cluster", help="cluster directory (default .cluster)")
    args = parser.parse_args(argv)
    try:
        if args.command == "up":
            if Path(args.dir, STATE_FILE).exists():
                old = ClusterState.load(args.dir)
                if any(n.pid and pid_alive(n.pid) for n in old.nodes):
                    raise ClusterError(f"a cluster is already running in {args.dir}; "
                                       "run 'down' first")
            extra = dict(o.split("=", 1) for o in args.broker_option if "=" in o)
            state = plan(args.dir, args.namesrv, args.masters, args.slaves, args.cluster_name,
                         extra, args.namesrv_port, args.broker_port)
            start(state)
            print("\n".join(status_lines(state)))
            print(f"namesrvAddr={state.namesrv_addr}")
        elif args.command == "status":
            print("\n".join(status_lines(ClusterState.load(args.dir))))
        else:
            stopped = stop(ClusterState.load(args.dir))
            print("stopped: " + (", ".join(stopped) if stopped else "nothing was running"))
    except ClusterError as e:
        print(f"cluster: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
