"""`readiness batch`: a report per enterprise for a whole folder, and the portfolio of them all."""


import os
import time
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import ContentError, Issue
from .common import ContentDirOption, Lang, LangOption, err, escape, load, user_errors


class BatchFormat(str, Enum):
    pdf = "pdf"
    html = "html"
    json = "json"


def batch(
    folder: Annotated[Path, typer.Argument(help="A folder of answers files (*.yaml), one per enterprise.", file_okay=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the reports and the portfolio.", file_okay=False)],
    fmt: Annotated[
        BatchFormat,
        typer.Option("--format", "-f", help="Report format per enterprise: pdf, html, or json (fast: data only, no PDFs)."),
    ] = BatchFormat.pdf,
    lang: Annotated[Optional[Lang], LangOption] = None,
    brand: Annotated[Optional[Path], typer.Option("--brand", help="A brand file (YAML) for every report.")] = None,
    jobs: Annotated[
        Optional[int],
        typer.Option("--jobs", "-j", min=1, help="Reports rendered in parallel. Default: the number of cores."),
    ] = None,
    anonymise: Annotated[
        bool, typer.Option("--anonymise", help="Replace enterprise names by stable codes in the portfolio files.")
    ] = False,
    content_dir: Annotated[Optional[Path], ContentDirOption] = None,
) -> None:
    """Assess every answers file in FOLDER: one report each, plus portfolio.pdf/.html/.csv/.xlsx/.jsonl.

    A file that cannot be read or assessed is listed at the end with its error; the others go on.
    The exit code is 1 when any file failed.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .. import batch as runner
    from ..files import write_atomically, write_directly
    from ..portfolio import build_portfolio
    from ..report.tables import render_csv, render_xlsx
    from ..resources import content_dir as resolve_content

    with user_errors():
        if not folder.is_dir():
            raise ContentError([Issue(str(folder), "no such folder")], what="command line")
        files = runner.answer_files(folder)
        if not files:
            raise ContentError([Issue(str(folder), "no answers files (*.yaml) in this folder")], what="command line")
        content, _ = load(content_dir)
        if brand:
            from ..report.brand import load_brand

            load_brand(brand)  # check it once, before any work
        output.mkdir(parents=True, exist_ok=True)
        workers = jobs or os.cpu_count() or 1
        counts = {"done": 0, "failed": 0}
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TextColumn("done {task.fields[done]} · failed {task.fields[failed]}"), TimeElapsedColumn())
        # Redrawn by hand (a few times a second at most): no refresh thread while workers fork.
        with Progress(*columns, console=err.rich, auto_refresh=False, transient=False) as progress:
            task = progress.add_task("scoring", total=len(files), done=0, failed=0)
            shown = [0.0]

            def step(ok: bool) -> None:
                counts["done" if ok else "failed"] += 1
                progress.update(task, advance=1, **counts)
                now = time.monotonic()
                if now - shown[0] > 0.1 or progress.tasks[0].finished:
                    progress.refresh()
                    shown[0] = now

            scored: list[runner.Scored] = []
            failed: list[tuple[str, str]] = []
            written: list[Path] = []
            stems: dict[str, str] = {}  # answers file -> output file stem, unique, in file order
            taken: set[str] = set()
            for outcome in runner.score_folder(
                content, files, lang=lang.value if lang else None, anonymise=anonymise, workers=workers,
                content_root=resolve_content(content_dir),
            ):
                if isinstance(outcome, runner.Scored):
                    scored.append(outcome)
                    stems[outcome.source] = runner.safe_stem(outcome.name, taken)
                    if fmt is BatchFormat.json:  # written now, while the workers score the rest
                        target = output / f"{stems[outcome.source]}.json"
                        write_directly(target, outcome.result)
                        written.append(target)
                else:
                    failed.append(outcome)
                step(isinstance(outcome, runner.Scored))
            # One language for the whole portfolio: --lang, else the one most answers files use.
            languages = [s.lang for s in scored]
            portfolio_lang = lang.value if lang else max(sorted(set(languages)) or ["en"], key=languages.count)
            portfolio = build_portfolio(content, [s.entry for s in scored], portfolio_lang, anonymise=anonymise)
            if fmt is not BatchFormat.json and scored:
                counts.update(done=0, failed=0)
                progress.update(task, description="reports", completed=0, total=len(scored), **counts)
                progress.refresh()
                reports, summaries = runner.render_reports(
                    [(folder / source, output / f"{stem}.{fmt.value}", fmt.value) for source, stem in stems.items()],
                    content_root=resolve_content(content_dir),
                    lang=lang.value if lang else None,
                    brand_file=brand,
                    workers=min(workers, len(stems) + 2),
                    portfolio=(portfolio, [(output / "portfolio.html", "html"), (output / "portfolio.pdf", "pdf")]),
                    progress=step,
                )
                written += [target for target, error in reports if not error]
                failed += [(target.name, error) for target, error in reports + summaries if error]

        tables = {
            "portfolio.jsonl": b"".join(s.line + b"\n" for s in scored),
            "portfolio.csv": render_csv(portfolio).encode("utf-8"),
            "portfolio.xlsx": render_xlsx(portfolio),
        }
        for name, data in tables.items():
            write_atomically(output / name, data)
        err.print(f"{len(written)} report(s) and the portfolio in {escape(str(output))}")
        if failed:
            err.print(f"[bold red]{len(failed)} file(s) failed:[/]")
            for name, error in sorted(failed):
                err.print(f"  {escape(name)}: {escape(error)}")
            raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(batch)
