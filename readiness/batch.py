"""Assess a whole folder of answers files, then write one report each and the portfolio.

Scoring a large folder is shared among worker processes. On Linux they are forked, so they start
at once with the content already loaded; nothing graphical has been loaded at that point.
Rendering runs in workers started with `forkserver` or `spawn`, because forked children that
have imported Pango are known to crash.
"""

from __future__ import annotations

import gc
import multiprocessing
import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from .assess import run_assessment
from .errors import ReadinessError
from .files import write_atomically, write_directly
from .loader import load_answers, load_content
from .model import Content
from .portfolio import Entry, Portfolio, build_portfolio, enterprise_code, portfolio_entry
from .report.result import json_line, result_dict
from .report.tables import render_csv, render_xlsx

MAX_NAME = 80
# Characters that are unsafe in file names on some system, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
# Below this many files, starting workers costs more than it saves.
PARALLEL_FROM = 64
CHUNK = 25  # files per task: large enough to keep messages few, small enough to share the work evenly


@dataclass(frozen=True, slots=True)
class Scored:
    """One enterprise assessed: what the batch writes and sums up, small enough to cross processes."""

    source: str  # answers file name
    name: str  # the enterprise's name, or the file's stem when it has none
    lang: str  # the language of the answers file
    result: bytes  # the JSON result on one line, with its "source"
    line: bytes  # its line in portfolio.jsonl: the result, anonymised when asked
    entry: Entry


def answer_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml") and not p.name.startswith("."))


def safe_stem(name: str, taken: set[str]) -> str:
    """A file name from an enterprise name: readable (Chinese kept), no paths, unique in `taken`."""
    text = unicodedata.normalize("NFKC", name).strip()
    text = _UNSAFE.sub("-", text)
    text = re.sub(r"[\s-]+", "-", text).strip(".-") or "enterprise"
    text = text[:MAX_NAME]
    stem, number = text, 2
    while stem.casefold() in taken:
        stem = f"{text}-{number}"
        number += 1
    taken.add(stem.casefold())
    return stem


def score_file(content: Content, path: Path, lang: str | None, anonymise: bool) -> Scored:
    answers = load_answers(path, content)
    assessment = run_assessment(content, answers, lang)
    data = {**result_dict(assessment, content), "source": path.name}
    result = json_line(data)
    line = result
    if anonymise:  # the name becomes its code; the location and the file name go, they identify a plant
        enterprise = data["enterprise"]
        enterprise["name"] = enterprise_code(str(enterprise.get("name") or path.name))
        enterprise.pop("region", None)
        line = json_line({**data, "source": ""})
    name = str(answers.enterprise.get("name") or path.stem)
    return Scored(path.name, name, answers.lang, result, line, portfolio_entry(path.name, assessment))


def score_folder(
    content: Content, files: list[Path], *, lang: str | None, anonymise: bool, workers: int, content_root: Path
) -> Iterator[Scored | tuple[str, str]]:
    """Assess every file and yield, in file order, what came of it: Scored, or (file name, error).

    One bad file is recorded and skipped, never fatal. Results come as workers finish them, so the
    caller can write them while the rest is being scored.
    """
    _scorer.update(root=str(content_root), content=content, lang=lang, anonymise=anonymise)
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
            initargs=(str(content_root), lang, anonymise),
        ) as pool:
            for outcomes in pool.map(_score_chunk, [paths[i : i + CHUNK] for i in range(0, len(paths), CHUNK)]):
                yield from outcomes
    finally:
        gc.unfreeze()


_scorer: dict[str, object] = {}


def _start_scorer(content_root: str, lang: str | None, anonymise: bool) -> None:
    if _scorer.get("root") != content_root:  # a spawned worker: load the content itself
        from .resources import content_dir

        _scorer.update(root=content_root, content=load_content(content_dir(content_root))[0])
    _scorer.update(lang=lang, anonymise=anonymise)


def _score_chunk(paths: list[str]) -> list[Scored | tuple[str, str]]:
    content = _scorer["content"]
    assert isinstance(content, Content)
    outcomes: list[Scored | tuple[str, str]] = []
    for path in paths:
        try:
            outcomes.append(score_file(content, Path(path), _scorer["lang"], bool(_scorer["anonymise"])))  # type: ignore[arg-type]
        except ReadinessError as exc:
            outcomes.append((Path(path).name, str(exc)))
    return outcomes


# --- rendering in worker processes ---------------------------------------------------------

_worker: dict[str, object] = {}


def _start_worker(content_root: str, lang: str | None, brand_file: str | None) -> None:
    from .resources import content_dir

    _worker["content"], _ = load_content(content_dir(content_root))
    _worker["root"] = content_root
    _worker["lang"] = lang
    _worker["brand"] = brand_file


