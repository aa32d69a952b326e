"""Async processors start eagerly on the loop; those that suspend go on as tasks, with their own
context, and answer correctly."""
from __future__ import annotations

import asyncio
import time
import threading

from opentelemetry.trace import SpanKind

from rocketmq_ref.common.tracing import span
from rocketmq_ref.remoting.protocol import RemotingCommand


class Suspending:
    """Suspends on a sleep, on a future completed from another thread and inside wait_for."""

    async def async_process_request(self, ctx, request):
        await asyncio.sleep(0)
        await asyncio.sleep(0.01)
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        threading.Timer(0.01, lambda: loop.call_soon_threadsafe(fut.set_result, b"!")).start()
        tail = await asyncio.wait_for(fut, 5)
        assert asyncio.current_task() is not None  # after the first suspension: a real task
        resp = RemotingCommand.create_response_command(0, None)
        resp.body = (request.body or b"") + tail
        return resp


class Failing:
    async def async_process_request(self, ctx, request):
        await asyncio.sleep(0.01)
        raise LookupError("late failure")


class WithTimeout:
    eager_start = False  # asyncio.timeout() needs a current task from the start

    async def async_process_request(self, ctx, request):
        async with asyncio.timeout(1):
            await asyncio.sleep(0)
        return RemotingCommand.create_response_command(0, "timeout ok")


def test_suspending_async_processors_answer_each_request(server, client, addr):
    server.register_processor(6001, Suspending())

    async def many():
        return await asyncio.gather(*[client.invoke(addr, RemotingCommand(6001, body=str(i).encode()),
                                                    5000) for i in range(50)])

    responses = asyncio.run_coroutine_threadsafe(many(), client.loop).result(20)
    assert [r.body for r in responses] == [f"{i}!".encode() for i in range(50)]
    # the server counts a request done just after writing its answer, so the client may read the
    # last answer a moment before the count reaches zero
    deadline = time.monotonic() + 5
    while any(ch.inflight_requests for ch in server.channels) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert all(ch.inflight_requests == 0 for ch in server.channels)


def test_failure_after_suspension_is_a_system_error(server, client, addr):
    server.register_processor(6002, Failing())
    resp = client.invoke_sync(addr, RemotingCommand(6002), 3000)
    assert resp.code == 1 and "late failure" in resp.remark


def test_processor_can_ask_for_a_task_from_the_start(server, client, addr):
    server.register_processor(6003, WithTimeout())
    assert client.invoke_sync(addr, RemotingCommand(6003), 3000).remark == "timeout ok"


def test_suspended_requests_keep_their_own_trace(server, client, addr, spans):
    server.register_processor(6001, Suspending())
    client.invoke_sync(addr, RemotingCommand(6001), 3000)
    spans.clear()

    async def one(i):
        with span(f"caller-{i}") as parent:
            await client.invoke(addr, RemotingCommand(6001), 5000)
        return parent.get_span_context().trace_id

    async def both():
        return await asyncio.gather(one(0), one(1))

    trace_ids = asyncio.run_coroutine_threadsafe(both(), client.loop).result(20)
    assert trace_ids[0] != trace_ids[1]
    wanted = set(trace_ids)
    for _ in range(500):
        found = {s.context.trace_id for s in spans.get_finished_spans()
                 if s.kind is SpanKind.SERVER and s.name == "CODE_6001"} & wanted
        if found == wanted:
            break
        threading.Event().wait(0.01)
    assert found == wanted  # each request's SERVER span sits in its caller's trace
