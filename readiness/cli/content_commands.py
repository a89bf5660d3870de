"""validate, score and init: the commands that work on content and answers files."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from ..errors import AnswersError, ContentError, Issue
from .common import (
    ContentDirOption,
    Lang,
    LangOption,
    add_command,
    cli_lang,
    err,
    error_message,
    escape,
    h,
    load,
    out,
    say,
    system_lang,
    use_lang,
    user_errors,
    write_output,
)


class ScoreFormat(StrEnum):
    table = "table"
    json = "json"


class InitFormat(StrEnum):
    yaml = "yaml"
    xlsx = "xlsx"


def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help=h("validate.paths")),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help=h("validate.strict"))] = False,
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
                f"[green]{say('ok')}[/] "
                + escape(
                    say(
                        "content_ok",
                        id=q.id,
                        version=q.version,
                        source=content.source,
                        questions=questions,
                        actions=len(content.rubric.actions),
                        factors=len(content.rubric.factors),
                    )
                )
            )
        if files:
            from ..loader import load_answers

            content, _ = load(content_dir)
            for path in files:
                try:
                    answers = load_answers(path, content)
                except AnswersError as exc:
                    use_lang(exc.lang)  # the problems are worded in the file's language: so is the rest
                    err.print(f"[bold red]{say('error')}[/]{escape(error_message(exc))}")
                    failed = True
                    continue
                use_lang(answers.lang)  # each file's messages in its own language
                given = len(answers.answers)
                if not given:  # a well-formed but blank template: nothing to report on yet
                    err.print(f"[yellow]{say('warning')}[/]{escape(say('nothing_answered', path=path))}")
                    failed |= strict
                    continue
                err.print(f"[green]{say('ok')}[/] {escape(say('answers_ok', path=path, count=given))}")
        if failed:
            raise typer.Exit(1)


def _report_warnings(warnings: list[Issue], strict: bool) -> bool:
    for issue in warnings:
        err.print(f"[yellow]{escape(issue.shown(cli_lang()))}[/]")
    if warnings and strict:
        err.print(f"[bold red]{say('error')}[/]{say('strict_failed', count=len(warnings))}")
        return True
    return False


def score(
    answers_file: Annotated[Path, typer.Argument(help=h("score.answers_file"), metavar="ANSWERS")],
    fmt: Annotated[ScoreFormat, typer.Option("--format", "-f", help=h("score.fmt"))] = ScoreFormat.table,
    lang: Annotated[Lang | None, LangOption] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help=h("score.output"))] = None,
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """Score an answers file: maturity per step, model strategy, deployment and roadmap."""
    from ..assess import run_assessment
    from ..loader import load_answers
    from ..report.result import render_json

    with user_errors(lang):
        from ..files import content_inputs
        from ..resources import content_dir as resolve_content

        inputs = [answers_file, *content_inputs(resolve_content(content_dir))]
        content, _ = load(content_dir)
        answers = load_answers(answers_file, content)
        use_lang(lang or answers.lang)
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
    output: Annotated[Path | None, typer.Option("--output", "-o", help=h("init.output"))] = None,
    fmt: Annotated[InitFormat | None, typer.Option("--format", "-f", help=h("init.fmt"))] = None,
    lang: Annotated[Lang | None, LangOption] = None,
    force: Annotated[bool, typer.Option("--force", help=h("init.force"))] = False,
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """Write an answers template with every question, its options and why it matters, to fill by hand."""
    from ..answers_template import answers_template

    with user_errors(lang):
        from ..files import content_inputs, refuse_inputs, write_atomically
        from ..resources import content_dir as resolve_content
        from ..workbook import is_workbook

        # The format follows the output's extension unless --format says; a clash is refused.
        workbook = fmt is InitFormat.xlsx or (fmt is None and output is not None and is_workbook(output))
        output = output or Path("answers.xlsx" if workbook else "answers.yaml")
        if workbook != is_workbook(output):
            raise ContentError(
                [Issue(str(output), say("init_extension", fmt="xlsx" if workbook else "yaml"))], what="options"
            )
        inputs = content_inputs(resolve_content(content_dir))
        refuse_inputs(output, inputs)  # the questionnaire itself, whatever --force says
        if output.exists() and not force:
            raise ContentError([Issue(str(output), say("exists"))], what="output")
        content, _ = load(content_dir)
        language = lang.value if lang else system_lang()
        if not workbook:
            write_output(answers_template(content, language), output, inputs)
            return
        from ..workbook import write_workbook

        write_atomically(output, write_workbook(content, language), inputs=inputs)
        err.print(escape(say("wrote", path=output)))


def convert(
    source: Annotated[Path, typer.Argument(help=h("convert.source"), metavar="IN")],
    target: Annotated[Path, typer.Argument(help=h("convert.target"), metavar="OUT")],
    force: Annotated[bool, typer.Option("--force", help=h("convert.force"))] = False,
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """Turn an answers workbook (.xlsx) into a YAML answers file, or a YAML answers file into a workbook."""
    with user_errors():
        from ..files import content_inputs, refuse_inputs, write_atomically
        from ..loader import load_answers, write_answers
        from ..resources import content_dir as resolve_content
        from ..workbook import answers_data, is_workbook, write_workbook

        yaml_suffixes = (".yaml", ".yml")
        if (
            is_workbook(source) == is_workbook(target)
            or not (is_workbook(source) or source.suffix.lower() in yaml_suffixes)
            or not (is_workbook(target) or target.suffix.lower() in yaml_suffixes)
        ):
            raise ContentError([Issue(f"{source} -> {target}", say("convert_kinds"))], what="command line")
        inputs = [source, *content_inputs(resolve_content(content_dir))]
        refuse_inputs(target, inputs)  # never over the file being converted, whatever --force says
        if target.exists() and not force:
            raise ContentError([Issue(str(target), say("exists"))], what="output")
        content, _ = load(content_dir)
        answers = load_answers(source, content)
        use_lang(answers.lang)
        if is_workbook(target):
            write_atomically(target, write_workbook(content, answers.lang, answers), inputs=inputs)
        else:
            write_answers(target, answers_data(answers))
        err.print(escape(say("wrote", path=target)))


def register(app: typer.Typer) -> None:
    add_command(app, validate)
    add_command(app, score)
    add_command(app, init)
    add_command(app, convert)
