"""An account's keys as a client holds them (Java ``acl.common.SessionCredentials``; the ext-field
names ``AccessKey``, ``Signature``, ``SecurityToken`` it defines are on the wire)."""
from __future__ import annotations

import os

from rocketmq_ref.common.java_config import parse_properties

CHARSET = "utf-8"
ACCESS_KEY = "AccessKey"
SECRET_KEY = "SecretKey"
SIGNATURE = "Signature"
SECURITY_TOKEN = "SecurityToken"


def key_file() -> str:
    """Java's ``rocketmq.client.keyFile`` system property (here the environment variable
    ``rocketmq_client_keyFile``), else ``~/key``."""
    return os.environ.get("rocketmq_client_keyFile", os.path.join(os.path.expanduser("~"), "key"))


class SessionCredentials:
    __slots__ = ("access_key", "secret_key", "security_token", "signature")

    def __init__(self, access_key: str | None = None, secret_key: str | None = None,
                 security_token: str | None = None) -> None:
        self.access_key = access_key
        self.secret_key = secret_key
        self.security_token = security_token
        self.signature: str | None = None
        if access_key is None and secret_key is None and security_token is None:
            # Java's no-argument constructor: the properties in the key file, when there is one
            try:
                with open(key_file(), encoding=CHARSET) as f:
                    self.update_content(parse_properties(f.read()))
            except OSError:
                pass

    def update_content(self, prop: dict[str, str]) -> None:
        if prop.get(ACCESS_KEY) is not None:
            self.access_key = prop[ACCESS_KEY].strip()
        if prop.get(SECRET_KEY) is not None:
            self.secret_key = prop[SECRET_KEY].strip()
        if prop.get(SECURITY_TOKEN) is not None:
            self.security_token = prop[SECURITY_TOKEN].strip()

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, SessionCredentials) and self.access_key == other.access_key
                and self.secret_key == other.secret_key and self.signature == other.signature)

    def __hash__(self) -> int:
        return hash((self.access_key, self.secret_key, self.signature))

    def __repr__(self) -> str:
        return (f"SessionCredentials [accessKey={self.access_key}, secretKey={self.secret_key}, "
                f"signature={self.signature}, SecurityToken={self.security_token}]")
