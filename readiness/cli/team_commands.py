"""merge and compare: several respondents of one enterprise, and progress over time."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import ContentError, Issue
from .common import ContentDirOption, Lang, LangOption, err, escape, load, out, plain, user_errors, write_output


class MergeRule(StrEnum):
    conservative = "conservative"
    optimistic = "optimistic"
    first = "first"


def merge(
    files: Annotated[
        list[Path], typer.Argument(help="Answers files of one enterprise, one per respondent.", metavar="ANSWERS...")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The merged answers file to write.")],
    rule: Annotated[
        MergeRule,
        typer.Option(
            "--rule",
            help="Which answer to keep where respondents disagree: conservative (fewer points), optimistic, or first.",
        ),
    ] = MergeRule.conservative,
    force: Annotated[bool, typer.Option("--force", help="Overwrite the output file.")] = False,
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """Combine the answers of several people of one enterprise; every disagreement is kept on record."""
    from ..loader import load_answers, write_answers
    from ..merge import merge_answers

    with user_errors():
        if len(files) < 2:
            raise ContentError([Issue("merge", "give at least two answers files")], what="command line")
        from ..files import content_inputs, refuse_inputs
        from ..resources import content_dir as resolve_content

        refuse_inputs(output, [*files, *content_inputs(resolve_content(content_dir))])  # whatever --force says
        if output.exists() and not force:
            raise ContentError([Issue(str(output), "already exists; use --force to overwrite it")], what="output")
        content, _ = load(content_dir)
        sources = [(path.name, load_answers(path, content)) for path in files]
        merged = merge_answers(sources, content, rule.value)
        write_answers(output, merged.model_dump(mode="json", exclude_defaults=False))
        err.print(
            f"wrote {escape(str(output))}: {len(merged.answers)} answers from {len(files)} files, "
            f"{len(merged.disagreements)} disagreement(s) kept on record"
        )
        for item in merged.disagreements:
            said = "; ".join(f"{who}: {value}" for who, value in item.answers.items())
            err.print(f"  {escape(item.question)}: {escape(said)} → kept {escape(item.kept)}")


class CompareFormat(StrEnum):
    table = "table"
    json = "json"
    html = "html"
    pdf = "pdf"


def compare(
    before: Annotated[Path, typer.Argument(help="The earlier answers file.", metavar="BEFORE")],
    after: Annotated[Path, typer.Argument(help="The later answers file.", metavar="AFTER")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write to a file: .pdf, .html or .json (default: the terminal)."),
    ] = None,
    fmt: Annotated[
        CompareFormat | None,
        typer.Option("--format", "-f", help="table, json, html or pdf. Default: from the output's extension."),
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
    with user_errors():
        from ..files import content_inputs, refuse_inputs
        from ..resources import content_dir as resolve_content

        inputs = [before, after, *content_inputs(resolve_content(content_dir))]
        if output is not None:
            refuse_inputs(output, inputs)  # before the rendering, and again by the writer
        content, _ = load(content_dir)
        old, dropped_old = load_answers_across_versions(before, content)
        new, dropped_new = load_answers_across_versions(after, content)
        language = lang.value if lang else new.lang
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
            err.print(f"wrote {escape(str(target))}")


_WORDS = {
    "en": {
        "title": "Progress",
        "before": "Before",
        "after": "After",
        "change": "Change",
        "answers": "Answers changed",
        "done": "Roadmap actions completed",
        "new": "New roadmap actions",
        "decisions": "Decisions",
        "unchanged": "unchanged",
        "not_compared": "Not compared (the questionnaire changed)",
        "none": "none",
    },
    "zh": {
        "title": "进展对比",
        "before": "之前",
        "after": "之后",
        "change": "变化",
        "answers": "答案变化",
        "done": "已完成的路线图行动",
        "new": "新增的路线图行动",
        "decisions": "推荐方案",
        "unchanged": "未变",
        "not_compared": "未比较（问卷已更新）",
        "none": "无",
    },
}


def _comparison_table(result: Any, lang: str) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    words = _WORDS[lang]
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
    app.command()(merge)
    app.command()(compare)
