"""Build a subscription from an expression (Java ``org.apache.rocketmq.common.filter.FilterAPI``;
spec message-and-store §7; books A7.1.1, B5.3): ``"*"`` for all, else ``"a || b"`` split into
tags and their ``String.hashCode()`` codes."""
from __future__ import annotations

from rocketmq_ref.common.java_hash import java_string_hash_code
from rocketmq_ref.common.protocol.heartbeat import SUB_ALL, ExpressionType, SubscriptionData

__all__ = ["FilterAPI", "ExpressionType"]


class FilterAPI:
    @staticmethod
    def build_subscription_data(topic: str, sub_string: str | None) -> SubscriptionData:
        data = SubscriptionData(topic=topic, sub_string=sub_string)
        if not sub_string or sub_string == SUB_ALL:
            data.sub_string = SUB_ALL
            return data
        for tag in sub_string.split("||"):
            tag = tag.strip()
            if tag:
                data.tags_set.add(tag)
                data.code_set.add(java_string_hash_code(tag))
        return data

    @staticmethod
    def build(topic: str, sub_string: str | None, type_: str | None) -> SubscriptionData:
        """TAG (or no type): as :meth:`build_subscription_data`; another type (SQL92) keeps the
        expression as is and needs one."""
        if type_ is None or type_ == ExpressionType.TAG:
            return FilterAPI.build_subscription_data(topic, sub_string)
        if not sub_string:
            raise ValueError(f"Expression can't be null! {type_}")
        return SubscriptionData(topic=topic, sub_string=sub_string, expression_type=type_)
