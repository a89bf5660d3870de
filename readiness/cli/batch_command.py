"""`readiness batch`: a report per enterprise for a whole folder, and the portfolio of them all."""

import contextlib
import datetime
import os
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import ContentError, Issue
from .common import ContentDirOption, Lang, LangOption, add_command, cli_lang, err, escape, h, load, say, user_errors

if TYPE_CHECKING:
    from rich.progress import Progress

    from ..batch import BatchOutcome
    from ..executors import Executor
    from ..manifest import Shard


DUE_LISTED = 10  # enterprises due for re-assessment named on the terminal; the portfolio lists more


class Respondents(StrEnum):
    merge = "merge"
    refuse = "refuse"


class BatchFormat(StrEnum):
    pdf = "pdf"
    html = "html"
    json = "json"


class ExecutorKind(StrEnum):
    local = "local"
    dask = "dask"


def batch(
    folder: Annotated[Path, typer.Argument(help=h("batch.folder"), file_okay=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help=h("batch.output"), file_okay=False)],
    fmt: Annotated[
        BatchFormat,
        typer.Option(
            "--format",
            "-f",
            help=h("batch.fmt"),
        ),
    ] = BatchFormat.pdf,
    lang: Annotated[Lang | None, LangOption] = None,
    brand: Annotated[Path | None, typer.Option("--brand", help=h("batch.brand"))] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help=h("batch.jobs"),
        ),
    ] = None,
    anonymise: Annotated[
        bool,
        typer.Option(
            "--anonymise",
            help=(h("batch.anonymise")),
        ),
    ] = False,
    respondents: Annotated[Respondents, typer.Option("--respondents", help=h("batch.respondents"))] = Respondents.merge,
    previous: Annotated[
        Path | None, typer.Option("--previous", help=h("batch.previous"), metavar="FOLDER|JSONL")
    ] = None,
    due_after: Annotated[
        int, typer.Option("--due-after", min=1, max=120, help=h("batch.due_after"), metavar="MONTHS")
    ] = 12,
    executor: Annotated[ExecutorKind, typer.Option("--executor", help=h("batch.executor"))] = ExecutorKind.local,
    scheduler: Annotated[str | None, typer.Option("--scheduler", metavar="ADDRESS", help=h("batch.scheduler"))] = None,
    shard: Annotated[str | None, typer.Option("--shard", metavar="I/N", help=h("batch.shard"))] = None,
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """Assess every answers file in FOLDER: one report each, plus portfolio.pdf/.html/.csv/.xlsx/.jsonl.

    A file that cannot be read or assessed is listed at the end with its error; the others go on.
    Entries named *.yaml that are not regular files (FIFOs, devices, folders) are listed as skipped.
    The exit code is 1 when any file failed or was skipped.

    Files done by an earlier run into the same output (same bytes, same options) are not done again.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .. import batch as runner
    from ..portfolio import ProgrammeOptions
    from ..resources import content_dir as resolve_content

    with user_errors(lang), contextlib.ExitStack() as cleanup:
        part = _shard(shard) if shard is not None else None
        if scheduler and executor is not ExecutorKind.dask:
            raise ContentError([Issue("--scheduler", engine_say("scheduler_without_dask"))], what="command line")
        if not folder.is_dir():
            raise ContentError([Issue(str(folder), say("no_folder"))], what="command line")
        files, skipped = runner.scan_folder(folder)
        if not files:
            raise ContentError(
                [
                    Issue(str(folder), say("no_answers_files")),
                    *(Issue(name, reason) for name, reason in skipped),
                ],
                what="command line",
            )
        if previous is not None and not previous.exists():
            from ..catalogue import text

            raise ContentError([Issue(str(previous), text(cli_lang(), "park.previous_missing"))], what="command line")
        workers = jobs or os.cpu_count() or 1
        early = _early_workers(executor, fmt, min(workers, len(files) + 2), content_dir)
        if early is not None:
            cleanup.callback(early.close)
        content, _ = load(content_dir)
        if brand:
            from ..report.brand import load_brand

            load_brand(brand)  # check it once, before any work
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = say("output_is_file") if output.is_file() else exc.strerror or str(exc)
            raise ContentError(
                [Issue(str(output), say("cannot_create_output", reason=reason))], what="output"
            ) from None
        cluster = _dask(scheduler, workers) if executor is ExecutorKind.dask else None
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn(say("batch_progress")),
            TimeElapsedColumn(),
        )
        # Redrawn by hand, a few times a second at most: no refresh thread while workers fork.
        try:
            with Progress(*columns, console=err.rich, auto_refresh=False, transient=False) as bar:
                outcome = runner.run_batch(
                    content,
                    files,
                    output,
                    fmt=fmt.value,
                    lang=lang.value if lang else None,
                    brand_file=brand,
                    anonymise=anonymise,
                    workers=workers,
                    content_root=resolve_content(content_dir),
                    progress=_BarProgress(bar),
                    skipped=skipped,
                    executor=cluster or early,
                    respondents_mode=respondents.value,
                    programme=ProgrammeOptions(today=datetime.date.today(), due_after_months=due_after),
                    previous=previous,
                    shard=part,
                )
        finally:
            if cluster is not None:
                cluster.close()
        if outcome.kept:
            err.print(escape(engine_say("kept", count=outcome.kept)))
        if outcome.portfolio:
            err.print(escape(say("batch_done", count=outcome.written, folder=output)))
        else:
            err.print(escape(engine_say("shard_done", shard=str(part), count=outcome.written, folder=output)))
        for line in _respondents_and_visits(outcome, due_after):
            err.print(escape(line))
        if outcome.new_key:
            err.print(escape(say("batch_new_key", path=outcome.new_key)))
        if outcome.failed:
            err.print(f"[bold red]{escape(say('batch_failed', count=len(outcome.failed)))}[/]")
            for name, error in sorted(outcome.failed):
                err.print(f"  {escape(name)}: {escape(error)}")
            raise typer.Exit(1)


def _respondents_and_visits(outcome: "BatchOutcome", due_after: int) -> list[str]:
    """The enterprises whose respondents' files were merged, and those due for re-assessment."""
    from ..catalogue import text

    lang = cli_lang()
    lines = []
    for name, names, flagged in outcome.merged:
        listed = text(lang, "respondents.files_sep").join(names)
        words = {"name": name, "count": len(names), "files": listed, "flagged": flagged}
        lines.append("  " + text(lang, "respondents.merged_group", **words))
    if outcome.due:
        lines.append(text(lang, "park.due_terminal", count=outcome.due_total, months=due_after))
        lines += ["  " + text(lang, "park.due_one", name=name, date=date) for date, name in outcome.due[:DUE_LISTED]]
        if outcome.due_total > DUE_LISTED:
            lines.append("  " + text(lang, "park.members_more", count=outcome.due_total - DUE_LISTED))
    return lines


