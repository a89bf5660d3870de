"""The command line's own words (usage lines, headings, usage errors) in the user's language.

Typer writes "Usage:", "Options", "Show this message and exit." and its usage errors in English,
and offers no catalogue for them. The commands here use a help formatter, a context and a `main`
that take those words from the catalogue's `usage` namespace instead. Usage errors are recognised
by the English templates kept there (Typer's words exactly) and worded again from the same key.
"""

import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

import typer

# Typer's own copy of Click: where its formatter and usage errors live (pyproject pins Typer for this).
from typer._click.core import Context
from typer._click.exceptions import ClickException, UsageError
from typer._click.formatting import HelpFormatter
from typer.core import TyperCommand, TyperGroup

from .common import system_lang

# Usage errors, tried in order: the first whose English template matches the whole message wins.
ERROR_KEYS = (
    "no_such_option_possible",
    "no_such_option",
    "no_such_command_suggest",
    "no_such_command",
    "missing_argument",
    "missing_option",
    "extra_arguments",
    "requires_argument",
    "takes_no_value",
    "invalid_value_for",
    "invalid_value",
    "not_one_of",
    "file_missing",
    "folder_missing",
    "path_missing",
    "is_a_file",
    "is_a_folder",
    "expected_integer",
    "expected_number",
    "at_least",
    "at_most",
)
# Parts of a message that are themselves messages (Typer nests the reason in "Invalid value for").
NESTED = ("reason",)


def words(key: str, **params: object) -> str:
    from ..catalogue import text

    return text(system_lang(), f"usage.{key}", **params)


@cache
def _pattern(key: str) -> re.Pattern[str]:
    """The English template of `key` as a pattern: each {field} matches any text."""
    from ..catalogue import text

    template = text("en", f"usage.{key}")
    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)" for i, part in enumerate(parts))
    return re.compile(pattern, re.DOTALL)


def translate(message: str) -> str:
    """A usage error of Typer's in the user's language; unchanged if none of the templates fits."""
    for key in ERROR_KEYS:
        found = _pattern(key).fullmatch(message)
        if found:
            fields = {k: translate(v) if k in NESTED else v for k, v in found.groupdict().items()}
            return words(key, **fields)
    return message


_EXTRA = re.compile(r"\[(default: [^\]]*|required|default: [^\]]*; required)\]\s*$")


class LocalisedFormatter(HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", words("options_metavar"), 1).replace(
            "COMMAND [ARGS]...", words("command_metavar")
        )
        super().write_usage(prog, args, words("usage") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{words('heading', heading=heading)}\n")

    @contextmanager
    def section(self, name: str) -> Iterator[None]:
        heading = {"Options": "options", "Arguments": "arguments", "Commands": "commands"}.get(name)
        with super().section(words(heading) if heading else name):
            yield

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        super().write_dl([(term, _extras(text)) for term, text in rows], *args, **kwargs)


def _extras(help_text: str) -> str:
    """ "[default: x; required]" at the end of an option's help, in the user's language."""
    found = _EXTRA.search(help_text)
    if not found:
        return help_text
    parts = []
    for part in found[1].split("; "):
        if part == "required":
            parts.append(words("required"))
        else:
            parts.append(words("default", default=part.removeprefix("default: ")))
    return help_text[: found.start()] + words("extras", extras=words("joiner").join(parts))


class LocalisedContext(typer.Context):
    formatter_class = LocalisedFormatter


class _Localised:
    context_class: type[Context] = LocalisedContext

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = words("help_option")
        return option


class LocalisedCommand(_Localised, TyperCommand):
    pass


class LocalisedGroup(_Localised, TyperGroup):
    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Typer's own main, with its usage errors and "Aborted!" shown in the user's language."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except UsageError as exc:
            _show_usage_error(exc)
            sys.exit(exc.exit_code)
        except ClickException as exc:
            typer.echo(words("error", message=translate(exc.format_message())), err=True)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo(words("aborted"), err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def _show_usage_error(exc: UsageError) -> None:
    ctx = exc.ctx
    if ctx is not None:
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = words("try_help", command=ctx.command_path, option=ctx.help_option_names[0]) + "\n"
        typer.echo(f"{ctx.get_usage()}\n{hint}", err=True, color=ctx.color)
    typer.echo(words("error", message=translate(exc.format_message())), err=True)
