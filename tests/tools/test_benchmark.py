"""The benchmark tools and the quickstart producer/consumer against a running cluster: small counts,
well-formed lines (book A1.3.3, A7.5)."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from rocketmq_ref.tools import mqadmin
from rocketmq_ref.tools.admin.default_mq_admin_ext import DefaultMQAdminExt
from rocketmq_ref.tools.benchmark import batch_producer, consumer, producer
from rocketmq_ref.tools.benchmark.latency import LatencyHistogram
from rocketmq_ref.tools.benchmark.stats import Reporter
from tests.support.cluster import running_cluster
from tests.support.wait import wait_until

pytestmark = pytest.mark.e2e

FLOAT = r"\s*\d+\.\d{3}"
PRODUCER_COMPLETE = re.compile(
    rf"^\[Complete\] Send Total: (\d+) Send TPS: (\d+) Max RT\(ms\): (\d+) Average RT\(ms\):({FLOAT}) "
    rf"Send Failed: (\d+) Response Failed: (\d+) p50 RT\(ms\): ({FLOAT}) p99 RT\(ms\): ({FLOAT})$", re.M)


@pytest.fixture(scope="module")
def ns(tmp_path_factory):
    with running_cluster(tmp_path_factory.mktemp("bench-cluster"), namesrv=1, masters=1) as state:
        yield state.namesrv_addr


def create_topic(ns: str, topic: str) -> None:
    """Create the topic and wait until the name server routes it (the broker registers it in the
    background)."""
    import io
    assert mqadmin.main(["updateTopic", "-n", ns, "-c", "DefaultCluster", "-t", topic,
                         "-r", "4", "-w", "4"], io.StringIO(), io.StringIO()) == 0
    wait_until(lambda: mqadmin.main(["topicRoute", "-n", ns, "-t", topic], io.StringIO(), io.StringIO()) == 0,
               timeout=15, interval=0.1, what=f"a route for {topic}")


def env_with(ns: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NAMESRV_ADDR"}
    if ns:
        env["NAMESRV_ADDR"] = ns
    return env


def test_latency_histogram_percentiles():
    h = LatencyHistogram()
    assert h.percentile(50) == 0.0
    for ms in range(1, 101):  # 1..100 ms
        h.record(float(ms))
    assert h.percentile(50) == pytest.approx(50.1, abs=0.11)
    assert h.percentile(99) == pytest.approx(99.1, abs=0.11)
    h.record(10**9)  # past the last bucket: counted, clamped
    assert h.count == 101 and h.max_ms == 10**9


def test_reporter_prints_a_window_line_each_period_and_a_complete_line(capsys):
    stats = producer.StatsBenchmarkProducer()
    reporter = Reporter(stats, period_s=1)
    reporter.start()
    for _ in range(50):
        stats.success(time.monotonic() - 0.002)
    time.sleep(2.3)
    for _ in range(10):
        stats.failed(response=True)
    reporter.stop(complete=True)
    lines = capsys.readouterr().out.splitlines()
    periodic = [line for line in lines if line.startswith("Current Time: ")]
    assert len(periodic) >= 1 and lines[-1].startswith("[Complete] Send Total: 50 Send TPS: ")
    assert re.fullmatch(rf"Current Time: \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d,\d{{3}} Send TPS: \d+ Max RT\(ms\): "
                        rf"\d+ Average RT\(ms\):{FLOAT} Send Failed: 0 Response Failed: 0 "
                        rf"p50 RT\(ms\):{FLOAT} p99 RT\(ms\):{FLOAT}", periodic[0])
    assert " Send Failed: 0 Response Failed: 10 p50 RT(ms): " in lines[-1]


def test_batch_and_consumer_window_lines_keep_the_java_fields():
    batch = batch_producer.StatsBenchmarkBatchProducer()
    begin = batch.create_snapshot()
    for _ in range(3):
        batch.success(time.monotonic() - 0.004, messages=16)
    batch.failed_batch(16)
    line = batch.line([begin, batch.create_snapshot()], False)
    assert re.fullmatch(rf"Current Time: \d{{13}} Send TPS: \d+ Send MPS: \d+ Max RT\(ms\): \d+ "
                        rf"Average RT\(ms\):{FLOAT} Average Message RT\(ms\):{FLOAT} Send Failed: 1 "
                        rf"Send Message Failed: 16 p50 RT\(ms\):{FLOAT} p99 RT\(ms\):{FLOAT}", line), line
    assert batch.line([begin, batch.create_snapshot()], True).startswith("[Complete] Send Total: 64 Send TPS: ")

    class Msg:
        born_timestamp, store_timestamp = 1_000, 1_004

    stats = consumer.StatsBenchmarkConsumer()
    begin = stats.create_snapshot()
    stats.received(Msg(), 1_010, failed=False)
    stats.received(Msg(), 1_030, failed=True)
    window = [begin, stats.create_snapshot(), stats.create_snapshot()]  # a printed line: max taken
    line = stats.line(window, False)
    assert re.fullmatch(rf"Current Time: \d{{13}} TPS: \d+ FAIL: 1 AVG\(B2C\) RT\(ms\):  20\.000 "
                        rf"AVG\(S2C\) RT\(ms\):  16\.000 MAX\(B2C\) RT\(ms\): 30 MAX\(S2C\) RT\(ms\): 26 "
                        rf"p50 RT\(ms\):{FLOAT} p99 RT\(ms\):{FLOAT}", line), line
    assert " MAX(B2C) RT(ms): 0 MAX(S2C) RT(ms): 0 " in stats.line(window, False)  # reset, as Java
    assert stats.line(window, True).startswith("[Complete] Receive Total: 2 TPS: ")


def test_producer_prints_settings_and_a_complete_line(ns, capsys):
    create_topic(ns, "BenchSync")
    assert producer.run(["-n", ns, "-t", "BenchSync", "-w", "2", "-q", "101", "-s", "64"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("topic: BenchSync threadCount: 2 messageSize: 64 keyEnable: false "
                          "propertySize: 0 tagCount: 0 traceEnable: false aclEnable: false "
                          "messageQuantity: 101\ndelayEnable: false delayLevel: 1\nasyncEnable: false\n")
    m = PRODUCER_COMPLETE.search(out)
    assert m, out
    total, tps, max_rt, avg, failed, resp_failed, p50, p99 = m.groups()
    assert (int(total), int(failed), int(resp_failed)) == (101, 0, 0)
    assert int(tps) > 0 and float(p50) <= float(p99) and float(avg) <= int(max_rt) + 1
    rows = mqadmin_rows(ns, "BenchSync")
    assert sum(rows.values()) == 101


def mqadmin_rows(ns: str, topic: str) -> dict[int, int]:
    import io
    out = io.StringIO()
    assert mqadmin.main(["topicStatus", "-n", ns, "-t", topic], out, io.StringIO()) == 0
    rows = [line.split() for line in out.getvalue().splitlines()[1:]]
    return {int(r[1]): int(r[3]) for r in rows}


def test_async_producer_with_keys_tags_and_properties(ns, capsys):
    create_topic(ns, "BenchAsync")
    assert producer.run(["-n", ns, "-t", "BenchAsync", "-y", "true", "-q", "60", "-k", "true",
                         "-l", "3", "-p", "40"]) == 0
    out = capsys.readouterr().out
    assert "threadCount: 1 " in out and "asyncEnable: true" in out
    m = PRODUCER_COMPLETE.search(out)
    assert m and m.group(1) == "60" and m.group(5) == "0", out


def test_batch_producer_counts_messages_and_requests(ns, capsys):
    create_topic(ns, "BenchBatch")
    assert batch_producer.run(["-n", ns, "-t", "BenchBatch", "-w", "2", "-b", "4", "-q", "40"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("topic: BenchBatch threadCount: 2 messageSize: 128 batchSize: 4 ")
    m = re.search(rf"^\[Complete\] Send Total: (\d+) Send TPS: (\d+) Send MPS: (\d+) Max RT\(ms\): "
                  rf"\d+ Average RT\(ms\):{FLOAT} Average Message RT\(ms\):{FLOAT} Send Failed: (\d+) "
                  rf"Send Message Failed: (\d+) p50 RT\(ms\):{FLOAT} p99 RT\(ms\):{FLOAT}$", out, re.M)
    assert m, out
    assert (int(m.group(1)), int(m.group(4)), int(m.group(5))) == (40, 0, 0), out
    assert int(m.group(3)) >= int(m.group(2))  # messages per second >= batches per second
    assert sum(mqadmin_rows(ns, "BenchBatch").values()) == 40


def test_bad_options_are_one_line(ns, capsys):
    assert producer.run(["-n", ns, "-w", "many"]) == 1
    assert capsys.readouterr().err == "benchmark producer: -w: bad value 'many'\n"
    assert batch_producer.run(["-n", ns, "-b", "0"]) == 1
    assert "batch size must be positive" in capsys.readouterr().err
    assert producer.run(["-n", ns, "-m", "true"]) == 1
    assert "message trace (RMQ_SYS_TRACE_TOPIC) is not supported" in capsys.readouterr().err
    done = subprocess.run([sys.executable, "-m", "rocketmq_ref.tools.benchmark"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1 and done.stderr.startswith("usage: python -m rocketmq_ref.tools.benchmark")


def _wait_rebalanced(ns: str, group: str, timeout_s: float = 30.0) -> None:
    """Until the consumer owns queues: messages sent later are all delivered."""
    admin = DefaultMQAdminExt()
    admin.set_namesrv_addr(ns)
    admin.start()

    def owns_queues() -> bool:
        try:
            cc = admin.examine_consumer_connection_info(group)
            return bool(admin.get_consumer_running_info(group, cc.connection_set[0].client_id).get("mqTable"))
        except Exception:  # noqa: BLE001 - not connected yet
            return False
    try:
        wait_until(owns_queues, timeout_s, 0.2, what=f"{group} to own a queue")
    finally:
        admin.shutdown()


def test_consumer_measures_b2c_and_s2c_and_completes(ns, capsys):
    create_topic(ns, "BenchConsume")
    proc = subprocess.Popen([sys.executable, "-m", "rocketmq_ref.tools.benchmark", "consumer", "-n", ns,
                             "-t", "BenchConsume", "-g", "bench_group_t", "-w", "2", "-q", "30"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().startswith("topic: BenchConsume, threadCount 2, "
                                                 "group: bench_group_t, suffix: false")
        assert proc.stdout.readline() == "Consumer Started.\n"
        _wait_rebalanced(ns, "bench_group_t")
        assert producer.run(["-n", ns, "-t", "BenchConsume", "-w", "1", "-q", "30"]) == 0
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    m = re.search(rf"^\[Complete\] Receive Total: (\d+) TPS: \d+ FAIL: (\d+) AVG\(B2C\) RT\(ms\):{FLOAT} "
                  rf"AVG\(S2C\) RT\(ms\):{FLOAT} MAX\(B2C\) RT\(ms\): \d+ MAX\(S2C\) RT\(ms\): \d+ "
                  rf"p50 RT\(ms\):{FLOAT} p99 RT\(ms\):{FLOAT}$", out, re.M)
    assert m, out
    assert int(m.group(1)) >= 30 and m.group(2) == "0"
    assert "Traceback" not in err


def test_quickstart_producer_and_consumer(ns):
    create_topic(ns, "TopicTest")
    done = subprocess.run([sys.executable, "-m", "rocketmq_ref.tools.quickstart", "producer", "-c", "5"],
                          capture_output=True, text=True, timeout=60, env=env_with(ns))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 5
    assert all(re.match(r"SendResult \[sendStatus=SEND_OK, msgId=[0-9A-F]{32}, offsetMsgId=[0-9A-F]{32}, "
                        r"messageQueue=MessageQueue \[topic=TopicTest, brokerName=broker-a, queueId=\d\], "
                        r"queueOffset=\d+\]$", line) for line in lines), lines

    done = subprocess.run([sys.executable, "-m", "rocketmq_ref.tools.quickstart", "consumer",
                           "-c", "5", "--timeout", "40"],
                          capture_output=True, text=True, timeout=60, env=env_with(ns))
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("Consumer Started.\n")
    bodies = re.findall(r"body=\[(\d+) bytes\]", out)
    assert out.count("Receive New Messages: [MessageExt [") >= 5 and len(bodies) >= 5
    assert done.stderr == ""


def test_quickstart_without_name_server_is_one_line():
    done = subprocess.run([sys.executable, "-m", "rocketmq_ref.tools.quickstart", "producer"],
                          capture_output=True, text=True, timeout=60, env=env_with(None))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("quickstart: no name server: set NAMESRV_ADDR")
    assert done.stderr.count("\n") == 1
