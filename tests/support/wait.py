"""One bounded poll for the tests: ``wait_until(condition)`` calls ``condition`` until it returns
something truthy and returns that value; after ``timeout`` seconds it fails with an
``AssertionError`` that names what was awaited and the last value seen.

    from tests.support.wait import wait_until

    route = wait_until(lambda: fetch_route(ns, "TopicA"), timeout=15)    # the route itself
    wait_until(lambda: store.get_max_phy_offset() == end, interval=0.01)  # a fact, polled fast

A file whose calls share other defaults binds them once, e.g.
``wait_until = functools.partial(support_wait_until, timeout=20.0)``.
"""
from __future__ import annotations

import inspect
import time
from typing import Callable, TypeVar

T = TypeVar("T")

DEFAULT_TIMEOUT_S = 10.0
DEFAULT_INTERVAL_S = 0.05


def wait_until(condition: Callable[[], T], timeout: float = DEFAULT_TIMEOUT_S,
               interval: float = DEFAULT_INTERVAL_S, *, what: str | None = None) -> T:
    """Poll ``condition`` every ``interval`` seconds until it returns a truthy value and return it.

    ``condition`` is called at least once, and once more at the deadline, so a slow last call cannot
    hide a success. On timeout: ``AssertionError("timed out after 10.0 s waiting for <what>; last
    value: <repr>")``, ``what`` defaulting to the condition's source (a lambda) or its name.
    An exception raised by ``condition`` is not swallowed: it ends the wait at once.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        time.sleep(min(interval, remaining))
    raise AssertionError(f"timed out after {timeout} s waiting for {what or describe(condition)}; "
                         f"last value: {value!r}")


def describe(condition: Callable[..., object]) -> str:
    """The condition as a reader finds it: a lambda's source line and place, else its name."""
    name = getattr(condition, "__qualname__", None) or repr(condition)
    code = getattr(condition, "__code__", None)
    if name.endswith("<lambda>") and code is not None:
        try:
            source = " ".join(line.strip() for line in inspect.getsourcelines(condition)[0])
        except (OSError, TypeError):
            source = "<lambda>"
        return f"`{source}` ({code.co_filename.rsplit('/', 1)[-1]}:{code.co_firstlineno})"
    return name