def _render_one(answers_file: str, target: str, fmt: str) -> tuple[str, str | None]:
    from .report.documents import render_report

    try:
        content = _worker["content"]
        assert isinstance(content, Content)
        answers = load_answers(Path(answers_file), content)
        brand = Path(str(_worker["brand"])) if _worker["brand"] else None
        document = render_report(content, answers, fmt, lang=_worker["lang"], brand_file=brand)  # type: ignore[arg-type]
        write_atomically(Path(target), document.data)
        return target, None
    except ReadinessError as exc:
        return target, str(exc)


def _render_portfolio(portfolio: Portfolio, target: str, fmt: str) -> tuple[str, str | None]:
    from .report.documents import render_portfolio

    try:
        content = _worker["content"]
        assert isinstance(content, Content)
        brand = Path(str(_worker["brand"])) if _worker["brand"] else None
        document = render_portfolio(portfolio, content, fmt, brand_file=brand, content_root=Path(str(_worker["root"])))
        write_atomically(Path(target), document.data)
        return target, None
    except ReadinessError as exc:
        return target, str(exc)


def render_reports(
    jobs: list[tuple[Path, Path, str]],
    *,
    content_root: Path,
    lang: str | None,
    brand_file: Path | None,
    workers: int,
    portfolio: tuple[Portfolio, list[tuple[Path, str]]] | None = None,
    progress: Callable[[bool], None] = lambda ok: None,
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
        initargs=(str(content_root), lang, str(brand_file) if brand_file else None),
    ) as pool:
        summary = portfolio[0] if portfolio else None
        extra = [pool.submit(_render_portfolio, summary, str(dst), fmt) for dst, fmt in (portfolio[1] if portfolio else [])]
        futures = [pool.submit(_render_one, str(src), str(dst), fmt) for src, dst, fmt in jobs]
        for future in as_completed(futures):
            target, error = future.result()
            results.append((Path(target), error))
            progress(error is None)
        summary_results = [(Path(target), error) for target, error in (f.result() for f in extra)]
    return sorted(results), summary_results


# --- the whole run ---------------------------------------------------------------------------


class Progress(Protocol):
    def start(self, phase: str, total: int) -> None: ...  # "scoring", then "reports"
    def advance(self, ok: bool) -> None: ...


@dataclass
class BatchOutcome:
    written: list[Path]  # one report per enterprise that could be assessed
    failed: list[tuple[str, str]]  # (file, error)


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
) -> BatchOutcome:
    """Score every file, write a report each (json, html or pdf) and the portfolio documents and tables."""
    scored: list[Scored] = []
    outcome = BatchOutcome([], [])
    stems: dict[str, str] = {}  # answers file -> output file stem: readable, unique, in file order
    taken: set[str] = set()
    progress.start("scoring", len(files))
    for result in score_folder(
        content, files, lang=lang, anonymise=anonymise, workers=workers, content_root=content_root
    ):
        if isinstance(result, Scored):
            scored.append(result)
            stems[result.source] = safe_stem(result.name, taken)
            if fmt == "json":  # written now, while the workers score the rest
                target = output / f"{stems[result.source]}.json"
                write_directly(target, result.result)
                outcome.written.append(target)
        else:
            outcome.failed.append(result)
        progress.advance(isinstance(result, Scored))

    # One language for the whole portfolio: the one asked for, else the one most answers files use.
    languages = [s.lang for s in scored]
    portfolio_lang = lang or max(sorted(set(languages)) or ["en"], key=languages.count)
    portfolio = build_portfolio(content, [s.entry for s in scored], portfolio_lang, anonymise=anonymise)
    if fmt != "json" and scored:
        progress.start("reports", len(scored))
        by_name = {path.name: path for path in files}
        reports, summaries = render_reports(
            [(by_name[source], output / f"{stem}.{fmt}", fmt) for source, stem in stems.items()],
            content_root=content_root,
            lang=lang,
            brand_file=brand_file,
            workers=min(workers, len(stems) + 2),
            portfolio=(portfolio, [(output / "portfolio.html", "html"), (output / "portfolio.pdf", "pdf")]),
            progress=progress.advance,
        )
        outcome.written += [target for target, error in reports if not error]
        outcome.failed += [(target.name, error) for target, error in reports + summaries if error]
    tables = {
        "portfolio.jsonl": b"".join(line for s in scored for line in (s.line, b"\n")),
        "portfolio.csv": render_csv(portfolio).encode("utf-8"),
        "portfolio.xlsx": render_xlsx(portfolio),
    }
    for name, data in tables.items():
        write_atomically(output / name, data)
    return outcome
