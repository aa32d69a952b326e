"""Which remote addresses an account (or the global white list) accepts (Java
``acl.plain.RemoteAddressStrategyFactory`` and ``RemoteAddressStrategy``).

Blank: none.  ``*`` (or ``*.*.*.*``): all.  ``1.2.3.{4,5}`` or ``a,b,c``: a set.  ``1.2.3.*``,
``1.2.3.1-100``, ``1.2.*.*``: a range of one part.  Anything else: one address.  IPv6 the same
way with ``:``.
"""
from __future__ import annotations

import ipaddress

from rocketmq_ref.acl.common import acl_utils as U
from rocketmq_ref.acl.common.acl_exception import AclException
from rocketmq_ref.acl.plain.plain_access_resource import PlainAccessResource


def is_valid_inet4_address(addr: str | None) -> bool:
    """commons-validator ``InetAddressValidator.isValidInet4Address``."""
    if not addr:
        return False
    parts = addr.split(".")
    if len(parts) != 4:
        return False
    for p in parts:
        if not (1 <= len(p) <= 3 and p.isdigit() and p.isascii()) or int(p) > 255 or (len(p) > 1 and p[0] == "0"):
            return False
    return True


def is_valid_inet6_address(addr: str | None) -> bool:
    if not addr or ":" not in addr:
        return False
    try:
        ipaddress.IPv6Address(addr)
    except ValueError:
        return False
    return True


class RemoteAddressStrategy:
    def match(self, plain_access_resource: PlainAccessResource) -> bool:
        raise NotImplementedError


class NullRemoteAddressStrategy(RemoteAddressStrategy):
    def match(self, plain_access_resource: PlainAccessResource) -> bool:
        return True


class BlankRemoteAddressStrategy(RemoteAddressStrategy):
    def match(self, plain_access_resource: PlainAccessResource) -> bool:
        return False


class MultipleRemoteAddressStrategy(RemoteAddressStrategy):
    def __init__(self, addresses: list[str]) -> None:
        self.multiple_set: set[str] = set()
        for netaddress in addresses:
            if is_valid_inet4_address(netaddress):
                self.multiple_set.add(netaddress)
            elif is_valid_inet6_address(netaddress):
                self.multiple_set.add(U.expand_ip(netaddress, 8))
            else:
                raise AclException(f"Netaddress examine Exception netaddress is {netaddress}")

    def match(self, plain_access_resource: PlainAccessResource) -> bool:
        addr = plain_access_resource.white_remote_address
        if is_valid_inet6_address(addr):
            addr = U.expand_ip(addr, 8)
        return addr in self.multiple_set


class OneRemoteAddressStrategy(RemoteAddressStrategy):
    def __init__(self, netaddress: str) -> None:
        if not (is_valid_inet4_address(netaddress) or is_valid_inet6_address(netaddress)):
            raise AclException(f"Netaddress examine Exception netaddress is {netaddress}")
        self.netaddress = netaddress
        self._expanded = U.expand_ip(netaddress, 8).upper()

    def match(self, plain_access_resource: PlainAccessResource) -> bool:
        addr = plain_access_resource.white_remote_address
        return addr is not None and U.expand_ip(addr, 8).upper() == self._expanded


