"""Broker send-path benchmark: CPU per 1 KiB message from frame to response (book B3.4.4).

    python benchmarks/broker.py [--messages 20000] [--flush ASYNC_FLUSH|SYNC_FLUSH]

In one process, without sockets: a SEND_MESSAGE_V2 frame (JSON header, 1 KiB body) goes through the
frame decoder, ``SendMessageProcessor.process_request`` (header parsing, checks, MessageExtBrokerInner,
``DefaultMessageStore.async_put_message`` -> ``CommitLog`` append into the mapped file) and the
response is encoded, as the remoting layer would write it.  Prints:

  * main-thread CPU per message (the request path itself);
  * whole-process CPU per message (adds the reput/dispatch and flush threads that follow the append);
  * wall time per message and messages/s;
  * the pull path: PULL_MESSAGE of 32 messages with a tag subscription, CPU per message delivered.

Then the same over TCP with real processes: ``mqbroker`` in a child process, raw frames pipelined on
one connection, broker CPU per message read from /proc (includes the event loop, the send executor
hop, dispatch and flush).  No tracing SDK is installed, as in production without an exporter.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rocketmq_ref.broker.broker_controller import BrokerController  # noqa: E402
from rocketmq_ref.common.broker_config import BrokerConfig  # noqa: E402
from rocketmq_ref.common.message.message_decoder import message_properties2string  # noqa: E402
from rocketmq_ref.common.protocol.header.pull_message_request_header import PullMessageRequestHeader  # noqa: E402
from rocketmq_ref.common.protocol.header.send_message_request_header_v2 import SendMessageRequestHeaderV2  # noqa
from rocketmq_ref.common.protocol.request_code import RequestCode  # noqa: E402
from rocketmq_ref.common.topic_config import TopicConfig  # noqa: E402
from rocketmq_ref.remoting.netty.configs import NettyClientConfig, NettyServerConfig  # noqa: E402
from rocketmq_ref.remoting.netty.frame_codec import NettyDecoder  # noqa: E402
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand  # noqa: E402
from rocketmq_ref.store.config.flush_disk_type import FlushDiskType  # noqa: E402
from rocketmq_ref.store.config.message_store_config import MessageStoreConfig  # noqa: E402

BODY = b"x" * 1024
TOPIC = "BenchTopic"


class _Channel:
    remote_addr = "127.0.0.1:50000"

    def is_active(self) -> bool:
        return True


class _Ctx:
    """What the remoting layer hands a processor: the channel and a way to answer later."""

    channel = _Channel()
    remote_addr = "127.0.0.1:50000"

    def __init__(self) -> None:
        self.late: list[RemotingCommand] = []

    def write_response(self, response: RemotingCommand | None) -> None:
        if response is not None:
            self.late.append(response)

    def is_done(self) -> bool:
        return False


def send_frame(queue_id: int) -> bytes:
    props = message_properties2string({"TAGS": "TagA", "KEYS": "key-1", "WAIT": "true",
                                       "UNIQ_KEY": "7F00000100002A9F0000000000000000"})
    header = SendMessageRequestHeaderV2(a="bench_pg", b=TOPIC, c="TBW102", d=4, e=queue_id, f=0,
                                        g=int(time.time() * 1000), h=0, i=props, j=0, k=False, m=False)
    return RemotingCommand.create_request_command(RequestCode.SEND_MESSAGE_V2, header, BODY).encode()


def in_process(messages: int, flush: str) -> None:
    root = tempfile.mkdtemp(prefix="bench-broker-")
    try:
        store_config = MessageStoreConfig(store_path_root_dir=root)
        store_config.flush_disk_type = FlushDiskType[flush]
        store_config.mapped_file_size_commit_log = 256 * 1024 * 1024
        broker_config = BrokerConfig()
        broker_config.broker_ip1 = "127.0.0.1"
        broker_config.namesrv_addr = None
        controller = BrokerController(broker_config, NettyServerConfig(listen_port=10911), NettyClientConfig(),
                                      store_config)
        assert controller.initialize()
        controller.message_store.start()
        controller.topic_config_manager.update_topic_config(TopicConfig(TOPIC, 4, 4, 6))
        processor = controller.remoting_server.get_processor_pair(RequestCode.SEND_MESSAGE_V2)[0]
        frames = [send_frame(i % 4) for i in range(4)]
        decoder = NettyDecoder()
        ctx = _Ctx()
        for i in range(500):  # warm up: mapped file pages, caches
            cmd = decoder.feed(frames[i % 4])[0]
            processor.process_request(ctx, cmd)
        t_cpu, p_cpu, wall = time.thread_time(), time.process_time(), time.perf_counter()
        for i in range(messages):
            cmd = decoder.feed(frames[i & 3])[0]
            response = processor.process_request(ctx, cmd)
            if response is not None:
                response.opaque = cmd.opaque
                response.encode()
        t_cpu = time.thread_time() - t_cpu
        wall = time.perf_counter() - wall
        deadline = time.monotonic() + 10
        total = messages + 500
        while controller.message_store.get_max_offset_in_queue(TOPIC, 0) * 4 < total - 4 and \
                time.monotonic() < deadline:
            time.sleep(0.01)
        p_cpu = time.process_time() - p_cpu
        if ctx.late:
            bad = [r.code for r in ctx.late if r.code != 0]
            assert not bad, bad
        print(f"in-process send path, {flush}, 1 KiB body, {messages} messages:")
        print(f"  request path (main thread) CPU : {t_cpu / messages * 1e6:7.1f} us/message")
        print(f"  whole process CPU (+dispatch)  : {p_cpu / messages * 1e6:7.1f} us/message")
        print(f"  wall                           : {wall / messages * 1e6:7.1f} us/message "
              f"({messages / wall:,.0f} msg/s)")
        pull_path(controller, ctx, decoder)
        controller.scheduled_service.shutdown()
        controller.message_store.shutdown()
        for ex in (controller.send_message_executor, controller.pull_message_executor,
                   controller.query_message_executor, controller.admin_broker_executor,
                   controller.client_manage_executor, controller.heartbeat_executor,
                   controller.consumer_manage_executor):
            ex.shutdown(wait=False)
    finally:
        shutdown = shutil.rmtree
        shutdown(root, ignore_errors=True)


def pull_path(controller: BrokerController, ctx: "_Ctx", decoder: NettyDecoder, batch: int = 32) -> None:
    """PULL_MESSAGE of ``batch`` messages at a time from queue 0, through the tag filter, with the
    response encoded: CPU per message delivered."""
    processor = controller.pull_message_processor
    total = controller.message_store.get_max_offset_in_queue(TOPIC, 0)
    frames = []
    for offset in range(0, total - batch, batch):
        header = PullMessageRequestHeader(consumer_group="bench_cg", topic=TOPIC, queue_id=0, queue_offset=offset,
                                          max_msg_nums=batch, sys_flag=4, commit_offset=0, suspend_timeout_millis=0,
                                          subscription="TagA", sub_version=0, expression_type="TAG")
        frames.append(RemotingCommand.create_request_command(RequestCode.PULL_MESSAGE, header).encode())
    t_cpu = time.thread_time()
    for frame in frames:
        cmd = decoder.feed(frame)[0]
        response = processor.process_request(ctx, cmd)
        assert response.code == 0, response.remark
        response.encode()
    t_cpu = time.thread_time() - t_cpu
    n = len(frames) * batch
    print(f"  pull path, {batch} per request     : {t_cpu / max(n, 1) * 1e6:7.1f} us/message "
          f"({len(frames)} pulls, {n} messages)")


def _free_port_block() -> int:
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        ok = True
        for p in (port - 2, port + 1):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", p))
                except OSError:
                    ok = False
        if ok and port > 1024:
            return port
    raise RuntimeError("no free port block")


def _proc_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def over_tcp(messages: int, window: int) -> None:
    root = tempfile.mkdtemp(prefix="bench-broker-tcp-")
    port = _free_port_block()
    conf = os.path.join(root, "broker.conf")
    with open(conf, "w") as f:
        f.write(f"brokerName=bench\nlistenPort={port}\nbrokerIP1=127.0.0.1\nstorePathRootDir={root}/store\n"
                "mappedFileSizeCommitLog=268435456\n")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    proc = subprocess.Popen([sys.executable, "-m", "rocketmq_ref.broker.broker_startup", "-c", conf,
                             "--log-dir", root], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode()
        while "boot success" not in line:
            if not line:
                raise RuntimeError("broker did not start")
            line = proc.stdout.readline().decode()
        sock = socket.create_connection(("127.0.0.1", port))
        frame = send_frame(0)
        buf = bytearray()

        def read_responses(n: int) -> None:
            got = 0
            while got < n:
                while len(buf) >= 4:
                    (length,) = struct.unpack_from(">i", buf)
                    if len(buf) < 4 + length:
                        break
                    del buf[:4 + length]
                    got += 1
                    if got == n:
                        return
                buf.extend(sock.recv(65536))

        for _ in range(200):
            sock.sendall(frame)
        read_responses(200)
        cpu0, wall0 = _proc_cpu(proc.pid), time.perf_counter()
        sent = 0
        while sent < messages:
            n = min(window, messages - sent)
            sock.sendall(frame * n)
            read_responses(n)
            sent += n
        wall = time.perf_counter() - wall0
        time.sleep(0.5)  # let dispatch catch up, it is part of the cost
        cpu = _proc_cpu(proc.pid) - cpu0
        sock.close()
        print(f"over TCP to mqbroker, pipelined window {window}, {messages} messages:")
        print(f"  broker process CPU             : {cpu / messages * 1e6:7.1f} us/message")
        print(f"  wall                           : {wall / messages * 1e6:7.1f} us/message "
              f"({messages / wall:,.0f} msg/s)")
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--messages", type=int, default=20000)
    ap.add_argument("--flush", default="ASYNC_FLUSH", choices=["ASYNC_FLUSH", "SYNC_FLUSH"])
    ap.add_argument("--window", type=int, default=64)
    ap.add_argument("--no-tcp", action="store_true")
    args = ap.parse_args()
    in_process(args.messages, args.flush)
    if not args.no_tcp:
        over_tcp(args.messages, args.window)


if __name__ == "__main__":
    main()
