"""Benchmarks: the enterprise beside published national figures and, when given, a portfolio cohort.

National: the published GB/T 39116 level distributions of self-diagnosing firms (rubrics/
benchmarks.yaml) give the band of firms the enterprise's estimated overall level sits in. They have
no figures per step, so no step is compared with them.

Portfolio (`report --peers portfolio.jsonl`, the file `batch` writes): firms of the same industry
and size when there are enough of them, else the same size, else all. Only the cohort's quartiles
leave this module, never one firm's figures, and only for a cohort of at least MIN_COHORT firms.
"""

from __future__ import annotations

import re
import statistics
from pathlib import Path
from typing import Any, NamedTuple

import orjson

from ..catalogue import namespace
from ..errors import ReadinessError
from ..model import PROFILE_STEP, Answers, Assessment, Content, Frozen, LevelShares
from . import wording

MIN_COHORT = 10  # fewer firms than this and a quartile would come close to one firm's score
MAX_PEERS_BYTES = 200_000_000
SCHEMA = "readiness.assessment/1"


class PeersError(ReadinessError):
    """A peers file that cannot be used: not JSON Lines, or lines that are not assessment results."""


class Peer(NamedTuple):
    """What the benchmark needs of one firm of the portfolio; it never leaves this module."""

    name: str
    industry: str
    size: str
    overall: float
    steps: dict[str, float]


class StepPeer(Frozen):
    step_id: str
    title: str
    score: float
    low: float  # the cohort's first quartile
    median: float
    high: float  # third quartile
    position: str  # the enterprise's band in words


class CohortView(Frozen):
    name: str  # "industrial machinery, medium-sized firms", worded
    size: int  # how many firms
    widened: str  # why the cohort is wider than industry and size, or ""
    position: str  # the overall band: "above the median of ..., in the top 25-50%"
    overall_median: float
    steps: list[StepPeer]


class NationalFigureView(Frozen):
    label: str
    value: str  # "62.9%"
    population: str
    source: str  # "title (year)"
    url: str
    own: str  # the enterprise's own answer to the matching question, or ""
    own_label: str  # what that question asks, or ""


class BenchmarkView(Frozen):
    words: dict[str, str]  # the `peers` wording of the catalogue
    band: str  # the enterprise's estimated level among self-diagnosing firms, one sentence
    band_source: str  # the distribution that sentence rests on: title (year)
    band_url: str
    caveat: str
    shares: list[tuple[str, float]]  # the distribution: (level label, percent of firms), lowest first
    own_share: int  # which entry of `shares` holds the enterprise's estimated level
    ring: float | None  # the score threshold the national line marks on the radar
    ring_label: str
    sources: list[tuple[str, str, str]]  # every distribution: (title (year), sample, url)
    national: list[NationalFigureView]
    cohort: CohortView | None
    cohort_note: str  # why no cohort is shown although a peers file was given, or ""


