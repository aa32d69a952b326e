"""The one exception of the ACL module (Java ``acl.common.AclException``): a request refused, a bad
``plain_acl.yml`` entry or a failed signature.  On the broker it leaves the RPC hook and the request
is answered SYSTEM_ERROR with the exception's simple description, as in Java 4.9.8."""
from __future__ import annotations


class AclException(RuntimeError):
    def __init__(self, message: str = "", status: str | None = None, code: int = 0) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
