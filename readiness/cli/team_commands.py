"""merge and compare: several respondents of one enterprise, and progress over time."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..catalogue import namespace
from ..errors import ContentError, Issue
from .common import (
    ContentDirOption,
    Lang,
    LangOption,
    add_command,
    err,
    escape,
    h,
    load,
    out,
    plain,
    say,
    use_lang,
    user_errors,
    write_output,
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


class CompareFormat(StrEnum):
    table = "table"
    json = "json"
    html = "html"
    pdf = "pdf"


def compare(
    before: Annotated[Path, typer.Argument(help=h("compare.before"), metavar="BEFORE")],
    after: Annotated[Path, typer.Argument(help=h("compare.after"), metavar="AFTER")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=h("compare.output")),
    ] = None,
    fmt: Annotated[
        CompareFormat | None,
        typer.Option("--format", "-f", help=h("compare.fmt")),
    ] = None,
    lang: Annotated[Lang | None, LangOption] = None,
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """Show progress between two assessments: scores, levels, answers, completed actions, decisions."""
    from ..assess import run_assessment
    from ..compare import compare as compare_assessments
    from ..loader import load_answers_across_versions

    chosen = fmt or (
        CompareFormat(output.suffix.lstrip(".").lower())
        if output and output.suffix.lstrip(".").lower() in {f.value for f in CompareFormat}
        else CompareFormat.table
    )
    with user_errors(lang):
        from ..files import content_inputs, refuse_inputs
        from ..resources import content_dir as resolve_content

        inputs = [before, after, *content_inputs(resolve_content(content_dir))]
        if output is not None:
            refuse_inputs(output, inputs)  # before the rendering, and again by the writer
        content, _ = load(content_dir)
        old, dropped_old = load_answers_across_versions(before, content)
        new, dropped_new = load_answers_across_versions(after, content)
        language = lang.value if lang else new.lang
        use_lang(language)
        result = compare_assessments(
            content,
            (old, run_assessment(content, old)),
            (new, run_assessment(content, new)),
            sorted(set(dropped_old) | set(dropped_new)),
            language,
        )
        if chosen is CompareFormat.json:
            import json

            write_output(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n", output, inputs)
        elif chosen is CompareFormat.table:
            out.print(_comparison_table(result, language))
        else:
            from ..files import write_atomically
            from ..report.documents import render_comparison

            target = output or after.with_suffix(f".compare.{chosen.value}")
            refuse_inputs(target, inputs)
            write_atomically(target, render_comparison(result, language, chosen.value, content_dir).data, inputs=inputs)
            err.print(escape(say("wrote", path=target)))


def _comparison_table(result: Any, lang: str) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    words = namespace(lang, "compare")
    title = plain(f"{words['title']} · {result.enterprise}", style="bold")
    table = Table(title=title, title_justify="left", title_style="bold", box=None)
    for column in ("", words["before"], words["after"], words["change"]):
        table.add_column(column)
    for row in [*result.steps, result.overall]:
        style = "green" if row.change > 0 else "red" if row.change < 0 else "dim"
        table.add_row(
            plain(row.title),
            plain(f"{row.score_before:.1f} · {row.level_before} {row.level_name_before}"),
            plain(f"{row.score_after:.1f} · {row.level_after} {row.level_name_after}"),
            Text(f"{row.change:+.1f}", style=style),
        )
    parts: list[Any] = [table, Text(words["decisions"], style="bold")]
    for decision in result.decisions:
        line = (
            f"  {decision.before} → {decision.after}"
            if decision.changed
            else f"  {decision.after} ({words['unchanged']})"
        )
        parts.append(plain(line))
        parts += [plain(f"    ✓ {why}", style="green") for why in decision.why]
    for key, items in (
        ("answers", [f"{a.text}: {a.before} → {a.after}" for a in result.answers_changed]),
        ("done", result.actions_completed),
        ("new", result.actions_new),
        ("not_compared", result.not_compared),
    ):
        if key == "not_compared" and not items:
            continue
        parts.append(Text(f"{words[key]} ({len(items)})", style="bold"))
        parts += [plain(f"  • {item}") for item in items] or [Text(f"  {words['none']}", style="dim")]
    return Group(*parts)


def register(app: typer.Typer) -> None:
    add_command(app, merge)
    add_command(app, compare)
