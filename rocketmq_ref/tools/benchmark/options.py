"""Option parsing shared by the benchmark tools: commons-cli letters (``-t``, ``-w``, ...) with the
Java defaults, ``-n`` or ``NAMESRV_ADDR`` for the name server (book A7.5).

Each tool declares its options once, as a settings dataclass whose fields are ``setting(...)`` rows
(letter, long name, help text, Java default) in the order its Java ``main`` reads them; ``read``
turns a command line into one of those, or prints the help page or one error line.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field, fields
from typing import Any, Callable, TypeVar

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


_CONVERT: dict[type, Callable[[str], Any]] = {bool: java_bool, int: int, float: float}


def setting(opt: str, long_opt: str, description: str, default: Any,
            *, unless: tuple[str, Any] | None = None) -> Any:
    """A settings field read from ``-opt``: text converted by the default's type (bools as Java's
    ``Boolean.parseBoolean``), the default when absent.  ``unless=("async_enable", 1)``: when that
    earlier field is true the option is not read at all and the field takes the value given (Java's
    ``asyncEnable ? 1 : ...``)."""
    return field(default=default, metadata={"option": Option(opt, long_opt, True, description),
                                            "convert": _CONVERT.get(type(default), str),
                                            "unless": unless})


@dataclass
class BenchmarkSettings:
    """What every tool reads: the name server (``-n`` or ``NAMESRV_ADDR``), the topic, and ``-m``/``-a``
    (refused when true, see ``refuse_unsupported``); subclasses add their own ``setting`` fields, read
    after these (none of these can fail, so the first bad option named is the one Java would name)."""

    namesrv: str = ""
    topic: str = setting("t", "topic", "Topic name, Default: BenchmarkTest", "BenchmarkTest")
    trace_enable: bool = setting("m", "msgTraceEnable", "Message Trace Enable, Default: false", False)
    acl_enable: bool = setting("a", "aclEnable", "Acl Enable, Default: false", False)

    @classmethod
    def options(cls) -> list[Option]:
        return [f.metadata["option"] for f in fields(cls) if "option" in f.metadata]

    def check(self) -> None:
        """A tool's checks across its values: raise ``ParseException`` with the reason."""


S = TypeVar("S", bound=BenchmarkSettings)


def read(name: str, settings: type[S], argv: list[str]) -> S | int:
    """The settings of one run; or, after the help page or one ``benchmark <name>: ...`` line on
    stderr, the exit code (0 for ``-h`` first, else 1)."""
    cl = parse(name, settings.options(), argv)
    if cl is None:
        return 0 if argv and argv[0] in ("-h", "--help") else 1
    try:
        refuse_unsupported(cl)
        values: dict[str, Any] = {"namesrv": namesrv(cl)}
        for f in fields(settings):
            if "option" not in f.metadata:
                continue
            unless = f.metadata["unless"]
            if unless is not None and values[unless[0]]:
                values[f.name] = unless[1]
            else:
                values[f.name] = value(cl, f.metadata["option"].opt, f.default, f.metadata["convert"])
        result = settings(**values)
        result.check()
    except ParseException as e:
        print(f"benchmark {name}: {e}", file=sys.stderr)
        return 1
    return result
