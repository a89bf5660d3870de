"""The command line: thin commands that parse, call the engine, print, and map errors to exit codes.

Start-up time matters (every --help and shell completion pays it), so command modules import the
engine, Rich, Jinja2 and WeasyPrint inside the commands, and they do not use
`from __future__ import annotations`: Typer would evaluate every annotation string at start-up.
"""

from typing import Annotated

import typer

from .. import __version__
from . import (
    assess_command,
    batch_command,
    compare_command,
    content_commands,
    report_commands,
    serve_command,
    team_commands,
)
from .common import h
from .usage_words import LocalisedGroup

app = typer.Typer(
    name="readiness",
    cls=LocalisedGroup,
    help=(h("app")),
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,  # plain help: Rich formatting would triple the start-up time of --help
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"readiness {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help=h("main.version"))
    ] = False,
) -> None:
    """Exit codes: 0 ok, 1 bad content, answers or output, 2 wrong usage, 130 interrupted."""


content_commands.register(app)
assess_command.register(app)
serve_command.register(app)
report_commands.register(app)
team_commands.register(app)
compare_command.register(app)
batch_command.register(app)
