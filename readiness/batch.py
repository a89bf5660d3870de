"""Assess a whole folder of answers files and write one report each, plus the portfolio.

Scoring runs in this process (it is fast); rendering PDFs runs in worker processes, one document
per core, started with `forkserver` or `spawn` because forked children that have imported Pango
are known to crash.
"""

from __future__ import annotations

import gc
import multiprocessing
import re
import unicodedata
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .assess import run_assessment
from .errors import ReadinessError
from .loader import load_answers, load_content
from .model import Answers, Assessment, Content
from .portfolio import Portfolio

MAX_NAME = 80
# Characters that are unsafe in file names on some system, and control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, error)
    assessed: list[tuple[str, Answers, Assessment]] = field(default_factory=list)


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


def assess_folder(
    content: Content, files: list[Path], lang: str | None, progress: Callable[[bool], None] = lambda ok: None
) -> BatchResult:
    """Load and assess every file; one bad file is recorded and skipped, never fatal."""
    result = BatchResult()
    # Thousands of small result objects stay alive for the portfolio, and the cyclic garbage
    # collector would keep rescanning them (a quarter of the run time for a thousand files).
    # The engine makes no reference cycles, so collection pauses for the loop.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for path in files:
            try:
                answers = load_answers(path, content)
                result.assessed.append((path.name, answers, run_assessment(content, answers, lang)))
                progress(True)
            except ReadinessError as exc:
                result.failed.append((path.name, str(exc)))
                progress(False)
    finally:
        gc.freeze()  # what is alive now stays alive until the end: keep it out of later scans
        if collecting:
            gc.enable()
    return result


# --- rendering in worker processes ---------------------------------------------------------

_worker: dict[str, object] = {}


def _start_worker(content_root: str, lang: str | None, brand_file: str | None) -> None:
    from .resources import content_dir

    _worker["content"], _ = load_content(content_dir(content_root))
    _worker["root"] = content_root
    _worker["lang"] = lang
    _worker["brand"] = brand_file


def _render_one(answers_file: str, target: str, fmt: str) -> tuple[str, str | None]:
    from .files import write_atomically
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
    from .files import write_atomically
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
