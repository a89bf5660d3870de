"""Assess a whole folder of answers files: one report each, then the portfolio of them all.

The work is one task per answers file (`run_tasks`): read it, assess it once, and write its JSON
result and its report (PDF or HTML) into the staging folder. The tasks go to an executor (see
executors.py: here, this machine's worker processes, or a Dask cluster); each task gets what it
needs with it (`Job`), and the content it assesses with is loaded once per process (`content_for`).

The driver takes the outcomes in file order, gives each enterprise's outputs their readable name
(unique, in file order, so the names are the same whichever executor ran the tasks), records the
file in the manifest (manifest.py) and keeps nothing else: the portfolio is summed up one entry at
a time (portfolio.PortfolioSum) as the files are done (`_Summing`), or at the end from the entries
the manifest keeps on disk when an earlier run did some of them; the tables' rows go to a file of
the staging folder and come back best first (`_Roster`), and portfolio.jsonl is the JSON results
one after the other. The workbook and the documents are tasks too. With reports, the portfolio's
documents start as soon as every entry is known, while the last reports render (`_EarlyPortfolio`).
A file recorded in the manifest with the same bytes and options is not done again: an interrupted
run goes on where it stopped, and `--shard i/N` runs do part of a folder each; a last run without
--shard then finds everything done and only writes the portfolio.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import os
import pickle
import re
import secrets
import shutil
import stat
import tempfile
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from . import respondents
from .assess import run_assessment
from .errors import ContentError, Issue, ReadinessError
from .executors import Executor, InProcess, LocalProcesses
from .files import copy_into, move_into_place, write_atomically, write_directly, write_streamed
from .loader import check_answers, load_answers, load_content, read_answers
from .manifest import Done, Manifest, Shard, file_digest, fingerprint
from .model import Answers, Content, Respondent
from .portfolio import Entry, Member, Portfolio, PortfolioSum, ProgrammeOptions, enterprise_code, portfolio_entry, rank
from .report.result import json_line, result_dict
from .report.tables import csv_chunks, render_xlsx

MAX_NAME = 80
# Characters that are unsafe in file names on some system, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
# Output names the portfolio uses (portfolio.pdf, .html, .csv, .xlsx, .jsonl): never an enterprise's.
RESERVED_STEMS = frozenset({"portfolio"})
# --anonymise: the secret that keys the codes, kept beside the outputs, or given in the environment.
KEY_FILE = ".anonymise-key"
KEY_ENV = "READINESS_ANONYMISE_KEY"
MIN_KEY = 16  # characters of a key given in the environment
# Below this many files, starting workers costs more than it saves.
PARALLEL_FROM = 64
CHUNK = 25  # files scored per message to a worker: few messages, and still the work shared evenly


def display_name(name: str) -> str:
    """A file name as text for outputs and messages: bytes that are not UTF-8 become U+FFFD."""
    return os.fsencode(name).decode("utf-8", "replace")


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def scan_folder(folder: Path) -> tuple[list[Path], list[tuple[str, str]]]:
    """The answers files (*.yaml, *.yml, filled workbooks *.xlsx; not hidden) in `folder`, and the
    entries so named that are skipped because they are not regular files (FIFOs, devices, folders,
    broken links), with why.

    Only `stat` is used, never `open`: a FIFO cannot make the scan wait.
    """
    files, skipped = [], []
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yaml", ".yml", ".xlsx") or path.name.startswith((".", "~$")):  # ~$: Excel's lock file
            continue
        try:
            mode = path.stat().st_mode  # through a link, to what it points to
        except OSError as exc:
            skipped.append((display_name(path.name), f"skipped: cannot be read ({exc.strerror})"))
            continue
        if stat.S_ISREG(mode):
            files.append(path)
            continue
        kind = next((what for test, what in _KINDS if test(mode)), "not a regular file")
        link = "a link to " if path.is_symlink() else ""
        skipped.append((display_name(path.name), f"skipped: {link}{kind}, not a regular file"))
    return files, skipped


# Invisible characters and controls have no place in a file name (Cc: C0 and C1 controls; Cf: bidi
# overrides, zero-width spaces; Cs: halves of an undecodable byte). A zero-width joiner between two
# emoji is kept: it makes one emoji of them.
_DROPPED = frozenset({"Cc", "Cf", "Cs"})


def _visible(text: str) -> str:
    if text.isprintable():  # the usual case: nothing to drop
        return text
    kept = []
    for i, char in enumerate(text):
        joins_emoji = (
            char == "\u200d"
            and 0 < i < len(text) - 1
            and unicodedata.category(text[i - 1]) in ("So", "Mn", "Sk")
            and unicodedata.category(text[i + 1]) == "So"
        )
        if unicodedata.category(char) not in _DROPPED or joins_emoji:
            kept.append(char)
    return "".join(kept)


def safe_stem(name: str, taken: set[str]) -> str:
    """A file name from an enterprise name: readable (Chinese kept), no paths, no controls or
    invisible characters, unique in `taken`, and never one the portfolio uses."""
    text = _visible(unicodedata.normalize("NFKC", name)).strip()
    text = _UNSAFE.sub("-", text)
    text = re.sub(r"[\s-]+", "-", text).strip(".-") or "enterprise"
    text = text[:MAX_NAME]
    stem, number = text, 2
    while stem.casefold() in taken or stem.casefold() in RESERVED_STEMS:
        stem = f"{text}-{number}"
        number += 1
    taken.add(stem.casefold())
    return stem


def anonymise_key(output: Path) -> tuple[bytes, bool]:
    """The secret that keys the codes of `--anonymise`, and whether it was made just now.

    $READINESS_ANONYMISE_KEY if set; else OUTPUT/.anonymise-key, made (mode 0600, 32 random bytes
    in hex) on first use and read on later runs into the same folder, so the codes stay the same.
    Without the key, a code cannot be matched to a name by hashing a list of names.
    """
    given = os.environ.get(KEY_ENV)
    if given is not None:
        if len(given.strip()) < MIN_KEY:
            raise ContentError([Issue(KEY_ENV, f"the key must have at least {MIN_KEY} characters")], what="options")
        return given.strip().encode("utf-8"), False
    target = output / KEY_FILE
    made = False
    try:
        if not os.path.lexists(target):
            handle, temp = tempfile.mkstemp(dir=output, prefix=".", suffix=".tmp")  # mode 0600
            try:
                with os.fdopen(handle, "w", encoding="ascii") as stream:
                    stream.write(secrets.token_hex(32) + "\n")
                os.link(temp, target)  # appears whole, or not at all if another run made one meanwhile
                made = True
            except FileExistsError:
                pass
            finally:
                Path(temp).unlink()
        flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        handle = os.open(target, flags)
        with os.fdopen(handle, "rb") as stream:
            regular = stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
            key = stream.read(1024).strip() if regular else b""
    except OSError as exc:
        raise ContentError(
            [Issue(str(target), f"cannot read or make the anonymisation key: {exc.strerror}")], what="output"
        ) from None
    if not regular or len(key) < 32 or not all(c in b"0123456789abcdefABCDEF" for c in key):
        raise ContentError(
            [Issue(str(target), "not an anonymisation key; remove it to make a new one (the codes will change)")],
            what="output",
        )
    return key, made


def anonymised(answers: Answers, key: bytes, fallback: str, free_text: frozenset[str]) -> Answers:
    """The answers without what identifies the enterprise or the people: the name becomes its code,
    the other free-text profile fields (region, park) go, respondents become "Respondent 1",
    "Respondent 2"..., notes go."""
    code = enterprise_code(str(answers.enterprise.get("name") or fallback), key)
    enterprise = {"name": code, **{k: v for k, v in answers.enterprise.items() if k not in free_text}}
    people = {r.name: f"Respondent {n}" for n, r in enumerate(answers.respondents, 1)}
    respondents = [Respondent(name=people[r.name], role=r.role) for r in answers.respondents]

    def who(label: str) -> str:  # merge labels an answer "A / B" when one file had two respondents
        return " / ".join(people.setdefault(part, f"Respondent {len(people) + 1}") for part in label.split(" / "))

    disagreements = [
        d.model_copy(update={"answers": {who(label): value for label, value in d.answers.items()}})
        for d in answers.disagreements
    ]
    fields = {name: getattr(answers, name) for name in Answers.model_fields}
    record = answers.assessment.model_copy(update={"contact": "", "enterprise_id": ""})  # a person, a registry number
    fields.update(
        enterprise=enterprise, respondents=respondents, notes={}, disagreements=disagreements, assessment=record
    )
    return Answers.model_construct(**fields)  # a new object: nothing cached from the original


def free_text_profile(content: Content) -> frozenset[str]:
    """The profile fields answered in the respondent's own words (name, region, park...)."""
    profile = content.questionnaire.steps[0]
    return frozenset(q.id.split(".", 1)[1] for q in profile.questions if q.type == "text")


