"""A server and a client on 127.0.0.1: sync, async, awaitable and oneway invokes, timeouts,
server-to-client requests, concurrency, reconnect."""
from __future__ import annotations

import asyncio
import threading
import time

import pytest

from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.remoting.exception import (RemotingConnectException,
                                             RemotingSendRequestException,
                                             RemotingTimeoutException)
from rocketmq_ref.remoting.protocol import RemotingCommand, SerializeType
from tests.remoting.conftest import ASYNC_ECHO, ECHO, make_server


def test_sync_invoke_returns_the_response_with_the_request_opaque(client, addr):
    req = RemotingCommand(ECHO, ext_fields={"k": "v"}, body=b"hello")
    resp = client.invoke_sync(addr, req, 3000)
    assert resp.code == 0 and resp.body == b"hello" and resp.ext_fields["k"] == "v"
    assert resp.opaque == req.opaque and resp.is_response_type()


def test_async_processor_runs_on_the_loop(client, addr):
    resp = client.invoke_sync(addr, RemotingCommand(ASYNC_ECHO, body=b"x"), 3000)
    assert (resp.code, resp.remark, resp.body) == (0, "async", b"x")


def test_response_uses_the_serialize_type_of_the_request(client, addr):
    req = RemotingCommand(ECHO, body=b"b", ext_fields={"a": "1"}, serialize_type=SerializeType.ROCKETMQ)
    resp = client.invoke_sync(addr, req, 3000)
    assert resp.serialize_type_current_rpc is SerializeType.ROCKETMQ
    assert resp.ext_fields["a"] == "1" and resp.body == b"b"


def test_invoke_async_runs_the_callback_with_the_response(client, addr):
    done = threading.Event()
    got = []

    def callback(rf):
        got.append((rf.response_command, threading.current_thread().name))
        done.set()

    client.invoke_async(addr, RemotingCommand(ECHO, body=b"cb"), 3000, callback)
    assert done.wait(5)
    resp, thread = got[0]
    assert resp.body == b"cb" and "EventLoop" not in thread


def test_awaitable_invoke_from_the_client_loop_and_from_another_loop(client, addr):
    async def on_client_loop():
        return await client.invoke(addr, RemotingCommand(ECHO, body=b"own"), 3000)

    resp = asyncio.run_coroutine_threadsafe(on_client_loop(), client.loop).result(5)
    assert resp.body == b"own"
    resp = asyncio.run(client.invoke(addr, RemotingCommand(ECHO, body=b"other"), 3000))
    assert resp.body == b"other"


def test_invoke_sync_on_the_loop_thread_is_refused(client, addr):
    async def wrong():
        client.invoke_sync(addr, RemotingCommand(ECHO), 1000)

    with pytest.raises(RuntimeError, match="await invoke"):
        asyncio.run_coroutine_threadsafe(wrong(), client.loop).result(5)


def test_oneway_request_is_processed_and_never_answered(server, client, addr, caplog):
    seen = threading.Event()

    class Oneway:
        def process_request(self, ctx, request):
            assert request.is_oneway_rpc()
            seen.set()
            return RemotingCommand.create_response_command(0, "must not be sent")

    server.register_processor(RequestCode.UPDATE_CONSUMER_OFFSET, Oneway())
    client.invoke_oneway(addr, RemotingCommand(RequestCode.UPDATE_CONSUMER_OFFSET), 3000)
    assert seen.wait(5)
    # a sync request afterwards gets its own response; nothing unmatched arrived before it
    assert client.invoke_sync(addr, RemotingCommand(ECHO, body=b"after"), 3000).body == b"after"
    assert "not matched" not in caplog.text
    assert client.response_table == {}


class Slow:
    def __init__(self, seconds):
        self.seconds = seconds

    def process_request(self, ctx, request):
        time.sleep(self.seconds)
        return RemotingCommand.create_response_command(0, None)


class Held:
    """Answers only when released (or after 10 s)."""

    def __init__(self):
        self.release = threading.Event()

    def process_request(self, ctx, request):
        self.release.wait(10)
        return RemotingCommand.create_response_command(0, None)


def test_sync_timeout_raises_without_waiting_for_the_response_and_closes_the_channel(
        server, client, addr):
    held = Held()
    server.register_processor(2003, held)
    try:
        t0 = time.monotonic()
        with pytest.raises(RemotingTimeoutException):
            client.invoke_sync(addr, RemotingCommand(2003), 200)
        assert time.monotonic() - t0 < 5  # the held response never came
        assert client.response_table == {}
        # the channel was closed (clientCloseSocketIfTimeout); the next request reconnects
        assert client.invoke_sync(addr, RemotingCommand(ECHO, body=b"ok"), 3000).body == b"ok"
    finally:
        held.release.set()


