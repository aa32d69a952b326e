"""The walkthrough model: span-tree shapes, code-location checks, stop resolution, discovery."""
from __future__ import annotations

import csv
import inspect

import pytest

from rocketmq_ref.common.otlp_json import encode_traces_data, flatten
from rocketmq_ref.common.tracing import Link, SpanKind, span, traced
from rocketmq_ref.tools.walkthrough import launch_json_text
from rocketmq_ref.tools.walkthrough_model import (LAUNCH_HINT, ROOT, SpanTree, Stop, Walkthrough,
                                                  WalkthroughError, discover, find,
                                                  location_problems, resolve_stops, shape_diff)


@traced("org.apache.rocketmq.example.Sample#outer", books=("B4.3",))
def outer(n: int) -> None:
    for i in range(n):
        with span("Sample.inner", books=("B4.8",), attributes={"i": i}):
            pass


def consume(carrier_span) -> None:
    with span("process TopicTest", kind=SpanKind.CONSUMER,
              links=[Link(carrier_span.get_span_context())]):
        pass


def recorded(spans) -> list[dict]:
    return list(flatten(encode_traces_data(spans.get_finished_spans())))


def run_sample(spans, n: int = 2, consumer: bool = True) -> list[dict]:
    spans.clear()
    with span("send TopicTest", kind=SpanKind.PRODUCER) as producer:
        outer(n)
    if consumer:
        consume(producer)
    return recorded(spans)


def test_same_run_twice_has_the_same_shape_though_ids_and_times_differ(spans):
    first, second = run_sample(spans), run_sample(spans)
    assert {s["spanId"] for s in first}.isdisjoint(s["spanId"] for s in second)
    assert shape_diff(SpanTree(first), SpanTree(second)) == []


def test_a_new_kind_of_child_span_is_reported_as_a_difference(spans):
    diff = shape_diff(SpanTree(run_sample(spans, 0)), SpanTree(run_sample(spans, 3)))
    assert diff == ["+ outer [INTERNAL] {B4.3} > Sample.inner [INTERNAL] {B4.8}"]


def test_how_often_a_child_repeats_is_not_a_difference(spans):
    """Loop rounds, retries and heartbeats repeat a span a number of times that varies with timing."""
    assert shape_diff(SpanTree(run_sample(spans, 2)), SpanTree(run_sample(spans, 3))) == []


def test_a_lost_link_is_reported(spans):
    with_link = run_sample(spans)
    without = [dict(s, links=[]) for s in with_link]
    diff = shape_diff(SpanTree(with_link), SpanTree(without))
    assert any("links-> send TopicTest" in line for line in diff)


def test_changed_book_ids_are_reported(spans):
    base = run_sample(spans)
    changed = [dict(s, attrs={**s["attrs"], "rocketmq_ref.book.sections": ["B9.9"]})
               if s["name"] == "outer" else s for s in base]
    assert shape_diff(SpanTree(base), SpanTree(changed))


def test_reparented_span_is_reported_even_with_the_same_names(spans):
    base = run_sample(spans, 1)
    root = next(s for s in base if s["name"] == "send TopicTest")
    moved = [dict(s, parentSpanId=root["spanId"]) if s["name"] == "Sample.inner" else s
             for s in base]
    assert shape_diff(SpanTree(base), SpanTree(moved))


def test_ignored_spans_drop_with_their_subtrees(spans):
    a = SpanTree(run_sample(spans, 1), ignore=(r"outer",))
    b = SpanTree(run_sample(spans, 5), ignore=(r"outer",))
    assert shape_diff(a, b) == []


def test_recorded_locations_inside_their_functions_pass(spans):
    assert location_problems(run_sample(spans)) == []


def test_a_location_outside_the_named_function_is_reported(spans):
    data = run_sample(spans)
    _, start = inspect.getsourcelines(outer)
    moved = [dict(s, attrs={**s["attrs"], "code.line.number": start - 5})
             if s["name"] == "outer" else s for s in data]
    problems = location_problems(moved)
    assert len(problems) == 1 and "outer" in problems[0] and "is now at" in problems[0]


def test_a_function_that_no_longer_exists_is_reported(spans):
    data = run_sample(spans)
    gone = [dict(s, attrs={**s["attrs"], "code.function.name": __name__ + ".renamed_away"})
            if s["name"] == "outer" else s for s in data]
    assert any("renamed_away" in p for p in location_problems(gone))


def test_stops_resolve_to_the_first_span_of_that_name(spans):
    data = run_sample(spans, 2)
    w = Walkthrough("sample", "Sample", ("B4.3",), lambda: None,
                    stops=(Stop("outer", ("n",)), Stop("Sample.inner", ("i",))))
    outer_stop, inner_stop = resolve_stops(w, data)
    source, start = inspect.getsourcelines(inspect.unwrap(outer))
    assert outer_stop.file == "tests/walkthroughs/test_walkthrough_model.py"
    assert outer_stop.line == start + 2  # the first body line: where a breakpoint stops
    assert source[inner_stop.line - start].strip().startswith("with span(\"Sample.inner\"")


def test_a_stop_naming_no_recorded_span_says_how_to_re_record(spans):
    w = Walkthrough("sample", "Sample", ("B4.3",), lambda: None, stops=(Stop("Nope.never"),))
    with pytest.raises(WalkthroughError, match="walkthrough run sample"):
        resolve_stops(w, run_sample(spans))


def test_walkthrough_names_must_be_snake_case_and_declare_ids():
    with pytest.raises(WalkthroughError):
        Walkthrough("Bad-Name", "x", ("B4.3",), lambda: None)
    with pytest.raises(WalkthroughError):
        Walkthrough("no_ids", "x", (), lambda: None)


def test_every_walkthrough_declares_known_section_ids_once():
    with open(ROOT / "docs" / "sections.tsv", encoding="utf-8") as f:
        known = {row["id"] for row in csv.DictReader(f, delimiter="\t")}
    seen: set[str] = set()
    for w in discover():
        assert set(w.sections) <= known, (w.name, set(w.sections) - known)
        assert seen.isdisjoint(w.sections)
        seen.update(w.sections)


def test_find_by_section_id_and_unknown_key():
    some = discover()[0]
    assert find(some.sections[0]).name == some.name
    with pytest.raises(WalkthroughError, match="no walkthrough"):
        find("Z9.9")


def test_vscode_launch_json_offers_every_walkthrough():
    text = (ROOT / ".vscode" / "launch.json").read_text(encoding="utf-8")
    assert text == launch_json_text(discover()), LAUNCH_HINT


def test_cli_lists_every_walkthrough_with_its_ids(capsys):
    from rocketmq_ref.tools.walkthrough import main
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for w in discover():
        assert w.name in out and " ".join(w.sections) in out


def test_cli_names_the_known_walkthroughs_for_an_unknown_key(capsys):
    from rocketmq_ref.tools.walkthrough import main
    assert main(["run", "Z9.9"]) == 2
    err = capsys.readouterr().err
    assert "no walkthrough named or covering 'Z9.9'" in err and "namesrv_routes" in err
