"""Version numbers as they travel in the ``version`` field of every command (Java
``org.apache.rocketmq.common.MQVersion``; books A4.3.2): the wire value is the ordinal of the
``Version`` enum constant, e.g. ``V4_9_8`` = 409, ``V4_9_4`` = 401."""
from __future__ import annotations

import enum


def _version_names() -> list[str]:
    # the Java enum, in order: 3.0.0 pre-releases, then SNAPSHOT + release of every patch level
    names = ["V3_0_0_SNAPSHOT", "V3_0_0_ALPHA1"]
    names += [f"V3_0_0_BETA{i}" for i in range(1, 6)]
    for i in range(6, 10):
        names += [f"V3_0_0_BETA{i}_SNAPSHOT", f"V3_0_0_BETA{i}"]
    names.append("V3_0_0_FINAL")
    patches = [(3, 0, p) for p in range(1, 16)] + [(3, m, p) for m in (1, 2) for p in range(10)]
    patches += [(3, m, p) for m in range(3, 10) for p in range(1, 10)]
    patches += [(major, m, p) for major in (4, 5) for m in range(10) for p in range(10)]
    for major, minor, patch in patches:
        names += [f"V{major}_{minor}_{patch}_SNAPSHOT", f"V{major}_{minor}_{patch}"]
    return names


Version = enum.IntEnum("Version", [(n, i) for i, n in enumerate(_version_names())])  # type: ignore[misc]
Version.__doc__ = "``MQVersion.Version``: the value of each member is its Java ordinal."

CURRENT_VERSION: int = Version.V4_9_8


def value2version(value: int) -> Version:
    """The version with that ordinal; values past the end map to the last one, like Java."""
    members = list(Version)
    return members[min(max(value, 0), len(members) - 1)]


def get_version_desc(value: int) -> str:
    return value2version(value).name