def test_async_and_awaitable_timeouts_come_from_the_table_scan(server, addr):
    from rocketmq_ref.remoting.netty.remoting_client import NettyRemotingClient
    server.register_processor(2001, Slow(0.6))
    client = NettyRemotingClient()
    client.scan_interval = 0.05  # Java scans every second; the test need not wait that long
    client.start()
    try:
        done = threading.Event()
        got = []
        client.invoke_async(addr, RemotingCommand(2001), 200, lambda rf: (got.append(rf), done.set()))
        assert done.wait(3)
        assert got[0].response_command is None and isinstance(got[0].cause, RemotingTimeoutException)
        with pytest.raises(RemotingTimeoutException):
            asyncio.run(client.invoke(addr, RemotingCommand(2001), 200))
        assert client.response_table == {}
    finally:
        client.shutdown()


def test_server_sends_requests_to_the_client_over_its_connection(server, client, addr):
    notified = threading.Event()

    class ClientSide:
        def process_request(self, ctx, request):
            if request.code == RequestCode.NOTIFY_CONSUMER_IDS_CHANGED:
                notified.set()
                return None
            resp = RemotingCommand.create_response_command(0, "client says hi")
            resp.body = request.body
            return resp

    client.register_processor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, ClientSide())
    client.register_processor(RequestCode.CHECK_TRANSACTION_STATE, ClientSide())
    results = {}

    class Broker:
        def process_request(self, ctx, request):
            ch = ctx.channel
            results["sync"] = ch.invoke_sync(
                RemotingCommand(RequestCode.CHECK_TRANSACTION_STATE, body=b"check"), 3000)
            ch.invoke_oneway(RemotingCommand(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED), 3000)
            return RemotingCommand.create_response_command(0, None)

    server.register_processor(RequestCode.HEART_BEAT, Broker())
    assert client.invoke_sync(addr, RemotingCommand(RequestCode.HEART_BEAT), 3000).code == 0
    assert results["sync"].remark == "client says hi" and results["sync"].body == b"check"
    assert notified.wait(5)
    # the server can also reach the client through its channel list, asynchronously
    (channel,) = server.channels
    done = threading.Event()
    got = []
    server.invoke_async(channel, RemotingCommand(RequestCode.CHECK_TRANSACTION_STATE, body=b"2"),
                        3000, lambda rf: (got.append(rf.response_command), done.set()))
    assert done.wait(5) and got[0].body == b"2"


def test_a_thousand_concurrent_async_invokes_all_complete_with_their_own_response(client, addr):
    n = 1000
    done = threading.Event()
    lock = threading.Lock()
    results = {}

    def callback(rf):
        with lock:
            results[rf.opaque] = rf.response_command
            if len(results) == n:
                done.set()

    sent = {}
    for i in range(n):
        req = RemotingCommand(ASYNC_ECHO if i % 2 else ECHO, body=str(i).encode())
        sent[req.opaque] = req.body
        client.invoke_async(addr, req, 10000, callback)
    assert done.wait(30)
    assert all(results[op] is not None and results[op].body == body for op, body in sent.items())
    assert client.response_table == {}


def test_client_reconnects_after_the_server_restarts(client):
    server = make_server()
    server.start()
    port = server.local_listen_port()
    addr = f"127.0.0.1:{port}"
    try:
        assert client.invoke_sync(addr, RemotingCommand(ECHO, body=b"1"), 3000).body == b"1"
    finally:
        server.shutdown()
    with pytest.raises((RemotingConnectException, RemotingSendRequestException)):
        client.invoke_sync(addr, RemotingCommand(ECHO, body=b"2"), 1000)
    server = make_server(listen_port=port)
    server.start()
    try:
        assert client.invoke_sync(addr, RemotingCommand(ECHO, body=b"3"), 3000).body == b"3"
    finally:
        server.shutdown()


def test_pending_requests_fail_fast_when_the_connection_closes(server, client, addr):
    class Closer:
        def process_request(self, ctx, request):
            ctx.channel.close()
            return None

    server.register_processor(2002, Closer())
    t0 = time.monotonic()
    with pytest.raises(RemotingSendRequestException, match="closed"):
        client.invoke_sync(addr, RemotingCommand(2002), 5000)
    assert time.monotonic() - t0 < 4


def test_deferred_response_written_later_from_another_thread(server, client, addr):
    class LongPolling:
        async def async_process_request(self, ctx, request):
            def later():
                time.sleep(0.2)
                resp = RemotingCommand.create_response_command(0, "held")
                ctx.write_response(resp)
            threading.Thread(target=later, daemon=True).start()
            return None

    server.register_processor(RequestCode.PULL_MESSAGE, LongPolling())
    resp = client.invoke_sync(addr, RemotingCommand(RequestCode.PULL_MESSAGE), 3000)
    assert resp.remark == "held"


