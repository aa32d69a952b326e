"""Address and error helpers (Java ``remoting/common/RemotingHelper`` and ``RemotingUtil``; book
A4.3.1)."""
from __future__ import annotations

import traceback


def string2_socket_address(addr: str) -> tuple[str, int]:
    """``"host:port"`` (IPv6 hosts may be bracketed) to ``(host, port)``; raises ValueError."""
    host, sep, port = addr.strip().rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"address {addr!r} is not host:port")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    number = int(port)
    if not 0 < number < 65536:
        raise ValueError(f"address {addr!r} has port {number} outside 1-65535")
    return host, number


def parse_socket_address(peer: object) -> str:
    """A transport's peername as ``ip:port`` (Java ``parseChannelRemoteAddr``)."""
    if isinstance(peer, tuple) and len(peer) >= 2:
        host = str(peer[0])
        return f"[{host}]:{peer[1]}" if ":" in host else f"{host}:{peer[1]}"
    return "" if peer is None else str(peer)


def exception_simple_desc(e: BaseException) -> str:
    """Java ``RemotingHelper.exceptionSimpleDesc``: the exception and where it was raised."""
    text = f"{type(e).__name__}: {e}" if str(e) else type(e).__name__
    tb = traceback.extract_tb(e.__traceback__)
    if tb:
        last = tb[-1]
        text += f", {last.filename.rsplit('/', 1)[-1]}:{last.lineno} {last.name}"
    return text
