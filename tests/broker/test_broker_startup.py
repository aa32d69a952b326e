import subprocess
import sys

from rocketmq_ref.broker.broker_startup import build_commandline_options, create_broker_controller


def write(path, text):
    path.write_text(text)
    return str(path)


def test_a_real_broker_conf_sets_every_config_class(tmp_path):
    conf = write(tmp_path / "broker.conf", "\n".join([
        "brokerClusterName=ClusterX", "brokerName=broker-x", "brokerId=3", "brokerRole=ASYNC_MASTER",
        "flushDiskType=SYNC_FLUSH", f"storePathRootDir={tmp_path}/store", "deleteWhen=04", "fileReservedTime=72",
        "autoCreateTopicEnable=false", "listenPort=30911", "brokerIP1=127.0.0.1", "namesrvAddr=127.0.0.1:9876",
        "clientCallbackExecutorThreads=2"]))
    args = build_commandline_options().parse_args(["-c", conf, "-n", "127.0.0.1:9877;127.0.0.1:9878"])
    c = create_broker_controller(args)
    assert c.broker_config.broker_cluster_name == "ClusterX"
    assert c.broker_config.broker_id == 0, "a master's id is 0 whatever the file says"
    assert c.broker_config.namesrv_addr == "127.0.0.1:9877;127.0.0.1:9878"
    assert c.message_store_config.flush_disk_type.name == "SYNC_FLUSH"
    assert c.message_store_config.file_reserved_time == 72
    assert c.message_store_config.ha_listen_port == 30912
    assert c.netty_server_config.listen_port == 30911
    assert c.get_broker_addr() == "127.0.0.1:30911"


def run(*args):
    return subprocess.run([sys.executable, "-m", "rocketmq_ref.broker.broker_startup", *args],
                          capture_output=True, text=True, timeout=60)


def test_print_options_and_bad_settings(tmp_path):
    r = run("-m", "-o", "brokerName=printed")
    assert r.returncode == 0 and "brokerName=printed" in r.stdout and "listenPort=10911" in r.stdout
    full = run("-p")
    assert full.returncode == 0 and len(full.stdout.splitlines()) > len(r.stdout.splitlines())
    bad = run("-n", "not-an-address")
    assert bad.returncode == 2 and "illegal" in bad.stderr
    slave = run("-o", "brokerRole=SLAVE", "-o", "brokerId=0")
    assert slave.returncode == 2 and "Slave's brokerId must be > 0" in slave.stderr
    missing = run("-c", str(tmp_path / "nope.conf"))
    assert missing.returncode == 2 and "nope.conf" in missing.stderr
