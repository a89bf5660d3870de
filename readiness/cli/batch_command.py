"""`readiness batch`: a report per enterprise for a whole folder, and the portfolio of them all."""

import os
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import ContentError, Issue
from .common import ContentDirOption, Lang, LangOption, err, escape, load, user_errors

if TYPE_CHECKING:
    from rich.progress import Progress


class BatchFormat(StrEnum):
    pdf = "pdf"
    html = "html"
    json = "json"


def batch(
    folder: Annotated[
        Path, typer.Argument(help="A folder of answers files (*.yaml), one per enterprise.", file_okay=False)
    ],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the reports and the portfolio.", file_okay=False)
    ],
    fmt: Annotated[
        BatchFormat,
        typer.Option(
            "--format",
            "-f",
            help="Report format per enterprise: pdf or html (for people), "
            "or json (for tools; fast: data only, no PDFs).",
        ),
    ] = BatchFormat.pdf,
    lang: Annotated[Lang | None, LangOption] = None,
    brand: Annotated[Path | None, typer.Option("--brand", help="A brand file (YAML) for every report.")] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Worker processes that score and render in parallel. Default: the number of cores.",
        ),
    ] = None,
    anonymise: Annotated[
        bool,
        typer.Option(
            "--anonymise",
            help=(
                "Anonymise every file written: enterprise names become codes (report files are named by them), "
                "and regions, respondents' names, notes and file names are left out. The codes are keyed by a "
                "secret: $READINESS_ANONYMISE_KEY if set, else OUTPUT/.anonymise-key, made on first use and "
                "reused by later runs into the same folder (same key, same codes). Do not share the key."
            ),
        ),
    ] = False,
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """Assess every answers file in FOLDER: one report each, plus portfolio.pdf/.html/.csv/.xlsx/.jsonl.

    A file that cannot be read or assessed is listed at the end with its error; the others go on.
    Entries named *.yaml that are not regular files (FIFOs, devices, folders) are listed as skipped.
    The exit code is 1 when any file failed or was skipped.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .. import batch as runner
    from ..resources import content_dir as resolve_content

    with user_errors():
        if not folder.is_dir():
            raise ContentError([Issue(str(folder), "no such folder")], what="command line")
        files, skipped = runner.scan_folder(folder)
        if not files:
            raise ContentError(
                [
                    Issue(str(folder), "no answers files (*.yaml) in this folder"),
                    *(Issue(name, reason) for name, reason in skipped),
                ],
                what="command line",
            )
        content, _ = load(content_dir)
        if brand:
            from ..report.brand import load_brand

            load_brand(brand)  # check it once, before any work
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = "it is a file, not a folder" if output.is_file() else exc.strerror or str(exc)
            raise ContentError(
                [Issue(str(output), f"cannot create the output folder: {reason}")], what="output"
            ) from None
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("done {task.fields[done]} · failed {task.fields[failed]}"),
            TimeElapsedColumn(),
        )
        # Redrawn by hand, a few times a second at most: no refresh thread while workers fork.
        with Progress(*columns, console=err.rich, auto_refresh=False, transient=False) as bar:
            outcome = runner.run_batch(
                content,
                files,
                output,
                fmt=fmt.value,
                lang=lang.value if lang else None,
                brand_file=brand,
                anonymise=anonymise,
                workers=jobs or os.cpu_count() or 1,
                content_root=resolve_content(content_dir),
                progress=_BarProgress(bar),
                skipped=skipped,
            )
        err.print(f"{len(outcome.written)} report(s) and the portfolio in {escape(str(output))}")
        if outcome.new_key:
            err.print(
                f"new anonymisation key in {escape(str(outcome.new_key))}: keep it for later runs, do not share it"
            )
        if outcome.failed:
            err.print(f"[bold red]{len(outcome.failed)} file(s) failed or were skipped:[/]")
            for name, error in sorted(outcome.failed):
                err.print(f"  {escape(name)}: {escape(error)}")
            raise typer.Exit(1)


class _BarProgress:
    """The batch's progress on a Rich progress bar: done, failed, elapsed."""

    def __init__(self, bar: "Progress") -> None:
        self.bar = bar
        self.task = bar.add_task("", total=0, done=0, failed=0, start=False)
        self.counts = {"done": 0, "failed": 0}
        self.shown = 0.0

    def start(self, phase: str, total: int) -> None:
        self.counts = {"done": 0, "failed": 0}
        self.bar.reset(self.task, description=phase, total=total, done=0, failed=0)  # the clock restarts too
        self.bar.refresh()

    def advance(self, ok: bool) -> None:
        self.counts["done" if ok else "failed"] += 1
        self.bar.update(self.task, advance=1, done=self.counts["done"], failed=self.counts["failed"])
        now = time.monotonic()
        if now - self.shown > 0.1 or self.bar.tasks[0].finished:
            self.bar.refresh()
            self.shown = now


def register(app: typer.Typer) -> None:
    app.command()(batch)
