"""Blocking processors that set ``run_on_loop`` are called on the event loop, with no executor
hand-off, and answer (now, later from another thread, or with an error) like any other."""
from __future__ import annotations

import threading

from rocketmq_ref.remoting.protocol import RemotingCommand


class OnLoop:
    run_on_loop = True

    def __init__(self) -> None:
        self.threads: list[str] = []

    def process_request(self, ctx, request):
        self.threads.append(threading.current_thread().name)
        if request.body == b"boom":
            raise ValueError("bad send")
        if request.body == b"later":  # answered from another thread, as a flush wait does
            threading.Timer(0.01, ctx.write_response,
                            [RemotingCommand.create_response_command(0, "late")]).start()
            return None
        resp = RemotingCommand.create_response_command(0, None)
        resp.body = request.body
        return resp


class OnExecutor(OnLoop):
    run_on_loop = False


def test_run_on_loop_processor_answers_on_the_loop_thread(server, client, addr):
    p = OnLoop()
    server.register_processor(6101, p)
    bodies = [client.invoke_sync(addr, RemotingCommand(6101, body=str(i).encode()), 3000).body
              for i in range(20)]
    assert bodies == [str(i).encode() for i in range(20)]
    loop_thread = server.loop._thread_id  # the thread running the server's loop
    names = {t.name for t in threading.enumerate() if t.ident == loop_thread}
    assert set(p.threads) == names


def test_run_on_loop_processor_errors_and_late_answers(server, client, addr):
    server.register_processor(6102, OnLoop())
    resp = client.invoke_sync(addr, RemotingCommand(6102, body=b"boom"), 3000)
    assert resp.code == 1 and "bad send" in resp.remark
    assert client.invoke_sync(addr, RemotingCommand(6102, body=b"later"), 3000).remark == "late"


def test_without_the_flag_a_blocking_processor_runs_on_its_executor(server, client, addr):
    p = OnExecutor()
    server.register_processor(6103, p)
    assert client.invoke_sync(addr, RemotingCommand(6103, body=b"x"), 3000).body == b"x"
    assert p.threads and "PublicExecutor" in p.threads[0]
