"""A separate writer process for the kill -9 test: opens a SYNC_FLUSH store and puts numbered
messages forever, printing ``ACK <n> <offset>`` after each acknowledged (flushed) put."""
from __future__ import annotations

import sys

from rocketmq_ref.store.config import FlushDiskType
from rocketmq_ref.store.put_message_result import PutMessageStatus
from tests.store.store_a_support import new_msg, open_store, small_config


def main() -> None:
    root = sys.argv[1]
    store = open_store(small_config(root, flush_disk_type=FlushDiskType.SYNC_FLUSH,
                                    mapped_file_size_commit_log=32 * 1024))
    print("WRITER READY", flush=True)
    n = 0
    while True:
        body = (b"msg-%08d-" % n) * (1 + n % 13)
        r = store.put_message(new_msg("CrashTopic", body, n % 4, keys=f"k{n}"))
        if r.put_message_status is PutMessageStatus.PUT_OK:
            print(f"ACK {n} {r.append_message_result.wrote_offset}", flush=True)
        n += 1


if __name__ == "__main__":
    main()
