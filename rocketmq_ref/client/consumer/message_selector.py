"""MessageSelector: a TAG or SQL92 expression (Java ``client.consumer.MessageSelector``; book B5.8)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MessageSelector:
    expression_type: str
    expression: str

    @staticmethod
    def by_sql(sql: str) -> "MessageSelector":
        return MessageSelector("SQL92", sql)

    @staticmethod
    def by_tag(tag: str) -> "MessageSelector":
        return MessageSelector("TAG", tag)

    def get_expression_type(self) -> str:
        return self.expression_type

    def get_expression(self) -> str:
        return self.expression
