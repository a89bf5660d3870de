"""Assess a whole folder of answers files, then write one report each and the portfolio.

Scoring a large folder is shared among worker processes. On Linux they are forked, so they start
at once with the content already loaded; nothing graphical has been loaded at that point.
Rendering runs in workers started with `forkserver` or `spawn`, because forked children that
have imported Pango are known to crash.
"""

from __future__ import annotations

import dataclasses
import gc
import multiprocessing
import os
import re
import secrets
import stat
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from . import respondents
from .assess import run_assessment
from .errors import ContentError, Issue, ReadinessError
from .files import write_atomically, write_directly
from .loader import load_answers, load_content
from .model import Answers, Content, Respondent
from .portfolio import Entry, Portfolio, ProgrammeOptions, build_portfolio, enterprise_code, portfolio_entry
from .report.result import json_line, result_dict
from .report.tables import render_csv, render_xlsx

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
CHUNK = 25  # files per task: large enough to keep messages few, small enough to share the work evenly


@dataclass(frozen=True, slots=True)
class Scored:
    """One enterprise assessed: what the batch writes and sums up, small enough to cross processes."""

    source: str  # answers file name, as the file system gives it (it finds the file again)
    name: str  # the enterprise's name (its code when anonymised), or the file's stem when it has none
    lang: str  # the language of the answers file
    result: bytes  # the JSON result on one line, with its "source" (anonymised when asked)
    line: bytes  # its line in portfolio.jsonl: the same result
    entry: Entry


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


def _free_text_profile(content: Content) -> frozenset[str]:
    """The profile fields answered in the respondent's own words (name, region, park...)."""
    profile = content.questionnaire.steps[0]
    return frozenset(q.id.split(".", 1)[1] for q in profile.questions if q.type == "text")


def score_file(content: Content, path: Path, lang: str | None, key: bytes | None = None) -> Scored:
    """Assess one answers file; with a key (--anonymise), what it yields names neither the enterprise,
    its region, its people nor its file."""
    return score_answers(content, load_answers(path, content), path.name, lang, key)


def score_answers(content: Content, answers: Answers, file_name: str, lang: str | None, key: bytes | None) -> Scored:
    """Assess answers read from `file_name` (or merged from several files, named by the first)."""
    path = Path(file_name)
    identity = respondents.identity(answers)  # before anonymising: it finds the respondents of one enterprise
    if key is not None:
        answers = anonymised(answers, key, display_name(path.name), _free_text_profile(content))
    assessment = run_assessment(content, answers)
    source = "" if key is not None else display_name(path.name)
    record = answers.assessment.model_dump(mode="json")
    result = json_line({**result_dict(assessment, content, lang), "source": source, "assessment": record})
    name = str(answers.enterprise.get("name") or display_name(path.stem))
    entry = portfolio_entry(source, assessment, answers, identity)
    return Scored(path.name, name, answers.lang, result, result, entry)


def score_folder(
    content: Content, files: list[Path], *, lang: str | None, key: bytes | None, workers: int, content_root: Path
) -> Iterator[Scored | tuple[str, str]]:
    """Assess every file and yield, in file order, what came of it: Scored, or (file name, error).

    One bad file is recorded and skipped, never fatal. Results come as workers finish them, so the
    caller can write them while the rest is being scored.
    """
    _scorer.update(root=str(content_root), content=content, lang=lang, key=key)
    paths = [str(p) for p in files]
    if workers < 2 or len(files) < PARALLEL_FROM:
        for path in paths:
            yield from _score_chunk([path])
        return
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    # Forked workers share the loaded content until they write to it, and the garbage collector's
    # scans would write to every object: keep what exists now out of its scans meanwhile.
    gc.freeze()
    try:
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context(method),
            initializer=_start_scorer,
            initargs=(str(content_root), lang, key),
        ) as pool:
            for outcomes in pool.map(_score_chunk, [paths[i : i + CHUNK] for i in range(0, len(paths), CHUNK)]):
                yield from outcomes
    finally:
        gc.unfreeze()


_scorer: dict[str, object] = {}


def _start_scorer(content_root: str, lang: str | None, key: bytes | None) -> None:
    if _scorer.get("root") != content_root:  # a spawned worker: load the content itself
        from .resources import content_dir

        _scorer.update(root=content_root, content=load_content(content_dir(content_root))[0])
    _scorer.update(lang=lang, key=key)


