"""The asyncio face of the client: the same classes, awaitable (no Java twin; the redis-py model of
one core with a blocking and an asyncio face; books A3.2.1, A3.1.1).

    from rocketmq_ref.client import aio

    producer = aio.DefaultMQProducer("pg")
    producer.set_namesrv_addr(addr)
    await producer.start()
    result = await producer.send(Message("TopicTest", "TagA", b"hello"))
    reply = await producer.request(Message("RequestTopic", b"2+2?"), timeout=3000)

    consumer = aio.DefaultMQPushConsumer("cg")
    consumer.subscribe("TopicTest", "*")
    consumer.register_message_listener(handler)      # ``async def handler(msgs, ctx)`` or a plain one
    await consumer.start()

Each wraps the blocking object (``.sync``) and forwards every setting to it.  Sends complete a
future from the client's own async callback, so no thread waits for them; start, shutdown and pulls
run in a worker thread; an ``async`` listener runs on the caller's event loop.
"""
from __future__ import annotations

import asyncio
import inspect
from typing import Any, Sequence

from rocketmq_ref.client import consumer as _consumer
from rocketmq_ref.client import producer as _producer
from rocketmq_ref.client.consumer.listener import as_listener
from rocketmq_ref.client.producer.request_callback import RequestCallback
from rocketmq_ref.client.producer.send_result import SendCallback, SendResult

__all__ = ["DefaultMQProducer", "DefaultMQPushConsumer", "DefaultMQPullConsumer",
           "DefaultLitePullConsumer"]


class _Facade:
    """Forwards attribute reads, writes and ``set_*`` calls to the blocking object."""

    _sync_class: type = object

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        object.__setattr__(self, "sync", self._sync_class(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.sync, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.sync, name, value)

    async def start(self) -> None:
        await asyncio.to_thread(self.sync.start)

    async def shutdown(self) -> None:
        await asyncio.to_thread(self.sync.shutdown)

    async def __aenter__(self) -> "_Facade":
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.shutdown()


class _FutureCallback(SendCallback):
    def __init__(self, loop: asyncio.AbstractEventLoop, future: asyncio.Future) -> None:
        self.loop = loop
        self.future = future

    def _set(self, fn: Any, value: Any) -> None:
        def apply() -> None:
            if not self.future.done():
                fn(value)
        self.loop.call_soon_threadsafe(apply)

    def on_success(self, send_result: SendResult) -> None:
        self._set(self.future.set_result, send_result)

    def on_exception(self, e: BaseException) -> None:
        self._set(self.future.set_exception, e)


class _FutureRequestCallback(RequestCallback):
    """Completes an asyncio future from the client's reply (or failure) thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop, future: asyncio.Future) -> None:
        self._send = _FutureCallback(loop, future)

    def on_success(self, message: Any) -> None:
        self._send.on_success(message)

    def on_exception(self, e: BaseException) -> None:
        self._send.on_exception(e)


class DefaultMQProducer(_Facade):
    _sync_class = _producer.DefaultMQProducer

    async def send(self, msg: Any, *args: Any, timeout: int | None = None) -> SendResult:
        """``await send(msg)``, ``send(msg, mq)``, ``send(msg, selector, arg)``, ``send([msgs])``:
        the blocking overloads, completed through the async send path."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        callback = _FutureCallback(loop, future)
        if isinstance(msg, (list, tuple)):
            msg = self.sync.batch(msg)
        if timeout is not None:
            self.sync.send(msg, *args, callback, timeout)
        else:
            self.sync.send(msg, *args, callback)
        return await future

    async def request(self, msg: Any, *args: Any, timeout: int | None = None) -> Any:
        """``await request(msg[, mq | selector, arg], timeout=ms)``: the reply message, through the
        blocking object's callback form (a request nobody answers fails with
        ``RequestTimeoutException`` from the housekeeping scan, within about a second of its
        timeout).  The send and its route lookup run in a worker thread."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        callback = _FutureRequestCallback(loop, future)
        await asyncio.to_thread(self.sync.request, msg, *args, callback, timeout=timeout)
        return await future

    async def send_oneway(self, msg: Any, mq_or_selector: Any = None, arg: Any = None) -> None:
        await asyncio.to_thread(self.sync.send_oneway, msg, mq_or_selector, arg)

    def batch(self, msgs: Sequence[Any]) -> Any:
        return self.sync.batch(msgs)


class DefaultMQPushConsumer(_Facade):
    _sync_class = _consumer.DefaultMQPushConsumer

    def register_message_listener(self, listener: Any) -> None:
        """A plain listener runs on the consume threads as usual; ``async def`` listeners (or a
        listener object with an async ``consume_message``) run on the loop that calls ``start``."""
        fn = getattr(listener, "consume_message", listener)
        if not inspect.iscoroutinefunction(fn):
            self.sync.register_message_listener(listener)
            return
        object.__setattr__(self, "_async_listener", fn)
        self.sync.register_message_listener(as_listener(self._run_on_loop))

    def _run_on_loop(self, msgs: Any, context: Any) -> Any:
        loop = self.__dict__["_loop"]
        return asyncio.run_coroutine_threadsafe(self.__dict__["_async_listener"](msgs, context),
                                                loop).result()

    async def start(self) -> None:
        object.__setattr__(self, "_loop", asyncio.get_running_loop())
        await super().start()


class DefaultMQPullConsumer(_Facade):
    _sync_class = _consumer.DefaultMQPullConsumer

    async def pull(self, mq: Any, sub_expression: str, offset: int, max_nums: int,
                   timeout: int | None = None) -> Any:
        return await asyncio.to_thread(self.sync.pull, mq, sub_expression, offset, max_nums, timeout)

    async def pull_block_if_not_found(self, mq: Any, sub_expression: str, offset: int,
                                      max_nums: int) -> Any:
        return await asyncio.to_thread(self.sync.pull_block_if_not_found, mq, sub_expression,
                                       offset, max_nums)

    async def fetch_subscribe_message_queues(self, topic: str) -> set[Any]:
        return await asyncio.to_thread(self.sync.fetch_subscribe_message_queues, topic)


class DefaultLitePullConsumer(_Facade):
    _sync_class = _consumer.DefaultLitePullConsumer

    async def poll(self, timeout: int | None = None) -> list[Any]:
        return await asyncio.to_thread(self.sync.poll, timeout)

    async def commit_sync(self, offset_map: dict[Any, int] | None = None,
                          persist: bool = False) -> None:
        await asyncio.to_thread(self.sync.commit_sync, offset_map, persist)
