"""SQL92 expression tree (Java ``org.apache.rocketmq.filter.expression``: ``ConstantExpression``,
``BooleanConstantExpression``, ``PropertyExpression``, ``ComparisonExpression``, ``LogicExpression``,
``UnaryExpression``, ``UnaryInExpression``, ``MQFilterException``; books A7.1.3, B5.8).

Values keep Java's types because the comparison rules depend on them: a property is always a
``str`` (or ``None`` when missing), literals are :class:`Integer`, :class:`Long`, ``float`` (Java
Double), ``bool`` or ``str``.  ``evaluate`` returns ``True``/``False``/``None`` (SQL unknown) for
boolean nodes and may raise :class:`FilterEvaluationError`; the broker then drops the message.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

INT_MIN, INT_MAX = -(1 << 31), (1 << 31) - 1
LONG_MIN, LONG_MAX = -(1 << 63), (1 << 63) - 1
DOUBLE_MAX = 1.7976931348623157e308
DOUBLE_MIN = 5e-324  # Java Double.MIN_VALUE, printed 4.9E-324


class MQFilterException(Exception):
    """Java ``MQFilterException``: an expression that does not compile (the broker answers
    SUBSCRIPTION_PARSE_FAILED with this message)."""

    def __init__(self, error_message: str, response_code: int = -1) -> None:
        super().__init__(error_message)
        self.error_message = error_message
        self.response_code = response_code


class FilterEvaluationError(Exception):
    """Java's RuntimeException during ``evaluate`` (bad number, incomparable types): the message
    is not matched, whatever the rest of the expression says."""


class Integer(int):
    """A Java ``Integer`` value (decimal literal that fits 32 bits)."""
    __slots__ = ()


class Long(int):
    """A Java ``Long`` value (decimal literal outside 32 bits, or with an ``L`` suffix)."""
    __slots__ = ()


# ---------------------------------------------------------------------------------------------
# Java conversions used by ComparisonExpression.__compare
_JAVA_INT = re.compile(r"[+-]?[0-9]+\Z")
_JAVA_DOUBLE = re.compile(r"[+-]?(?:NaN|Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?[fFdD]?)\Z")


def java_integer_value_of(s: str, cls: type[int] = Integer) -> int:
    """``Integer.valueOf`` / ``Long.valueOf``: a signed decimal in range, else NumberFormatException."""
    lo, hi = (INT_MIN, INT_MAX) if cls is Integer else (LONG_MIN, LONG_MAX)
    if _JAVA_INT.match(s):
        v = int(s)
        if lo <= v <= hi:
            return cls(v)
    raise FilterEvaluationError(f'java.lang.NumberFormatException: For input string: "{s}"')


def java_double_value_of(s: str) -> float:
    """``Double.valueOf``: trims ASCII control and space, takes NaN/Infinity and a d/f suffix."""
    t = s.strip("".join(chr(c) for c in range(33)))
    if not _JAVA_DOUBLE.match(t):
        raise FilterEvaluationError(f'java.lang.NumberFormatException: For input string: "{s}"')
    if t[-1] in "fFdD" and not t.endswith("Infinity"):
        t = t[:-1]
    return float(t.replace("Infinity", "inf"))


def java_boolean_value_of(s: str) -> bool:
    return s.lower() == "true"


def java_double_to_string(d: float) -> str:
    """``Double.toString`` (used in messages): ``5.0``, ``1.0E10``, ``1.0E-5``."""
    if math.isnan(d):
        return "NaN"
    if math.isinf(d):
        return "Infinity" if d > 0 else "-Infinity"
    if d == 0 or 1e-3 <= abs(d) < 1e7:
        return repr(d)  # Python writes this range without an exponent, as Java does
    sign, digits, exp = Decimal(repr(d)).as_tuple()
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    e = exp + len(digits) - 1
    return f"{'-' if sign else ''}{ds[0]}.{ds[1:] or '0'}E{e}"


def value_to_string(v: Any) -> str:
    """Java ``toString`` of a value or ``ConstantExpression``."""
    if v is None:
        return "NULL"
    if type(v) is bool:
        return "TRUE" if v else "FALSE"
    if type(v) is float:
        return java_double_to_string(v)
    if type(v) is str:
        return "'" + v.replace("'", "''") + "'"
    return str(int(v))


def _java_double_compare(a: float, b: float) -> int:
    if a < b:
        return -1
    if a > b:
        return 1
    an, bn = math.isnan(a), math.isnan(b)
    if an or bn:
        return (an > bn) - (an < bn)
    sa, sb = math.copysign(1.0, a), math.copysign(1.0, b)  # -0.0 < 0.0
    return (sa > sb) - (sa < sb)


def _compare_same(lv: Any, rv: Any) -> int:
    if type(lv) is float:
        return _java_double_compare(lv, float(rv))
    if type(lv) is str:
        a, b = lv.encode("utf-16-be"), rv.encode("utf-16-be")  # String.compareTo: UTF-16 units
        return (a > b) - (a < b)
    return (lv > rv) - (lv < rv)


_NUMERIC = (Integer, Long, float)


def java_compare(lv: Any, rv: Any) -> int:
    """Java ``ComparisonExpression.__compare(lv, rv, convertStringExpressions=true)``: converts up
    (Integer -> Long -> Double), converts a String side to the other side's type (a failed parse
    raises), and answers -1 for types it cannot reconcile."""
    lc, rc = type(lv), type(rv)
    if lc is rc:
        return _compare_same(lv, rv)
    if lc is bool:
        if rc is str:
            # Java casts the Boolean itself to String here: a ClassCastException
            raise FilterEvaluationError("java.lang.ClassCastException: Boolean cannot be cast to String")
        return -1
    if lc is Integer:
        if rc is Long:
            return _compare_same(int(lv), int(rv))
        if rc is float:
            return _java_double_compare(float(lv), rv)
        if rc is str:
            return _compare_same(int(lv), java_integer_value_of(rv, Integer))
        return -1
    if lc is Long:
        if rc is Integer:
            return _compare_same(int(lv), int(rv))
        if rc is float:
            return _java_double_compare(float(lv), rv)
        if rc is str:
            return _compare_same(int(lv), java_integer_value_of(rv, Long))
        return -1
    if lc is float:
        if rc is Integer or rc is Long:
            return _java_double_compare(lv, float(rv))
        if rc is str:
            return _java_double_compare(lv, java_double_value_of(rv))
        return -1
    if lc is str:
        if rc is bool:
            return _compare_same(java_boolean_value_of(lv), rv)
        if rc is Integer or rc is Long:
            return _compare_same(java_integer_value_of(lv, rc), int(rv))
        if rc is float:
            return _java_double_compare(java_double_value_of(lv), rv)
    return -1


# ---------------------------------------------------------------------------------------------
class Expression:
    """Java ``Expression``: ``evaluate(context)`` where ``context.get(name)`` gives a property."""
    __slots__ = ()

    def evaluate(self, context: Mapping[str, str] | Any) -> Any:
        raise NotImplementedError


class BooleanExpression(Expression):
    """Java ``BooleanExpression``: only a ``True`` result selects the message."""
    __slots__ = ()

    def matches(self, context: Any) -> bool:
        return self.evaluate(context) is True


class ConstantExpression(Expression):
    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def evaluate(self, context: Any) -> Any:
        return self.value

    def __str__(self) -> str:
        return value_to_string(self.value)

    @staticmethod
    def create_from_decimal(text: str) -> "ConstantExpression":
        if text[-1] in "lL":
            text = text[:-1]
        v = int(text)
        if v > LONG_MAX:
            raise MQFilterException(f'java.lang.NumberFormatException: For input string: "{text}"')
        return ConstantExpression(Integer(v) if INT_MIN <= v <= INT_MAX else Long(v))

    @staticmethod
    def create_float(text: str) -> "ConstantExpression":
        v = float(text)
        if v > DOUBLE_MAX:
            raise MQFilterException(f"{text} is greater than 1.7976931348623157E308")
        if v < DOUBLE_MIN:
            raise MQFilterException(f"{text} is less than 4.9E-324")
        return ConstantExpression(v)


class BooleanConstantExpression(ConstantExpression, BooleanExpression):
    """``TRUE``, ``FALSE`` and ``NULL``."""
    __slots__ = ()


BooleanConstantExpression.TRUE = BooleanConstantExpression(True)    # type: ignore[attr-defined]
BooleanConstantExpression.FALSE = BooleanConstantExpression(False)  # type: ignore[attr-defined]
BooleanConstantExpression.NULL = BooleanConstantExpression(None)    # type: ignore[attr-defined]


class PropertyExpression(Expression):
    """A message property; missing -> ``None``."""
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def evaluate(self, context: Any) -> Any:
        return context.get(self.name)

    def __str__(self) -> str:
        return self.name


class BinaryExpression(Expression):
    __slots__ = ("left", "right")
    symbol = "?"

    def __init__(self, left: Expression, right: Expression) -> None:
        self.left = left
        self.right = right

    def __str__(self) -> str:
        return f"({self.left} {self.symbol} {self.right})"


# -- LogicExpression ---------------------------------------------------------------------------
class OrExpression(BinaryExpression, BooleanExpression):
    """Java ``LogicExpression.createOR``: three-valued OR."""
    __slots__ = ()
    symbol = "||"

    def evaluate(self, context: Any) -> Any:
        lv = self.left.evaluate(context)
        if lv:
            return True
        rv = self.right.evaluate(context)
        if rv:
            return True
        if lv is None or rv is None:
            return None
        return False


class AndExpression(BinaryExpression, BooleanExpression):
    """Java ``LogicExpression.createAND``: three-valued AND."""
    __slots__ = ()
    symbol = "&&"

    def evaluate(self, context: Any) -> Any:
        lv = self.left.evaluate(context)
        if lv is False:
            return False
        rv = self.right.evaluate(context)
        if rv is False:
            return False
        if lv is None or rv is None:
            return None
        return True


class LogicExpression:
    @staticmethod
    def create_or(lvalue: BooleanExpression, rvalue: BooleanExpression) -> BooleanExpression:
        return OrExpression(lvalue, rvalue)

    @staticmethod
    def create_and(lvalue: BooleanExpression, rvalue: BooleanExpression) -> BooleanExpression:
        return AndExpression(lvalue, rvalue)


# -- ComparisonExpression ----------------------------------------------------------------------
class ComparisonExpression(BinaryExpression, BooleanExpression):
    """Java ``ComparisonExpression``: ``>``, ``>=``, ``<``, ``<=`` (two strings compare as doubles)."""
    __slots__ = ()

    @staticmethod
    def as_boolean(answer: int) -> bool:
        raise NotImplementedError

    def evaluate(self, context: Any) -> Any:
        lv = self.left.evaluate(context)
        if lv is None:
            return None
        rv = self.right.evaluate(context)
        if rv is None:
            return None
        if type(lv) is str and type(rv) is str:
            try:
                return self.as_boolean(_java_double_compare(java_double_value_of(lv), java_double_value_of(rv)))
            except FilterEvaluationError as e:
                raise FilterEvaluationError("It's illegal to compare string by '>=', '>', '<', '<='. "
                                            f"lv={lv}, rv={rv}") from e
        return self.as_boolean(java_compare(lv, rv))

    # factories (Java static methods), with the compile-time checks
    @staticmethod
    def check_less_than_operand(expr: Expression) -> None:
        if isinstance(expr, ConstantExpression):
            if type(expr.value) in _NUMERIC:
                return
            raise MQFilterException(f"Value '{expr}' cannot be compared.")
        if isinstance(expr, BooleanExpression):
            raise MQFilterException(f"Value '{expr}' cannot be compared.")

    @staticmethod
    def check_equal_operand(expr: Expression) -> None:
        if isinstance(expr, ConstantExpression) and expr.value is None:
            raise MQFilterException(f"'{expr}' cannot be compared.")

    @staticmethod
    def _ordered(cls: type["ComparisonExpression"], left: Expression, right: Expression) -> BooleanExpression:
        ComparisonExpression.check_less_than_operand(left)
        ComparisonExpression.check_less_than_operand(right)
        return cls(left, right)

    @staticmethod
    def create_greater_than(left: Expression, right: Expression) -> BooleanExpression:
        return ComparisonExpression._ordered(GreaterThanExpression, left, right)

    @staticmethod
    def create_greater_than_equal(left: Expression, right: Expression) -> BooleanExpression:
        return ComparisonExpression._ordered(GreaterThanEqualExpression, left, right)

    @staticmethod
    def create_less_than(left: Expression, right: Expression) -> BooleanExpression:
        return ComparisonExpression._ordered(LessThanExpression, left, right)

    @staticmethod
    def create_less_than_equal(left: Expression, right: Expression) -> BooleanExpression:
        return ComparisonExpression._ordered(LessThanEqualExpression, left, right)

    @staticmethod
    def create_between(value: Expression, left: Expression, right: Expression) -> BooleanExpression:
        if isinstance(left, ConstantExpression) and isinstance(right, ConstantExpression):
            lv, rv = left.value, right.value
            if lv is None or rv is None:
                raise MQFilterException("Illegal values of between, values can not be null!")
            try:
                ret = java_compare(rv, lv)
            except FilterEvaluationError as e:
                raise MQFilterException(str(e)) from e
            if ret < 0:
                raise MQFilterException(
                    f"Illegal values of between, left value({_plain(lv)}) must less than or equal to "
                    f"right value({_plain(rv)})")
        return AndExpression(ComparisonExpression.create_greater_than_equal(value, left),
                             ComparisonExpression.create_less_than_equal(value, right))

    @staticmethod
    def create_not_between(value: Expression, left: Expression, right: Expression) -> BooleanExpression:
        return OrExpression(ComparisonExpression.create_less_than(value, left),
                            ComparisonExpression.create_greater_than(value, right))

    @staticmethod
    def create_in_filter(left: Expression, elements: list[str], not_: bool = False) -> BooleanExpression:
        if not isinstance(left, PropertyExpression):
            raise MQFilterException(f"Expected a property for In expression, got: {left}")
        return UnaryInExpression(left, elements, not_)

    @staticmethod
    def create_is_null(left: Expression) -> BooleanExpression:
        return EqualExpression(left, BooleanConstantExpression.NULL)  # type: ignore[attr-defined]

    @staticmethod
    def create_is_not_null(left: Expression) -> BooleanExpression:
        return NotExpression(ComparisonExpression.create_is_null(left))

    @staticmethod
    def create_equal(left: Expression, right: Expression) -> BooleanExpression:
        ComparisonExpression.check_equal_operand(left)
        ComparisonExpression.check_equal_operand(right)
        if (isinstance(left, ConstantExpression) and isinstance(right, ConstantExpression)
                and isinstance(left, BooleanExpression) and not isinstance(right, BooleanExpression)):
            raise MQFilterException(f"'{left}' cannot be compared with '{right}'")
        return EqualExpression(left, right)

    @staticmethod
    def create_not_equal(left: Expression, right: Expression) -> BooleanExpression:
        return NotExpression(ComparisonExpression.create_equal(left, right))


def _plain(v: Any) -> str:
    """``String.format("%s", v)`` of a constant value."""
    if type(v) is bool:
        return "true" if v else "false"
    if type(v) is float:
        return java_double_to_string(v)
    return str(v) if type(v) is str else str(int(v))


class GreaterThanExpression(ComparisonExpression):
    __slots__ = ()
    symbol = ">"

    @staticmethod
    def as_boolean(answer: int) -> bool:
        return answer > 0


class GreaterThanEqualExpression(ComparisonExpression):
    __slots__ = ()
    symbol = ">="

    @staticmethod
    def as_boolean(answer: int) -> bool:
        return answer >= 0


class LessThanExpression(ComparisonExpression):
    __slots__ = ()
    symbol = "<"

    @staticmethod
    def as_boolean(answer: int) -> bool:
        return answer < 0


class LessThanEqualExpression(ComparisonExpression):
    __slots__ = ()
    symbol = "<="

    @staticmethod
    def as_boolean(answer: int) -> bool:
        return answer <= 0


class EqualExpression(ComparisonExpression):
    """Java ``doCreateEqual``: null on one side only -> null (left) or FALSE (right); equal
    objects -> TRUE; otherwise the converting compare (``'5' = 5`` is TRUE, ``'x' = 5`` errors)."""
    __slots__ = ()
    symbol = "=="

    def evaluate(self, context: Any) -> Any:
        lv = self.left.evaluate(context)
        rv = self.right.evaluate(context)
        if (lv is None) != (rv is None):
            return None if lv is None else False
        if lv is None or (type(lv) is type(rv) and lv == rv):
            return True
        return java_compare(lv, rv) == 0


# -- UnaryExpression ---------------------------------------------------------------------------
class UnaryExpression(Expression):
    __slots__ = ("right",)
    symbol = "?"

    def __init__(self, right: Expression) -> None:
        self.right = right

    def __str__(self) -> str:
        return f"({self.symbol} {self.right})"

    @staticmethod
    def create_negate(left: Expression) -> Expression:
        return NegateExpression(left)

    @staticmethod
    def create_not(left: BooleanExpression) -> BooleanExpression:
        return NotExpression(left)

    @staticmethod
    def create_boolean_cast(left: Expression) -> BooleanExpression:
        return BooleanCastExpression(left)


class NegateExpression(UnaryExpression):
    """``-x``: numbers keep their type; anything else (a property's string) gives null."""
    __slots__ = ()
    symbol = "-"

    def evaluate(self, context: Any) -> Any:
        v = self.right.evaluate(context)
        t = type(v)
        if t is Integer:
            return Integer(((-v - INT_MIN) % (1 << 32)) + INT_MIN)  # Java int overflow
        if t is Long:
            return Long(((-v - LONG_MIN) % (1 << 64)) + LONG_MIN)
        if t is float:
            return -v
        return None


class NotExpression(UnaryExpression, BooleanExpression):
    __slots__ = ()
    symbol = "NOT"

    def evaluate(self, context: Any) -> Any:
        v = self.right.evaluate(context)
        if v is None:
            return None
        if type(v) is not bool:  # Java's (Boolean) cast
            raise FilterEvaluationError(f"java.lang.ClassCastException: {v!r} is not a Boolean")
        return not v


class BooleanCastExpression(UnaryExpression, BooleanExpression):
    """A bare property used as a condition: TRUE only for a Boolean TRUE value, so a property
    (always a string) gives FALSE, or null when missing."""
    __slots__ = ()
    symbol = ""

    def evaluate(self, context: Any) -> Any:
        v = self.right.evaluate(context)
        if v is None:
            return None
        return v is True

    def __str__(self) -> str:
        return str(self.right)


class UnaryInExpression(UnaryExpression, BooleanExpression):
    """``x IN ('a', 'b')`` / ``x NOT IN (...)``: only a string property value is tested."""
    __slots__ = ("in_list", "not_")

    def __init__(self, right: PropertyExpression, elements: list[str], not_: bool) -> None:
        super().__init__(right)
        self.in_list = frozenset(elements)
        self.not_ = not_

    def evaluate(self, context: Any) -> Any:
        v = self.right.evaluate(context)
        if v is None or type(v) is not str:
            return None
        return (v in self.in_list) != self.not_

    @property
    def symbol(self) -> str:  # type: ignore[override]
        return "NOT IN" if self.not_ else "IN"

    def __str__(self) -> str:
        return f"{self.right} {self.symbol} ( {', '.join(sorted(self.in_list))} )"