def _score_chunk(paths: list[str]) -> list[Scored | tuple[str, str]]:
    content = _scorer["content"]
    assert isinstance(content, Content)
    outcomes: list[Scored | tuple[str, str]] = []
    for path in paths:
        try:
            outcomes.append(score_file(content, Path(path), _scorer["lang"], _scorer["key"]))  # type: ignore[arg-type]
        except Exception as exc:  # any failure is this file's alone: listed, and the others go on
            outcomes.append((display_name(Path(path).name), failure(exc)))
    return outcomes


def failure(exc: Exception) -> str:
    """What went wrong with one file, in one message: an expected error as it is, anything else named."""
    if isinstance(exc, ReadinessError):
        return str(exc)
    return f"internal error: {type(exc).__name__}: {exc}"


# --- rendering in worker processes ---------------------------------------------------------

_worker: dict[str, object] = {}


def _start_worker(content_root: str, lang: str | None, brand_file: str | None, key: bytes | None = None) -> None:
    from .resources import content_dir

    _worker["content"], _ = load_content(content_dir(content_root))
    _worker["root"] = content_root
    _worker["lang"] = lang
    _worker["brand"] = brand_file
    _worker["key"] = key


def _render_one(answers_file: str, target: str, fmt: str) -> tuple[str, str | None]:
    from .report.documents import render_report

    try:
        content = _worker["content"]
        assert isinstance(content, Content)
        answers = load_answers(Path(answers_file), content)
        key = _worker.get("key")
        if isinstance(key, bytes):
            answers = anonymised(answers, key, display_name(Path(answers_file).name), _free_text_profile(content))
        brand = Path(str(_worker["brand"])) if _worker["brand"] else None
        document = render_report(content, answers, fmt, lang=_worker["lang"], brand_file=brand)  # type: ignore[arg-type]
        write_atomically(Path(target), document.data)
        return target, None
    except Exception as exc:
        return target, failure(exc)


def _render_portfolio(portfolio: Portfolio, target: str, fmt: str) -> tuple[str, str | None]:
    from .report.documents import render_portfolio

    try:
        content = _worker["content"]
        assert isinstance(content, Content)
        brand = Path(str(_worker["brand"])) if _worker["brand"] else None
        document = render_portfolio(portfolio, content, fmt, brand_file=brand, content_root=Path(str(_worker["root"])))
        write_atomically(Path(target), document.data)
        return target, None
    except Exception as exc:
        return target, failure(exc)


def render_reports(
    jobs: list[tuple[Path, Path, str]],
    *,
    content_root: Path,
    lang: str | None,
    brand_file: Path | None,
    workers: int,
    portfolio: tuple[Portfolio, list[tuple[Path, str]]] | None = None,
    progress: Callable[[bool], None] = lambda ok: None,
    key: bytes | None = None,
) -> tuple[list[tuple[Path, str | None]], list[tuple[Path, str | None]]]:
    """Render (answers file, target, format) jobs in parallel; returns (target, error or None) for the
    reports and for the portfolio documents.

    The portfolio documents, the longest jobs, go into the same pool first, so they overlap with
    the reports instead of following them.
    """
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    results = []
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context(method),
        initializer=_start_worker,
        initargs=(str(content_root), lang, str(brand_file) if brand_file else None, key),
    ) as pool:
        summary, documents = portfolio if portfolio else (None, [])
        extra = {pool.submit(_render_portfolio, summary, str(dst), fmt): dst for dst, fmt in documents if summary}
        futures = {pool.submit(_render_one, str(src), str(dst), fmt): dst for src, dst, fmt in jobs}
        for future in as_completed(futures):
            target, error = _result(future, futures[future])
            results.append((target, error))
            progress(error is None)
        summary_results = [_result(future, dst) for future, dst in extra.items()]
    return sorted(results), summary_results


def _result(future: Future[tuple[str, str | None]], target: Path) -> tuple[Path, str | None]:
    """(target, error or None) of one rendering job, even when its worker died."""
    try:
        done, error = future.result()
    except Exception as exc:
        return target, failure(exc)
    return Path(done), error


# --- the whole run ---------------------------------------------------------------------------


class Progress(Protocol):
    def start(self, phase: str, total: int) -> None: ...  # "scoring", then "reports"
    def advance(self, ok: bool) -> None: ...