def test_name_server_selection_fails_over_to_a_live_address(server, client, addr):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    dead = f"127.0.0.1:{s.getsockname()[1]}"
    s.close()  # nothing listens there now
    client.update_name_server_address_list([dead, addr])
    for _ in range(3):
        assert client.invoke_sync(None, RemotingCommand(ECHO, body=b"ns"), 3000).body == b"ns"
    assert client.get_chosen_name_server() == addr
    client.update_name_server_address_list([dead])
    assert client.get_chosen_name_server() is None
    with pytest.raises(RemotingConnectException):
        client.invoke_sync(None, RemotingCommand(ECHO), 2000)


def test_concurrent_callers_all_reach_the_live_name_server_when_one_is_dead(server, client, addr):
    """Many requests race to pick a name server while the first pick is dead: each must end on
    the live one (Java serialises the pick with ``lockNamesrvChannel``)."""
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    dead = f"127.0.0.1:{s.getsockname()[1]}"
    s.close()
    for _ in range(5):
        client.channel_tables.pop(addr, None)  # forget the live channel: force a new pick
        client.update_name_server_address_list([dead, addr])
        client.update_name_server_address_list([addr, dead])  # reorder: the pick starts over

        async def many():
            return await asyncio.gather(*(client.invoke(None, RemotingCommand(ECHO, body=b"c"), 3000)
                                          for _ in range(20)), return_exceptions=True)

        results = asyncio.run_coroutine_threadsafe(many(), client.loop).result(10)
        failed = [r for r in results if isinstance(r, BaseException)]
        assert not failed, failed[:1]
        assert client.get_chosen_name_server() == addr


def test_a_second_server_on_a_taken_port_fails_to_start_and_leaves_no_threads(server):
    before = set(threading.enumerate())
    other = make_server(listen_port=server.local_listen_port())
    with pytest.raises(OSError):
        other.start()
    time.sleep(0.1)
    assert [t.name for t in set(threading.enumerate()) - before] == []


def test_shutdown_does_not_wait_for_a_stuck_processor(client):
    server = make_server()
    held = threading.Event()
    entered = threading.Event()

    class Stuck:
        def process_request(self, ctx, request):
            entered.set()
            held.wait(60)

    server.register_processor(5001, Stuck())
    server.shutdown_join_seconds = 0.5
    server.start()
    client.invoke_oneway(f"127.0.0.1:{server.local_listen_port()}", RemotingCommand(5001), 1000)
    try:
        assert entered.wait(5)
        t0 = time.monotonic()
        server.shutdown()
        assert time.monotonic() - t0 < 30  # bounded: it did not wait the 60 s
    finally:
        held.set()


def test_server_and_client_on_a_given_running_loop():
    from rocketmq_ref.remoting.netty.configs import NettyServerConfig
    from rocketmq_ref.remoting.netty.remoting_client import NettyRemotingClient
    from rocketmq_ref.remoting.netty.remoting_server import NettyRemotingServer
    from tests.remoting.conftest import AsyncEcho

    async def main():
        loop = asyncio.get_running_loop()
        server = NettyRemotingServer(NettyServerConfig(listen_port=0, bind_address="127.0.0.1"),
                                     loop=loop)
        server.register_processor(ASYNC_ECHO, AsyncEcho())
        await server.start_async()
        client = NettyRemotingClient(loop=loop)
        client.start()
        client.update_name_server_address_list([f"127.0.0.1:{server.local_listen_port()}"])
        try:
            resp = await client.invoke(None, RemotingCommand(ASYNC_ECHO, body=b"same loop"), 3000)
            # blocking calls from another thread still work while this loop runs
            other = await asyncio.to_thread(client.invoke_sync, None,
                                            RemotingCommand(ASYNC_ECHO, body=b"thread"), 3000)
            return resp.body, other.body, threading.current_thread() is threading.main_thread()
        finally:
            await client.shutdown_async()
            await server.shutdown_async()

    assert asyncio.run(main()) == (b"same loop", b"thread", True)


def test_every_invoke_style_reports_an_unreachable_address(client, caplog):
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    dead = f"127.0.0.1:{s.getsockname()[1]}"
    s.close()
    with pytest.raises(RemotingConnectException):
        client.invoke_sync(dead, RemotingCommand(ECHO), 2000)
    with pytest.raises(RemotingConnectException):
        asyncio.run(client.invoke(dead, RemotingCommand(ECHO), 2000))
    done = threading.Event()
    got = []
    client.invoke_async(dead, RemotingCommand(ECHO), 2000, lambda rf: (got.append(rf), done.set()))
    assert done.wait(5)
    assert got[0].response_command is None and isinstance(got[0].cause, RemotingConnectException)
    assert not got[0].is_send_request_ok()
    client.invoke_oneway(dead, RemotingCommand(ECHO), 2000)
    deadline = time.monotonic() + 5
    while "oneway request" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "dropped" in caplog.text
    assert client.semaphore_async._value == client.config.client_async_semaphore_value
    assert client.semaphore_oneway._value == client.config.client_oneway_semaphore_value
