"""HA benchmark (books B7.1, B7.1.3-B7.1.5): prints figures, asserts nothing.

The master store runs in this process, the slave store (HAService with its HAClient) in a child
process, so the two sides do not share one GIL; they talk over 127.0.0.1 on the HA protocol.

1. replication throughput: the master is filled with BENCH_HA_MB MiB (default 128) of 1 KiB messages
   first, then an empty slave connects and catches up; MiB/s from the first acked batch to the ack of
   the last byte (the slave process dispatches its consume queues meanwhile), for the default 32 KiB
   transfer batch and for 256 KiB;
2. put latency p50/p99 (and mean) of 1 KiB messages, one writer thread: ASYNC_MASTER with a slave
   attached beside SYNC_MASTER (each put waits for the slave's ack), BENCH_HA_PUTS puts each;
3. send latency through real processes: ``mqbroker`` master and slave (``haMasterAddress``), one
   SEND_MESSAGE_V2 at a time on one connection, round trip p50/p99, ASYNC_MASTER beside SYNC_MASTER.

Run: ``.venv/bin/python benchmarks/ha.py`` (no tracing SDK: the API-only cost of the spans).
"""
from __future__ import annotations

import json
import logging
import os
import socket
import struct
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rocketmq_ref.common.broker_config import BrokerConfig
from rocketmq_ref.common.message.message_decoder import message_properties2string
from rocketmq_ref.common.protocol.header.send_message_request_header_v2 import SendMessageRequestHeaderV2
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand
from rocketmq_ref.store.config import BrokerRole, MessageStoreConfig
from rocketmq_ref.store.default_message_store import DefaultMessageStore
from rocketmq_ref.store.ha.ha_service import HAService
from rocketmq_ref.store.message_ext_broker_inner import MessageExtBrokerInner
from rocketmq_ref.store.put_message_result import PutMessageStatus

MB = int(os.environ.get("BENCH_HA_MB", "128"))
PUTS = int(os.environ.get("BENCH_HA_PUTS", "3000"))
BODY = 1024
PROPS = {"TAGS": "TagA", "KEYS": "OrderID-000001", "WAIT": "true"}


def _store(root: str, role: BrokerRole, **kw) -> DefaultMessageStore:
    cfg = MessageStoreConfig(store_path_root_dir=root, broker_role=role, ha_listen_port=0,
                             ha_send_heartbeat_interval=200, **kw)
    s = DefaultMessageStore(cfg, broker_config=BrokerConfig(broker_id=1 if role is BrokerRole.SLAVE else 0))
    s.ha_service = HAService(s, "127.0.0.1")
    assert s.load()
    s.start()
    return s


def _messages(count: int) -> list[MessageExtBrokerInner]:
    ps = message_properties2string(PROPS)
    return [MessageExtBrokerInner("HaBench", os.urandom(BODY), queue_id=i % 4, properties=dict(PROPS),
                                  properties_string=ps, born_host=("127.0.0.1", 50000),
                                  store_host=("127.0.0.1", 10911), born_timestamp=int(time.time() * 1000))
            for i in range(count)]


def _slave(root: str, master_addr: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, os.path.abspath(__file__), "--slave", root, master_addr],
                            stdin=subprocess.PIPE)


def run_slave(root: str, master_addr: str) -> None:
    """Child mode: a slave store following ``master_addr`` until stdin closes."""
    logging.basicConfig(level=logging.ERROR)
    s = _store(root, BrokerRole.SLAVE)
    s.update_ha_master_address(master_addr)
    sys.stdin.read()
    s.shutdown()


