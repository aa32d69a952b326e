"""Store benchmark (books B4.3, B4.7, B4.8): prints figures, asserts nothing.

1. async-flush puts of 1 KiB messages through DefaultMessageStore, beside the ceiling measured in the
   same run: a bare loop copying the same encoded record into a fresh mmap'd file;
2. sync flush (group commit) with 1, 16 and 64 writer threads;
3. get_message throughput (32 messages a pull, views of the mapped files);
4. recovery time per GiB, normal (clean shutdown) and abnormal (abort file left), CRC checked;
5. RSS while writing: anonymous memory must stay flat (file pages are the page cache's);
6. tracing on (``configure_tracing``: SDK + BatchSpanProcessor, spans dropped, or written as JSON
   lines with ``BENCH_STORE_TRACE_EXPORT=jsonl``) against tracing off (no SDK):
   CPU per put and per dispatched record, and the throughput ratio (target >= 0.7).  It runs last:
   a tracer provider can be installed only once per process.

Sizes: BENCH_STORE_N (puts, default 200000), BENCH_STORE_RECOVER_MB (default 256),
BENCH_STORE_RSS_MB (default 512; the issue's 2 GiB: BENCH_STORE_RSS_MB=2048).
Run: ``.venv/bin/python benchmarks/store.py`` (1-5 without a tracing SDK: the API-only cost of the
spans).  ``BENCH_STORE_ONLY=put,tracing`` runs a subset (put, sync, get, recovery, rss, tracing).
"""
from __future__ import annotations

import logging
import mmap
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rocketmq_ref.common.message.message_decoder import message_properties2string
from rocketmq_ref.store.config import FlushDiskType, MessageStoreConfig
from rocketmq_ref.store.default_message_store import DefaultMessageStore
from rocketmq_ref.store.message_ext_broker_inner import MessageExtBrokerInner

N = int(os.environ.get("BENCH_STORE_N", "200000"))
RECOVER_MB = int(os.environ.get("BENCH_STORE_RECOVER_MB", "256"))
RSS_MB = int(os.environ.get("BENCH_STORE_RSS_MB", "512"))
BODY = 1024
FILE_SIZE = 256 * 1024 * 1024
PROPS = {"TAGS": "TagA", "KEYS": "OrderID-000001", "UNIQ_KEY": "7F0000010D0A18B4AAC27A1F2D3E0000",
         "WAIT": "true", "CLUSTER": "DefaultCluster"}


def _messages(count: int, queues: int = 8) -> list[MessageExtBrokerInner]:
    """A pool of broker-side messages, reused round robin (a put only rewrites store fields)."""
    ps = message_properties2string(PROPS)
    return [MessageExtBrokerInner("BenchTopic", os.urandom(BODY), queue_id=i % queues,
                                  properties=dict(PROPS), properties_string=ps,
                                  born_host=("127.0.0.1", 50000 + i), store_host=("127.0.0.1", 10911),
                                  born_timestamp=int(time.time() * 1000))
            for i in range(count)]


def _unique_key_messages(count: int, queues: int = 8) -> list[MessageExtBrokerInner]:
    """``count`` messages whose UNIQ_KEY and KEYS differ, as a producer's do: the index hashes
    every key (a pool of repeated keys would hit the hash cache and hide that cost)."""
    body = os.urandom(BODY)
    out = []
    for i in range(count):
        props = dict(PROPS, UNIQ_KEY=f"7F0000010D0A18B4AAC2{i:012X}", KEYS=f"OrderID-{i:06d}")
        out.append(MessageExtBrokerInner("BenchTopic", body, queue_id=i % queues, properties=props,
                                         properties_string=message_properties2string(props),
                                         born_host=("127.0.0.1", 50000 + i % 1000),
                                         store_host=("127.0.0.1", 10911),
                                         born_timestamp=int(time.time() * 1000)))
    return out


def _store(root: str, **kw) -> DefaultMessageStore:
    cfg = MessageStoreConfig(store_path_root_dir=root, mapped_file_size_commit_log=FILE_SIZE, **kw)
    s = DefaultMessageStore(cfg)
    assert s.load()
    s.start()
    return s