# --- one task per answers file ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Job:
    """What every task of one run needs besides its file; it travels with the tasks to any worker."""

    content_root: str
    fmt: str  # json, html or pdf: the JSON result is always written, the report unless json
    lang: str | None
    key: bytes | None  # --anonymise
    brand_file: str | None
    staging: str  # the folder where a task's outputs wait for their name
    date: str  # the date every report of the run carries, whatever the clock of the worker says


@dataclass(frozen=True, slots=True)
class Task:
    index: int  # the file's place in the run: outputs are named in this order
    path: str
    # The other respondents' files of the same enterprise (respondents.py), merged with this one.
    others: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Outcome:
    """What came of one task: small, so that it crosses processes and machines cheaply."""

    index: int
    file: str  # the answers file's name, as the file system gives it
    error: str | None = None
    sha256: str = ""
    name: str = ""  # the enterprise's name (its code when anonymised), else the file's stem
    lang: str = ""  # the language of the answers file
    entry: Entry | None = None


# Each process's content, by folder: loaded on a worker's first task, or put here by the driver
# before it forks its workers. A cache that any process can fill, not state a pool sets up.
_CONTENT: dict[str, Content] = {}


def content_for(root: str) -> Content:
    content = _CONTENT.get(root)
    if content is None:
        from .resources import content_dir

        content = _CONTENT[root] = load_content(content_dir(root))[0]
    return content