def _wait_acked(master: DefaultMessageStore, offset: int, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while master.ha_service.get_push2_slave_max_offset() < offset:
        if time.monotonic() > deadline:
            raise TimeoutError("slave did not catch up")
        time.sleep(0.001)


def bench_throughput(tmp: str) -> None:
    master = _store(os.path.join(tmp, "m"), BrokerRole.ASYNC_MASTER)
    try:
        msgs = _messages(256)
        target = MB * 1024 * 1024
        i = 0
        t0 = time.perf_counter()
        while master.get_max_phy_offset() < target:
            master.put_message(msgs[i % len(msgs)])
            i += 1
        fill_s = time.perf_counter() - t0
        end = master.get_max_phy_offset()
        print(f"  master filled with {end / 1048576:.1f} MiB ({i} msgs) at {end / 1048576 / fill_s:.1f} MiB/s")
        for batch in (32 * 1024, 256 * 1024):
            master.message_store_config.ha_transfer_batch_size = batch
            master.ha_service.push2_slave_max_offset = 0
            slave = _slave(os.path.join(tmp, f"s{batch}"), f"127.0.0.1:{master.message_store_config.ha_listen_port}")
            try:
                t0 = time.perf_counter()
                _wait_acked(master, 1)  # the first batch is in: file creation and connect are behind us
                t1 = time.perf_counter()
                first = master.ha_service.get_push2_slave_max_offset()
                _wait_acked(master, end)
                t2 = time.perf_counter()
            finally:
                slave.stdin.close()
                slave.wait(60)
            rate = (end - first) / 1048576 / (t2 - t1)
            print(f"  batch {batch // 1024:>4} KiB: {rate:7.1f} MiB/s steady ({(end - first) / 1048576:.1f} MiB in "
                  f"{t2 - t1:.2f} s; connect to first ack {t1 - t0:.2f} s)")
    finally:
        master.shutdown()


def bench_latency(tmp: str, role: BrokerRole) -> None:
    master = _store(os.path.join(tmp, f"lat-{role.name}"), role)
    slave = _slave(os.path.join(tmp, f"lat-s-{role.name}"),
                   f"127.0.0.1:{master.message_store_config.ha_listen_port}")
    try:
        msgs = _messages(64)
        deadline = time.monotonic() + 30
        while not master.ha_service.connection_list or \
                master.ha_service.connection_list[0].slave_request_offset < 0:
            if time.monotonic() > deadline:
                raise TimeoutError("slave did not connect")
            time.sleep(0.005)
        for m in msgs[:50]:  # warm up (and let the slave catch up)
            master.put_message(m)
        _wait_acked(master, master.get_max_phy_offset(), 30)
        lat = []
        statuses: dict[str, int] = {}
        for i in range(PUTS):
            t0 = time.perf_counter()
            r = master.put_message(msgs[i % len(msgs)])
            lat.append((time.perf_counter() - t0) * 1e6)
            statuses[r.put_message_status.name] = statuses.get(r.put_message_status.name, 0) + 1
        lat.sort()
        p50, p99 = lat[len(lat) // 2], lat[int(len(lat) * 0.99)]
        ok = statuses.get(PutMessageStatus.PUT_OK.name, 0)
        print(f"  {role.name:<13} p50 {p50:8.0f} us  p99 {p99:8.0f} us  mean {statistics.fmean(lat):8.0f} us  "
              f"({ok}/{PUTS} PUT_OK{'' if ok == PUTS else ', ' + str(statuses)})")
    finally:
        slave.stdin.close()
        slave.wait(60)
        master.shutdown()


def _free_port_block() -> int:
    """A listen port p with p-2 (VIP) and p+1 (HA) free too."""
    for _ in range(200):
        with socket.socket() as sk:
            sk.bind(("127.0.0.1", 0))
            port = sk.getsockname()[1]
        ok = port > 1026
        for q in (port - 2, port + 1):
            with socket.socket() as sk:
                try:
                    sk.bind(("127.0.0.1", q))
                except OSError:
                    ok = False
        if ok:
            return port
    raise RuntimeError("no free port block")


def _broker(root: str, name: str, port: int, props: dict[str, object]) -> subprocess.Popen:
    conf = os.path.join(root, f"{name}.conf")
    base = {"brokerName": "bench-ha", "listenPort": port, "brokerIP1": "127.0.0.1", "brokerIP2": "127.0.0.1",
            "storePathRootDir": f"{root}/{name}", "mappedFileSizeCommitLog": 268435456,
            "haSendHeartbeatInterval": 500}
    with open(conf, "w") as f:
        f.write("".join(f"{k}={v}\n" for k, v in {**base, **props}.items()))
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    proc = subprocess.Popen([sys.executable, "-m", "rocketmq_ref.broker.broker_startup", "-c", conf,
                             "--log-dir", os.path.join(root, name + "-logs")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    while "boot success" not in line:
        if not line:
            raise RuntimeError(f"{name} did not start")
        line = proc.stdout.readline().decode()
    return proc


def _send_frame() -> bytes:
    props = message_properties2string({"TAGS": "TagA", "WAIT": "true",
                                       "UNIQ_KEY": "7F00000100002A9F0000000000000000"})
    header = SendMessageRequestHeaderV2(a="bench_pg", b="HaBench", c="TBW102", d=4, e=0, f=0,
                                        g=int(time.time() * 1000), h=0, i=props, j=0, k=False, m=False)
    return RemotingCommand.create_request_command(RequestCode.SEND_MESSAGE_V2, header, b"x" * BODY).encode()


def _round_trip(sock: socket.socket, frame: bytes) -> int:
    """Send one request, read its response; the response code."""
    sock.sendall(frame)
    buf = bytearray()
    while len(buf) < 4 or len(buf) < 4 + struct.unpack_from(">i", buf)[0]:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("broker closed the connection")
        buf += chunk
    header_len = struct.unpack_from(">i", buf, 4)[0] & 0xFFFFFF
    return json.loads(bytes(buf[8:8 + header_len]))["code"]


def bench_send_over_tcp(tmp: str, role: str) -> None:
    port, slave_port = _free_port_block(), _free_port_block()
    root = os.path.join(tmp, f"tcp-{role}")
    os.makedirs(root)
    procs = [_broker(root, "master", port, {"brokerRole": role})]
    try:
        procs.append(_broker(root, "slave", slave_port, {"brokerRole": "SLAVE", "brokerId": 1,
                                                          "haMasterAddress": f"127.0.0.1:{port + 1}"}))
        frame = _send_frame()
        with socket.create_connection(("127.0.0.1", port)) as sock:
            deadline = time.monotonic() + 30
            while _round_trip(sock, frame) != 0:  # SYNC_MASTER: SLAVE_NOT_AVAILABLE until it reports
                if time.monotonic() > deadline:
                    raise TimeoutError("the slave never acked")
                time.sleep(0.05)
            for _ in range(100):
                _round_trip(sock, frame)
            lat, codes = [], {}
            for _ in range(PUTS):
                t0 = time.perf_counter()
                code = _round_trip(sock, frame)
                lat.append((time.perf_counter() - t0) * 1e6)
                codes[code] = codes.get(code, 0) + 1
        lat.sort()
        print(f"  {role:<13} p50 {lat[len(lat) // 2]:8.0f} us  p99 {lat[int(len(lat) * 0.99)]:8.0f} us  "
              f"mean {statistics.fmean(lat):8.0f} us  (response codes {codes})")
    finally:
        for p in procs:
            p.terminate()
            try:
                p.wait(15)
            except subprocess.TimeoutExpired:
                p.kill()


def main() -> None:
    logging.basicConfig(level=logging.ERROR)
    tmp = tempfile.mkdtemp(prefix="bench-ha-")
    try:
        print(f"== replication throughput (empty slave catching up {MB} MiB, separate process)")
        bench_throughput(tmp)
        print(f"== put latency, 1 KiB, one writer, slave attached ({PUTS} puts)")
        for role in (BrokerRole.ASYNC_MASTER, BrokerRole.SYNC_MASTER):
            bench_latency(tmp, role)
        print(f"== send latency over TCP, mqbroker master + slave processes, 1 KiB, one at a time ({PUTS} sends)")
        for name in ("ASYNC_MASTER", "SYNC_MASTER"):
            bench_send_over_tcp(tmp, name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--slave":
        run_slave(sys.argv[2], sys.argv[3])
    else:
        main()