def _rss() -> tuple[int, int]:
    """(RssAnon, RssFile) in KiB from /proc/self/status."""
    anon = file = 0
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("RssAnon:"):
                anon = int(line.split()[1])
            elif line.startswith("RssFile:"):
                file = int(line.split()[1])
    return anon, file


def _put_and_dispatch_cpu(base: str, msgs: list[MessageExtBrokerInner], count: int
                          ) -> tuple[float, float]:
    """Process CPU seconds (every thread: a span exporter's too) for ``count`` puts with dispatch
    paused, then for dispatching them.  The first 1000 messages warm the store up (and are
    dispatched before the clock starts); the measured puts start after them."""
    root = tempfile.mkdtemp(dir=base)
    store = _store(root)
    store.reput_message_service.shutdown()
    pool = len(msgs)
    for i in range(1000):
        store.put_message(msgs[i % pool])
    store.reput_message_service.do_reput()
    put = store.put_message
    c0 = time.process_time()
    for i in range(1000, 1000 + count):
        put(msgs[i % pool])
    cpu_put = time.process_time() - c0
    c0 = time.process_time()
    records = store.reput_message_service.do_reput()
    cpu_dispatch = time.process_time() - c0
    assert records == count, records
    store.shutdown()
    shutil.rmtree(root)
    return cpu_put, cpu_dispatch


def bench_put_vs_bare(base: str) -> None:
    root = tempfile.mkdtemp(dir=base)
    store = _store(root)
    msgs = _messages(256)
    put = store.put_message
    for i in range(2000):  # warm-up: first file mapped, encoder allocated
        put(msgs[i & 255])
    c0, t0 = time.process_time(), time.perf_counter()
    for i in range(N):
        put(msgs[i & 255])
    dt_put = time.perf_counter() - t0
    cpu_put = time.process_time() - c0  # includes the dispatch thread sharing the GIL
    record = bytes(store.commit_log.get_message(0, 4).byte_buffer)  # size of the first record
    size = int.from_bytes(record, "big")
    sbr = store.commit_log.get_message(0, size)
    encoded = bytes(sbr.byte_buffer)
    sbr.release()
    store.shutdown()
    shutil.rmtree(root)

    # the ceiling: the same bytes into a fresh mapped file of the same size, nothing else
    path = os.path.join(base, "bare")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    os.ftruncate(fd, FILE_SIZE)
    mm = mmap.mmap(fd, FILE_SIZE)
    n = len(encoded)
    c0, t0 = time.process_time(), time.perf_counter()
    pos = 0
    for _ in range(N):
        if pos + n > FILE_SIZE:
            pos = 0
        mm[pos:pos + n] = encoded
        pos += n
    dt_bare = time.perf_counter() - t0
    cpu_bare = time.process_time() - c0
    mm.close()
    os.close(fd)
    os.unlink(path)
    mb = N * n / 1e6
    print(f"async-flush put, {N} x {BODY} B body ({n} B records):")
    print(f"  DefaultMessageStore.put_message  {N / dt_put:10.0f} msg/s  {mb / dt_put:7.1f} MB/s"
          f"  {dt_put / N * 1e6:6.2f} us/msg")
    print(f"  bare mmap copy (ceiling)         {N / dt_bare:10.0f} msg/s  {mb / dt_bare:7.1f} MB/s"
          f"  {dt_bare / N * 1e6:6.2f} us/msg")
    print(f"  ratio put/bare                   {dt_bare / dt_put:10.2f}   (target >= 0.5; wall clock)")
    print(f"  CPU us/msg: put {cpu_put / N * 1e6:.2f} (with dispatch), bare {cpu_bare / N * 1e6:.2f}, "
          f"ratio {cpu_bare / cpu_put:.2f}")
    # the same puts with dispatch paused, then dispatch on its own: where the CPU goes
    n2 = min(N, 50000)
    cpu_alone, cpu_dispatch = _put_and_dispatch_cpu(base, msgs, n2)
    print(f"  CPU us/msg split: put alone {cpu_alone / n2 * 1e6:.2f}, dispatch alone "
          f"{cpu_dispatch / n2 * 1e6:.2f} (consume queue + index + parse)")
    # the same with a distinct UNIQ_KEY and KEYS per message: the index's key hashing at full cost
    n3 = min(N, 30000)
    cpu_put, cpu_dispatch = _put_and_dispatch_cpu(base, _unique_key_messages(n3 + 1000), n3)
    print(f"  distinct keys per message: put {cpu_put / n3 * 1e6:.2f}, dispatch "
          f"{cpu_dispatch / n3 * 1e6:.2f} CPU us/msg")


