"""The SQL92 selector grammar: what compiles to what, and the reasons given for what does not."""
from __future__ import annotations

import pytest

from rocketmq_ref.filter.expression import (AndExpression, BooleanCastExpression, BooleanConstantExpression,
                                            EqualExpression, Integer, Long, MQFilterException, NotExpression,
                                            OrExpression, UnaryInExpression)
from rocketmq_ref.filter.filter_factory import FilterFactory
from rocketmq_ref.filter.selector_parser import SelectorParser


def parse(sql):
    return SelectorParser.parse(sql)


def error(sql) -> str:
    with pytest.raises(MQFilterException) as e:
        SelectorParser.parse(sql)
    assert str(e.value).startswith("Invalid MessageSelector. ")
    return str(e.value)


def test_and_binds_tighter_than_or_and_parentheses_override():
    assert str(parse("a = 'x' OR b = 'y' AND c = 'z'")) == "((a == 'x') || ((b == 'y') && (c == 'z')))"
    assert str(parse("(a = 'x' OR b = 'y') AND c = 'z'")) == "(((a == 'x') || (b == 'y')) && (c == 'z'))"


def test_keywords_are_case_insensitive_and_identifiers_are_not_keywords():
    e = parse("a between 1 AnD 3 or NOT (android in ('x')) and orb is not null")
    assert isinstance(e, OrExpression)
    assert "android IN" in str(e) and "orb == NULL" in str(e)


def test_not_binds_to_the_next_operand_as_in_java():
    # NOT a = 'x' is (NOT a) = 'x' in SelectorParser.jj, NOT (a = 'x') needs the parentheses
    assert str(parse("NOT a = 'x'")) == "((NOT a) == 'x')"
    assert isinstance(parse("NOT (a = 'x')"), NotExpression)


def test_literals_keep_java_types():
    assert type(parse("a = 5").right.value) is Integer
    assert type(parse("a = 5L").right.value) is Integer  # narrowed when it fits, as createFromDecimal
    assert type(parse("a = 3000000000").right.value) is Long
    for text, value in (("1.5", 1.5), (".5", 0.5), ("5E3", 5000.0), ("5.", 5.0), ("2.5e-1", 0.25)):
        assert parse(f"a = {text}").right.value == value
    assert parse("a = 'it''s'").right.value == "it's"
    assert parse("TRUE") is BooleanConstantExpression.TRUE
    assert isinstance(parse("a IS NULL"), EqualExpression)


def test_in_between_and_a_bare_property():
    e = parse("a IN ('x', 'y', 'x')")
    assert isinstance(e, UnaryInExpression) and e.in_list == {"x", "y"} and not e.not_
    assert parse("a NOT IN ('x')").not_
    assert isinstance(parse("a BETWEEN 1 AND 3"), AndExpression)
    assert isinstance(parse("a NOT BETWEEN 1 AND 3"), OrExpression)
    assert isinstance(parse("a"), BooleanCastExpression)


def test_comments_and_whitespace_are_skipped():
    assert str(parse("/* multi\n line */ a = 1 -- trailing\n AND\tb = 2\r\n")) == "((a == 1) && (b == 2))"


@pytest.mark.parametrize("sql, reason", [
    ("a >", 'Encountered "<EOF>" at the end of the expression. Was expecting one of:'),
    ("a = 1 b = 2", 'Encountered "b" at line 1, column 7.'),
    ("a ~ 1", 'Lexical error at line 1, column 3. Encountered: "~"'),
    ("a > 'x'", "Value ''x'' cannot be compared."),
    ("a <= TRUE", "Value 'TRUE' cannot be compared."),
    ("a = NULL", "'NULL' cannot be compared."),
    ("TRUE = 'x'", "'TRUE' cannot be compared with ''x''"),
    ("'x'", "Expression will not result in a boolean value: 'x'"),
    ("a IN (1, 2)", 'Encountered "1"'),
    ("5 IN ('x')", "Expected a property for In expression, got: 5"),
    ("a BETWEEN 5 AND 1", "Illegal values of between, left value(5) must less than or equal to right value(1)"),
    ("a BETWEEN NULL AND 1", "Illegal values of between, values can not be null!"),
    ("a > 0.0", "0.0 is less than 4.9E-324"),
    ("a > 1e999", "1e999 is greater than 1.7976931348623157E308"),
    ("a > 99999999999999999999", "NumberFormatException"),
    ("a = 007", 'Encountered "0"'),
    ("a = 'open", "Lexical error"),
    ("", 'Encountered "<EOF>"'),
])
def test_bad_expressions_say_why(sql, reason):
    assert reason in error(sql)


def test_failures_and_results_are_cached_per_text():
    assert parse("cached = 'x'") is parse("cached = 'x'")
    first = pytest.raises(MQFilterException, SelectorParser.parse, "cached >").value
    again = pytest.raises(MQFilterException, SelectorParser.parse, "cached >").value
    assert again is not first and str(again) == str(first)


def test_filter_factory_compiles_sql92_and_names_unknown_types():
    assert FilterFactory.INSTANCE.compile("SQL92", "a = 1").matches({"a": "1"})
    with pytest.raises(MQFilterException, match=r"Filter spi type\(XPATH\) not found!"):
        FilterFactory.INSTANCE.compile("XPATH", "a = 1")