class RangeRemoteAddressStrategy(RemoteAddressStrategy):
    """One part of the address is ``*`` or ``start-end``; the parts before it are the head."""

    def __init__(self, remote_addr: str) -> None:
        self.head: str | None = None
        self.start = 0
        self.end = 0
        self.index = 0
        if U.is_colon(remote_addr):
            U.ipv6_address_check(remote_addr)
            parts = U.split(remote_addr, ":")
            for i in range(1, len(parts)):
                if self._analysis(parts, i, 16):
                    U.verify(remote_addr, self.index - 1)
                    pre = U.v6ip_process(remote_addr)
                    self.index = len(U.split(pre, ":"))
                    self.head = pre
                    break
        else:
            parts = U.split(remote_addr, ".")
            if len(parts) != 4:
                raise AclException(f"Netaddress examine scope Exception netaddress is {remote_addr}")
            if self._analysis(parts, 1, 10) or self._analysis(parts, 2, 10) or self._analysis(parts, 3, 10):
                U.verify(remote_addr, self.index - 1)
                self.head = "".join(parts[j].strip() + "." for j in range(self.index))
        if self.head is None:
            raise AclException(f"Netaddress examine scope Exception netaddress is {remote_addr}")

    def _analysis(self, parts: list[str], index: int, radix: int) -> bool:
        value = parts[index].strip()
        self.index = index
        top = 0xFFFF if radix == 16 else 255
        if value == "*":
            self.start, self.end = 0, top
        elif U.is_minus(value):
            if value.find("-") == 0:
                raise AclException(f"RangeRemoteAddressStrategy netaddress examine scope Exception value {value} ")
            bounds = U.split(value, "-")
            if len(bounds) != 2:
                raise AclException(f"RangeRemoteAddressStrategy netaddress examine scope Exception value {value} ")
            self.start, self.end = U._parse_int(bounds[0], radix), U._parse_int(bounds[1], radix)
            if not (0 <= self.start <= self.end <= top):
                raise AclException("RangeRemoteAddressStrategy netaddress examine scope Exception "
                                   f"start is {self.start} , end is {self.end}")
        return self.end > 0

    def match(self, plain_access_resource: PlainAccessResource) -> bool:
        addr = plain_access_resource.white_remote_address
        if is_valid_inet4_address(addr):
            if addr.startswith(self.head):
                if self.index == 3:
                    value = addr[len(self.head):]
                elif self.index == 2:
                    value = addr[len(self.head):addr.rfind(".")]
                else:
                    value = addr[len(self.head):addr.rfind(".", 0, addr.rfind("."))]
                return self.start <= int(value) <= self.end
        elif is_valid_inet6_address(addr):
            addr = U.expand_ip(addr, 8).upper()
            if addr.startswith(self.head):
                value = int(addr[5 * self.index:5 * self.index + 4], 16)
                return self.start <= value <= self.end
        return False


NULL_NET_ADDRESS_STRATEGY = NullRemoteAddressStrategy()
BLANK_NET_ADDRESS_STRATEGY = BlankRemoteAddressStrategy()


class RemoteAddressStrategyFactory:
    def get_remote_address_strategy(self, remote_addr: "str | PlainAccessResource | None") -> RemoteAddressStrategy:
        if isinstance(remote_addr, PlainAccessResource):
            remote_addr = remote_addr.white_remote_address
        if remote_addr is None or not str(remote_addr).strip():
            return BLANK_NET_ADDRESS_STRATEGY
        remote_addr = str(remote_addr)
        if remote_addr in ("*", "*.*.*.*", "*:*:*:*:*:*:*:*"):
            return NULL_NET_ADDRESS_STRATEGY
        if remote_addr.endswith("}"):
            if U.is_colon(remote_addr):
                parts = U.split(remote_addr, ":")
                last = parts[-1]
                if not last.startswith("{"):
                    raise AclException(f"MultipleRemoteAddressStrategy netaddress examine scope Exception "
                                       f"netaddress {remote_addr}")
                return MultipleRemoteAddressStrategy(U.get_addresses(remote_addr, last))
            parts = U.split(remote_addr, ".")
            if len(parts) < 4:
                raise AclException(f"MultipleRemoteAddressStrategy has got a/some wrong format IP(s) {remote_addr}")
            last = parts[-1]
            if not last.startswith("{"):
                raise AclException(f"MultipleRemoteAddressStrategy netaddress examine scope Exception "
                                   f"netaddress {remote_addr}")
            return MultipleRemoteAddressStrategy(U.get_addresses(remote_addr, last))
        if U.is_comma(remote_addr):
            return MultipleRemoteAddressStrategy(U.split(remote_addr, ","))
        if U.is_asterisk(remote_addr) or U.is_minus(remote_addr):
            return RangeRemoteAddressStrategy(remote_addr)
        return OneRemoteAddressStrategy(remote_addr)
