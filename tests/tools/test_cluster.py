"""The local cluster runner: up, status, down, with real processes on 127.0.0.1 (book A2.2)."""
from __future__ import annotations

import pytest

from rocketmq_ref.tools import cluster

pytestmark = pytest.mark.e2e


def test_up_status_down_two_masters_leaves_no_process(tmp_path, capsys):
    directory = tmp_path / "c"
    assert cluster.main(["up", "--dir", str(directory), "--masters", "2"]) == 0
    state = cluster.ClusterState.load(directory)
    try:
        roles = sorted(n.role for n in state.nodes)
        assert roles == ["MASTER", "MASTER", "NAMESRV"]
        assert all(cluster.pid_alive(n.pid) for n in state.nodes)
        out = capsys.readouterr().out
        assert "broker-a" in out and "broker-b" in out and f"namesrvAddr={state.namesrv_addr}" in out
        # the brokers registered with the name server under the generated cluster name
        info = cluster.cluster_info(state.namesrv_addr)
        assert sorted(info["clusterAddrTable"]["DefaultCluster"]) == ["broker-a", "broker-b"]
        # routes: the brokers' default topic is known at once, a topic nobody made never is
        cluster.wait_topic_route(state.namesrv_addr, "TBW102", timeout_s=5)
        assert not cluster.topic_route_known(state.namesrv_addr, "NeverMade")
        with pytest.raises(cluster.ClusterError, match="no route for NeverMade"):
            cluster.wait_topic_route(state.namesrv_addr, "NeverMade", timeout_s=0.2)
        # a second "up" in the same directory is refused while it runs
        assert cluster.main(["up", "--dir", str(directory)]) == 1
        assert "already running" in capsys.readouterr().err
        assert cluster.main(["status", "--dir", str(directory)]) == 0
        assert capsys.readouterr().out.count("running") == 3
    finally:
        pids = [n.pid for n in state.nodes]
        assert cluster.main(["down", "--dir", str(directory)]) == 0
    assert capsys.readouterr().out.startswith("stopped: broker-a pid")
    assert not any(cluster.pid_alive(p) for p in pids)
    assert cluster.main(["status", "--dir", str(directory)]) == 0
    assert capsys.readouterr().out.count("stopped") == 3
    # the configs are Java-style properties a real broker would read
    conf = (directory / "conf" / "broker-b.properties").read_text()
    assert "brokerName=broker-b" in conf and "brokerRole=ASYNC_MASTER" in conf


def test_status_of_a_missing_cluster_is_one_clear_line(tmp_path, capsys):
    assert cluster.main(["status", "--dir", str(tmp_path / "none")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cluster: no cluster in") and err.count("\n") == 1


def test_a_broker_that_cannot_start_stops_the_rest(tmp_path):
    state = cluster.plan(str(tmp_path), namesrv=1, masters=1,
                         broker_props={"flushDiskType": "NOT_A_FLUSH_TYPE"})
    with pytest.raises(cluster.ClusterError, match="exited before listening"):
        cluster.start(state, timeout_s=20)
    assert not any(cluster.pid_alive(n.pid) for n in state.nodes)