def bench_sync_flush(base: str) -> None:
    print("sync flush (GroupCommitService), 1 KiB bodies:")
    for writers in (1, 16, 64):
        root = tempfile.mkdtemp(dir=base)
        store = _store(root, flush_disk_type=FlushDiskType.SYNC_FLUSH)
        per = max(200, min(4000, 40000 // writers))
        latencies: list[list[float]] = [[] for _ in range(writers)]
        msgs = _messages(writers)
        barrier = threading.Barrier(writers + 1)

        def work(k: int) -> None:
            m = msgs[k]
            lat = latencies[k]
            barrier.wait()
            for _ in range(per):
                t = time.perf_counter()
                r = store.put_message(m)
                lat.append(time.perf_counter() - t)
                assert r.is_ok()

        threads = [threading.Thread(target=work, args=(k,)) for k in range(writers)]
        for t in threads:
            t.start()
        barrier.wait()
        t0 = time.perf_counter()
        for t in threads:
            t.join()
        dt = time.perf_counter() - t0
        all_lat = sorted(x for lat in latencies for x in lat)
        total = writers * per
        p50 = all_lat[len(all_lat) // 2] * 1000
        p99 = all_lat[int(len(all_lat) * 0.99)] * 1000
        print(f"  {writers:3d} writers  {total / dt:9.0f} msg/s  {total * 1.19 / 1000 / dt:6.1f} MB/s"
              f"  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms")
        store.shutdown()
        shutil.rmtree(root)


def bench_get(base: str) -> None:
    root = tempfile.mkdtemp(dir=base)
    store = _store(root)
    msgs = _messages(64, queues=1)
    count = min(N, 100000)
    for i in range(count):
        store.put_message(msgs[i & 63])
    while store.dispatch_behind_bytes() > 0:
        time.sleep(0.01)
    get = store.get_message
    t0 = time.perf_counter()
    offset = 0
    got = 0
    size = 0
    while offset < count:
        r = get("bench", "BenchTopic", 0, offset, 32, None)
        got += r.get_message_count()
        size += r.buffer_total_size
        offset = r.next_begin_offset
        r.release()
    dt = time.perf_counter() - t0
    print(f"get_message, 32 a pull: {got / dt:10.0f} msg/s  {size / 1e6 / dt:7.1f} MB/s "
          f"({got} messages)")
    store.shutdown()
    shutil.rmtree(root)


def bench_recovery(base: str) -> None:
    root = tempfile.mkdtemp(dir=base)
    file_size = 64 * 1024 * 1024
    cfg = dict(store_path_root_dir=root, mapped_file_size_commit_log=file_size)
    s = DefaultMessageStore(MessageStoreConfig(**cfg))
    assert s.load()
    s.start()
    msgs = _messages(256)
    target = RECOVER_MB * 1024 * 1024
    i = 0
    while s.get_max_phy_offset() < target:
        s.put_message(msgs[i & 255])
        i += 1
    while s.dispatch_behind_bytes() > 0:
        time.sleep(0.01)
    total = s.get_max_phy_offset()
    s.shutdown()
    files = -(-total // file_size)
    scans = (("normal: last 3 files, CRC", False, total - max(0, files - 3) * file_size),
             ("abnormal: all files, CRC + re-dispatch", True, total))
    for label, crash, scanned in scans:
        if crash:
            open(os.path.join(root, "abort"), "w").close()
            with open(os.path.join(root, "checkpoint"), "r+b") as f:
                f.write(bytes(24))  # no usable checkpoint: replay from the first file
        t0 = time.perf_counter()
        s = DefaultMessageStore(MessageStoreConfig(**cfg))
        assert s.load()
        dt = time.perf_counter() - t0
        assert s.get_max_phy_offset() >= target
        s.start()
        s.shutdown()
        print(f"recovery {label:40s} {scanned / 1024 ** 2:6.0f} MiB scanned: {dt:6.2f} s  "
              f"=> {dt / (scanned / 1024 ** 3):6.1f} s/GiB")
    shutil.rmtree(root)


def bench_rss(base: str) -> None:
    root = tempfile.mkdtemp(dir=base)
    store = _store(root)
    msgs = _messages(256)
    target = RSS_MB * 1024 * 1024
    step = target // 8
    samples = [(0, *_rss())]
    i = 0
    next_mark = step
    while store.get_max_phy_offset() < target:
        store.put_message(msgs[i & 255])
        i += 1
        if store.get_max_phy_offset() >= next_mark:
            samples.append((store.get_max_phy_offset() // (1024 * 1024), *_rss()))
            next_mark += step
    store.shutdown()
    shutil.rmtree(root)
    anon = [a for _, a, _ in samples]
    print(f"RSS while writing {RSS_MB} MiB (KiB; file pages are mapped commit log):")
    for mb, a, f in samples:
        print(f"  at {mb:5d} MiB  anon {a:8d}  file {f:8d}")
    print(f"  anon growth after the first step: {anon[-1] - anon[1]} KiB "
          f"(median step {statistics.median(b - a for a, b in zip(anon[1:], anon[2:])) if len(anon) > 2 else 0} KiB)")


def bench_tracing(base: str) -> None:
    """Tracing off (no SDK) against the SDK as the entry points set it up (``configure_tracing``)
    with a batch exporter that drops the spans, or that writes them as JSON lines when
    ``BENCH_STORE_TRACE_EXPORT=jsonl`` (one variant per process: a provider is set only once)."""
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult

    from rocketmq_ref.common.tracing_setup import configure_tracing

    class _DropExporter(SpanExporter):
        def export(self, spans):  # type: ignore[no-untyped-def]
            return SpanExportResult.SUCCESS

    count = min(N, 30000)
    msgs = _messages(256)
    off_put, off_dispatch = _put_and_dispatch_cpu(base, msgs, count)
    if os.environ.get("BENCH_STORE_TRACE_EXPORT") == "jsonl":
        label = "spans written as JSON lines"
        provider = configure_tracing("store-bench", console=False,
                                     jsonl_path=os.path.join(base, "trace.jsonl"))
    else:
        label = "spans dropped"
        provider = configure_tracing("store-bench", jsonl_path=None, console=False)
        provider.add_span_processor(BatchSpanProcessor(_DropExporter()))
    on_put, on_dispatch = _put_and_dispatch_cpu(base, msgs, count)
    c0 = time.process_time()
    provider.force_flush()
    on_put += time.process_time() - c0  # spans still queued are part of the cost
    provider.shutdown()
    print(f"tracing on (configure_tracing: SDK + BatchSpanProcessor, {label}) vs off (no SDK), "
          f"{count} puts, process CPU:")
    print(f"  put       off {off_put / count * 1e6:7.2f} us/msg  on {on_put / count * 1e6:7.2f} us/msg"
          f"  ratio on/off {off_put / on_put:5.2f}")
    print(f"  dispatch  off {off_dispatch / count * 1e6:7.2f} us/msg  on "
          f"{on_dispatch / count * 1e6:7.2f} us/msg  ratio on/off {off_dispatch / on_dispatch:5.2f}")
    total_off = off_put + off_dispatch
    total_on = on_put + on_dispatch
    print(f"  put + dispatch throughput, tracing on / off: {total_off / total_on:5.2f}  (target >= 0.7)")


def main() -> None:
    logging.basicConfig(level=logging.ERROR)  # recovery logs a line per replayed record at WARN
    base = tempfile.mkdtemp(prefix="bench-store-", dir=os.environ.get("BENCH_DIR"))
    only = set(filter(None, os.environ.get("BENCH_STORE_ONLY", "").split(",")))
    benches = (("put", bench_put_vs_bare), ("sync", bench_sync_flush), ("get", bench_get),
               ("recovery", bench_recovery), ("rss", bench_rss), ("tracing", bench_tracing))
    try:
        print(f"store benchmark in {base} (python {sys.version.split()[0]}, {os.cpu_count()} cpus, "
              f"load average {os.getloadavg()[0]:.1f}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})")
        for name, bench in benches:
            if not only or name in only:
                bench(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
