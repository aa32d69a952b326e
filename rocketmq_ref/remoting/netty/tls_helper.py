"""``TlsHelper``: builds the ``ssl.SSLContext`` of a server or a client from ``TlsSystemConfig``
(Java ``remoting/netty/TlsHelper#buildSslContext``; book A4.3.1, A13.4.3).

As Java: in test mode a server uses a throwaway self-signed certificate (made here with the
``openssl`` command, once per process) and a client trusts any server; otherwise the configured key
and certificate are loaded, a client checks the server's certificate chain only when
``tls.client.authServer`` (never the host name: Netty's client does not either), and a server asks
for client certificates as ``tls.server.need.client.auth`` says (none / optional / require).
"""
from __future__ import annotations

import atexit
import functools
import logging
import os
import shutil
import ssl
import subprocess
import tempfile

from rocketmq_ref.remoting.netty.tls_system_config import TlsSystemConfig

log = logging.getLogger("rocketmq_ref.remoting")


class TlsConfigException(Exception):
    """The TLS settings cannot make an SSL context (missing file, bad key, no openssl)."""


_CLIENT_AUTH = {"none": ssl.CERT_NONE, "optional": ssl.CERT_OPTIONAL, "require": ssl.CERT_REQUIRED}


def parse_client_auth_mode(auth_mode: str | None) -> ssl.VerifyMode:
    """Java ``parseClientAuthMode``: NONE / OPTIONAL / REQUIRE, anything else NONE."""
    return _CLIENT_AUTH.get((auth_mode or "").strip().lower(), ssl.CERT_NONE)


@functools.lru_cache(maxsize=1)
def self_signed_certificate() -> tuple[str, str]:
    """Java ``SelfSignedCertificate``: (cert path, key path) of a throwaway RSA certificate for
    ``localhost``, made once per process in a temp dir removed at exit."""
    openssl = shutil.which("openssl")
    if openssl is None:
        raise TlsConfigException("tls.test.mode.enable needs the openssl command to make a "
                                 "self-signed certificate; install it or configure tls.server.certPath")
    tmp = tempfile.mkdtemp(prefix="rocketmq-tls-")
    atexit.register(shutil.rmtree, tmp, True)
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    done = subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "365",
                           "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
                          capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise TlsConfigException(f"openssl could not make a self-signed certificate: {done.stderr.strip()}")
    return cert, key


def _load_key(ctx: ssl.SSLContext, cert: str | None, key: str | None, password: str | None,
              side: str) -> None:
    if not cert and not key:
        return
    try:
        ctx.load_cert_chain(cert or key, key or None, password or None)  # type: ignore[arg-type]
    except (OSError, ssl.SSLError) as e:
        raise TlsConfigException(f"cannot load the {side} certificate {cert} / key {key}: {e}") from e


def _load_trust(ctx: ssl.SSLContext, trust: str | None, side: str) -> None:
    if not trust:
        ctx.load_default_certs(ssl.Purpose.SERVER_AUTH if side == "client" else ssl.Purpose.CLIENT_AUTH)
        return
    try:
        ctx.load_verify_locations(cafile=trust)
    except (OSError, ssl.SSLError) as e:
        raise TlsConfigException(f"cannot load the {side} trust certificates {trust}: {e}") from e


def build_ssl_context(for_client: bool, cfg: TlsSystemConfig) -> ssl.SSLContext:
    """Java ``buildSslContext(forClient)``; raises ``TlsConfigException`` with the reason."""
    cfg.log_the_final_used_tls_config()
    if for_client:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        if cfg.tls_test_mode_enable or not cfg.tls_client_auth_server:
            ctx.verify_mode = ssl.CERT_NONE  # Java's InsecureTrustManagerFactory
        else:
            ctx.verify_mode = ssl.CERT_REQUIRED
            _load_trust(ctx, cfg.tls_client_trust_cert_path, "client")
        if not cfg.tls_test_mode_enable:
            _load_key(ctx, cfg.tls_client_cert_path, cfg.tls_client_key_path,
                      cfg.tls_client_key_password, "client")
        return ctx
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if cfg.tls_test_mode_enable:
        cert, key = self_signed_certificate()
        _load_key(ctx, cert, key, None, "server")
        return ctx  # Java asks for client certificates OPTIONAL but trusts none: no check
    if not cfg.tls_server_cert_path:
        raise TlsConfigException("tls.server.certPath is not set (and tls.test.mode.enable is false)")
    _load_key(ctx, cfg.tls_server_cert_path, cfg.tls_server_key_path,
              cfg.tls_server_key_password, "server")
    mode = parse_client_auth_mode(cfg.tls_server_need_client_auth)
    if mode != ssl.CERT_NONE:
        if cfg.tls_server_auth_client or cfg.tls_server_trust_cert_path:
            _load_trust(ctx, cfg.tls_server_trust_cert_path, "server")
            ctx.verify_mode = mode
        else:
            # Java trusts any client certificate here; Python's ssl cannot, so none is asked for
            log.warning("tls.server.need.client.auth=%s without tls.server.authClient or "
                        "tls.server.trustCertPath: client certificates are not requested",
                        cfg.tls_server_need_client_auth)
    return ctx