@dataclass
class BatchOutcome:
    written: list[Path]  # one report per enterprise that could be assessed
    failed: list[tuple[str, str]]  # (file, error): files that failed, and entries skipped (not regular files)
    new_key: Path | None = None  # the anonymisation key file, when this run made it
    merged: list[tuple[str, list[str], int]] = field(default_factory=list)  # (name, files merged, to confirm)
    due: list[tuple[str, str]] = field(default_factory=list)  # (assessment date, name) due for re-assessment


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
) -> BatchOutcome:
    """Score every file, write a report each (json, html or pdf) and the portfolio documents and tables.

    With `anonymise`, everything written is anonymised (see `anonymised`): reports are named by
    the code, and the codes are keyed by `anonymise_key`. `skipped` entries are listed as failed.
    """
    scored: list[Scored] = []
    outcome = BatchOutcome([], list(skipped or []))
    key = None
    if anonymise:
        key, made = anonymise_key(output)
        outcome.new_key = output / KEY_FILE if made else None
    stems: dict[str, str] = {}  # answers file -> output file stem: readable, unique, in file order
    taken: set[str] = set()
    progress.start("scoring", len(files))
    for result in score_folder(content, files, lang=lang, key=key, workers=workers, content_root=content_root):
        ok = isinstance(result, Scored)
        if isinstance(result, Scored):
            scored.append(result)
            stems[result.source] = safe_stem(result.name, taken)
            if fmt == "json":  # written now, while the workers score the rest
                target = output / f"{stems[result.source]}.json"
                try:
                    write_directly(target, result.result)
                except ReadinessError as exc:  # this file's alone: listed, and the others go on
                    outcome.failed.append((display_name(result.source), str(exc)))
                    ok = False
                else:
                    outcome.written.append(target)
        else:
            outcome.failed.append(result)
        progress.advance(ok)

    # Several respondents' files of one enterprise: one row and one report (or none, when refused).
    settled = respondents.settle(
        content,
        scored,
        files,
        mode=respondents_mode,
        lang=lang or _main_language(scored),
        score=lambda answers, name: score_answers(content, answers, name, lang, key),
        files_needed=fmt != "json",
    )
    scored = settled.scored
    outcome.failed += settled.failed
    outcome.merged = settled.merged
    if fmt == "json" and settled.replaced:
        gone = {output / f"{stems[source]}.json" for source in settled.replaced if source in stems}
        for target in gone:
            target.unlink(missing_ok=True)
        outcome.written = [target for target in outcome.written if target not in gone]
        for one in scored:
            if one.entry.merged_from:
                write_directly(output / f"{stems[one.source]}.json", one.result)
                outcome.written.append(output / f"{stems[one.source]}.json")
    stems = {s.source: stems[s.source] for s in scored}

    # One language for the whole portfolio: the one asked for, else the one most answers files use.
    portfolio_lang = lang or _main_language(scored)
    if previous is not None and programme is not None:  # the earlier round, scored as this one was
        from .programme import previous_round

        earlier = previous_round(
            content, previous, lang=portfolio_lang, key=key, workers=workers, content_root=content_root
        )
        programme = dataclasses.replace(programme, previous=earlier)
    portfolio = build_portfolio(content, [s.entry for s in scored], portfolio_lang, programme=programme)
    outcome.due = sorted((m.assessed, m.name) for m in portfolio.members if m.due)
    if fmt != "json" and scored:
        progress.start("reports", len(scored))
        by_name = {path.name: path for path in files} | settled.answers_files
        reports, summaries = render_reports(
            [(by_name[source], output / f"{stem}.{fmt}", fmt) for source, stem in stems.items()],
            content_root=content_root,
            lang=lang,
            brand_file=brand_file,
            workers=min(workers, len(stems) + 2),
            portfolio=(portfolio, [(output / "portfolio.html", "html"), (output / "portfolio.pdf", "pdf")]),
            progress=progress.advance,
            key=key,
        )
        outcome.written += [target for target, error in reports if not error]
        outcome.failed += [(target.name, error) for target, error in reports + summaries if error]
    tables = {
        "portfolio.jsonl": b"".join(line for s in scored for line in (s.line, b"\n")),
        "portfolio.csv": render_csv(portfolio).encode("utf-8"),
        "portfolio.xlsx": render_xlsx(portfolio, content),
    }
    for name, data in tables.items():
        write_atomically(output / name, data)
    settled.close()
    return outcome


def _main_language(scored: list[Scored]) -> str:
    """The language most answers files use (the portfolio's, unless one is asked for)."""
    languages = [s.lang for s in scored]
    return max(sorted(set(languages)) or ["en"], key=languages.count)
