"""HmacSHA1 over the request content, Base64 (Java ``acl.common.AclSigner`` and
``SigningAlgorithm``; the signature both sides compute)."""
from __future__ import annotations

import base64
import hashlib
import hmac

from rocketmq_ref.acl.common.acl_exception import AclException

DEFAULT_CHARSET = "utf-8"
CAL_SIGNATURE_FAILED = 10015
CAL_SIGNATURE_FAILED_MSG = "[%s:signature-failed] unable to calculate a request signature. error=%s"

_ALGORITHMS = {"HmacSHA1": hashlib.sha1, "HmacSHA256": hashlib.sha256, "HmacMD5": hashlib.md5}


def cal_signature(data: bytes | str, key: str, algorithm: str = "HmacSHA1", more: bytes | None = None) -> str:
    """Java ``calSignature``: ``Base64(HMAC(key, data))``; a string is signed as its UTF-8 bytes.
    ``more`` is signed after ``data`` without joining them first (a request body is not copied)."""
    try:
        if isinstance(data, str):
            data = data.encode(DEFAULT_CHARSET)
        if more:
            mac = hmac.new(key.encode(DEFAULT_CHARSET), data, _ALGORITHMS[algorithm])
            mac.update(more)
            digest = mac.digest()
        else:
            digest = hmac.digest(key.encode(DEFAULT_CHARSET), data, _ALGORITHMS[algorithm])
    except (KeyError, AttributeError, TypeError) as e:
        raise AclException(CAL_SIGNATURE_FAILED_MSG % (CAL_SIGNATURE_FAILED, e), "CAL_SIGNATURE_FAILED",
                           CAL_SIGNATURE_FAILED) from e
    return base64.b64encode(digest).decode("ascii")
