"""Option parsing shared by the benchmark tools: commons-cli letters (``-t``, ``-w``, ...) with the
Java defaults, ``-n`` or ``NAMESRV_ADDR`` for the name server (book A7.5)."""
from __future__ import annotations

import os
import sys
from typing import Any, Callable

from rocketmq_ref.tools.command.sub_command import (CommandLine, CommandOptions, Option,
                                                    ParseException)


class BenchmarkOptions(CommandOptions):
    """The options of one tool (reusing the mqadmin commons-cli parser)."""

    def __init__(self, name: str, options: list[Option]) -> None:
        self.name = name
        self.desc = f"benchmark {name}"
        self._options = options

    def build_command_line_options(self) -> list:
        return list(self._options)


def parse(name: str, options: list[Option], argv: list[str]) -> CommandLine | None:
    """The parsed line, or None after printing help / one error line."""
    spec = BenchmarkOptions(name, options)
    try:
        cl = spec.parse(argv)
    except ParseException as e:
        print(f"benchmark {name}: {e}", file=sys.stderr)
        return None
    if cl.has_option("h"):
        print(spec.help_text().replace("mqadmin ", "python -m rocketmq_ref.tools.benchmark "))
        return None
    return cl


def value(cl: CommandLine, opt: str, default: Any, convert: Callable[[str], Any] = str) -> Any:
    if not cl.has_option(opt):
        return default
    text = cl.get_option_value(opt)
    try:
        return convert(text)
    except ValueError:
        raise ParseException(f"-{opt}: bad value {text!r}") from None


def java_bool(text: str) -> bool:
    return text.strip().lower() == "true"


def namesrv(cl: CommandLine) -> str:
    addr = cl.get_option_value("n") or os.environ.get("NAMESRV_ADDR")
    if not addr:
        raise ParseException("no name server: pass -n host:port or set NAMESRV_ADDR")
    return addr


def refuse_unsupported(cl: CommandLine) -> None:
    """``-m true`` (message trace) and ``-a true`` (ACL) need client features this project does not
    have (its traces are OpenTelemetry spans); say so instead of ignoring them."""
    if cl.has_option("m") and java_bool(cl.get_option_value("m")):
        raise ParseException("-m true: message trace (RMQ_SYS_TRACE_TOPIC) is not supported; "
                             "set ROCKETMQ_REF_TRACE_FILE for OpenTelemetry spans instead")
    if cl.has_option("a") and java_bool(cl.get_option_value("a")):
        raise ParseException("-a true: ACL is not supported by this client")
