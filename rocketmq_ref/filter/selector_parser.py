"""SQL92 selector parser (Java ``org.apache.rocketmq.filter.parser.SelectorParser``, the JavaCC grammar
``SelectorParser.jj``; books A7.1.3, B5.8), written as a lark LALR grammar with the same tokens,
precedence and compile-time checks.

Precedence, loosest first: ``OR``; ``AND``; ``=``, ``<>``, ``IS [NOT] NULL``; ``>``, ``>=``, ``<``,
``<=``, ``[NOT] BETWEEN``, ``[NOT] IN``; prefix ``+``, ``-``, ``NOT`` (so ``NOT a = 1`` is
``(NOT a) = 1``, as in Java).  Results (and failures) are cached per text, as Java's 100-entry cache.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from rocketmq_ref.filter.expression import (BooleanConstantExpression, BooleanExpression, ComparisonExpression,
                                            ConstantExpression, Expression, LogicExpression, MQFilterException,
                                            PropertyExpression, UnaryExpression)

GRAMMAR = r"""
?start: or_expr

?or_expr: and_expr
        | or_expr OR and_expr                           -> or_

?and_expr: eq_expr
         | and_expr AND eq_expr                         -> and_

?eq_expr: cmp_expr
        | eq_expr "=" cmp_expr                          -> eq
        | eq_expr "<>" cmp_expr                         -> ne
        | eq_expr IS NULL                               -> is_null
        | eq_expr IS NOT NULL                           -> is_not_null

?cmp_expr: unary
         | cmp_expr ">" unary                           -> gt
         | cmp_expr ">=" unary                          -> ge
         | cmp_expr "<" unary                           -> lt
         | cmp_expr "<=" unary                          -> le
         | cmp_expr BETWEEN unary AND unary             -> between
         | cmp_expr NOT BETWEEN unary AND unary         -> not_between
         | cmp_expr IN "(" string ("," string)* ")"     -> in_
         | cmp_expr NOT IN "(" string ("," string)* ")" -> not_in

?unary: primary
      | "+" unary                                       -> pos
      | "-" unary                                       -> neg
      | NOT unary                                       -> not_

?primary: literal
        | ID                                            -> variable
        | "(" or_expr ")"

?literal: string                                      -> str_const
        | DECIMAL_LITERAL                               -> decimal
        | FLOATING_POINT_LITERAL                        -> floating
        | TRUE                                          -> true
        | FALSE                                         -> false
        | NULL                                          -> null

string: STRING_LITERAL

NOT: "NOT"i
AND: "AND"i
OR: "OR"i
BETWEEN: "BETWEEN"i
IN: "IN"i
TRUE: "TRUE"i
FALSE: "FALSE"i
NULL: "NULL"i
IS: "IS"i

FLOATING_POINT_LITERAL.2: /[0-9]+\.[0-9]*([eE][+-]?[0-9]+)?|\.[0-9]+([eE][+-]?[0-9]+)?|[0-9]+[eE][+-]?[0-9]+/
DECIMAL_LITERAL: /0|[1-9][0-9]*[lL]?/
STRING_LITERAL: /'(''|[^'])*'/
ID: /[a-zA-Z_$][a-zA-Z0-9_$]*/

