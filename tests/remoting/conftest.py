"""A server and a client on 127.0.0.1 (free port) for the remoting tests."""
from __future__ import annotations

import pytest

from rocketmq_ref.remoting.netty.configs import NettyClientConfig, NettyServerConfig
from rocketmq_ref.remoting.netty.remoting_client import NettyRemotingClient
from rocketmq_ref.remoting.netty.remoting_server import NettyRemotingServer
from rocketmq_ref.remoting.protocol import RemotingCommand


class Echo:
    """Blocking processor: answers SUCCESS with the request's body and ext fields."""

    def process_request(self, ctx, request):
        resp = RemotingCommand.create_response_command(0, None)
        resp.body = request.body
        resp.ext_fields = dict(request.ext_fields or {})
        return resp


class AsyncEcho:
    async def async_process_request(self, ctx, request):
        resp = RemotingCommand.create_response_command(0, "async")
        resp.body = request.body
        return resp


ECHO, ASYNC_ECHO = 1001, 1002


def make_server(**config) -> NettyRemotingServer:
    config.setdefault("listen_port", 0)
    config.setdefault("bind_address", "127.0.0.1")
    server = NettyRemotingServer(NettyServerConfig(**config))
    server.register_processor(ECHO, Echo())
    server.register_processor(ASYNC_ECHO, AsyncEcho())
    return server


@pytest.fixture
def server():
    s = make_server()
    s.start()
    yield s
    s.shutdown()


@pytest.fixture
def client():
    c = NettyRemotingClient(NettyClientConfig(connect_timeout_millis=1000))
    c.start()
    yield c
    c.shutdown()


@pytest.fixture
def addr(server):
    return f"127.0.0.1:{server.local_listen_port()}"
