"""TLS on the remoting layer (Java TlsSystemConfig / TlsHelper / HandshakeHandler): PERMISSIVE serves
TLS and plain clients on one port, ENFORCING closes plain ones, a TLS client against a plain server
fails fast, and a broken handshake costs only its own connection."""
from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time

import pytest

from rocketmq_ref.remoting.exception import RemotingConnectException, RemotingException
from rocketmq_ref.remoting.netty.configs import NettyClientConfig, NettyServerConfig
from rocketmq_ref.remoting.netty.remoting_client import NettyRemotingClient
from rocketmq_ref.remoting.netty.remoting_server import NettyRemotingServer
from rocketmq_ref.remoting.netty.tls_helper import TlsConfigException, build_ssl_context
from rocketmq_ref.remoting.netty.tls_mode import TlsMode
from rocketmq_ref.remoting.netty.tls_system_config import (TlsSystemConfig, broker_client_use_tls,
                                                           tls_enable)
from rocketmq_ref.remoting.protocol import RemotingCommand
from tests.remoting.conftest import ECHO, Echo


def make_cert(directory, name: str = "server") -> tuple[str, str]:
    """A throwaway self-signed certificate for 127.0.0.1 (openssl command)."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    cert, key = str(directory / f"{name}.crt"), str(directory / f"{name}.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return make_cert(tmp_path_factory.mktemp("tls"))


def server_tls(cert, mode: str) -> TlsSystemConfig:
    return TlsSystemConfig.from_properties({
        "tls.server.mode": mode, "tls.test.mode.enable": "false",
        "tls.server.certPath": cert[0], "tls.server.keyPath": cert[1],
        "tls.config.file": "/nonexistent/tls.properties"})


def start_server(tls: TlsSystemConfig | None) -> NettyRemotingServer:
    server = NettyRemotingServer(NettyServerConfig(listen_port=0, bind_address="127.0.0.1"),
                                 tls_config=tls or TlsSystemConfig.from_properties({}))
    server.register_processor(ECHO, Echo())
    server.start()
    return server


def start_client(use_tls: bool, tls: TlsSystemConfig | None = None) -> NettyRemotingClient:
    tls = tls or TlsSystemConfig.from_properties({"tls.test.mode.enable": "false",
                                                  "tls.config.file": "/nonexistent"})
    client = NettyRemotingClient(NettyClientConfig(connect_timeout_millis=2000, use_tls=use_tls),
                                 tls_config=tls)
    client.start()
    return client


@pytest.fixture
def cleanup():
    started = []
    yield started.append
    for x in reversed(started):
        x.shutdown()


def echo(client, addr, body=b"hello") -> bytes:
    return client.invoke_sync(addr, RemotingCommand(ECHO, body=body), 3000).body


def is_tls(client, addr) -> bool:
    return client.channel_tables[addr].transport.get_extra_info("ssl_object") is not None


# ------------------------------------------------------------------ settings
def test_settings_come_from_java_keys_or_shell_names_and_the_config_file(tmp_path):
    assert TlsMode.parse("ENFORCING") is TlsMode.ENFORCING
    assert TlsMode.parse("bogus") is TlsMode.PERMISSIVE  # Java's parse default
    none = TlsSystemConfig.from_properties({"tls.config.file": str(tmp_path / "missing")})
    assert not none.configured and none.tls_mode is TlsMode.PERMISSIVE and none.tls_test_mode_enable
    f = tmp_path / "tls.properties"
    f.write_text("tls.test.mode.enable=false\ntls.client.authServer=true\n"
                 "tls.client.trustCertPath=/x/ca.pem\ntls.server.mode=disabled\n")
    cfg = TlsSystemConfig.from_properties({"TLS_SERVER_MODE": "enforcing", "tls.config.file": str(f)})
    assert cfg.configured and cfg.tls_mode is TlsMode.ENFORCING  # the file never sets the mode
    assert cfg.tls_test_mode_enable is False and cfg.tls_client_auth_server is True
    assert cfg.tls_client_trust_cert_path == "/x/ca.pem"
    assert tls_enable({"tls.enable": "true"}) and not tls_enable({})
    assert broker_client_use_tls({"tls.server.mode": "enforcing"})
    assert not broker_client_use_tls({"tls.server.mode": "enforcing", "tls.enable": "false"})


def test_server_without_tls_settings_listens_plain_as_before(cleanup):
    server = start_server(None)
    cleanup(server)
    assert server.ssl_context is None
    client = start_client(False)
    cleanup(client)
    addr = f"127.0.0.1:{server.local_listen_port()}"
    assert echo(client, addr) == b"hello" and not is_tls(client, addr)


def test_missing_server_certificate_is_a_clear_error():
    cfg = TlsSystemConfig.from_properties({"tls.test.mode.enable": "false",
                                           "tls.config.file": "/nonexistent"})
    with pytest.raises(TlsConfigException, match="tls.server.certPath"):
        build_ssl_context(False, cfg)
    cfg.tls_server_cert_path = "/nonexistent/cert.pem"
    with pytest.raises(TlsConfigException, match="cannot load the server certificate"):
        build_ssl_context(False, cfg)


# ------------------------------------------------------------------ modes
def test_permissive_server_answers_tls_and_plain_clients_on_one_port(cert, cleanup):
    server = start_server(server_tls(cert, "permissive"))
    cleanup(server)
    addr = f"127.0.0.1:{server.local_listen_port()}"
    tls_client, plain_client = start_client(True), start_client(False)
    cleanup(tls_client)
    cleanup(plain_client)
    assert echo(tls_client, addr, b"over tls") == b"over tls"
    assert echo(plain_client, addr, b"in clear") == b"in clear"
    big = bytes(range(256)) * 4096  # 1 MiB across many TLS records
    assert echo(tls_client, addr, big) == big
    assert is_tls(tls_client, addr) and not is_tls(plain_client, addr)


def test_enforcing_server_closes_plain_clients_and_serves_tls_ones(cert, cleanup, caplog):
    server = start_server(server_tls(cert, "enforcing"))
    cleanup(server)
    addr = f"127.0.0.1:{server.local_listen_port()}"
    plain_client = start_client(False)
    cleanup(plain_client)
    with caplog.at_level(logging.WARNING, logger="rocketmq_ref.remoting"):
        with pytest.raises(RemotingException):
            echo(plain_client, addr)
        deadline = time.monotonic() + 5
        while "insecure connection" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.02)
    assert "running in SSL enforcing mode" in caplog.text
    tls_client = start_client(True)
    cleanup(tls_client)
    assert echo(tls_client, addr) == b"hello" and is_tls(tls_client, addr)


def test_tls_client_against_plain_server_fails_fast_with_connect_error(cleanup):
    server = start_server(TlsSystemConfig.from_properties({"tls.server.mode": "disabled"}))
    cleanup(server)
    assert server.ssl_context is None
    client = start_client(True)
    cleanup(client)
    addr = f"127.0.0.1:{server.local_listen_port()}"
    with pytest.raises(RemotingConnectException, match="TLS handshake failed"):
        echo(client, addr)


def test_client_that_authenticates_the_server_accepts_only_the_trusted_certificate(
        cert, tmp_path, cleanup):
    server = start_server(server_tls(cert, "enforcing"))
    cleanup(server)
    addr = f"127.0.0.1:{server.local_listen_port()}"
    trusting = TlsSystemConfig.from_properties({
        "tls.test.mode.enable": "false", "tls.client.authServer": "true",
        "tls.client.trustCertPath": cert[0], "tls.config.file": "/nonexistent"})
    client = start_client(True, trusting)
    cleanup(client)
    assert echo(client, addr) == b"hello"
    other_cert, _ = make_cert(tmp_path, "other")
    wary = TlsSystemConfig.from_properties({
        "tls.test.mode.enable": "false", "tls.client.authServer": "true",
        "tls.client.trustCertPath": other_cert, "tls.config.file": "/nonexistent"})
    client2 = start_client(True, wary)
    cleanup(client2)
    with pytest.raises(RemotingConnectException, match="CERTIFICATE_VERIFY_FAILED"):
        echo(client2, addr)


def test_garbage_client_hello_closes_only_that_connection(cert, cleanup, caplog):
    server = start_server(server_tls(cert, "permissive"))
    cleanup(server)
    port = server.local_listen_port()
    addr = f"127.0.0.1:{port}"
    with caplog.at_level(logging.WARNING, logger="rocketmq_ref.remoting"):
        for junk in (b"\x16\x03\x01\x00\x05hello" + bytes(200), b"\x16"):
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                s.sendall(junk)
                if junk == b"\x16":
                    s.shutdown(socket.SHUT_WR)  # a handshake cut off after one byte
                s.settimeout(5)
                try:
                    while s.recv(4096):
                        pass
                except ConnectionResetError:
                    pass  # closed: what we wanted
        tls_client, plain_client = start_client(True), start_client(False)
        cleanup(tls_client)
        cleanup(plain_client)
        assert echo(tls_client, addr) == b"hello" and echo(plain_client, addr) == b"hello"
    assert "TLS handshake with" in caplog.text


def test_test_mode_server_makes_its_own_self_signed_certificate(cleanup):
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed for tls.test.mode.enable")
    server = start_server(TlsSystemConfig.from_properties({"tls.test.mode.enable": "true",
                                                           "tls.config.file": "/nonexistent"}))
    cleanup(server)
    addr = f"127.0.0.1:{server.local_listen_port()}"
    client = start_client(True)
    cleanup(client)
    assert echo(client, addr) == b"hello" and is_tls(client, addr)
