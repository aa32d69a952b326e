"""The tracing helper every module opens spans with (rocketmq_ref.common.tracing)."""
from __future__ import annotations

import asyncio
import inspect
import subprocess
import sys
import textwrap

import pytest

from rocketmq_ref.common import tracing
from rocketmq_ref.common.tracing import (
    ATTR_BOOK, ATTR_JAVA, SpanKind, extract, inject, link_from, messaging_span, record_error, span,
    traced)


@traced("org.apache.rocketmq.store.CommitLog#putMessage", books=("B4.3",))
def put_message(x):
    return x * 2  # first body line


class ReputMessageService:
    @traced("org.apache.rocketmq.store.DefaultMessageStore$ReputMessageService#doReput", books=("B4.6",))
    async def do_reput(self):
        await asyncio.sleep(0)
        return "done"


def _body_line(fn) -> int:
    src, start = inspect.getsourcelines(inspect.unwrap(fn))
    for i, line in enumerate(src):
        if "first body line" in line or ("await" in line):
            return start + i
    raise AssertionError("marker not found")


def test_traced_function_span_has_name_code_location_java_and_books(spans):
    assert put_message(21) == 42
    (s,) = spans.get_finished_spans()
    assert s.name == "put_message"
    a = s.attributes
    assert a["code.function.name"] == f"{__name__}.put_message"
    assert a["code.file.path"] == "tests/common/test_tracing.py"
    assert a["code.line.number"] == _body_line(put_message)
    assert a[ATTR_JAVA] == "org.apache.rocketmq.store.CommitLog#putMessage"
    assert tuple(a[ATTR_BOOK]) == ("B4.3",)


def test_traced_coroutine_is_named_class_method(spans):
    assert asyncio.run(ReputMessageService().do_reput()) == "done"
    (s,) = spans.get_finished_spans()
    assert s.name == "ReputMessageService.do_reput"
    assert s.attributes["code.function.name"].endswith("ReputMessageService.do_reput")
    assert s.attributes["code.line.number"] == _body_line(ReputMessageService.do_reput)


def test_span_block_location_is_the_with_line_and_nests(spans):
    with span("Outer.run", java="a.B#run", books=("A1.1",), attributes={"k": 1}) as outer:
        line = sys._getframe().f_lineno - 1
        assert outer.is_recording()
        with span("Inner.step"):
            pass
    inner, outer_s = spans.get_finished_spans()
    assert outer_s.attributes["code.line.number"] == line
    assert outer_s.attributes["code.function.name"].endswith(
        "test_span_block_location_is_the_with_line_and_nests")
    assert outer_s.attributes["k"] == 1 and outer_s.attributes[ATTR_JAVA] == "a.B#run"
    assert inner.parent.span_id == outer_s.context.span_id


def test_exception_escaping_a_span_marks_it_as_error(spans):
    with pytest.raises(RuntimeError):
        with span("Failing.op"):
            raise RuntimeError("disk full")
    (s,) = spans.get_finished_spans()
    assert s.status.status_code.name == "ERROR" and "disk full" in s.status.description
    assert s.events and s.events[0].name == "exception"


def test_record_error_with_a_remark(spans):
    with span("Send.op") as s:
        record_error(s, "NO_PERMISSION: topic forbidden")
    (f,) = spans.get_finished_spans()
    assert f.status.status_code.name == "ERROR" and f.status.description == "NO_PERMISSION: topic forbidden"


def test_messaging_span_name_and_attributes(spans):
    with messaging_span("send", "TopicTest", SpanKind.PRODUCER, java="x.Producer#send", books=("B3.4.4",),
                        attributes={"messaging.rocketmq.message.tag": "TagA"}):
        pass
    (s,) = spans.get_finished_spans()
    assert s.name == "send TopicTest" and s.kind == SpanKind.PRODUCER
    a = s.attributes
    assert a["messaging.system"] == "rocketmq" and a["messaging.destination.name"] == "TopicTest"
    assert a["messaging.operation.name"] == "send" and a["messaging.operation.type"] == "send"
    assert a["messaging.rocketmq.message.tag"] == "TagA"
    assert a["code.function.name"].endswith("test_messaging_span_name_and_attributes")


def test_inject_extract_and_link_through_message_properties(spans):
    props: dict[str, str] = {}
    with messaging_span("send", "T", SpanKind.PRODUCER) as producer:
        inject(props)
    assert props["traceparent"].split("-")[1] == format(producer.get_span_context().trace_id, "032x")
    # the broker continues the trace as a child ...
    with span("SendMessageProcessor.process", context=extract(props), kind=SpanKind.SERVER):
        pass
    # ... the consumer links to it
    with messaging_span("process", "T", SpanKind.CONSUMER, links=link_from(props)):
        pass
    send, broker, process = spans.get_finished_spans()
    assert broker.context.trace_id == send.context.trace_id
    assert broker.parent.span_id == send.context.span_id
    assert process.context.trace_id != send.context.trace_id
    assert [lk.context.span_id for lk in process.links] == [send.context.span_id]


def test_nothing_to_carry_without_a_span():
    props: dict[str, str] = {}
    inject(props)
    assert props == {}
    assert extract({}) is None and extract(None) is None and link_from({"a": "b"}) == []


def test_without_an_sdk_spans_are_free_no_ops():
    code = textwrap.dedent("""
        from rocketmq_ref.common.tracing import traced, span, messaging_span, inject, SpanKind
        @traced("a.B#c", books=("B1",))
        def f(x):
            return x + 1
        assert f(1) == 2
        with span("X.y") as s:
            assert not s.is_recording()
        with messaging_span("send", "T", SpanKind.PRODUCER) as s:
            props = {}
            inject(props)
            assert props == {} and not s.is_recording()
        print("ok")
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_code_path_is_relative_to_the_project():
    assert tracing.code_path(tracing.__file__) == "rocketmq_ref/common/tracing.py"