LINE_COMMENT: /--[^\n\r]*(\r\n|\n|\r)/
BLOCK_COMMENT: /\/\*[^*]*\*+([^*\/][^*]*\*+)*\//
WS: /[ \t\n\r\f]+/
%ignore WS
%ignore LINE_COMMENT
%ignore BLOCK_COMMENT
"""


def _bool(e: Expression) -> BooleanExpression:
    """Java ``asBooleanExpression``: a bare property becomes a boolean cast, anything else that is
    not boolean is an error."""
    if isinstance(e, BooleanExpression):
        return e
    if isinstance(e, PropertyExpression):
        return UnaryExpression.create_boolean_cast(e)
    raise MQFilterException(f"Expression will not result in a boolean value: {e}")


@v_args(inline=True)
class _Builder(Transformer):
    """Builds the Java expression objects bottom-up, running Java's factory checks."""

    def or_(self, left, _op, right):
        return LogicExpression.create_or(_bool(left), _bool(right))

    def and_(self, left, _op, right):
        return LogicExpression.create_and(_bool(left), _bool(right))

    def eq(self, left, right):
        return ComparisonExpression.create_equal(left, right)

    def ne(self, left, right):
        return ComparisonExpression.create_not_equal(left, right)

    def is_null(self, left, _is, _null):
        return ComparisonExpression.create_is_null(left)

    def is_not_null(self, left, _is, _not, _null):
        return ComparisonExpression.create_is_not_null(left)

    def gt(self, left, right):
        return ComparisonExpression.create_greater_than(left, right)

    def ge(self, left, right):
        return ComparisonExpression.create_greater_than_equal(left, right)

    def lt(self, left, right):
        return ComparisonExpression.create_less_than(left, right)

    def le(self, left, right):
        return ComparisonExpression.create_less_than_equal(left, right)

    def between(self, value, _b, low, _and, high):
        return ComparisonExpression.create_between(value, low, high)

    def not_between(self, value, _n, _b, low, _and, high):
        return ComparisonExpression.create_not_between(value, low, high)

    def in_(self, left, _in, *elements):
        return ComparisonExpression.create_in_filter(left, list(elements), False)

    def not_in(self, left, _not, _in, *elements):
        return ComparisonExpression.create_in_filter(left, list(elements), True)

    def pos(self, e):
        return e

    def neg(self, e):
        return UnaryExpression.create_negate(e)

    def not_(self, _not, e):
        return UnaryExpression.create_not(_bool(e))

    def variable(self, t: Token):
        return PropertyExpression(str(t))

    def string(self, t: Token) -> str:
        return str(t)[1:-1].replace("''", "'")

    def str_const(self, s: str):
        return ConstantExpression(s)

    def decimal(self, t: Token):
        return ConstantExpression.create_from_decimal(str(t))

    def floating(self, t: Token):
        return ConstantExpression.create_float(str(t))

    def true(self, _t):
        return BooleanConstantExpression.TRUE

    def false(self, _t):
        return BooleanConstantExpression.FALSE

    def null(self, _t):
        return BooleanConstantExpression.NULL


_LARK = Lark(GRAMMAR, parser="lalr", lexer="contextual", maybe_placeholders=False)
_BUILDER = _Builder()
_CACHE_SIZE = 100
_cache: OrderedDict[str, BooleanExpression | MQFilterException] = OrderedDict()
_cache_lock = threading.Lock()


def _display(name: str) -> str:
    """A terminal as a reader knows it: ``">="``, ``"AND"``, ``<ID>``."""
    try:
        pattern = _LARK.get_terminal(name).pattern
    except KeyError:
        return name
    if pattern.type == "str":
        return f'"{pattern.value.upper()}"'
    return f"<{name}>"


def _describe(e: UnexpectedInput, sql: str) -> str:
    if isinstance(e, UnexpectedCharacters):
        return f'Lexical error at line {e.line}, column {e.column}. Encountered: "{sql[e.pos_in_stream]}"'
    expected = ", ".join(sorted(_display(n) for n in (getattr(e, "expected", None) or ())))
    if isinstance(e, UnexpectedEOF) or (isinstance(e, UnexpectedToken) and e.token.type == "$END"):
        return f'Encountered "<EOF>" at the end of the expression. Was expecting one of: {expected}'
    return f'Encountered "{e.token}" at line {e.line}, column {e.column}. Was expecting one of: {expected}'


class SelectorParser:
    """Java ``SelectorParser.parse(sql)``: compile a selector or raise :class:`MQFilterException`
    ("Invalid MessageSelector. <reason>")."""

    @staticmethod
    def parse(sql: str) -> BooleanExpression:
        with _cache_lock:
            hit = _cache.get(sql)
        if hit is not None:
            if isinstance(hit, MQFilterException):
                # a fresh exception each time: re-raising one instance would grow its traceback
                raise MQFilterException(hit.error_message) from hit.__cause__
            return hit
        try:
            result: BooleanExpression | MQFilterException = SelectorParser._parse(sql)
        except MQFilterException as e:
            result = e
        with _cache_lock:
            _cache[sql] = result
            while len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
        if isinstance(result, MQFilterException):
            raise result
        return result

    @staticmethod
    def _parse(sql: str) -> BooleanExpression:
        if sql is None:
            raise MQFilterException("Invalid MessageSelector. the expression is null")
        try:
            tree = _LARK.parse(sql)
            return _bool(_BUILDER.transform(tree))
        except UnexpectedInput as e:
            raise MQFilterException(f"Invalid MessageSelector. {_describe(e, sql)}") from e
        except VisitError as e:
            cause = e.orig_exc
            reason = cause.error_message if isinstance(cause, MQFilterException) else str(cause)
            raise MQFilterException(f"Invalid MessageSelector. {reason}") from cause
        except MQFilterException as e:
            raise MQFilterException(f"Invalid MessageSelector. {e.error_message}") from e

    @staticmethod
    def clear_cache() -> None:
        with _cache_lock:
            _cache.clear()
