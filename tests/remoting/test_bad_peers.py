"""Bad peers: unknown codes, failing processors, malformed frames, slow and dead peers.  The server
answers or drops only the offending connection and keeps serving everybody else."""
from __future__ import annotations

import logging
import socket
import struct
import time

import pytest

from rocketmq_ref.common.protocol.header import GetMaxOffsetRequestHeader
from rocketmq_ref.common.protocol.request_code import RequestCode
from rocketmq_ref.common.protocol.response_code import ResponseCode
from rocketmq_ref.remoting.protocol import RemotingCommand
from tests.remoting.conftest import ECHO, make_server


def _wait_closed(sock: socket.socket, timeout: float = 5.0) -> bool:
    sock.settimeout(timeout)
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def _still_serving(client, addr) -> None:
    assert client.invoke_sync(addr, RemotingCommand(ECHO, body=b"alive"), 3000).body == b"alive"


def test_unknown_request_code_gets_not_supported_and_the_connection_stays(client, addr):
    _still_serving(client, addr)
    channel = client.channel_tables[addr]
    resp = client.invoke_sync(addr, RemotingCommand(4242), 3000)
    assert resp.code == ResponseCode.REQUEST_CODE_NOT_SUPPORTED
    assert resp.remark == " request type 4242 not supported"
    _still_serving(client, addr)
    assert client.channel_tables[addr] is channel


def test_processor_that_raises_gets_system_error_with_the_reason(server, client, addr):
    class Boom:
        def process_request(self, ctx, request):
            raise ValueError("boom in the processor")

    class AsyncBoom:
        async def async_process_request(self, ctx, request):
            raise KeyError("async boom")

    server.register_processor(3001, Boom())
    server.register_processor(3002, AsyncBoom())
    _still_serving(client, addr)
    channel = client.channel_tables[addr]
    resp = client.invoke_sync(addr, RemotingCommand(3001), 3000)
    assert resp.code == ResponseCode.SYSTEM_ERROR and "ValueError: boom in the processor" in resp.remark
    resp = client.invoke_sync(addr, RemotingCommand(3002), 3000)
    assert resp.code == ResponseCode.SYSTEM_ERROR and "async boom" in resp.remark
    _still_serving(client, addr)
    assert client.channel_tables[addr] is channel


def test_missing_required_header_field_gets_system_error_naming_it(server, client, addr):
    class MaxOffset:
        def process_request(self, ctx, request):
            h = request.decode_command_custom_header(GetMaxOffsetRequestHeader)
            return RemotingCommand.create_response_command(0, h.topic)

    server.register_processor(RequestCode.GET_MAX_OFFSET, MaxOffset())
    resp = client.invoke_sync(addr, RemotingCommand(RequestCode.GET_MAX_OFFSET,
                                                    ext_fields={"topic": "t"}), 3000)
    assert resp.code == ResponseCode.SYSTEM_ERROR and "<queueId> is null" in resp.remark


@pytest.mark.parametrize("garbage", [
    b"\x7f\xff\xff\xff",                                        # 2 GiB frame announced
    struct.pack(">ii", 12, 50) + b"\x00" * 8,                   # header longer than the frame
    struct.pack(">ii", 6, (9 << 24) | 2) + b"{}",               # unknown serialize type
    struct.pack(">ii", 9, 5) + b"nope!",                        # header is not JSON
    b"\xff\xff\xff\xfe",                                        # negative length
])
def test_malformed_frame_closes_only_that_connection_logged_once(server, client, addr, caplog,
                                                                 garbage):
    _still_serving(client, addr)
    caplog.set_level(logging.WARNING)
    with socket.create_connection(("127.0.0.1", server.local_listen_port())) as bad:
        good_request = RemotingCommand(ECHO, body=b"before").encode()
        bad.sendall(good_request + garbage + b"more garbage after the bad frame" * 10)
        assert _wait_closed(bad)
    assert len([r for r in caplog.records if "malformed frame" in r.getMessage()]) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no asyncio tracebacks
    _still_serving(client, addr)


def test_a_silent_half_frame_peer_does_not_block_others(server, client, addr):
    with socket.create_connection(("127.0.0.1", server.local_listen_port())) as slow:
        slow.sendall(struct.pack(">ii", 1000, 20) + b"{")  # and then nothing
        for _ in range(20):
            _still_serving(client, addr)


def test_a_peer_that_never_reads_is_cut_off_and_others_are_served():
    server = make_server(write_buffer_high_water_mark=256 * 1024)

    class Big:
        def process_request(self, ctx, request):
            resp = RemotingCommand.create_response_command(0, None)
            resp.body = b"z" * 65536
            return resp

    server.register_processor(3003, Big())
    server.start()
    from rocketmq_ref.remoting.netty.remoting_client import NettyRemotingClient
    client = NettyRemotingClient()
    client.start()
    addr = f"127.0.0.1:{server.local_listen_port()}"
    try:
        dead = socket.socket()
        dead.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        dead.connect(("127.0.0.1", server.local_listen_port()))
        request = RemotingCommand(3003).encode()
        dead.settimeout(5)
        closed = False
        for _ in range(400):  # 400 x 64 KiB of responses that nobody reads
            try:
                dead.sendall(request)
            except (ConnectionResetError, BrokenPipeError):
                closed = True
                break
        _still_serving(client, addr)
        deadline = time.monotonic() + 5
        while not closed and time.monotonic() < deadline and len(server.channels) > 1:
            time.sleep(0.05)
        assert closed or len(server.channels) == 1
        dead.close()
        _still_serving(client, addr)
    finally:
        client.shutdown()
        server.shutdown()
