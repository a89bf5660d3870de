"""What every command shares: the error boundary, languages, content loading, output."""

from __future__ import annotations

import contextlib
import locale
import os
from collections.abc import Callable, Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.exceptions import TyperException

from ..errors import EXIT_ERROR, EXIT_INTERRUPTED, Issue, ReadinessError
from ..terminal import printable

if TYPE_CHECKING:
    from ..model import Content


class _Console:
    """A Rich console made on first use, so `readiness --help` does not pay for importing Rich."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Any = None

    @property
    def rich(self) -> Any:
        """The Rich console itself, for what needs the real object (progress bars)."""
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self.rich, name)


# No highlighting and no :emoji: codes: what the user wrote is shown as written.
err = _Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)
out = _Console(highlight=False, emoji=False)


def system_lang() -> str:
    """The language of the system locale (LC_ALL, LC_MESSAGES, LANG, else the C library's): en or zh."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    code = locale.getlocale()[0] or ""
    return "zh" if code.lower().startswith("zh") else "en"


# The language the command line speaks in: --lang, else the answers file's once one is read
# (use_lang), else the system locale. Set afresh by every command's error boundary.
_spoken: dict[str, str | None] = {"lang": None}


def use_lang(code: str | None) -> None:
    """Speak `code` from now on (a command's --lang, or the answers file's language); None keeps it."""
    if code:
        _spoken["lang"] = code


def cli_lang() -> str:
    return _spoken["lang"] or system_lang()


def say(key: str, **params: object) -> str:
    """A fixed CLI message (`cli.<key>` in the catalogue) in the language the command line speaks."""
    from ..catalogue import text

    return text(cli_lang(), f"cli.{key}", **params)


def h(key: str) -> str:
    """Help text (`cli.help.<key>`) in the system locale's language: Typer reads help at import."""
    from ..catalogue import text

    return text(system_lang(), f"cli.help.{key}")


def add_command(app: typer.Typer, command: Callable[..., Any]) -> None:
    """Register a command with its help from the catalogue (`cli.command.<name>`), in the system
    locale's language, and its one-line summary: the first line (Click cannot shorten Chinese,
    which has no spaces between words)."""
    from ..catalogue import text
    from .usage_words import LocalisedCommand

    help_text = text(system_lang(), f"cli.command.{command.__name__}")
    app.command(cls=LocalisedCommand, help=help_text, short_help=help_text.splitlines()[0])(command)


class Lang(StrEnum):
    en = "en"
    zh = "zh"


def parse_lang(code: str | Lang) -> Lang:
    """--lang: any accepted code of a language (zh, zh-CN, zh_CN, en; any case)."""
    from ..languages import short_code

    try:
        return Lang(short_code(str(code)))
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


LangOption = typer.Option(
    "--lang",
    "-l",
    parser=parse_lang,
    metavar="[en|zh]",
    help=h("lang"),
)
ContentDirOption = typer.Option(
    "--content-dir",
    help=h("content_dir"),
    file_okay=False,
)


@contextlib.contextmanager
def user_errors(lang: str | None = None) -> Iterator[None]:
    """The error boundary of every command: one clear line and an exit code, never a traceback.

    Expected failures (ReadinessError) give their message and exit code; Ctrl-C gives exit 130;
    typer.Exit and Typer's usage errors pass through. Anything else is a bug: one line naming it
    and the crash log that holds the traceback, and exit 1. Messages are in `lang` (a command's
    --lang) if given, else in the answers file's language once a command reads one, else the system's.
    """
    _spoken["lang"] = str(lang) if lang else None
    try:
        yield
    except ReadinessError as exc:
        if _spoken["lang"] is None:  # an answers file's problems come in its language: the head too
            use_lang(getattr(exc, "lang", None))
        err.print(f"[bold red]{say('error')}[/]{escape(error_message(exc))}")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err.print(f"\n{say('interrupted')}")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except (typer.Exit, typer.Abort, TyperException):
        raise
    except Exception as exc:
        log = write_crash_log(exc)
        what = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        where = say("crash_log", what=what, log=log) if log else say("no_crash_log", what=what)
        err.print(f"[bold red]{say('internal_error')}[/]{escape(where)}")
        raise typer.Exit(EXIT_ERROR) from None


def error_message(exc: ReadinessError) -> str:
    """The error's text, its head ("2 problems in the answers:") in the language the CLI speaks."""
    from ..catalogue import SHIPPED
    from ..errors import ContentError

    what = f"cli.what_{getattr(exc, 'what', '').replace(' ', '_')}"
    if not isinstance(exc, ContentError) or what not in SHIPPED.words(cli_lang()):
        return str(exc)
    count = len(exc.issues)
    head = say("problem" if count == 1 else "problems", count=count, what=SHIPPED.words(cli_lang())[what])
    return "\n".join([head, *(f"  {issue.shown(cli_lang())}" for issue in exc.issues)])


def crash_log_folders() -> Iterator[Path]:
    """Where crash logs go: the user's cache folder (user_cache.py), else the temporary folder."""
    import tempfile

    from ..user_cache import folder

    cache = folder()
    if cache is not None:
        yield cache
    yield Path(tempfile.gettempdir())


def write_crash_log(exc: BaseException) -> Path | None:
    """The traceback in crash-<timestamp>-<random>.log (mode 0600) in the cache folder, else in the
    temporary folder; None when neither can be written."""
    import sys
    import tempfile
    import time
    import traceback

    from .. import __version__

    text = "".join(traceback.format_exception(exc))
    head = f"readiness {__version__}, Python {sys.version.split()[0]}\ncommand: {' '.join(sys.argv)}\n\n"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for folder in crash_log_folders():
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=f"crash-{stamp}-", suffix=".log", dir=folder)
            with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as stream:
                stream.write(head + text)
            return Path(name)
        except OSError:
            continue
    return None


def escape(text: object) -> str:
    """User text for a Rich markup string: controls made visible (`printable`), markup escaped."""
    from rich.markup import escape as rich_escape

    return rich_escape(printable(text))


def plain(text: object, style: str = "") -> Any:
    """User text as a Rich Text (never parsed as markup), controls made visible (`printable`)."""
    from rich.text import Text

    return Text(printable(text), style=style)


def load(override: Path | None) -> tuple[Content, list[Issue]]:
    # The engine is imported here, not at the top, so `readiness --help` stays fast.
    from ..loader import load_content
    from ..resources import content_dir

    return load_content(content_dir(override))


def write_output(text: str, output: Path | None, inputs: Iterable[Path | None] = ()) -> None:
    """Print to stdout, or write the file only once the text is complete (never over one of `inputs`)."""
    if output is None:
        typer.echo(text, nl=False)
        return
    from ..files import write_atomically

    write_atomically(output, text.encode("utf-8"), inputs=inputs)
    err.print(escape(say("wrote", path=output)))
