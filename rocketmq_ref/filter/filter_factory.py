"""Expression compilers by type (Java ``org.apache.rocketmq.filter.FilterFactory``, ``FilterSpi``,
``SqlFilter``; books A7.1.3, B5.8): ``FilterFactory.INSTANCE.get("SQL92").compile(expr)``."""
from __future__ import annotations

import threading

from rocketmq_ref.filter.expression import BooleanExpression, MQFilterException
from rocketmq_ref.filter.selector_parser import SelectorParser

SQL92 = "SQL92"


class FilterSpi:
    """Java ``FilterSpi``: compiles one expression type."""

    def compile(self, expr: str) -> BooleanExpression:
        raise NotImplementedError

    def of_type(self) -> str:
        raise NotImplementedError


class SqlFilter(FilterSpi):
    """Java ``SqlFilter``: the SQL92 selector grammar."""

    def compile(self, expr: str) -> BooleanExpression:
        return SelectorParser.parse(expr)

    def of_type(self) -> str:
        return SQL92


class FilterFactory:
    """Java ``FilterFactory``: a registry of ``FilterSpi`` by type, SQL92 built in."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._filter_spi_table: dict[str, FilterSpi] = {}
        self.register(SqlFilter())

    def register(self, filter_spi: FilterSpi) -> None:
        with self._lock:
            if filter_spi.of_type() in self._filter_spi_table:
                raise ValueError(f"Filter spi type({filter_spi.of_type()}) already exist!")
            self._filter_spi_table[filter_spi.of_type()] = filter_spi

    def un_register(self, type_: str) -> FilterSpi | None:
        with self._lock:
            return self._filter_spi_table.pop(type_, None)

    def get(self, type_: str | None) -> FilterSpi | None:
        return self._filter_spi_table.get(type_ or "")

    def compile(self, type_: str | None, expr: str) -> BooleanExpression:
        """``get(type).compile(expr)`` with a clear error for an unknown type."""
        spi = self.get(type_)
        if spi is None:
            raise MQFilterException(f"Filter spi type({type_}) not found!")
        return spi.compile(expr)


FilterFactory.INSTANCE = FilterFactory()  # type: ignore[attr-defined]