def load_peers(path: Path, lang: str) -> list[Peer]:
    """The firms of a portfolio.jsonl; a clear error naming the line for anything else."""
    words = namespace(lang, "peers")
    try:
        if path.stat().st_size > MAX_PEERS_BYTES:
            raise PeersError(words["too_large"].format(file=path, limit=MAX_PEERS_BYTES // 1_000_000))
        data = path.read_bytes()
    except OSError as exc:
        raise PeersError(words["unreadable"].format(file=path, reason=exc.strerror or exc)) from None
    peers = []
    for number, raw in enumerate(data.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise PeersError(words["not_jsonl"].format(file=path, line=number)) from None
        peer = _peer(record)
        if peer is None:
            raise PeersError(words["not_a_result"].format(file=path, line=number, schema=SCHEMA))
        peers.append(peer)
    if not peers:
        raise PeersError(words["empty"].format(file=path))
    return peers


def _peer(record: Any) -> Peer | None:
    if not isinstance(record, dict) or record.get("schema") != SCHEMA:
        return None
    enterprise, overall, steps = record.get("enterprise"), record.get("overall"), record.get("steps")
    if not isinstance(enterprise, dict) or not isinstance(overall, dict) or not isinstance(steps, list):
        return None
    try:
        return Peer(
            name=str(enterprise.get("name") or ""),
            industry=str(enterprise.get("industry") or ""),
            size=str(enterprise.get("size") or ""),
            overall=float(overall["score"]),
            steps={str(s["id"]): float(s["score"]) for s in steps},
        )
    except (KeyError, TypeError, ValueError):
        return None


class Cohort(NamedTuple):
    kind: str  # industry_size | size | all
    peers: list[Peer]


def choose_cohort(peers: list[Peer], industry: str, size: str, name: str = "") -> Cohort | None:
    """The narrowest cohort with at least MIN_COHORT firms, the enterprise itself left out."""
    others = [p for p in peers if not (name and p.name == name and p.industry == industry)]
    for kind, members in (
        ("industry_size", [p for p in others if p.industry == industry and p.size == size]),
        ("size", [p for p in others if p.size == size]),
        ("all", others),
    ):
        if len(members) >= MIN_COHORT:
            return Cohort(kind, members)
    return None


def quartiles(values: list[float]) -> tuple[float, float, float]:
    low, median, high = statistics.quantiles(values, n=4, method="inclusive")
    return low, median, high


def percentile(value: float, values: list[float]) -> float:
    """The share of values below `value` (ties count half), 0-100."""
    below = sum(1 for v in values if v < value) + 0.5 * sum(1 for v in values if v == value)
    return 100 * below / len(values)


def position_text(value: float, values: list[float], cohort: str, words: dict[str, str]) -> str:
    """ "above the median of <cohort>, in the top 25-50%" and the like; without a cohort, the short
    form for a table row under a heading that names it."""
    share = percentile(value, values)
    band = 0 if share >= 75 else 1 if share >= 50 else 2 if share >= 25 else 3
    if not cohort:
        return [words["short_top_25"], words["short_top_50"], words["short_bottom_50"], words["short_bottom_25"]][band]
    return [words["top_25"], words["top_50"], words["bottom_50"], words["bottom_25"]][band].format(cohort=cohort)


def national_band(level: int, distributions: list[LevelShares]) -> tuple[LevelShares, float, float]:
    """The first distribution that states both ends of the band for `level`: the share of firms
    below that level and the share at it or below (percent). Level 1 and above is every firm."""

    def at_least(shares: LevelShares, n: int) -> float | None:
        return 100.0 if n <= 1 else 0.0 if n > 5 else shares.at_least.get(n)

    for shares in distributions:
        lower, upper = at_least(shares, level), at_least(shares, level + 1)
        if lower is not None and upper is not None:
            return shares, 100 - lower, 100 - upper
    # None states the upper end (level 5 when the figures stop at "level 4 or above"): the highest
    # threshold the first distribution gives at or below the level still bounds the band from below.
    shares = distributions[0]
    known = max(n for n in shares.at_least if n <= level) if any(n <= level for n in shares.at_least) else 1
    return shares, 100 - (at_least(shares, known) or 100.0), 100.0


def benchmark_view(
    assessment: Assessment,
    content: Content,
    answers: Answers,
    lang: str,
    peers: list[Peer] | None = None,
) -> BenchmarkView | None:
    """The benchmark section of the report, or None when the content has no benchmarks."""
    bench = content.rubric.benchmarks
    if bench is None:
        return None
    words = dict(namespace(lang, "peers"))
    words["method"] = words["method"].format(minimum=MIN_COHORT)
    level = assessment.overall.level
    shares, ahead_of, up_to = national_band(level, bench.level_shares)
    year = shares.source.year
    name = wording.level_name(content, level, lang)
    band = (
        words["band_bottom"].format(level=name, year=year, share=_pct(up_to))
        if ahead_of <= 0
        else words["band_top"].format(level=name, year=year, share=_pct(100 - ahead_of))
        if up_to >= 100
        else words["band"].format(
            level=name, year=year, ahead=_pct(ahead_of), top=_pct(100 - up_to), upto=_pct(100 - ahead_of)
        )
    )
    full = next((d for d in bench.level_shares if len(d.at_least) >= 3), bench.level_shares[0])
    levels = sorted(full.at_least)
    cumulative = [100.0, *(full.at_least[n] for n in levels)]
    labels = [words["share_at_most"].format(level=levels[0] - 1)]
    labels += [words["share_level"].format(level=n) for n in levels[:-1]]
    labels.append(words["share_at_least"].format(level=levels[-1]))
    spread = [round(cumulative[i] - cumulative[i + 1], 1) for i in range(len(levels))] + [cumulative[-1]]
    own_share = min(max(level - levels[0] + 1, 0), len(labels) - 1)
    # The national line: the threshold of the lowest level that fewer than half the firms reach.
    ring_level = next((n for n in levels if full.at_least[n] < 50), None)
    ring = content.rubric.levels[ring_level - 1].min_score if ring_level else None
    ring_label = (
        words["ring"].format(
            level=wording.level_name(content, ring_level, lang),
            share=_pct(full.at_least[ring_level]),
            year=full.source.year,
        )
        if ring_level
        else ""
    )
    cohort_view, note = None, ""
    if peers is not None:
        cohort_view, note = _cohort_view(assessment, content, answers, lang, peers, words)
    return BenchmarkView(
        words=words,
        band=band,
        band_source=f"{shares.source.title.get(lang)}{words['year'].format(year=year)}",
        band_url=shares.source.url,
        caveat=bench.caveat.get(lang),
        shares=list(zip(labels, spread, strict=True)),
        own_share=own_share,
        ring=ring,
        ring_label=ring_label,
        sources=[
            (f"{d.source.title.get(lang)}{words['year'].format(year=d.source.year)}", d.sample.get(lang), d.source.url)
            for d in bench.level_shares
        ],
        national=_national(content, answers, lang, words),
        cohort=cohort_view,
        cohort_note=note,
    )


def _pct(value: float) -> str:
    return f"{value:.0f}%" if abs(value - round(value)) < 0.05 else f"{value:.1f}%"


def _national(content: Content, answers: Answers, lang: str, words: dict[str, str]) -> list[NationalFigureView]:
    bench = content.rubric.benchmarks
    assert bench is not None
    index = content.questionnaire.question_index()
    from .context import answer_text  # the one way an answer is worded

    newest: dict[str, Any] = {}  # per indicator, its latest figure: older years are in the sources
    for figure in bench.national:
        if figure.label.en not in newest or figure.source.year > newest[figure.label.en].source.year:
            newest[figure.label.en] = figure
    found = []
    for figure in newest.values():
        question = index.get(figure.question) if figure.question else None
        raw = answers.value(question.id) if question else None
        found.append(
            NationalFigureView(
                label=figure.label.get(lang),
                value=_pct(figure.value),
                population=figure.population.get(lang),
                source=f"{figure.source.title.get(lang)}{words['year'].format(year=figure.source.year)}",
                url=figure.source.url,
                own=answer_text(question, raw, lang) if question and raw is not None else "",
                own_label=wording.question_name(question, lang) if question and raw is not None else "",
            )
        )
    return found


def _cohort_view(
    assessment: Assessment,
    content: Content,
    answers: Answers,
    lang: str,
    peers: list[Peer],
    words: dict[str, str],
) -> tuple[CohortView | None, str]:
    index = content.questionnaire.question_index()
    industry = str(answers.enterprise.get("industry") or "")
    size = str(answers.enterprise.get("size") or "")
    cohort = choose_cohort(peers, industry, size, str(answers.enterprise.get("name") or ""))
    if cohort is None:
        return None, words["too_few"].format(count=len(peers), minimum=MIN_COHORT)

    def option(question: str, value: str) -> str:
        found = index.get(f"{PROFILE_STEP}.{question}")
        chosen = found.option(value) if found else None
        return chosen.label.get(lang).split("：")[0].split(":")[0] if chosen else value

    name = {
        "industry_size": words["cohort_industry_size"].format(
            industry=option("industry", industry), size=option("size", size)
        ),
        "size": words["cohort_size"].format(size=option("size", size)),
        "all": words["cohort_all"],
    }[cohort.kind]
    widening = {"industry_size": "", "size": words["widened_size"], "all": words["widened_all"]}
    widened = widening[cohort.kind].format(minimum=MIN_COHORT)
    overall = [p.overall for p in cohort.peers]
    steps = []
    for result in assessment.steps:
        values = [p.steps[result.id] for p in cohort.peers if result.id in p.steps]
        if len(values) < MIN_COHORT:
            continue
        low, median, high = quartiles(values)
        steps.append(
            StepPeer(
                step_id=result.id,
                title=re.split(r"[:：]", wording.step_title(content, result.id, lang), maxsplit=1)[0],
                score=result.score,
                low=low,
                median=median,
                high=high,
                position=position_text(result.score, values, "", words),
            )
        )
    view = CohortView(
        name=name,
        size=len(cohort.peers),
        widened=widened,
        position=position_text(assessment.overall.score, overall, name, words),
        overall_median=quartiles(overall)[1],
        steps=steps,
    )
    return view, ""
