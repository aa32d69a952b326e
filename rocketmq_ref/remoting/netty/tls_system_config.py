"""``TlsSystemConfig``: the ``tls.*`` settings (Java ``remoting/netty/TlsSystemConfig``; book A4.3.1).

Java reads them from system properties into static fields; we read the same names from the
environment (``tls.server.mode``, or the shell-friendly ``TLS_SERVER_MODE``) into one object that
the server and the client are given, then the ``tls.config.file`` properties file as
``TlsHelper.extractTlsConfigFromFile`` does (it overrides everything but the mode and tls.enable).

One deliberate difference: Java's defaults (PERMISSIVE, test mode on) make every server accept TLS
with a throwaway self-signed certificate.  Here a server only takes TLS when some ``tls.*`` setting
was given (``configured``); a server started with none listens exactly as before, plain only, with
no per-connection peek.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Mapping

from rocketmq_ref.common.java_config import ConfigError, load_properties_file
from rocketmq_ref.remoting.netty.tls_mode import TlsMode

log = logging.getLogger("rocketmq_ref.remoting")

TLS_SERVER_MODE = "tls.server.mode"
TLS_ENABLE = "tls.enable"
TLS_CONFIG_FILE = "tls.config.file"
TLS_TEST_MODE_ENABLE = "tls.test.mode.enable"
TLS_SERVER_NEED_CLIENT_AUTH = "tls.server.need.client.auth"
TLS_SERVER_KEYPATH = "tls.server.keyPath"
TLS_SERVER_KEYPASSWORD = "tls.server.keyPassword"
TLS_SERVER_CERTPATH = "tls.server.certPath"
TLS_SERVER_AUTHCLIENT = "tls.server.authClient"
TLS_SERVER_TRUSTCERTPATH = "tls.server.trustCertPath"
TLS_CLIENT_KEYPATH = "tls.client.keyPath"
TLS_CLIENT_KEYPASSWORD = "tls.client.keyPassword"
TLS_CLIENT_CERTPATH = "tls.client.certPath"
TLS_CLIENT_AUTHSERVER = "tls.client.authServer"
TLS_CLIENT_TRUSTCERTPATH = "tls.client.trustCertPath"
DEFAULT_TLS_CONFIG_FILE = "/etc/rocketmq/tls.properties"

# field name -> Java key, for the keys the config file may set (Java extractTlsConfigFromFile)
_FILE_KEYS = {
    "tls_test_mode_enable": TLS_TEST_MODE_ENABLE,
    "tls_server_need_client_auth": TLS_SERVER_NEED_CLIENT_AUTH,
    "tls_server_key_path": TLS_SERVER_KEYPATH,
    "tls_server_key_password": TLS_SERVER_KEYPASSWORD,
    "tls_server_cert_path": TLS_SERVER_CERTPATH,
    "tls_server_auth_client": TLS_SERVER_AUTHCLIENT,
    "tls_server_trust_cert_path": TLS_SERVER_TRUSTCERTPATH,
    "tls_client_key_path": TLS_CLIENT_KEYPATH,
    "tls_client_key_password": TLS_CLIENT_KEYPASSWORD,
    "tls_client_cert_path": TLS_CLIENT_CERTPATH,
    "tls_client_auth_server": TLS_CLIENT_AUTHSERVER,
    "tls_client_trust_cert_path": TLS_CLIENT_TRUSTCERTPATH,
}
_ENV_KEYS = {"tls_mode": TLS_SERVER_MODE, "tls_enable": TLS_ENABLE,
             "tls_config_file": TLS_CONFIG_FILE, **_FILE_KEYS}


def _env_get(env: Mapping[str, str], key: str) -> str | None:
    value = env.get(key)
    if value is None:
        value = env.get(key.replace(".", "_").upper())
    return value


def _parse_bool(text: str) -> bool:
    return text.strip().lower() == "true"  # Java Boolean.parseBoolean


@dataclass
class TlsSystemConfig:
    """The TLS settings, with Java's defaults."""

    tls_mode: TlsMode = TlsMode.PERMISSIVE
    tls_enable: bool = False
    tls_config_file: str = DEFAULT_TLS_CONFIG_FILE
    tls_test_mode_enable: bool = True
    tls_server_need_client_auth: str = "none"
    tls_server_key_path: str | None = None
    tls_server_key_password: str | None = None
    tls_server_cert_path: str | None = None
    tls_server_auth_client: bool = False
    tls_server_trust_cert_path: str | None = None
    tls_client_key_path: str | None = None
    tls_client_key_password: str | None = None
    tls_client_cert_path: str | None = None
    tls_client_auth_server: bool = False
    tls_client_trust_cert_path: str | None = None
    #: a server-side tls.* setting was given (environment, or a config file that was read):
    #: only then may a server take TLS
    configured: bool = False

    @classmethod
    def from_properties(cls, props: Mapping[str, str]) -> "TlsSystemConfig":
        """Settings from ``tls.*`` keys (exact Java names or ``TLS_SERVER_MODE``-style), then the
        config file they name."""
        cfg = cls()
        for name, key in _ENV_KEYS.items():
            value = _env_get(props, key)
            if value is None:
                continue
            if name not in ("tls_enable", "tls_config_file"):  # client-only / just a file name
                cfg.configured = True
            if name == "tls_mode":
                cfg.tls_mode = TlsMode.parse(value)
            elif isinstance(getattr(cfg, name), bool):
                setattr(cfg, name, _parse_bool(value))
            else:
                setattr(cfg, name, value)
        cfg.extract_tls_config_from_file()
        return cfg

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "TlsSystemConfig":
        """Java's static initialisers: the settings of this process (``os.environ``)."""
        return cls.from_properties(os.environ if env is None else env)

    def extract_tls_config_from_file(self) -> None:
        """Java ``TlsHelper.extractTlsConfigFromFile``: a readable ``tls.config.file`` overrides
        the test mode, key, certificate and trust settings; a missing one is skipped."""
        path = self.tls_config_file
        if not (path and os.path.isfile(path) and os.access(path, os.R_OK)):
            log.debug("Tls config file doesn't exist, skip it")
            return
        try:
            props = load_properties_file(path)
        except ConfigError as e:  # Java ignores an unreadable file
            log.warning("Tls config file %s not loaded: %s", path, e)
            return
        self.configured = True
        for name, key in _FILE_KEYS.items():
            value = props.get(key)
            if value is None:
                continue
            current = getattr(self, name)
            setattr(self, name, _parse_bool(value) if isinstance(current, bool) else value)

    def log_the_final_used_tls_config(self) -> None:
        """Java ``logTheFinalUsedTlsConfig`` (passwords are not logged)."""
        log.info("Log the final used tls related configuration")
        for name, key in _FILE_KEYS.items():
            value = getattr(self, name)
            if "password" in name and value:
                value = "******"
            log.info("%s = %s", key, value)


def tls_enable(env: Mapping[str, str] | None = None) -> bool:
    """Java ``TlsSystemConfig.tlsEnable``: the ``tls.enable`` setting, ClientConfig's ``useTLS``
    default."""
    value = _env_get(os.environ if env is None else env, TLS_ENABLE)
    return value is not None and _parse_bool(value)


def broker_client_use_tls(env: Mapping[str, str] | None = None) -> bool:
    """Java ``BrokerStartup``: the broker's own client (to name servers) uses TLS when
    ``tls.enable`` says so, by default when the server mode is ENFORCING."""
    env = os.environ if env is None else env
    value = _env_get(env, TLS_ENABLE)
    if value is not None:
        return _parse_bool(value)
    return TlsMode.parse(_env_get(env, TLS_SERVER_MODE) or "permissive") is TlsMode.ENFORCING
