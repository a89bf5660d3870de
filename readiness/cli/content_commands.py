"""validate, score and init: the commands that work on content and answers files."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import AnswersError, ContentError, Issue
from .common import ContentDirOption, Lang, LangOption, err, escape, load, out, system_lang, user_errors, write_output


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"


def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Answers files to check, or content folders. None: the shipped content."),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors.")] = False,
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """Check content (questionnaire, rubric) and answers files without producing a report."""
    with user_errors():
        failed = False
        folders = [p for p in paths or [] if p.is_dir()]
        files = [p for p in paths or [] if not p.is_dir()]
        targets: list[Path | None] = list(folders) or ([] if files else [None])
        for folder in targets:
            content, warnings = load(folder) if folder else load(content_dir)
            failed |= _report_warnings(warnings, strict)
            q = content.questionnaire
            questions = sum(len(s.questions) for s in q.steps)
            err.print(
                f"[green]ok[/] content {q.id} v{q.version} ({escape(content.source)}): {questions} questions, "
                f"{len(content.rubric.actions)} actions, {len(content.rubric.factors)} factors"
            )
        if files:
            from ..loader import load_answers

            content, _ = load(content_dir)
            for path in files:
                try:
                    answers = load_answers(path, content)
                except AnswersError as exc:
                    err.print(f"[bold red]error:[/] {escape(str(exc))}")
                    failed = True
                    continue
                given = len(answers.answers)
                if not given:  # a well-formed but blank template: nothing to report on yet
                    err.print(f"[yellow]warning:[/] {escape(str(path))}: no question is answered yet")
                    failed |= strict
                    continue
                err.print(f"[green]ok[/] {escape(str(path))}: {given} answers")
        if failed:
            raise typer.Exit(1)


def _report_warnings(warnings: list[Issue], strict: bool) -> bool:
    for issue in warnings:
        err.print(f"[yellow]{escape(str(issue))}[/]")
    if warnings and strict:
        err.print(f"[bold red]error:[/] {len(warnings)} warning(s), and --strict is set")
        return True
    return False


def score(
    answers_file: Annotated[Path, typer.Argument(help="The answers file (YAML).", metavar="ANSWERS")],
    fmt: Annotated[
        ScoreFormat, typer.Option("--format", "-f", help="table for people, json for other tools.")
    ] = ScoreFormat.table,
    lang: Annotated[Lang | None, LangOption] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """Score an answers file: maturity per step, model strategy, deployment and roadmap."""
    from ..assess import run_assessment
    from ..loader import load_answers
    from ..report.result import render_json

    with user_errors():
        from ..files import content_inputs
        from ..resources import content_dir as resolve_content

        inputs = [answers_file, *content_inputs(resolve_content(content_dir))]
        content, _ = load(content_dir)
        answers = load_answers(answers_file, content)
        assessment = run_assessment(content, answers)
        language = lang.value if lang else None
        if fmt is ScoreFormat.json:
            write_output(render_json(assessment, content, language), output, inputs)
            return
        from ..report.console import render_console

        if output:
            import io

            from rich.console import Console

            # Rendered in full first, then written by the one safe writer: a failure leaves no file.
            buffer = io.StringIO()
            Console(file=buffer, width=110, no_color=True, force_terminal=False).print(
                render_console(assessment, content, language)
            )
            write_output(buffer.getvalue(), output, inputs)
        else:
            out.print(render_console(assessment, content, language))


def init(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the template.")] = Path("answers.yaml"),
    lang: Annotated[Lang | None, LangOption] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """Write an answers template with every question, its options and why it matters, to fill by hand."""
    from ..answers_template import answers_template

    with user_errors():
        from ..files import content_inputs, refuse_inputs
        from ..resources import content_dir as resolve_content

        inputs = content_inputs(resolve_content(content_dir))
        refuse_inputs(output, inputs)  # the questionnaire itself, whatever --force says
        if output.exists() and not force:
            raise ContentError([Issue(str(output), "already exists; use --force to overwrite it")], what="output")
        content, _ = load(content_dir)
        write_output(answers_template(content, lang.value if lang else system_lang()), output, inputs)


def register(app: typer.Typer) -> None:
    app.command()(validate)
    app.command()(score)
    app.command()(init)
