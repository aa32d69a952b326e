import threading
import time
from types import SimpleNamespace

from rocketmq_ref.broker.latency.broker_fast_failure import BrokerFastFailure
from rocketmq_ref.broker.latency.broker_fixed_thread_pool_executor import BrokerFixedThreadPoolExecutor
from rocketmq_ref.remoting.protocol.remoting_command import RemotingCommand


class Channel:
    def __init__(self):
        self.written = []

    def write_and_flush(self, cmd):
        self.written.append(cmd)


def controller(send, page_cache_busy=False):
    config = SimpleNamespace(broker_fast_failure_enable=True, wait_time_mills_in_send_queue=200,
                             wait_time_mills_in_pull_queue=5000, wait_time_mills_in_heartbeat_queue=31000)
    idle = BrokerFixedThreadPoolExecutor(1, 10)
    return SimpleNamespace(broker_config=config, send_message_executor=send, pull_message_executor=idle,
                           heartbeat_executor=idle,
                           message_store=SimpleNamespace(is_os_page_cache_busy=lambda: page_cache_busy))


def test_a_send_that_waited_too_long_is_answered_system_busy_and_never_runs():
    send = BrokerFixedThreadPoolExecutor(1, 100)
    gate = threading.Event()
    send.submit(gate.wait, 5)  # the only worker is busy
    ran = []
    channel = Channel()
    request = RemotingCommand(310, opaque=77)
    send.submit(lambda ch, cmd, proc: ran.append(cmd.opaque), channel, request, None)
    ff = BrokerFastFailure(controller(send))
    ff.clean_expired_request()
    assert channel.written == []  # not old enough yet
    time.sleep(0.25)
    assert send.head_slow_time_mills() >= 200
    ff.clean_expired_request()
    gate.set()
    send.shutdown(wait=True)
    assert ran == []
    (busy,) = channel.written
    assert busy.code == 2 and busy.opaque == 77 and busy.is_response_type()
    assert busy.remark.startswith("[TIMEOUT_CLEAN_QUEUE]broker busy")


def test_page_cache_busy_refuses_every_queued_send():
    send = BrokerFixedThreadPoolExecutor(1, 100)
    gate = threading.Event()
    send.submit(gate.wait, 5)
    channel = Channel()
    for i in range(3):
        send.submit(lambda *a: None, channel, RemotingCommand(310, opaque=i), None)
    calls = iter([True, True, True, False])
    c = controller(send)
    c.message_store = SimpleNamespace(is_os_page_cache_busy=lambda: next(calls))
    BrokerFastFailure(c).clean_expired_request()
    gate.set()
    send.shutdown(wait=True)
    assert [r.opaque for r in channel.written] == [0, 1, 2]
    assert all(r.remark.startswith("[PCBUSY_CLEAN_QUEUE]") for r in channel.written)


def test_oneway_requests_are_dropped_without_an_answer():
    send = BrokerFixedThreadPoolExecutor(1, 100)
    gate = threading.Event()
    send.submit(gate.wait, 5)
    channel = Channel()
    oneway = RemotingCommand(310, opaque=5)
    oneway.mark_oneway_rpc()
    send.submit(lambda *a: None, channel, oneway, None)
    time.sleep(0.25)
    BrokerFastFailure(controller(send)).clean_expired_request()
    gate.set()
    send.shutdown(wait=True)
    assert channel.written == []
