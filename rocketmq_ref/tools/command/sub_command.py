"""SubCommand: what every ``mqadmin`` command is, and the commons-cli style option parsing
(Java ``tools.command.SubCommand``, ``SubCommandException``, ``srvutil.ServerUtil``; books A2.4, B9.7.2).

A command names itself, describes itself, lists its options (``-t,--topic <arg>``) and executes with
the parsed command line.  Parsing follows Apache commons-cli: ``-t T``, ``-tT``, ``--topic T``,
``--topic=T``; option groups where exactly one member is required (``-b | -c``).
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any, Callable, TextIO


class SubCommandException(Exception):
    """Java ``SubCommandException``: a command that failed; the message is the one line printed."""


class ParseException(SubCommandException):
    """Bad options (commons-cli ``ParseException``): unknown, missing, or without a value."""


@dataclass(frozen=True)
class Option:
    """One option: ``Option("t", "topic", True, "topic name", required=True)``."""

    opt: str
    long_opt: str
    has_arg: bool
    description: str
    required: bool = False


@dataclass(frozen=True)
class OptionGroup:
    """Mutually exclusive options; ``required``: one of them must be given."""

    options: tuple[Option, ...]
    required: bool = False


# ServerUtil.buildCommandlineOptions: every command has -h and -n
HELP = Option("h", "help", False, "Print help")
NAMESRV = Option("n", "namesrvAddr", True,
                 "Name server address list, eg: '192.168.0.1:9876;192.168.0.2:9876'")


@dataclass
class CommandLine:
    """The parsed options (commons-cli ``CommandLine``)."""

    values: dict[str, str | None] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)

    def has_option(self, opt: str) -> bool:
        return opt in self.values

    def get_option_value(self, opt: str, default: str | None = None) -> str | None:
        value = self.values.get(opt)
        return default if value is None else value.strip()


class CommandOptions:
    """A command's name, description and options, with the commons-cli parsing and help page
    (shared by the mqadmin commands and the benchmark tools)."""

    name: str = ""
    desc: str = ""

    def command_name(self) -> str:
        return self.name

    def command_desc(self) -> str:
        return self.desc

    def build_command_line_options(self) -> list[Option | OptionGroup]:
        return []

    # -- options -------------------------------------------------------------------------------------
    def all_options(self) -> list[Option | OptionGroup]:
        return [HELP, NAMESRV, *self.build_command_line_options()]

    def flat_options(self) -> list[Option]:
        flat: list[Option] = []
        for o in self.all_options():
            flat.extend(o.options if isinstance(o, OptionGroup) else (o,))
        return flat

    def parse(self, argv: list[str]) -> CommandLine:
        """commons-cli ``PosixParser`` + the required-option checks."""
        by_short = {o.opt: o for o in self.flat_options()}
        by_long = {o.long_opt.strip(): o for o in self.flat_options()}
        cl = CommandLine()
        i = 0
        while i < len(argv):
            token = argv[i]
            i += 1
            if token.startswith("--") and len(token) > 2:
                name, eq, value = token[2:].partition("=")
                option = by_long.get(name)
                if option is None:
                    raise ParseException(f"Unrecognized option: {token}")
            elif token.startswith("-") and len(token) > 1:
                option = by_short.get(token[1])
                if option is None:
                    option = by_long.get(token[1:])
                    if option is None:
                        raise ParseException(f"Unrecognized option: {token}")
                    eq, value = "", ""
                else:
                    value = token[2:]
                    eq = "=" if value else ""
            else:
                cl.args.append(token)
                continue
            if option.has_arg:
                if not eq:
                    if i >= len(argv):
                        raise ParseException(f"Missing argument for option: {option.opt}")
                    value = argv[i]
                    i += 1
                cl.values[option.opt] = value
            else:
                if eq:
                    raise ParseException(f"Option -{option.opt} takes no value")
                cl.values[option.opt] = None
        if "h" in cl.values:
            return cl
        missing = []
        for o in self.all_options():
            if isinstance(o, OptionGroup):
                given = [m.opt for m in o.options if m.opt in cl.values]
                if len(given) > 1:
                    raise ParseException(
                        f"The option '{given[1]}' was specified but an option from this group "
                        f"has already been selected: '{given[0]}'")
                if o.required and not given:
                    missing.append("[" + ", ".join(m.opt for m in o.options) + "]")
            elif o.required and o.opt not in cl.values:
                missing.append(o.opt)
        if missing:
            plural = "s" if len(missing) > 1 else ""
            raise ParseException(f"Missing required option{plural}: {', '.join(missing)}")
        return cl

    def help_text(self) -> str:
        """commons-cli ``HelpFormatter.printHelp("mqadmin X", options, true)`` at width 110."""
        usage_parts = []
        entries: list[tuple[str, Option]] = []
        groups = [o for o in self.all_options() if isinstance(o, OptionGroup)]
        for g in groups:
            inner = " | ".join(f"-{m.opt}" + (" <arg>" if m.has_arg else "") for m in g.options)
            usage_parts.append((g.options[0].opt, inner if g.required else f"[{inner}]"))
        for o in self.flat_options():
            entries.append((o.opt, o))
            if any(o in g.options for g in groups):
                continue
            text = f"-{o.opt}" + (" <arg>" if o.has_arg else "")
            usage_parts.append((o.opt, text if o.required else f"[{text}]"))
        usage_parts.sort(key=lambda p: p[0].lower())
        lines = [f"usage: mqadmin {self.command_name()} " + " ".join(p[1] for p in usage_parts)]
        entries.sort(key=lambda e: e[0].lower())
        heads = [f" -{o.opt},--{o.long_opt.strip()}" + (" <arg>" if o.has_arg else "") for _, o in entries]
        width = max(len(h) for h in heads) + 3
        for head, (_, o) in zip(heads, entries):
            lines.append(head.ljust(width) + o.description)
        return "\n".join(lines) + "\n"


def java_bool(value: str | None) -> bool:
    """``Boolean.parseBoolean``: only ``true`` (any case) is true."""
    return (value or "").strip().lower() == "true"


def java_int(value: str | None, option: str) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        raise ParseException(f"-{option} needs a number, got {value!r}") from None


class SubCommand(CommandOptions, abc.ABC):
    """Java ``SubCommand``: ``command_name``, ``command_desc``, ``build_command_line_options``,
    ``execute``.  ``execute`` writes to ``out`` and raises ``SubCommandException`` on failure; it
    asks ``admin_factory()`` for the started ``DefaultMQAdminExt`` when it needs one."""

    @abc.abstractmethod
    def execute(self, command_line: CommandLine, out: TextIO, admin_factory: Callable[[], Any]) -> None:
        ...


__all__ = ["SubCommand", "CommandOptions", "SubCommandException", "ParseException", "Option", "OptionGroup",
           "CommandLine", "java_bool", "java_int"]
