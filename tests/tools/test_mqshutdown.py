"""mqshutdown stops local name servers and brokers the way the Java script does: SIGTERM, so the
shutdown hook runs (book A1.3.4).  Other engineers' brokers run on this machine too, so every call
here filters on this test's own config paths."""
from __future__ import annotations

from pathlib import Path

import pytest

from rocketmq_ref.tools import cluster, mqshutdown

pytestmark = pytest.mark.e2e


@pytest.fixture
def running(tmp_path):
    state = cluster.plan(str(tmp_path / "c"), namesrv=1, masters=1)
    try:
        cluster.start(state, timeout_s=40)
        yield state
    finally:
        cluster.stop(state)


def test_find_pids_then_shutdown_broker_and_namesrv_cleanly(running, capsys):
    namesrv, broker = running.nodes
    assert mqshutdown.find_pids("namesrv", namesrv.conf) == [namesrv.pid]
    assert mqshutdown.find_pids("broker", broker.conf) == [broker.pid]
    # the kind filter: a broker's config path does not make it a name server
    assert mqshutdown.find_pids("namesrv", broker.conf) == []
    assert mqshutdown.find_pids("broker", str(Path(running.directory) / "no-such.conf")) == []

    abort_file = Path(running.directory, "data", broker.name, "abort")
    assert abort_file.exists()  # the store marks itself running

    assert mqshutdown.main(["broker", "--match", broker.conf]) == 0
    assert capsys.readouterr().out == (f"The mqbroker({broker.pid}) is running...\n"
                                       f"Send shutdown request to mqbroker({broker.pid}) OK\n")
    assert not cluster.pid_alive(broker.pid)
    # SIGTERM ran the shutdown hook: a clean store shutdown removes the abort file
    assert not abort_file.exists()
    assert cluster.pid_alive(namesrv.pid)

    assert mqshutdown.main(["namesrv", "--match", namesrv.conf]) == 0
    assert f"Send shutdown request to mqnamesrv({namesrv.pid}) OK" in capsys.readouterr().out
    assert not cluster.pid_alive(namesrv.pid)

    # nothing left that matches: the Java script's message and a failure status
    assert mqshutdown.main(["namesrv", "--match", namesrv.conf]) == 1
    assert capsys.readouterr().out == "No mqnamesrv running.\n"


def test_bad_kind_is_refused(capsys):
    with pytest.raises(SystemExit) as e:
        mqshutdown.main(["filtersrv"])
    assert e.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
