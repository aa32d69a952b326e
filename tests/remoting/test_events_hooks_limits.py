"""Channel events and idle close, RPC hooks on both sides, in-flight limits, busy answers."""
from __future__ import annotations

import threading
import time

import pytest

from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.remoting.channel_event_listener import ChannelEventListener
from rocketmq_ref.remoting.exception import RemotingTooMuchRequestException
from rocketmq_ref.remoting.netty.bounded_executor import BoundedThreadPoolExecutor
from rocketmq_ref.remoting.netty.configs import NettyClientConfig, NettyServerConfig
from rocketmq_ref.remoting.netty.remoting_client import NettyRemotingClient
from rocketmq_ref.remoting.netty.remoting_server import NettyRemotingServer
from rocketmq_ref.remoting.protocol import RemotingCommand
from rocketmq_ref.remoting.rpc_hook import RPCHook
from tests.remoting.conftest import ECHO, Echo


class Recorder(ChannelEventListener):
    def __init__(self):
        self.events = []
        self.cond = threading.Condition()

    def _add(self, kind, addr):
        with self.cond:
            self.events.append((kind, addr, threading.current_thread().name))
            self.cond.notify_all()

    def on_channel_connect(self, remote_addr, channel):
        self._add("connect", remote_addr)

    def on_channel_close(self, remote_addr, channel):
        self._add("close", remote_addr)

    def on_channel_idle(self, remote_addr, channel):
        self._add("idle", remote_addr)

    def on_channel_exception(self, remote_addr, channel):
        self._add("exception", remote_addr)

    def wait_for(self, kinds, timeout=5.0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while [e[0] for e in self.events] != kinds:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.cond.wait(left)
        return True


def test_listener_hears_connect_idle_and_close_off_the_loop_and_idle_channels_are_closed():
    listener = Recorder()
    server = NettyRemotingServer(NettyServerConfig(listen_port=0, bind_address="127.0.0.1",
                                                   server_channel_max_idle_time_seconds=1.0),
                                 listener)
    server.register_processor(ECHO, Echo())
    server.start()
    client = NettyRemotingClient()
    client.start()
    addr = f"127.0.0.1:{server.local_listen_port()}"
    try:
        client.invoke_sync(addr, RemotingCommand(ECHO), 3000)
        local = client.channel_tables[addr].local_addr
        assert listener.wait_for(["connect", "idle", "close"])
        assert {e[1] for e in listener.events} == {local}
        assert all("EventLoop" not in e[2] for e in listener.events)
        deadline = time.monotonic() + 5
        while addr in client.channel_tables and time.monotonic() < deadline:
            time.sleep(0.02)
        assert addr not in client.channel_tables
        assert client.invoke_sync(addr, RemotingCommand(ECHO, body=b"again"), 3000).body == b"again"
    finally:
        client.shutdown()
        server.shutdown()


class Hook(RPCHook):
    def __init__(self, fail_before=False):
        self.calls = []
        self.fail_before = fail_before

    def do_before_request(self, remote_addr, request):
        self.calls.append(("before", request.code))
        if self.fail_before:
            raise PermissionError("no ACL for you")
        request.add_ext_field("AccessKey", "rocketmq2")

    def do_after_response(self, remote_addr, request, response):
        self.calls.append(("after", response.code if response is not None else None))


def test_rpc_hooks_run_before_and_after_on_both_sides(server, client, addr):
    server_hook, client_hook = Hook(), Hook()
    server.register_rpc_hook(server_hook)
    client.register_rpc_hook(client_hook)
    resp = client.invoke_sync(addr, RemotingCommand(ECHO), 3000)
    assert resp.ext_fields["AccessKey"] == "rocketmq2"  # the client hook signed it, echo shows it
    assert client_hook.calls == [("before", ECHO), ("after", 0)]
    assert server_hook.calls == [("before", ECHO), ("after", 0)]
    done = threading.Event()
    client.invoke_async(addr, RemotingCommand(ECHO), 3000, lambda rf: done.set())
    assert done.wait(5)
    deadline = time.monotonic() + 2
    while len(client_hook.calls) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert client_hook.calls[2:] == [("before", ECHO), ("after", 0)]


def test_server_hook_that_refuses_gives_system_error(server, client, addr):
    server.register_rpc_hook(Hook(fail_before=True))
    resp = client.invoke_sync(addr, RemotingCommand(ECHO), 3000)
    assert resp.code == ResponseCode.SYSTEM_ERROR and "no ACL for you" in resp.remark


class Gate:
    def __init__(self):
        self.release = threading.Event()

    def process_request(self, ctx, request):
        self.release.wait(5)
        return RemotingCommand.create_response_command(0, None)


def test_async_in_flight_limit_raises_too_much_request(server):
    gate = Gate()
    server.register_processor(4001, gate, BoundedThreadPoolExecutor(4, 100, "gate"))
    client = NettyRemotingClient(NettyClientConfig(client_async_semaphore_value=2))
    client.start()
    addr = f"127.0.0.1:{server.local_listen_port()}"
    done = []
    try:
        for _ in range(2):
            client.invoke_async(addr, RemotingCommand(4001), 5000, done.append)
        t0 = time.monotonic()
        with pytest.raises(RemotingTooMuchRequestException, match="async"):
            client.invoke_async(addr, RemotingCommand(4001), 100, done.append)
        assert time.monotonic() - t0 >= 0.09  # waited for a permit up to its timeout
        gate.release.set()
        deadline = time.monotonic() + 5
        while len(done) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(done) == 2
        client.invoke_async(addr, RemotingCommand(ECHO), 3000, done.append)  # permits came back
    finally:
        gate.release.set()
        client.shutdown()


def test_oneway_in_flight_limit_raises_too_much_request(server, addr):
    client = NettyRemotingClient(NettyClientConfig(client_oneway_semaphore_value=1))
    client.start()
    try:
        client.semaphore_oneway.acquire()  # the one permit is taken by a write in flight
        with pytest.raises(RemotingTooMuchRequestException, match="oneway"):
            client.invoke_oneway(addr, RemotingCommand(ECHO), 50)
        client.semaphore_oneway.release()
        client.invoke_oneway(addr, RemotingCommand(ECHO), 50)
    finally:
        client.shutdown()


def test_reject_request_and_a_full_executor_answer_system_busy(server, client, addr):
    class Rejecting(Echo):
        def reject_request(self):
            return True

    server.register_processor(4002, Rejecting())
    resp = client.invoke_sync(addr, RemotingCommand(4002), 3000)
    assert resp.code == ResponseCode.SYSTEM_BUSY and resp.remark.startswith("[REJECTREQUEST]")

    gate = Gate()
    server.register_processor(4003, gate, BoundedThreadPoolExecutor(1, 1, "tiny"))
    got = []
    lock = threading.Lock()

    def collect(rf):
        with lock:
            got.append(rf.response_command)

    for _ in range(4):
        client.invoke_async(addr, RemotingCommand(4003), 5000, collect)
    deadline = time.monotonic() + 5
    while len(got) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    gate.release.set()
    while len(got) < 4 and time.monotonic() < deadline:
        time.sleep(0.01)
    codes = sorted(r.code for r in got)
    assert codes == [0, 0, ResponseCode.SYSTEM_BUSY, ResponseCode.SYSTEM_BUSY]
    assert all(r.remark.startswith("[OVERLOAD]") for r in got if r.code)
