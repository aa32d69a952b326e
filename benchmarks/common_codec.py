"""Cost of the message codec on the pull and read paths: decode of one commit-log record, a
32-record PULL_MESSAGE body, encode, the properties parser, UNIQ_KEY creation and a heartbeat
body through JsonBody.  Prints CPU and wall microseconds per operation (CPU time is the steadier
figure on a busy machine); run directly."""
from __future__ import annotations

import os
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rocketmq_ref.common.message import message_decoder as md
from rocketmq_ref.common.message.message import MessageExt
from rocketmq_ref.common.message.message_client_id_setter import create_uniq_id
from rocketmq_ref.common.protocol.heartbeat import HeartbeatData

N = int(os.environ.get("BENCH_N", "50000"))


def bench(label: str, fn, n: int = N) -> None:
    for _ in range(min(n, 1000)):
        fn()
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(n):
        fn()
    wall = (time.perf_counter() - t0) / n * 1e6
    cpu = (time.process_time() - c0) / n * 1e6
    print(f"{label:<44} {cpu:9.2f} us/op cpu {wall:9.2f} us/op wall")


def main() -> None:
    body = b"x" * 256
    props = {"KEYS": "order-1234", "TAGS": "TagA", "WAIT": "true",
             "UNIQ_KEY": "C0A8000100002A9F000000000000373D0001", "CLUSTER": "DefaultCluster"}
    msg = MessageExt("TopicTest", body, properties=props, queue_id=3, queue_offset=42,
                     commit_log_offset=1 << 20, born_host=("10.0.0.1", 50000),
                     store_host=("10.0.0.2", 10911), born_timestamp=1, store_timestamp=2,
                     body_crc=zlib.crc32(body) & 0x7FFFFFFF)
    record = md.encode(msg)
    pull_body = record * 32
    view = memoryview(pull_body)
    props_text = md.message_properties2string(props)
    hb = HeartbeatData.from_json(
        '{"clientID":"10.0.0.1@1","consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET",'
        '"consumeType":"CONSUME_PASSIVELY","groupName":"g","messageModel":"CLUSTERING",'
        '"subscriptionDataSet":[{"classFilterMode":false,"codeSet":[2598919],"expressionType":"TAG",'
        '"subString":"TagA","subVersion":1,"tagsSet":["TagA"],"topic":"T"}],"unitMode":false}],'
        '"producerDataSet":[{"groupName":"p"}]}')
    hb_bytes = hb.encode()

    print(f"record size {len(record)} bytes, N={N}")
    bench("decode one record (bytes)", lambda: md.decode(record))
    bench("decode one record (memoryview, no body)", lambda: md.decode(view, 0, read_body=False))
    bench("decode_properties", lambda: md.decode_properties(record))
    bench("decodes: 32-record pull body (per body)", lambda: md.decodes(view), max(N // 32, 100))
    bench("encode one record", lambda: md.encode(msg))
    bench("string2message_properties (5 keys)", lambda: md.string2message_properties(props_text))
    bench("offset msgId of a decoded message", lambda: md.decode(record).msg_id)
    bench("create_uniq_id", create_uniq_id)
    bench("HeartbeatData.from_json", lambda: HeartbeatData.from_json(hb_bytes), max(N // 10, 100))
    bench("HeartbeatData.encode", hb.encode, max(N // 10, 100))


if __name__ == "__main__":
    main()
