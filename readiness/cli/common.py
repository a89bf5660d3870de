"""What every command shares: the error boundary, languages, content loading, output."""

from __future__ import annotations

import contextlib
import locale
import os
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ..errors import EXIT_INTERRUPTED, Issue, ReadinessError

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


err = _Console(stderr=True, highlight=False, soft_wrap=True)
out = _Console(highlight=False)


class Lang(str, Enum):
    en = "en"
    zh = "zh"


LangOption = typer.Option("--lang", "-l", help="Language of the output: en or zh. Default: the answers file's.")
ContentDirOption = typer.Option(
    "--content-dir",
    help="Folder with your own questionnaires/, rubrics/ and report_templates/ (or set READINESS_CONTENT).",
    file_okay=False,
)


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn expected failures into one clear message and an exit code, never a traceback."""
    try:
        yield
    except ReadinessError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}")
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err.print("\ninterrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def escape(text: str) -> str:
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def load(override: Path | None) -> tuple[Content, list[Issue]]:
    # The engine is imported here, not at the top, so `readiness --help` stays fast.
    from ..loader import load_content
    from ..resources import content_dir

    return load_content(content_dir(override))


def system_lang() -> str:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    code = locale.getlocale()[0] or ""
    return "zh" if code.lower().startswith("zh") else "en"


def write_output(text: str, output: Path | None) -> None:
    """Print to stdout, or write the file only once the text is complete."""
    if output is None:
        typer.echo(text, nl=False)
        return
    from ..files import write_atomically

    write_atomically(output, text.encode("utf-8"))
    err.print(f"wrote {output}")
