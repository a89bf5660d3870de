"""`readiness compare`: the progress report of one enterprise over two or more assessments."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import ContentError, Issue
from .common import (
    ContentDirOption,
    Lang,
    LangOption,
    add_command,
    cli_lang,
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


class CompareFormat(StrEnum):
    table = "table"
    json = "json"
    md = "md"
    html = "html"
    pdf = "pdf"


SUFFIXES = {
    ".pdf": CompareFormat.pdf,
    ".html": CompareFormat.html,
    ".htm": CompareFormat.html,
    ".md": CompareFormat.md,
    ".json": CompareFormat.json,
}
# Why two files do not seem to describe one enterprise (readiness.compare.mismatch), as catalogue keys.
MISMATCH_KEYS = {
    "enterprise_id": "progress.mismatch_enterprise_id",
    "name": "progress.mismatch_name",
    "industry": "progress.mismatch_industry",
}


def compare(
    files: Annotated[list[Path], typer.Argument(help=h("compare.files"), metavar="BEFORE AFTER [MORE...]")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=h("compare.output")),
    ] = None,
    fmt: Annotated[
        CompareFormat | None,
        typer.Option("--format", "-f", help=h("compare.fmt")),
    ] = None,
    lang: Annotated[Lang | None, LangOption] = None,
    brand: Annotated[Path | None, typer.Option("--brand", help=h("compare.brand"))] = None,
    force: Annotated[bool, typer.Option("--force", help=h("compare.force"))] = False,
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """Show the progress of one enterprise over two or more assessments: dates, scores and levels,
    a before/after radar, what now stands before the next stage of each decision, actions done."""
    from ..assess import run_assessment
    from ..compare import Snapshot
    from ..compare import compare as compare_assessments
    from ..loader import load_answers_across_versions

    with user_errors(lang):
        from ..files import content_inputs, refuse_inputs
        from ..resources import content_dir as resolve_content

        if len(files) < 2:
            raise ContentError([Issue("compare", _say("progress.two_files"))], what="command line")
        _refuse_repeats(files)
        inputs = [*files, brand, *content_inputs(resolve_content(content_dir))]
        if output is not None:
            refuse_inputs(output, inputs)  # before the rendering, and again by the writer
        chosen = _format_for(output, fmt)
        content, _ = load(content_dir)
        loaded = [(path, *load_answers_across_versions(path, content)) for path in files]
        for path, answers, _ in loaded:
            if not answers.answers:  # a blank template: a "progress" from or to nothing
                raise ContentError([Issue(str(path), say("blank_report"))], what="answers")
        use_lang(lang.value if lang else loaded[-1][1].lang)
        forced = _check_one_enterprise(loaded, force)
        snapshots = [Snapshot(path.name, answers, run_assessment(content, answers)) for path, answers, _ in loaded]
        not_compared = frozenset(q for _, _, dropped in loaded for q in dropped)
        progress = compare_assessments(content, snapshots, not_compared)
        language = lang.value if lang else progress.snapshots[-1].answers.lang
        use_lang(language)
        forced_note = ""
        if forced:
            from ..catalogue import text

            forced_note = text(language, "progress.forced", why=text(language, MISMATCH_KEYS[forced]))
        from ..report.documents import render_progress

        def rendered(kind: CompareFormat) -> bytes:
            return render_progress(
                progress,
                content,
                kind.value,
                language,
                brand_file=brand,
                content_root=content_dir,
                not_compared=not_compared,
                forced=forced_note,
            ).data

        if chosen is CompareFormat.table:
            from ..report.brand import load_brand
            from ..report.progress import build_progress_context

            ctx = build_progress_context(
                progress,
                content,
                language,
                load_brand(brand, language) if brand else None,
                not_compared=not_compared,
                forced=forced_note,
            )
            out.print(_console(ctx))
        elif chosen in (CompareFormat.json, CompareFormat.md):
            write_output(rendered(chosen).decode("utf-8"), output, inputs)
        else:
            from ..files import write_atomically

            latest = next(path for path, answers, _ in loaded if answers is progress.snapshots[-1].answers)
            target = output or latest.with_suffix(f".compare.{chosen.value}")
            refuse_inputs(target, inputs)
            write_atomically(target, rendered(chosen), inputs=inputs)
            err.print(escape(say("wrote", path=target)))


def _say(key: str, **params: object) -> str:
    from ..catalogue import text

    return text(cli_lang(), key, **params)


def _format_for(output: Path | None, fmt: CompareFormat | None) -> CompareFormat:
    """The format asked for, and an output name that says the same; the table is for the terminal."""
    suffix = output.suffix.lower() if output else ""
    named = SUFFIXES.get(suffix)
    allowed = ", ".join(sorted(SUFFIXES))
    if output is not None and (fmt in (None, CompareFormat.table) if not suffix else named is None):
        shown = suffix or output.name
        raise typer.BadParameter(_say("progress.not_a_format", suffix=shown, allowed=allowed), param_hint="--output")
    if fmt is not None and named is not None and named is not fmt:
        raise typer.BadParameter(say("format_mismatch", named=named.value, fmt=fmt.value), param_hint="--format")
    return fmt or named or CompareFormat.table


def _refuse_repeats(files: list[Path]) -> None:
    """The same file twice (also by another name or link) compares an assessment with itself."""
    seen: dict[Any, Path] = {}
    for path in files:
        try:
            stat = path.stat()
            key: Any = (stat.st_dev, stat.st_ino)
        except OSError:
            key = path.resolve()  # missing: the loader says so, by name
        if key in seen:
            raise ContentError([Issue(str(path), _say("progress.same_file", file=path))], what="command line")
        seen[key] = path


def _check_one_enterprise(loaded: list[Any], force: bool) -> str | None:
    """Refuse files of different enterprises (unless forced); returns the mismatch that was forced."""
    from ..compare import mismatch

    _, first, _ = loaded[0]
    for path, answers, _ in loaded[1:]:
        why = mismatch(first, answers)
        if why is None:
            continue
        if force:
            return why
        issue = Issue(
            str(path),
            _say(
                "progress.different_enterprises",
                file=path.name,
                other=answers.enterprise.get("name", "?"),
                first=first.enterprise.get("name", "?"),
                why=_say(MISMATCH_KEYS[why]),
            ),
        )
        raise ContentError([issue], what="answers")
    return None


def _console(ctx: Any) -> Any:
    """The progress for the terminal: dates, the step table, decisions and the action lists."""
    from rich.console import Group
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    def indented(text: str, depth: int, style: str = "") -> Any:
        return Padding(plain(text, style=style), (0, 0, 0, depth), expand=False)  # wrapped lines keep the indent

    t, w = ctx.t, ctx.w
    first, latest = ctx.snapshots[0], ctx.snapshots[-1]
    parts: list[Any] = [plain(f"{w['title']}{t['title_sep']}{ctx.enterprise}", style="bold")]
    parts.append(plain(f"{w['assessments']}{t['colon']}{t['list_sep'].join(s.date for s in ctx.snapshots)}"))
    parts += [plain(note, style="yellow") for note in ctx.notes]
    table = Table(box=None, padding=(0, 1))
    for column in (t["step"], first.date, *(s.date for s in ctx.snapshots[1:-1]), latest.date, w["change_points"]):
        table.add_column(plain(column), overflow="fold")
    for row in [*ctx.steps, ctx.overall]:
        style = "green" if row.change > 0 else "red" if row.change < 0 else "dim"
        cells = [plain(f"{score:.1f} · {level}") for score, level in zip(row.scores, row.levels, strict=True)]
        table.add_row(plain(row.short_title), *cells, Text(f"{row.change:+.1f}", style=style))
    parts += [table, plain(ctx.headline, style="bold"), Text("")]
    parts.append(plain(w["decisions"], style="bold"))
    for d in ctx.decisions:
        state = w["changed_from"].format(before=d.before) if d.changed else t["unchanged"]
        parts.append(indented(f"{d.title}{t['colon']}{d.after}{t['paren_open']}{state}{t['paren_close']}", 2))
        parts.append(indented(d.target_heading, 4, "dim"))
        parts += [indented(f"○ {need}", 4) for need in d.still_open]
        parts += [indented(f"✓ {need}", 4, "green") for need in d.met_since]
    for key, actions in (("done", ctx.done), ("no_longer", ctx.no_longer_triggered), ("new", ctx.new)):
        parts.append(plain(w[key].format(n=len(actions)), style="bold"))
        for a in actions:
            parts.append(indented(f"• {a.title}", 2))
            if key != "done":
                parts.append(indented(a.reason, 4, "dim"))
            parts += [indented(e, 4, "cyan") for e in a.evidence]
        if not actions:
            parts.append(plain(f"  {t['none']}", style="dim"))
    parts.append(plain(w["still_open"].format(n=ctx.still_open), style="dim"))
    return Group(*parts)


def register(app: typer.Typer) -> None:
    add_command(app, compare)
