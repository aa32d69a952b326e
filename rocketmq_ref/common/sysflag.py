"""Flag bits (Java ``org.apache.rocketmq.common.sysflag``: ``MessageSysFlag``, ``PullSysFlag``,
``TopicSysFlag``, ``SubscriptionSysFlag``; books B3.2, B4.5.1, B5.4.3)."""
from __future__ import annotations


class MessageSysFlag:
    """Bits of the SYSFLAG record field (spec message-and-store §2)."""

    COMPRESSED_FLAG = 0x1
    MULTI_TAGS_FLAG = 0x1 << 1
    TRANSACTION_NOT_TYPE = 0
    TRANSACTION_PREPARED_TYPE = 0x1 << 2
    TRANSACTION_COMMIT_TYPE = 0x2 << 2
    TRANSACTION_ROLLBACK_TYPE = 0x3 << 2
    BORNHOST_V6_FLAG = 0x1 << 4
    STOREHOSTADDRESS_V6_FLAG = 0x1 << 5
    NEED_UNWRAP_FLAG = 0x1 << 6
    INNER_BATCH_FLAG = 0x1 << 7
    # bits 8..10: compression type (1 LZ4, 2 ZSTD, 3 ZLIB; 0 means ZLIB for pre-4.9 clients)
    COMPRESSION_LZ4_TYPE = 0x1 << 8
    COMPRESSION_ZSTD_TYPE = 0x2 << 8
    COMPRESSION_ZLIB_TYPE = 0x3 << 8
    COMPRESSION_TYPE_COMPARATOR = 0x7 << 8

    @staticmethod
    def get_transaction_value(flag: int) -> int:
        return flag & MessageSysFlag.TRANSACTION_ROLLBACK_TYPE

    @staticmethod
    def reset_transaction_value(flag: int, type_: int) -> int:
        return (flag & ~MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) | type_

    @staticmethod
    def clear_compressed_flag(flag: int) -> int:
        return flag & ~MessageSysFlag.COMPRESSED_FLAG

    @staticmethod
    def get_compression_type(flag: int) -> int:
        """The compression type code (1 LZ4, 2 ZSTD, 3 ZLIB); 0 (old clients) reads as ZLIB."""
        value = (flag & MessageSysFlag.COMPRESSION_TYPE_COMPARATOR) >> 8
        return value or 3

    @staticmethod
    def check(flag: int, expected_flag: int) -> bool:
        return (flag & expected_flag) != 0


class PullSysFlag:
    """Bits of ``PullMessageRequestHeader.sysFlag`` (book B5.3)."""

    FLAG_COMMIT_OFFSET = 0x1
    FLAG_SUSPEND = 0x1 << 1
    FLAG_SUBSCRIPTION = 0x1 << 2
    FLAG_CLASS_FILTER = 0x1 << 3
    FLAG_LITE_PULL_MESSAGE = 0x1 << 4

    @staticmethod
    def build_sys_flag(commit_offset: bool, suspend: bool, subscription: bool,
                       class_filter: bool, lite_pull: bool = False) -> int:
        flag = 0
        if commit_offset:
            flag |= PullSysFlag.FLAG_COMMIT_OFFSET
        if suspend:
            flag |= PullSysFlag.FLAG_SUSPEND
        if subscription:
            flag |= PullSysFlag.FLAG_SUBSCRIPTION
        if class_filter:
            flag |= PullSysFlag.FLAG_CLASS_FILTER
        if lite_pull:
            flag |= PullSysFlag.FLAG_LITE_PULL_MESSAGE
        return flag

    @staticmethod
    def clear_commit_offset_flag(flag: int) -> int:
        return flag & ~PullSysFlag.FLAG_COMMIT_OFFSET

    @staticmethod
    def has_commit_offset_flag(flag: int) -> bool:
        return (flag & PullSysFlag.FLAG_COMMIT_OFFSET) == PullSysFlag.FLAG_COMMIT_OFFSET

    @staticmethod
    def has_suspend_flag(flag: int) -> bool:
        return (flag & PullSysFlag.FLAG_SUSPEND) == PullSysFlag.FLAG_SUSPEND

    @staticmethod
    def has_subscription_flag(flag: int) -> bool:
        return (flag & PullSysFlag.FLAG_SUBSCRIPTION) == PullSysFlag.FLAG_SUBSCRIPTION

    @staticmethod
    def has_class_filter_flag(flag: int) -> bool:
        return (flag & PullSysFlag.FLAG_CLASS_FILTER) == PullSysFlag.FLAG_CLASS_FILTER

    @staticmethod
    def has_lite_pull_flag(flag: int) -> bool:
        return (flag & PullSysFlag.FLAG_LITE_PULL_MESSAGE) == PullSysFlag.FLAG_LITE_PULL_MESSAGE


class TopicSysFlag:
    """Unit-mode bits of ``TopicConfig.topicSysFlag`` (spec §14.1)."""

    FLAG_UNIT = 0x1
    FLAG_UNIT_SUB = 0x1 << 1

    @staticmethod
    def build_sys_flag(unit: bool, has_unit_sub: bool) -> int:
        flag = 0
        if unit:
            flag |= TopicSysFlag.FLAG_UNIT
        if has_unit_sub:
            flag |= TopicSysFlag.FLAG_UNIT_SUB
        return flag

    @staticmethod
    def set_unit_flag(flag: int) -> int:
        return flag | TopicSysFlag.FLAG_UNIT

    @staticmethod
    def clear_unit_flag(flag: int) -> int:
        return flag & ~TopicSysFlag.FLAG_UNIT

    @staticmethod
    def has_unit_flag(flag: int) -> bool:
        return (flag & TopicSysFlag.FLAG_UNIT) == TopicSysFlag.FLAG_UNIT

    @staticmethod
    def set_unit_sub_flag(flag: int) -> int:
        return flag | TopicSysFlag.FLAG_UNIT_SUB

    @staticmethod
    def clear_unit_sub_flag(flag: int) -> int:
        return flag & ~TopicSysFlag.FLAG_UNIT_SUB

    @staticmethod
    def has_unit_sub_flag(flag: int) -> bool:
        return (flag & TopicSysFlag.FLAG_UNIT_SUB) == TopicSysFlag.FLAG_UNIT_SUB


class SubscriptionSysFlag:
    """Unit-mode bit of a consumer's subscription (``SubscriptionSysFlag``)."""

    FLAG_UNIT = 0x1

    @staticmethod
    def build_sys_flag(unit: bool) -> int:
        return SubscriptionSysFlag.FLAG_UNIT if unit else 0

    @staticmethod
    def set_unit_flag(flag: int) -> int:
        return flag | SubscriptionSysFlag.FLAG_UNIT

    @staticmethod
    def clear_unit_flag(flag: int) -> int:
        return flag & ~SubscriptionSysFlag.FLAG_UNIT

    @staticmethod
    def has_unit_flag(flag: int) -> bool:
        return (flag & SubscriptionSysFlag.FLAG_UNIT) == SubscriptionSysFlag.FLAG_UNIT
