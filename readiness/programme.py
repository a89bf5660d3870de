"""The earlier survey round of a park programme (`batch --previous`): a folder of answers files, or
the portfolio.jsonl an earlier batch wrote. Only what the comparison needs is kept: who, when, and
the level of each step."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .catalogue import text
from .errors import ContentError, Issue, ReadinessError
from .model import STEP_IDS, Content
from .portfolio import Entry
from .respondents import fingerprint

MAX_LINE = 10_000_000  # characters of one line of portfolio.jsonl: far more than one result needs


def previous_round(content: Content, path: Path, *, lang: str, key: bytes | None) -> list[Entry]:
    """The enterprises of an earlier round, one entry each (respondents' files merged as in a batch).

    Files of the earlier round that cannot be assessed are left out: the earlier batch listed them.
    """
    if path.is_dir():
        return _from_folder(content, path, lang=lang, key=key)
    if path.is_file():
        return _from_lines(path, lang)
    raise ContentError([Issue(str(path), text(lang, "park.previous_missing"))], what="command line")


def _from_folder(content: Content, folder: Path, *, lang: str, key: bytes | None) -> list[Entry]:
    from . import batch
    from .assess import run_assessment
    from .loader import load_answers
    from .merge import merge_answers
    from .portfolio import portfolio_entry
    from .respondents import groups, identity

    files, _ = batch.scan_folder(folder)
    if not files:
        raise ContentError([Issue(str(folder), text(lang, "park.previous_empty"))], what="command line")
    read = []
    for path in files:
        try:
            read.append((path, load_answers(path, content)))
        except ReadinessError:
            continue
    entries = []
    for group in groups([identity(answers) for _, answers in read]):
        members = [read[i] for i in group]
        first = batch.display_name(members[0][0].name)
        try:
            answers = (
                members[0][1]
                if len(members) == 1
                else merge_answers([(p.name, a) for p, a in members], content, "conservative")
            )
        except ReadinessError:
            continue
        found = identity(answers)
        if key is not None:
            answers = batch.anonymised(answers, key, first, batch.free_text_profile(content))
        entry = portfolio_entry("" if key else first, run_assessment(content, answers), answers, found)
        entries.append(entry)
    return entries


def _from_lines(path: Path, lang: str) -> list[Entry]:
    entries = []
    try:
        with path.open(encoding="utf-8") as stream:
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    entries.append(_entry(json.loads(line[:MAX_LINE])))
                except (ValueError, KeyError, TypeError, IndexError):
                    raise ContentError(
                        [Issue(str(path), text(lang, "park.previous_bad_line"), line=number)], what="input"
                    ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ContentError(
            [Issue(str(path), text(lang, "park.previous_unreadable", reason=reason))], what="input"
        ) from None
    if not entries:
        raise ContentError([Issue(str(path), text(lang, "park.previous_empty"))], what="input")
    return entries


def _entry(result: dict[str, Any]) -> Entry:
    """An entry from one line of portfolio.jsonl (readiness.report.result.result_dict and the batch's additions)."""
    enterprise = result["enterprise"]
    levels = {step["id"]: int(step["level"]) for step in result["steps"]}
    record = result.get("assessment") or {}
    return Entry(
        source=str(result.get("source") or ""),
        name=str(enterprise.get("name") or ""),
        industry=str(enterprise.get("industry") or "other"),
        size=str(enterprise.get("size") or ""),
        overall_score=float(result["overall"]["score"]),
        overall_level=int(result["overall"]["level"]),
        confidence=float(result["overall"].get("confidence", 0)),
        step_scores=[0.0] * len(STEP_IDS),
        step_levels=[levels[step] for step in STEP_IDS],
        model_strategy="",
        deployment="",
        gaps=[],
        actions=[],
        scenarios=[],
        assessed=str(record.get("date") or ""),
        group_id=fingerprint(str(record.get("enterprise_id") or "").strip().casefold()),
    )
