"""merge: several respondents of one enterprise in one answers file."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import ContentError, Issue
from .common import (
    ContentDirOption,
    add_command,
    err,
    escape,
    h,
    load,
    say,
    use_lang,
    user_errors,
)


class MergeRule(StrEnum):
    conservative = "conservative"
    optimistic = "optimistic"
    first = "first"


def merge(
    files: Annotated[list[Path], typer.Argument(help=h("merge.files"), metavar="ANSWERS...")],
    output: Annotated[Path, typer.Option("--output", "-o", help=h("merge.output"))],
    rule: Annotated[
        MergeRule,
        typer.Option(
            "--rule",
            help=h("merge.rule"),
        ),
    ] = MergeRule.conservative,
    force: Annotated[bool, typer.Option("--force", help=h("merge.force"))] = False,
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """Combine the answers of several people of one enterprise; every disagreement is kept on record."""
    from ..loader import load_answers, write_answers
    from ..merge import merge_answers

    with user_errors():
        if len(files) < 2:
            raise ContentError([Issue("merge", say("merge_two"))], what="command line")
        from ..files import content_inputs, refuse_inputs
        from ..resources import content_dir as resolve_content

        refuse_inputs(output, [*files, *content_inputs(resolve_content(content_dir))])  # whatever --force says
        if output.exists() and not force:
            raise ContentError([Issue(str(output), say("exists"))], what="output")
        content, _ = load(content_dir)
        sources = [(path.name, load_answers(path, content)) for path in files]
        use_lang(sources[0][1].lang)
        merged = merge_answers(sources, content, rule.value)
        from ..workbook import is_workbook, write_workbook

        if is_workbook(output):  # a merged workbook, to send back to the respondents
            from ..files import write_atomically

            write_atomically(output, write_workbook(content, merged.lang, merged), inputs=files)
        else:
            write_answers(output, merged.model_dump(mode="json", exclude_defaults=False))
        err.print(
            escape(
                say(
                    "merged",
                    path=output,
                    answers=len(merged.answers),
                    files=len(files),
                    disagreements=len(merged.disagreements),
                )
            )
        )
        from ..respondents import disagreement_lines

        for line in disagreement_lines(merged.disagreements, content, sources[0][1].lang):
            err.print(f"  {escape(line)}")


def register(app: typer.Typer) -> None:
    add_command(app, merge)