def engine_say(key: str, **params: object) -> str:
    """A message of the batch engine (`engine.<key>` in the catalogue) in the language the CLI speaks."""
    from ..catalogue import text

    return text(cli_lang(), f"engine.{key}", **params)


def _shard(text: str) -> "Shard":
    from ..manifest import Shard

    try:
        return Shard.parse(text)
    except ValueError:
        raise ContentError([Issue("--shard", engine_say("bad_shard", value=text))], what="command line") from None


def _early_workers(
    executor: ExecutorKind, fmt: BatchFormat, workers: int, content_dir: Path | None
) -> "Executor | None":
    """A run of reports on this machine: its render workers, started now, get ready while the
    content and the folder are read here."""
    if executor is not ExecutorKind.local or fmt is BatchFormat.json:
        return None
    from ..batch import report_workers
    from ..resources import content_dir as resolve_content

    return report_workers(workers, resolve_content(content_dir))


def _dask(scheduler: str | None, workers: int) -> "Executor":
    """The Dask executor, or a clear message: the extra is missing, or the scheduler cannot be reached."""
    try:
        from ..executors import dask_cluster

        return dask_cluster(scheduler, workers)
    except ImportError:
        raise ContentError([Issue("--executor dask", engine_say("no_dask"))], what="command line") from None
    except (OSError, ValueError, TypeError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        issue = Issue("--scheduler", engine_say("unreachable", address=scheduler or "", reason=reason))
        raise ContentError([issue], what="command line") from None


class _BarProgress:
    """The batch's progress on a Rich progress bar: done, failed, elapsed."""

    def __init__(self, bar: "Progress") -> None:
        self.bar = bar
        self.task = bar.add_task("", total=0, done=0, failed=0, start=False)
        self.counts = {"done": 0, "failed": 0}
        self.total = 0
        self.shown = 0.0

    def start(self, phase: str, total: int) -> None:
        self.counts = {"done": 0, "failed": 0}
        self.total = total
        self.bar.reset(
            self.task, description=say(f"batch_phase_{phase}"), total=total, done=0, failed=0
        )  # the clock restarts too
        self.bar.refresh()

    def advance(self, ok: bool) -> None:
        """Counted for every file; the bar is updated and redrawn a few times a second, and at the end."""
        self.counts["done" if ok else "failed"] += 1
        now, finished = time.monotonic(), sum(self.counts.values())
        if now - self.shown > 0.1 or finished >= self.total:
            self.bar.update(self.task, completed=finished, done=self.counts["done"], failed=self.counts["failed"])
            self.bar.refresh()
            self.shown = now


def register(app: typer.Typer) -> None:
    add_command(app, batch)