def staged_name(file_name: str) -> str:
    """The name a file's outputs wait under: one per answers file, the same in every run and shard."""
    return hashlib.sha256(os.fsencode(file_name)).hexdigest()[:32]


def run_tasks(chunk: tuple[Job, list[Task]]) -> list[Outcome]:
    """Do a few tasks of one run (in a worker, or here); one failure is that file's alone."""
    job, tasks = chunk
    content = content_for(job.content_root)
    return [_run_task(job, content, task) for task in tasks]


def _run_task(job: Job, content: Content, task: Task) -> Outcome:
    path = Path(task.path)
    try:
        parsed = read_answers(path, content)
        answers = check_answers(parsed, content)
        digest = parsed.sha256 or file_digest(path)  # of the bytes assessed; a workbook's read again
        merged_from: list[str] = []
        if task.others:  # one enterprise's respondents: their answers merged by the merge rules
            from .merge import merge_answers

            paths = [path, *map(Path, task.others)]
            answers = merge_answers([(p.name, load_answers(p, content)) for p in paths], content, "conservative")
            digest = hashlib.sha256("".join(file_digest(p) for p in paths).encode()).hexdigest()
            merged_from = [display_name(p.name) for p in paths]
        identity = respondents.identity(answers)  # before anonymising: it finds one enterprise's files
        if job.key is not None:
            answers = anonymised(answers, job.key, display_name(path.name), free_text_profile(content))
            merged_from = [""] * len(merged_from)  # anonymised: no file names
        assessment = run_assessment(content, answers)
        source = "" if job.key is not None else display_name(path.name)
        staged = Path(job.staging) / staged_name(path.name)
        record = answers.assessment.model_dump(mode="json")
        found = {**result_dict(assessment, content, job.lang), "source": source, "assessment": record}
        if task.others:
            found["merged_from"] = [name for name in merged_from if name]
        result = json_line(found)
        write_directly(staged.with_suffix(".json"), result + b"\n")
        name = str(answers.enterprise.get("name") or display_name(path.stem))
        entry = portfolio_entry(source, assessment, answers, identity)
        if merged_from:
            entry = dataclasses.replace(entry, merged_from=merged_from)
        if job.fmt != "json":
            # Known before the report is: the portfolio's documents can start while the last reports render.
            write_directly(staged.with_suffix(".entry"), pickle.dumps((answers.lang, entry)))
            from .report.documents import draft_reasons, render_report

            # A park's run goes on over incomplete answers: their reports are marked DRAFT, never passed off as final.
            draft = bool(draft_reasons(answers, assessment, answers.lang))
            document = render_report(
                content,
                answers,
                job.fmt,
                lang=job.lang,
                brand_file=Path(job.brand_file) if job.brand_file else None,
                content_root=Path(job.content_root),
                assessment=assessment,
                today=dt.date.fromisoformat(job.date),
                draft=draft,
            )
            write_directly(staged.with_suffix(f".{job.fmt}"), document.data)
        return Outcome(task.index, path.name, None, digest, name, answers.lang, entry)
    except Exception as exc:  # any failure is this file's alone: listed, and the others go on
        return Outcome(task.index, path.name, failure(exc))


def failure(exc: Exception) -> str:
    """What went wrong with one file, in one message: an expected error as it is, anything else named."""
    if isinstance(exc, ReadinessError):
        return str(exc)
    return f"internal error: {type(exc).__name__}: {exc}"


@dataclass(frozen=True, slots=True)
class PortfolioDocument:
    """portfolio.xlsx, .html or .pdf to write (a task like the others)."""

    job: Job
    portfolio: Portfolio
    target: str
    rows: tuple[str, list[int]] | None = None  # the workbook's: the roster's file and where its rows are, best first


