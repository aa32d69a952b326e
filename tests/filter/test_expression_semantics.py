"""Java's evaluation rules for SQL92 selectors, and a hypothesis check of the evaluator against a
small reference interpreter of the same rules."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rocketmq_ref.filter.expression import FilterEvaluationError
from rocketmq_ref.filter.selector_parser import SelectorParser


def evaluate(sql, props):
    return SelectorParser.parse(sql).evaluate(props)


def matches(sql, props) -> bool:
    """What the broker does: only TRUE selects, an evaluation error drops the message."""
    try:
        return SelectorParser.parse(sql).evaluate(props) is True
    except FilterEvaluationError:
        return False


@pytest.mark.parametrize("sql, props, result", [
    ("a > 5", {"a": "7"}, True),
    ("a > 5", {"a": "5"}, False),
    ("a > 5", {}, None),                       # missing property: null, never matched
    ("a IS NULL", {}, True),
    ("a IS NOT NULL", {"a": ""}, True),
    ("a > 5.5", {"a": "6"}, True),             # property parsed as the literal's type (Double)
    ("a > 5", {"a": "3000000000"}, None),      # Integer.valueOf fails: error (checked below)
    ("a > 3000000000", {"a": "3000000001"}, True),  # Long literal: Long.valueOf
    ("a = 5", {"a": "5"}, True),               # '5' = 5 converts the string
    ("a = '5'", {"a": "5"}, True),
    ("a = 'x'", {"a": "X"}, False),            # string equality is exact
    ("a <> 'x'", {"a": "y"}, True),
    ("a <> 'x'", {}, None),
    ("a = TRUE", {"a": "TrUe"}, True),         # Boolean.valueOf ignores case
    ("a = FALSE", {"a": "yes"}, True),         # ... and anything else is false
    ("a IN ('x', 'y')", {"a": "y"}, True),
    ("a NOT IN ('x', 'y')", {"a": "z"}, True),
    ("a IN ('x')", {}, None),
    ("a BETWEEN 1 AND 3", {"a": "3"}, True),
    ("a NOT BETWEEN 1 AND 3", {"a": "4"}, True),
    ("-a > 0", {"a": "5"}, None),              # negating a string gives null
    ("a > -5", {"a": "-4"}, True),
    ("a", {"a": "true"}, False),               # a bare property is a Boolean cast: strings are not
    ("a OR b = 'x'", {"b": "x"}, True),
    ("a = 'q' OR b = 'x'", {"b": "y"}, None),  # null OR false is null
    ("a = 'q' AND b = 'x'", {"b": "y"}, False),  # null AND false is false
    ("NOT (a = 'q')", {}, None),
])
def test_java_evaluation_rules(sql, props, result):
    try:
        value = evaluate(sql, props)
    except FilterEvaluationError:
        value = None
    assert value is result


@pytest.mark.parametrize("sql, props", [
    ("a > 5", {"a": "abc"}),          # NumberFormatException
    ("a > 5", {"a": "7.5"}),          # Integer.valueOf("7.5") fails, as in Java
    ("a > b", {"a": "x", "b": "1"}),  # two strings compare as doubles or fail
    ("NOT a = 'x'", {"a": "1"}),      # (NOT a) = 'x': Boolean vs String is Java's ClassCastException
])
def test_evaluation_errors_raise(sql, props):
    with pytest.raises(FilterEvaluationError):
        evaluate(sql, props)


def test_an_error_drops_the_message_even_under_or():
    assert not matches("a > 5 OR b = 'x'", {"a": "abc", "b": "x"})
    assert matches("b = 'x' OR a > 5", {"a": "abc", "b": "x"})  # OR stops before the bad side


def test_two_strings_compare_as_doubles():
    assert evaluate("a > b", {"a": "10", "b": "9.5"}) is True  # not lexicographic
    assert evaluate("a < b", {"a": "1e2", "b": "2e2"}) is True


def test_long_against_double_converts_the_long():
    assert evaluate("a > 2.5", {"a": "3"}) is True
    assert evaluate("3000000000 > 2.5", {}) is True


# --- hypothesis: evaluator vs a reference interpreter ------------------------------------------
NAMES = ("a", "b", "c")
VALUES = ("0", "5", "-3", "12", "2147483648", "x", "y", "", "7.5")
INT_RE = re.compile(r"[+-]?[0-9]+\Z")


class Err(Exception):
    pass


def ref_int(s):
    if not INT_RE.match(s) or not -(1 << 31) <= int(s) < (1 << 31):
        raise Err
    return int(s)


def ref_eval(node, props):
    kind = node[0]
    if kind == "cmp":  # ("cmp", name, op, int literal)
        _, name, op, lit = node
        v = props.get(name)
        if v is None:
            return None
        v = ref_int(v)
        return {"<": v < lit, "<=": v <= lit, ">": v > lit, ">=": v >= lit, "=": v == lit,
                "<>": v != lit}[op]
    if kind == "streq":
        v = props.get(node[1])
        return None if v is None else v == node[2]
    if kind == "in":
        v = props.get(node[1])
        return None if v is None else v in node[2]
    if kind == "null":
        return node[1] not in props
    if kind == "not":
        v = ref_eval(node[1], props)
        return None if v is None else not v
    left = ref_eval(node[1], props)
    if kind == "and":
        if left is False:
            return False
        right = ref_eval(node[2], props)
        if right is False:
            return False
        return None if left is None or right is None else True
    if left is True:  # or
        return True
    right = ref_eval(node[2], props)
    if right is True:
        return True
    return None if left is None or right is None else False


def to_sql(node):
    kind = node[0]
    if kind == "cmp":
        return f"{node[1]} {node[2]} {node[3]}"
    if kind == "streq":
        return f"{node[1]} = '{node[2]}'"
    if kind == "in":
        return f"{node[1]} IN ({', '.join(repr(s) for s in node[2])})"
    if kind == "null":
        return f"{node[1]} IS NULL"
    if kind == "not":
        return f"NOT ({to_sql(node[1])})"
    return f"({to_sql(node[1])}) {kind.upper()} ({to_sql(node[2])})"


name = st.sampled_from(NAMES)
leaf = st.one_of(
    st.tuples(st.just("cmp"), name, st.sampled_from(["<", "<=", ">", ">=", "=", "<>"]), st.integers(0, 20)),
    st.tuples(st.just("streq"), name, st.sampled_from(["x", "y", "5", ""])),
    st.tuples(st.just("in"), name, st.lists(st.sampled_from(["x", "y", "5"]), min_size=1, max_size=3).map(tuple)),
    st.tuples(st.just("null"), name),
)
tree = st.recursive(leaf, lambda kids: st.one_of(
    st.tuples(st.just("not"), kids),
    st.tuples(st.sampled_from(["and", "or"]), kids, kids)), max_leaves=6)
properties = st.dictionaries(st.sampled_from(NAMES), st.sampled_from(VALUES), max_size=3)


@settings(max_examples=300, deadline=None)
@given(tree, properties)
def test_evaluator_agrees_with_the_reference(node, props):
    try:
        expected = ref_eval(node, props) is True
    except Err:
        expected = False
    assert matches(to_sql(node), props) is expected, to_sql(node)
