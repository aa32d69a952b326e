"""Topic permission bits (Java ``org.apache.rocketmq.common.constant.PermName``; spec §14.1;
books A4.1.1, B2)."""
from __future__ import annotations


class PermName:
    PERM_PRIORITY = 0x1 << 3
    PERM_READ = 0x1 << 2
    PERM_WRITE = 0x1 << 1
    PERM_INHERIT = 0x1 << 0

    @staticmethod
    def perm2string(perm: int) -> str:
        """``RW-`` style: R, W, X (inherit) or '-' in that order."""
        return ("R" if perm & PermName.PERM_READ else "-") + \
               ("W" if perm & PermName.PERM_WRITE else "-") + \
               ("X" if perm & PermName.PERM_INHERIT else "-")

    @staticmethod
    def is_readable(perm: int) -> bool:
        return (perm & PermName.PERM_READ) == PermName.PERM_READ

    @staticmethod
    def is_writeable(perm: int) -> bool:
        return (perm & PermName.PERM_WRITE) == PermName.PERM_WRITE

    @staticmethod
    def is_inherited(perm: int) -> bool:
        return (perm & PermName.PERM_INHERIT) == PermName.PERM_INHERIT
