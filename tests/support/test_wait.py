"""The bounded poll every test waits with: the first truthy value, a deadline, a message that says
what never came."""
from __future__ import annotations

import functools
import itertools

import pytest

from tests.support.wait import wait_until


def test_returns_the_first_truthy_value_not_just_true():
    answers = iter([None, [], {"route": 1}, {"route": 2}])
    assert wait_until(lambda: next(answers), timeout=5, interval=0.001) == {"route": 1}


def test_a_condition_true_at_once_is_called_once():
    calls = itertools.count()
    assert wait_until(lambda: next(calls) + 1, timeout=5) == 1
    assert next(calls) == 1


def test_timeout_names_the_lambda_and_the_last_value():
    tries = []
    with pytest.raises(AssertionError) as failed:
        wait_until(lambda: tries.append(1) or len(tries) - len(tries), timeout=0.2, interval=0.01)
    message = str(failed.value)
    assert message.startswith("timed out after 0.2 s waiting for `")
    assert "len(tries) - len(tries)" in message and "test_wait.py:" in message
    assert message.endswith("last value: 0")
    assert len(tries) >= 2  # polled more than once, and once more at the deadline


def test_timeout_names_a_function_or_the_given_description():
    def route_is_gone() -> str:
        return ""

    with pytest.raises(AssertionError, match=r"waiting for .*route_is_gone; last value: ''$"):
        wait_until(route_is_gone, timeout=0.05, interval=0.01)
    with pytest.raises(AssertionError, match=r"waiting for the slave to catch up; last value: False$"):
        wait_until(lambda: False, timeout=0.05, interval=0.01, what="the slave to catch up")


def test_an_exception_in_the_condition_ends_the_wait():
    def broken() -> bool:
        raise ConnectionRefusedError("no broker")

    with pytest.raises(ConnectionRefusedError):
        wait_until(broken, timeout=30)


def test_file_defaults_bind_with_partial_and_calls_still_override_them():
    slow = functools.partial(wait_until, timeout=0.05, interval=0.01)
    with pytest.raises(AssertionError, match="timed out after 0.05 s"):
        slow(lambda: None)
    with pytest.raises(AssertionError, match="timed out after 0.1 s"):
        slow(lambda: None, timeout=0.1)
