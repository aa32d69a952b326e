"""Signature content, address checks and the YAML files (Java ``acl.common.AclUtils``).

The signed content is every ext field but ``Signature``, sorted by key, values concatenated, then
the body bytes (``combine_request_content``); ``cal_signature`` signs it with the secret key.
"""
from __future__ import annotations

import logging
import os
import stat
import tempfile
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import yaml

from rocketmq_ref.acl.common import acl_constants as C
from rocketmq_ref.acl.common.acl_exception import AclException
from rocketmq_ref.acl.common.acl_signer import cal_signature as _sign
from rocketmq_ref.acl.common.session_credentials import CHARSET, SIGNATURE

if TYPE_CHECKING:
    from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand
    from rocketmq_ref.remoting.rpc_hook import RPCHook

log = logging.getLogger("rocketmq_ref.acl")


def request_content_head(fields: Mapping[str, str], excluded: frozenset[str] | tuple[str, ...] = (SIGNATURE,)
                         ) -> bytes:
    """The values of ``fields`` in key order, ``excluded`` keys left out, as UTF-8: what is signed
    before the body."""
    return "".join([fields[k] for k in sorted(fields) if k not in excluded]).encode(CHARSET)


def combine_request_content(request: "RemotingCommand", fields: Mapping[str, str]) -> bytes:
    """Java ``combineRequestContent``: the values of ``fields`` in key order (``Signature`` left
    out), then the body.  (The signing paths use ``request_content_head`` and sign the body after
    it, uncopied.)"""
    return combine_bytes(request_content_head(fields), request.body)


def combine_bytes(b1: bytes | None, b2: bytes | None) -> bytes:
    return (b1 or b"") + bytes(b2 or b"")


def cal_signature(data: bytes, secret_key: str, body: bytes | None = None) -> str:
    """``Signature`` of ``data`` (then ``body``, when given) with the secret key."""
    return _sign(data, secret_key, more=body)


# -- addresses (used by RemoteAddressStrategyFactory) -------------------------------------------------
def is_colon(netaddress: str) -> bool:
    return ":" in netaddress


def is_asterisk(s: str) -> bool:
    return "*" in s


def is_comma(s: str) -> bool:
    return "," in s


def is_minus(s: str) -> bool:
    return "-" in s


def is_scope_num(num: int) -> bool:
    return 0 <= num <= 255


def is_ipv6_scope_num(num: int) -> bool:
    return 0 <= num <= 0xFFFF


def split(s: str, sep: str) -> list[str]:
    """commons-lang ``StringUtils.split``: no empty tokens."""
    return [p for p in s.split(sep) if p]


def _parse_int(s: str, radix: int = 10) -> int:
    try:
        return int(s.strip(), radix)
    except ValueError:
        raise AclException(f'For input string: "{s}"') from None


def is_scope(netaddress: str, index: int) -> bool:
    """Java ``isScope(String, int)``: the first ``index`` parts of an address are in range."""
    if is_colon(netaddress):
        parts = split(expand_ip(netaddress, 8), ":")
        for i in range(index):
            try:
                if not is_ipv6_scope_num(int(parts[i], 16)):
                    return False
            except (ValueError, IndexError):
                return False
        return True
    parts = split(netaddress, ".")
    if len(parts) != 4:
        return False
    return all(is_scope_num(_parse_int(parts[i])) for i in range(index))


def verify(netaddress: str, index: int) -> None:
    if not is_scope(netaddress, index):
        raise AclException(f"Netaddress examine scope Exception netaddress is {netaddress}")


def expand_ip(netaddress: str, part: int) -> str:
    """Java ``expandIP``: upper case, ``::`` expanded to ``part`` groups, each padded to 4."""
    netaddress = netaddress.upper()
    pad_count = part - netaddress.count(":")
    if pad_count > 0:
        netaddress = netaddress.replace("::", ":" * (pad_count + 1))
    return ":".join(p.rjust(4, "0") if len(p) < 4 else p for p in netaddress.split(":"))


def ipv6_address_check(netaddress: str) -> None:
    if is_asterisk(netaddress) or is_minus(netaddress):
        asterisk, minus = netaddress.find("*"), netaddress.find("-")
        bad = AclException(f"Netaddress examine scope Exception netaddress is {netaddress}")
        if asterisk > -1 and asterisk != len(netaddress) - 1:
            raise bad
        if minus > -1:
            if asterisk == -1:
                if minus <= netaddress.rfind(":"):
                    raise bad
            elif minus <= netaddress.rfind(":", 0, netaddress.rfind(":")):
                raise bad


def v6ip_process(netaddress: str) -> str:
    asterisk, minus = is_asterisk(netaddress), is_minus(netaddress)
    if asterisk and minus:
        part = 6
        last = netaddress.rfind(":")
        sub = netaddress[:netaddress[:last].rfind(":")]
    elif not asterisk and not minus:
        part, sub = 8, netaddress
    else:
        part, sub = 7, netaddress[:netaddress.rfind(":")]
    return expand_ip(sub, part)


def get_addresses(netaddress: str, partial_address: str) -> list[str]:
    """``1.2.3.{4,5}`` -> ``[1.2.3.4, 1.2.3.5]``."""
    head = netaddress[:netaddress.find("{")]
    return [head + p for p in split(partial_address[1:-1], ",")]


# -- YAML ---------------------------------------------------------------------------------------------
def get_yaml_data_object(path: str) -> Any:
    """Java ``getYamlDataObject``: the file's YAML, None when there is no file (or it is empty);
    a file that is not YAML raises ``AclException``."""
    try:
        with open(path, encoding=CHARSET) as f:
            return yaml.safe_load(f)
    except FileNotFoundError:
        return None
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as e:
        raise AclException(f"{path}: {e}") from e


def write_data_object(path: str, data_map: Mapping[str, Any]) -> bool:
    """Java ``writeDataObject`` (SnakeYAML ``dumpAsMap``: block style, keys in insertion order).
    Written to a temporary file and renamed, so a reader never sees half a file."""
    text = yaml.safe_dump(dict(data_map), default_flow_style=False, sort_keys=False, allow_unicode=True)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        fd, tmp = tempfile.mkstemp(prefix=".plain_acl.", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding=CHARSET) as f:
                f.write(text)
            os.chmod(tmp, mode)  # the file keeps its permissions, as Java's FileWriter leaves them
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError as e:
        raise AclException(str(e)) from e
    return True


def get_acl_rpc_hook(file_name: str) -> "RPCHook | None":
    """Java ``getAclRPCHook``: an ``AclClientRPCHook`` from ``accessKey``/``secretKey`` in a YAML
    file (``conf/tools.yml`` for mqadmin), None when the file or the keys are missing."""
    from rocketmq_ref.acl.common.acl_client_rpc_hook import AclClientRPCHook
    from rocketmq_ref.acl.common.session_credentials import SessionCredentials

    try:
        data = get_yaml_data_object(file_name)
    except AclException as e:
        log.error("Convert yaml file to data object error, %s", e)
        return None
    if not isinstance(data, dict) or not data:
        log.warning("Cannot find conf file :%s, acl isn't be enabled.", file_name)
        return None
    access_key, secret_key = data.get(C.CONFIG_ACCESS_KEY), data.get(C.CONFIG_SECRET_KEY)
    if access_key is None or secret_key is None or not str(access_key).strip() or not str(secret_key).strip():
        log.warning("AccessKey or secretKey is blank, the acl is not enabled.")
        return None
    return AclClientRPCHook(SessionCredentials(str(access_key), str(secret_key)))
