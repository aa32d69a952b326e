"""ACL benchmark: what signing costs a client and what the check costs the broker, per request (A8.2).

    python benchmarks/acl.py [--n 20000] [--body 1024]

Prints, in microseconds per request on this machine (best of 3 rounds):
  * ``AclClientRPCHook.do_before_request`` on a SEND_MESSAGE_V2 whose header is already in its ext
    fields (sort the values, HmacSHA1 over them and the body, Base64);
  * the broker hook's work, ``PlainAccessValidator.parse`` + ``validate`` (resources, signed
    content, the signature again, the permission checks);
  * with ``aclEnable=false`` the broker registers no hook at all, so there is nothing to measure.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rocketmq_ref.acl.common import AclClientRPCHook, SessionCredentials  # noqa: E402
from rocketmq_ref.acl.plain.plain_access_validator import PlainAccessValidator  # noqa: E402
from rocketmq_ref.common.protocol.header.send_message_request_header_v2 import (  # noqa: E402
    SendMessageRequestHeaderV2)
from rocketmq_ref.common.protocol.request_code import RequestCode  # noqa: E402
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand  # noqa: E402

PLAIN_ACL = "accounts:\n  - accessKey: RocketMQ\n    secretKey: '12345678'\n    topicPerms: [TopicA=PUB]\n"


def request(body: bytes) -> RemotingCommand:
    header = SendMessageRequestHeaderV2(a="PG", b="TopicA", c="TBW102", d=4, e=1, f=0, g=int(time.time() * 1000),
                                        h=0, i="KEYS\x01k1\x02UNIQ_KEY\x01C0A8000100002A9F0000000000000000",
                                        j=0, k=False)
    r = RemotingCommand.create_request_command(RequestCode.SEND_MESSAGE_V2, header, body)
    r.make_custom_header_to_net()
    return r


def best_us(fn, n: int) -> float:
    rounds = []
    for _ in range(3):
        begin = time.perf_counter()
        for _ in range(n):
            fn()
        rounds.append((time.perf_counter() - begin) / n * 1e6)
    return min(rounds)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--body", type=int, default=1024)
    args = ap.parse_args()
    body = b"x" * args.body
    hook = AclClientRPCHook(SessionCredentials("RocketMQ", "12345678"))
    with tempfile.TemporaryDirectory() as home:
        os.mkdir(os.path.join(home, "conf"))
        with open(os.path.join(home, "conf", "plain_acl.yml"), "w") as f:
            f.write(PLAIN_ACL)
        validator = PlainAccessValidator(home)
        signed = request(body)
        hook.do_before_request(None, signed)
        wire = RemotingCommand.decode(signed.encode()[4:])
        pending = [request(body) for _ in range(3 * args.n)]
        it = iter(pending)
        sign = best_us(lambda: hook.do_before_request(None, next(it)), args.n)
        check = best_us(lambda: validator.validate(validator.parse(wire, "127.0.0.1:40000")), args.n)
    print(f"body {args.body} B, {args.n} requests per round, best of 3")
    print(f"client AclClientRPCHook.do_before_request : {sign:7.1f} us/request")
    print(f"broker parse + validate                   : {check:7.1f} us/request")


if __name__ == "__main__":
    main()