def render_portfolio_document(document: PortfolioDocument) -> str | None:
    """Write one of the portfolio's documents; the error, if any."""
    job, target = document.job, Path(document.target)
    try:
        content = content_for(job.content_root)
        if document.rows is not None:
            path, offsets = document.rows
            data = render_xlsx(document.portfolio, content, _Roster.read(Path(path), offsets))
        else:
            from .report.documents import render_portfolio

            data = render_portfolio(
                document.portfolio,
                content,
                target.suffix[1:],
                brand_file=Path(job.brand_file) if job.brand_file else None,
                content_root=Path(job.content_root),
                today=dt.date.fromisoformat(job.date),
            ).data
        write_atomically(target, data)
        return None
    except Exception as exc:
        return failure(exc)


def local_executor(workers: int, fmt: str, tasks: int) -> Executor:
    """This machine: worker processes, unless one process does it as fast (few files to score)."""
    if fmt == "json":
        workers = min(workers, -(-tasks // CHUNK))
        return LocalProcesses(workers, renders=False) if workers >= 2 and tasks >= PARALLEL_FROM else InProcess()
    workers = min(workers, tasks + 2)  # the two portfolio documents are tasks too
    return LocalProcesses(workers, renders=True, preload=RENDER_MODULES) if workers >= 2 else InProcess()


# What every render worker imports: the fork server imports it once, and each worker is a fork of it.
RENDER_MODULES = (
    "readiness.batch", "readiness.report.documents", "readiness.report.context", "readiness.report.html",
    "readiness.report.pdf", "weasyprint",
)  # fmt: skip


def report_workers(workers: int, content_root: Path) -> Executor | None:
    """The render workers of a run of reports on this machine, started now (None when one process
    does it): they import what they need and load the content meanwhile, ready when the tasks are."""
    if workers < 2:
        return None
    return LocalProcesses(workers, renders=True, preload=RENDER_MODULES, prepare=(prepare_worker, str(content_root)))


def prepare_worker(content_root: str) -> None:
    """A worker's start: the content loaded into its cache (any problem is the tasks' to report)."""
    with contextlib.suppress(Exception):
        content_for(content_root)


# --- the whole run ---------------------------------------------------------------------------


class Progress(Protocol):
    def start(self, phase: str, total: int) -> None: ...  # "scoring" (json) or "reports"
    def advance(self, ok: bool) -> None: ...


@dataclass
class BatchOutcome:
    written: int = 0  # enterprises whose outputs this run wrote
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, error), and entries skipped
    kept: int = 0  # enterprises done by an earlier run (or another shard), not done again
    new_key: Path | None = None  # the anonymisation key file, when this run made it
    merged: list[tuple[str, list[str], int]] = field(default_factory=list)  # (name, files merged, to confirm)
    # (assessment date, name) of the first enterprises due for re-assessment, oldest visit first, of due_total.
    due: list[tuple[str, str]] = field(default_factory=list)
    due_total: int = 0
    portfolio: bool = False  # whether the portfolio was written (never by a shard)


def run_batch(
    content: Content,
    files: list[Path],
    output: Path,
    *,
    fmt: str,
    lang: str | None,
    brand_file: Path | None,
    anonymise: bool,
    workers: int,
    content_root: Path,
    progress: Progress,
    skipped: list[tuple[str, str]] | None = None,
    respondents_mode: respondents.Mode = "merge",
    programme: ProgrammeOptions | None = None,
    previous: Path | None = None,
    executor: Executor | None = None,
    shard: Shard | None = None,
) -> BatchOutcome:
    """Write a JSON result and a report (json: the result only) per file, then the portfolio
    documents and tables; with `shard`, only that shard's files and no portfolio.

    `executor`: where the tasks run (default: this machine, `workers` processes). With `anonymise`,
    everything written is anonymised (see `anonymised`): reports are named by the code, and the
    codes are keyed by `anonymise_key`. `skipped` entries are listed as failed.
    """
    outcome = BatchOutcome(failed=list(skipped or []))
    key = None
    if anonymise:
        key, made = anonymise_key(output)
        outcome.new_key = output / KEY_FILE if made else None
    options = fingerprint(content_root=content_root, fmt=fmt, lang=lang, key=key, brand_file=brand_file)
    manifest = Manifest(output, options, shard, key)
    mine = [path for path in files if shard is None or shard.holds(path.name)]
    kept = _still_done(manifest, mine, output, fmt)
    outcome.kept = len(kept)
    todo = [path for path in mine if path.name not in kept]
    job = Job(
        str(content_root), fmt, lang, key, str(brand_file) if brand_file else None, str(manifest.staging),
        dt.date.today().isoformat(),
    )  # fmt: skip
    _CONTENT[job.content_root] = content  # forked workers and this process assess with it
    executor = executor or local_executor(workers, fmt, len(todo))
    tasks = [Task(index, str(path)) for index, path in enumerate(todo)]
    early = None
    if shard is None and fmt != "json" and previous is None and executor.workers >= 2:
        early = _EarlyPortfolio(executor, job, content, files, set(kept), manifest, programme)
    with contextlib.ExitStack() as stack:
        stack.callback(executor.close)
        summing = None
        if shard is None and not kept and previous is None:  # every file is done now, in file order
            summing = stack.enter_context(_Summing(content, manifest, programme))
        taken = {d.stem.casefold() for d in kept.values()}
        done = _run_tasks(executor, job, tasks, output, manifest, taken, outcome, progress, early, summing)
        if shard is None:  # the whole folder is done: one enterprise's respondents are found now
            if summing is not None and summing.alone():
                finished = done
            else:
                summing = None
                finished = _settle_respondents(
                    executor, job, files, {*kept, *done}, done, output, manifest, respondents_mode, outcome, progress
                )
            _write_portfolio(
                executor, job, content, files, finished, output, manifest, outcome, programme, previous, early, summing
            )
    return outcome


def _settle_respondents(
    executor: Executor,
    job: Job,
    files: list[Path],
    finished: set[str],
    done: set[str],
    output: Path,
    manifest: Manifest,
    mode: respondents.Mode,
    outcome: BatchOutcome,
    progress: Progress,
) -> set[str]:
    """Several respondents' files of one enterprise become one row and one report, their answers
    merged by the merge rules (mode "merge"), or none (mode "refuse"): never counted twice. The
    files' own outputs go; the files finished now (the merged ones under their first file)."""
    from .catalogue import text

    recorded = manifest.finished()
    order = [path for path in files if path.name in finished]
    records = [recorded[manifest.id(path.name)] for path in order]
    found = [g for g in respondents.groups([r.group for r in records]) if len(g) > 1]
    if not found:
        return finished
    languages = Counter(record.lang for record in records)
    lang = job.lang or max(sorted(languages), key=languages.__getitem__)
    finished = set(finished)
    tasks: list[Task] = []
    for group in found:
        names = [display_name(order[i].name) for i in group]
        for i in group:  # (a record names its file by its id: the keyed hash when anonymised)
            finished.discard(order[i].name)
            outcome.written -= order[i].name in done
            for ext in {"json", job.fmt}:
                (output / f"{records[i].stem}.{ext}").unlink(missing_ok=True)
        if mode == "refuse":
            listed = text(lang, "respondents.files_sep").join(names)
            outcome.failed += [(name, text(lang, "respondents.refused_group", files=listed)) for name in names]
            continue
        first, *others = (order[i] for i in group)
        tasks.append(Task(len(tasks), str(first), tuple(str(path) for path in others)))
    taken = {recorded[manifest.id(name)].stem.casefold() for name in finished}
    merged = _run_tasks(executor, job, tasks, output, manifest, taken, outcome, progress) if tasks else set()
    after = manifest.finished()
    for task in tasks:
        name = Path(task.path).name
        names = [display_name(Path(p).name) for p in (task.path, *task.others)]
        if name in merged:
            entry = manifest.entry(after[manifest.id(name)])
            outcome.merged.append((entry.name, names, entry.flagged))
        else:  # the first file's failure is listed already: the others go with it
            problem = next((why for file, why in outcome.failed if file == names[0]), "")
            outcome.failed += [(other, text(lang, "respondents.failed_group", problem=problem)) for other in names[1:]]
    return finished | merged


def _still_done(manifest: Manifest, files: list[Path], output: Path, fmt: str) -> dict[str, Done]:
    """The files whose latest record holds: same bytes, outputs still there, and an output name that
    no other file was given (shards run at the same time can give one name twice: both are redone)."""
    recorded = manifest.finished()
    kept: dict[str, Done] = {}
    for path in files:
        done = recorded.get(manifest.id(path.name))
        if done is None or not all((output / f"{done.stem}.{ext}").is_file() for ext in {"json", fmt}):
            continue
        try:
            if file_digest(path) == done.sha256:
                kept[path.name] = done
        except OSError:
            continue
    stems = Counter(done.stem.casefold() for done in kept.values())
    return {name: done for name, done in kept.items() if stems[done.stem.casefold()] == 1}


def _run_tasks(
    executor: Executor,
    job: Job,
    todo: list[Task],
    output: Path,
    manifest: Manifest,
    taken: set[str],
    outcome: BatchOutcome,
    progress: Progress,
    early: _EarlyPortfolio | None = None,
    summing: _Summing | None = None,
) -> set[str]:
    """Run a task per file and put each file's outputs in place, in file order (and into `summing`);
    the files done."""
    progress.start("scoring" if job.fmt == "json" else "reports", len(todo))
    size = CHUNK if job.fmt == "json" else 1  # a report takes seconds: one per message
    chunks = ((job, todo[start : start + size]) for start in range(0, len(todo), size))
    done: set[str] = set()
    waiting: dict[int, Outcome] = {}  # finished ahead of an earlier file: at most the tasks in flight
    following = 0
    manifest.open()
    try:
        for (_, tasks), result in executor.run(run_tasks, chunks):
            if isinstance(result, Exception):  # the worker died: every file of its chunk failed
                result = [Outcome(task.index, Path(task.path).name, failure(result)) for task in tasks]
            waiting.update((each.index, each) for each in result)
            while following in waiting:
                finished = waiting.pop(following)
                following += 1
                ok = _put_in_place(finished, job, output, manifest, taken, outcome, summing)
                if ok:
                    done.add(finished.file)
                progress.advance(ok)
            if early is not None and 0 < len(todo) - following - len(waiting) < executor.workers:
                early.offer(done, list(waiting.values()), [t for t in todo[following:] if t.index not in waiting])
    finally:
        manifest.close()
    return done


def _put_in_place(
    finished: Outcome,
    job: Job,
    output: Path,
    manifest: Manifest,
    taken: set[str],
    outcome: BatchOutcome,
    summing: _Summing | None = None,
) -> bool:
    """Name one file's outputs (readable, unique) and record the file as done."""
    if finished.error is not None or finished.entry is None:
        outcome.failed.append((display_name(finished.file), finished.error or "no result"))
        return False
    stem = safe_stem(finished.name, taken)
    staged = manifest.staging / staged_name(finished.file)
    if job.fmt != "json":  # (a run of reports writes each entry before its report)
        staged.with_suffix(".entry").unlink(missing_ok=True)
    try:
        if summing is not None:  # copied while it is still ours, in the staging folder
            summing.copy_result(staged.with_suffix(".json"))
        for ext in dict.fromkeys(("json", job.fmt)):
            move_into_place(staged.with_suffix(f".{ext}"), output / f"{stem}.{ext}")
    except (ReadinessError, OSError) as exc:  # this file's alone: listed, and the others go on
        if summing is not None:
            summing.drop_result()
        outcome.failed.append((display_name(finished.file), failure(exc)))
        return False
    manifest.add(finished.file, finished.sha256, stem, finished.lang, finished.entry)
    if summing is not None:
        summing.add(finished.entry, finished.lang)
    outcome.written += 1
    return True


def _write_portfolio(
    executor: Executor,
    job: Job,
    content: Content,
    files: list[Path],
    done: set[str],
    output: Path,
    manifest: Manifest,
    outcome: BatchOutcome,
    programme: ProgrammeOptions | None = None,
    previous: Path | None = None,
    early: _EarlyPortfolio | None = None,
    summing: _Summing | None = None,
) -> None:
    """The portfolio of every file of the folder that is done, in file order: as `summing` summed it
    up while the files were done, else from the manifest; with `previous`, the earlier round
    (assessed as this one) compared. Its documents are those `early` rendered, when they are of the
    same portfolio."""
    with contextlib.ExitStack() as stack:
        if summing is not None:
            portfolio, roster = summing.portfolio(job.lang), summing.roster
            move_into_place(summing.lines_path, output / "portfolio.jsonl")
        else:
            recorded = manifest.finished()
            members = [recorded[manifest.id(path.name)] for path in files if path.name in done]
            roster = _Roster(manifest.staging, stack)  # (it makes the staging folder)
            languages = Counter(member.lang for member in members)
            portfolio = _sum_up(content, job, languages, manifest.entries(members), programme, previous, roster)
            write_streamed(output / "portfolio.jsonl", _result_lines(output, members))
        if portfolio.visits:
            outcome.due = [(m.assessed, m.name) for m in portfolio.visits.due]
            outcome.due_total = portfolio.visits.due_total
        offsets = roster.offsets()
        documents = [PortfolioDocument(job, portfolio, str(output / "portfolio.xlsx"), (str(roster.path), offsets))]
        if job.fmt != "json" and portfolio.count:
            targets = [output / f"portfolio.{ext}" for ext in ("html", "pdf")]
            if early is None or not early.put_in_place(portfolio, targets):
                documents += [PortfolioDocument(job, portfolio, str(target)) for target in targets]
        # The documents on the workers, while this process writes the CSV.
        rendering = _Rendering(executor, documents)
        write_streamed(output / "portfolio.csv", csv_chunks(_Roster.read(roster.path, offsets)))
        for document, error in rendering.results():
            if error is not None:
                outcome.failed.append(
                    (Path(document.target).name, failure(error) if isinstance(error, Exception) else error)
                )
    shutil.rmtree(manifest.staging, ignore_errors=True)  # what killed runs left there
    outcome.portfolio = True


def _sum_up(
    content: Content,
    job: Job,
    languages: Counter[str],
    entries: Iterable[Entry],
    programme: ProgrammeOptions | None,
    previous: Path | None,
    roster: _Roster | None = None,
) -> Portfolio:
    """The portfolio of `entries` (in file order), each member's row given to `roster`; in the language
    asked for, else the one most answers files use."""
    portfolio_lang = job.lang or _most_used(languages)
    if previous is not None and programme is not None:
        from .programme import previous_round

        earlier = previous_round(content, previous, lang=portfolio_lang, key=job.key)
        programme = dataclasses.replace(programme, previous=earlier)
    sums = PortfolioSum(content, programme)
    for entry in entries:
        member = sums.add(entry)
        if roster is not None:
            roster.add(member)
    return sums.portfolio(portfolio_lang)


def _most_used(languages: Counter[str]) -> str:
    """The language most answers files use (of a tie, the first in alphabetical order)."""
    return max(sorted(languages) or ["en"], key=languages.__getitem__)


class _EarlyPortfolio:
    """The portfolio's documents (HTML, PDF) rendered while the last reports are, on a worker that
    would otherwise wait: once fewer tasks are left than workers, and every one of them has assessed
    its file (a task writes its entry before it renders its report). They are kept only when the
    portfolio summed up at the end is the same (no file failed meanwhile, no respondents merged),
    so the documents are those the end would have rendered."""

    WAIT = 2.0  # seconds to wait for a running task's entry: it is written a moment after it starts

    def __init__(
        self,
        executor: Executor,
        job: Job,
        content: Content,
        files: list[Path],
        kept: set[str],
        manifest: Manifest,
        programme: ProgrammeOptions | None,
    ) -> None:
        self.executor, self.job, self.content, self.files = executor, job, content, files
        self.kept, self.manifest, self.programme = kept, manifest, programme
        self.portfolio: Portfolio | None = None
        self._rendering: _Rendering | None = None
        self._tried = False

    def offer(self, done: set[str], waiting: list[Outcome], running: list[Task]) -> None:
        """Start the documents if every file's entry is known: `done` put in place, `waiting` back
        but not yet in place, `running` still in the workers."""
        if self._rendering is not None or self._tried:
            return
        extra = {o.file: (o.lang, o.entry) for o in waiting if o.entry is not None}
        deadline = time.monotonic() + self.WAIT
        for task in running:
            staged = Path(self.job.staging) / f"{staged_name(Path(task.path).name)}.entry"
            while not staged.is_file() and time.monotonic() < deadline:
                time.sleep(0.02)
            try:
                extra[Path(task.path).name] = pickle.loads(staged.read_bytes())  # this run's own file
            except (OSError, pickle.UnpicklingError, EOFError):
                self._tried = len(running) == 1  # the last task: its next outcome ends the run anyway
                return
        finished = self.manifest.finished()
        members: list[Done | tuple[str, Entry]] = []
        for path in self.files:
            if path.name in extra:
                members.append(extra[path.name])
            elif path.name in done or path.name in self.kept:
                members.append(finished[self.manifest.id(path.name)])
        languages = Counter(m.lang if isinstance(m, Done) else m[0] for m in members)
        entries = (self.manifest.entry(m) if isinstance(m, Done) else m[1] for m in members)
        self.portfolio = _sum_up(self.content, self.job, languages, entries, self.programme, None)
        targets = [str(Path(self.job.staging) / f"portfolio.{ext}") for ext in ("html", "pdf")]
        documents = [PortfolioDocument(self.job, self.portfolio, target) for target in targets]
        self._rendering = _Rendering(self.executor, documents)

    def put_in_place(self, portfolio: Portfolio, targets: list[Path]) -> bool:
        """Whether the documents rendered early are those of `portfolio`, now at `targets`."""
        if self._rendering is None:
            return False
        failed = any(error is not None for _, error in self._rendering.results())
        staged = [Path(self.job.staging) / target.name for target in targets]
        if failed or self.portfolio != portfolio:
            return False
        for source, target in zip(staged, targets, strict=True):
            move_into_place(source, target)
        return True


class _Summing:
    """The portfolio summed up while the files are done (`add`, in file order), for a run that does
    every file of the folder: its end then has only the tables and documents to make, instead of
    reading every entry and result back from disk. The rows go to a `_Roster`, the results are
    copied into portfolio.jsonl as they come. Of no use when files were done by an earlier run
    (they are not added), or when one enterprise's respondents are found (`alone` is False), or
    with an earlier round to compare: those runs sum up from the manifest at the end."""

    def __init__(self, content: Content, manifest: Manifest, programme: ProgrammeOptions | None) -> None:
        self._sums = PortfolioSum(content, programme)
        self._staging, self._languages = manifest.staging, Counter[str]()
        self._identities: list[tuple[str, str]] = []
        self._stack = contextlib.ExitStack()
        self._copied = 0  # bytes of portfolio.jsonl before the last result copied into it

    def __enter__(self) -> _Summing:
        self.roster = _Roster(self._staging, self._stack)  # (it makes the staging folder)
        handle, name = tempfile.mkstemp(dir=self._staging, prefix="portfolio-", suffix=".jsonl")
        self.lines_path = Path(name)
        self._stack.callback(self.lines_path.unlink, missing_ok=True)  # moved into place, or given up
        self._lines = self._stack.enter_context(os.fdopen(handle, "wb", buffering=0))
        return self

    def __exit__(self, *_: object) -> None:
        self._stack.close()

    def copy_result(self, result: Path) -> None:
        """Append one file's JSON result (one line) to portfolio.jsonl."""
        self._copied = self._lines.tell()
        copy_into(result, self._lines.fileno())

    def drop_result(self) -> None:
        """Take the result copied last out again: its file could not be put in place."""
        self._lines.truncate(self._copied)
        self._lines.seek(self._copied)

    def add(self, entry: Entry, lang: str) -> None:
        self.roster.add(self._sums.add(entry))
        self._languages[lang] += 1
        self._identities.append((entry.group_id, entry.group_name))

    def alone(self) -> bool:
        """Whether every enterprise's answers came in one file (no respondents to merge or refuse)."""
        return not any(len(group) > 1 for group in respondents.groups(self._identities))

    def portfolio(self, lang: str | None) -> Portfolio:
        """The portfolio in `lang`, else in the language most answers files use; portfolio.jsonl is complete."""
        self._lines.close()
        return self._sums.portfolio(lang or _most_used(self._languages))


class _Rendering:
    """Documents rendered by the executor in a thread of this process, so that it can go on meanwhile
    (with one worker, or none, they are rendered when the results are asked for)."""

    def __init__(self, executor: Executor, documents: list[PortfolioDocument]) -> None:
        self.executor, self.documents = executor, documents
        self._done: list[tuple[PortfolioDocument, str | Exception | None]] = []
        self._thread: threading.Thread | None = None
        if executor.workers >= 2:
            self._thread = threading.Thread(target=self._render, daemon=True)
            self._thread.start()

    def _render(self) -> None:
        try:
            self._done.extend(self.executor.run(render_portfolio_document, self.documents))
        except Exception as exc:  # the executor itself failed: every document not done yet goes with it
            finished = {id(document) for document, _ in self._done}
            self._done += [(document, exc) for document in self.documents if id(document) not in finished]

    def results(self) -> list[tuple[PortfolioDocument, str | Exception | None]]:
        if self._thread is None:
            self._render()
        else:
            self._thread.join()
        return self._done


class _Roster:
    """Every enterprise's row of the portfolio, put in a file in the staging folder as it is summed
    up, and read back best first (by this process or a worker) for the tables that list them all:
    memory holds only their order."""

    def __init__(self, staging: Path, stack: contextlib.ExitStack) -> None:
        staging.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=staging, prefix="roster-", suffix=".pickle")
        self.path = Path(name)
        stack.callback(self.path.unlink, missing_ok=True)
        self._stream = stack.enter_context(os.fdopen(handle, "w+b"))  # closed before it is removed
        self._order: list[tuple[float, str, int]] = []

    def add(self, member: Member) -> None:
        # The rank of portfolio.ranked_members; the offset keeps members that tie in the order they came.
        self._order.append((*rank(member), self._stream.seek(0, os.SEEK_END)))
        pickle.dump(member, self._stream, protocol=pickle.HIGHEST_PROTOCOL)

    def offsets(self) -> list[int]:
        """Where the rows are in the file, best first; all of them written, for any process to read."""
        self._stream.flush()
        self._order.sort()
        return [offset for *_, offset in self._order]

    @staticmethod
    def read(path: Path, offsets: list[int]) -> Iterator[Member]:
        with path.open("rb") as stream:
            for offset in offsets:
                stream.seek(offset)
                yield pickle.load(stream)  # this run's own file


def _result_lines(output: Path, members: list[Done]) -> Iterator[bytes]:
    for member in members:
        line = (output / f"{member.stem}.json").read_bytes()
        yield line if line.endswith(b"\n") else line + b"\n"
