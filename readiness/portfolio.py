"""A park or client portfolio: many assessments summed up (pure).

Service teams use it to see where a whole industrial park stands, which gaps are common, and which
AI scenarios are in demand (to match suppliers to that demand).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import hmac
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict

from .catalogue import text
from .model import STEP_IDS, Answers, AnswerValue, Assessment, AssessmentRecord, Content, PortfolioSegments
from .report import wording

TOP = 12  # common gaps, common actions, scenarios in demand
MEMBERS_SHOWN = 50  # rows of the enterprise list in the documents: the full list is in the workbook
SEGMENT_SHOWN = 8  # names listed per segment
MOVED_SHOWN = 40  # enterprises listed whose levels moved between rounds
DUE_SHOWN = 30  # enterprises listed as due for re-assessment
SUPPLY_SHOWN = 8  # scenarios in the suppliers' view
SUPPLY_NAMES = 4  # enterprises named per scenario in the suppliers' view
DUE_AFTER_MONTHS = 12
T = TypeVar("T")

# Segments: what an enterprise needs next, from its results. Each enterprise is in the first segment
# whose rule it meets, in this order; the levels are the rubric's `portfolio_segments`.
# - lighthouse: overall Optimised (4) or above, or Integrated (3) with no step below Integrated:
#   a candidate to showcase, and to lead suppliers and peers;
# - vouchers: at least one catalogue scenario it can start now: model and compute vouchers pay off now;
# - equipment: infrastructure below Integrated (equipment not networked): upgrades come first;
# - data: data below Integrated (no data owner, data in silos): data foundations come first;
# - roadmap: the rest, whose scenarios open up after the first phases of their roadmap.
SEGMENTS = ("lighthouse", "vouchers", "equipment", "data", "roadmap")


@dataclass(frozen=True)
class ProgrammeOptions:
    """What a programme adds to a portfolio: the day it is made, when a visit is due again, the earlier round."""

    today: datetime.date
    due_after_months: int = DUE_AFTER_MONTHS
    previous: list[Entry] | None = None


DEFAULT_SEGMENTS = PortfolioSegments()


def segment_of(
    step_levels: list[int], overall_level: int, ready_scenarios: int, rules: PortfolioSegments = DEFAULT_SEGMENTS
) -> str:
    """The segment of one enterprise (see SEGMENTS)."""
    steps = dict(zip(STEP_IDS, step_levels, strict=True))
    every_step = overall_level >= rules.lighthouse_every_step and min(step_levels) >= rules.lighthouse_every_step
    if overall_level >= rules.lighthouse_overall or every_step:
        return "lighthouse"
    if ready_scenarios:
        return "vouchers"
    if steps["infrastructure"] < rules.foundations:
        return "equipment"
    if steps["data"] < rules.foundations:
        return "data"
    return "roadmap"


def _due(assessed: str, programme: ProgrammeOptions | None) -> bool:
    """Whether a visit on `assessed` (YYYY-MM-DD, or "") is due again."""
    if not programme or not assessed:
        return False
    return months_between(datetime.date.fromisoformat(assessed), programme.today) >= programme.due_after_months


def months_between(earlier: datetime.date, later: datetime.date) -> int:
    """Whole months from one date to another (a visit on 15 March is 12 months old on 15 March next year)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    return months - (1 if later.day < earlier.day else 0)


def round_key(entry: Entry) -> str:
    """How an enterprise is found again in another round: its id, else its name (or code) and industry."""
    return entry.group_id or f"{''.join(entry.name.casefold().split())}|{entry.industry}"


class Plain(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Differed(Plain):
    """A question the enterprise's respondents answered differently (from `readiness merge`)."""

    question: str
    kept: AnswerValue
    answers: dict[str, AnswerValue]


class Member(Plain):
    """One enterprise's key figures."""

    name: str  # the code when anonymised
    source: str  # answers file name
    industry: str
    size: str
    overall_score: float
    overall_level: int
    confidence: float
    step_scores: list[float]  # in STEP_IDS order
    step_levels: list[int]
    model_strategy: str
    deployment: str
    ready_scenarios: int
    region: str = ""
    park: str = ""
    assessed: str = ""  # YYYY-MM-DD, or "" when the answers file has no date
    assessor: str = ""
    contact: str = ""
    merged_from: list[str] = []  # the respondents' files merged into this row
    flagged: int = 0  # answers left to confirm with the enterprise
    disagreements: list[Differed] = []
    segment: str = ""  # SEGMENTS
    due: bool = False  # due for re-assessment


class Tally(Plain):
    id: str
    label: str
    count: int
    share: float


class ScenarioDemand(Plain):
    id: str
    title: str
    industry_specific: bool
    relevant: int  # enterprises for which the scenario is relevant
    ready_now: int
    after_roadmap: int  # after phase 1 or 2
    not_yet: int
    top_blocker: str


class GroupRow(Plain):
    """The average scores of the members of one industry, or of one size band."""

    id: str  # the industry or the size band
    label: str
    count: int
    average_scores: list[float]  # per step
    average_overall: float


class Gap(Plain):
    """A question many enterprises fall short on, for a finding: how many, and what they most often answered."""

    question: str  # its name in words, never its id
    count: int
    share: float
    answer: str  # the most common answer of those falling short, in words ("" when not one option)


class Segment(Plain):
    """Enterprises alike in what they need next (see SEGMENTS)."""

    id: str
    count: int
    share: float
    members: list[str]  # names, the first MEMBERS_SHOWN
    more: int  # members not listed


class Supply(Plain):
    """A scenario from a supplier's side: whom to offer it to now, and what stands in the way."""

    id: str
    title: str
    ready_now: int
    after_roadmap: int
    industries: list[str]  # the industries most ready for it, labelled
    ready_names: list[str]  # the enterprises ready for it now, best first, the first SUPPLY_NAMES
    top_blocker: str


class Movement(Plain):
    """One enterprise in two survey rounds: levels before and after, per step and overall."""

    name: str
    before: str  # assessment dates, "" when not known
    after: str
    step_before: list[int]
    step_after: list[int]
    overall_before: int
    overall_after: int


class Round(Plain):
    """This round against an earlier one (T0 -> T1)."""

    matched: int  # enterprises in both rounds
    new: int  # only in this round
    missing: int  # only in the earlier round
    step_up: list[int]  # per step: enterprises that moved up at least one level
    step_down: list[int]
    overall_up: int
    overall_down: int
    moved: list[Movement]  # enterprises whose level moved on some step, the first MOVED_SHOWN
    more: int


class Visits(Plain):
    """The programme's record: where, when and by whom; who is due for re-assessment."""

    parks: list[str]  # most enterprises first
    first_date: str
    last_date: str
    team: list[str]  # assessors, most visits first
    undated: int  # enterprises without an assessment date
    due_after_months: int
    due: list[Member]  # due for re-assessment, oldest visit first, the first DUE_SHOWN
    due_total: int = 0  # all that are due
    merged: int  # enterprises whose respondents' files were merged
    flagged: int  # enterprises with answers to confirm
    to_confirm: list[Member] = []  # those enterprises, the first DUE_SHOWN, most answers to confirm first


class Portfolio(Plain):
    lang: str
    count: int
    step_titles: list[str]
    level_names: list[str]
    overall_levels: list[int]  # how many enterprises at level 1..5
    step_levels: list[list[int]]  # per step, how many at level 1..5
    average_scores: list[float]  # per step
    average_overall: float
    model_strategies: list[Tally]
    deployments: list[Tally]
    common_gaps: list[Tally]
    common_actions: list[Tally]
    scenarios: list[ScenarioDemand]
    by_industry: list[GroupRow]
    members: list[Member]  # the first MEMBERS_SHOWN enterprises, best first (the tables list them all)
    industries: dict[str, str] = {}  # industry id -> its label, for the members' rows
    by_size: list[GroupRow] = []
    gaps: list[Gap] = []
    segments: list[Segment] = []
    supply: list[Supply] = []
    visits: Visits | None = None  # with ProgrammeOptions: parks, period, team, visits due
    previous: Round | None = None
    ready: int = 0  # enterprises with a scenario they can start now


def enterprise_code(name: str, key: bytes) -> str:
    """A stable code for a name: the same enterprise gets the same code in every run with the same
    key (HMAC-SHA256), and without the key a code cannot be found by hashing a list of names."""
    digest = hmac.new(key, name.strip().encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
    return "E-" + digest[:8].upper()


@dataclass(frozen=True, slots=True)
class Entry:
    """What the portfolio needs from one assessment: ids and figures only, so that worker
    processes can send it back cheaply; the wording comes from the content at the end."""

    source: str  # answers file name
    name: str
    industry: str
    size: str
    overall_score: float
    overall_level: int
    confidence: float
    step_scores: list[float]  # in STEP_IDS order
    step_levels: list[int]
    model_strategy: str
    deployment: str
    gaps: list[tuple[str, str]]  # scored questions answered below half marks: (question id, the option or "")
    actions: list[str]  # roadmap action ids
    scenarios: list[tuple[str, bool, str, list[str]]]  # (id, industry-specific, fit, blocker ids)
    # The programme's record of the visit (AssessmentRecord), the date as YYYY-MM-DD or "".
    region: str = ""
    park: str = ""
    assessed: str = ""
    assessor: str = ""
    contact: str = ""
    # Digests of the enterprise id and of name + industry, to find respondents of one enterprise
    # and the same enterprise in an earlier round (readiness/respondents.py).
    group_id: str = ""
    group_name: str = ""
    flagged: int = 0  # disagreements between respondents left to confirm
    merged_from: list[str] = field(default_factory=list)  # the files merged into this entry
    # The respondents' disagreements as plain data (question, kept, answers): the manifest keeps entries as JSON.
    disagreements: list[dict[str, Any]] = field(default_factory=list)


# A member's figures that its entry holds as they are.
_FROM_ENTRY = tuple(name for name in Member.model_fields if name in Entry.__dataclass_fields__)


def portfolio_entry(
    source: str,
    result: Assessment,
    answers: Answers | None = None,
    identity: tuple[str, str] = ("", ""),
) -> Entry:
    """The entry of one assessment; `answers` gives the assessment record and the disagreements,
    `identity` the digests of respondents.identity (taken before any anonymisation)."""
    record = answers.assessment if answers else AssessmentRecord()
    return Entry(
        region=str(answers.enterprise.get("region", "")).strip() if answers else "",
        park=record.park.strip(),
        assessed=record.date.isoformat() if record.date else "",
        assessor=record.assessor.strip(),
        contact=record.contact.strip(),
        group_id=identity[0],
        group_name=identity[1],
        flagged=sum(1 for d in answers.disagreements if d.flagged) if answers else 0,
        source=source,
        name=str(result.enterprise.get("name", "")) or source,
        industry=str(result.enterprise.get("industry", "other")),
        size=str(result.enterprise.get("size", "")),
        overall_score=result.overall.score,
        overall_level=result.overall.level,
        confidence=result.overall.confidence,
        step_scores=[s.score for s in result.steps],
        step_levels=[s.level for s in result.steps],
        model_strategy=result.decisions["model_strategy"].choice,
        deployment=result.decisions["deployment"].choice,
        gaps=[
            (q.id, _said(answers, q.id))
            for step in result.steps
            for q in step.questions
            if q.weight and q.value is not None and q.value < 0.5 and q.status in ("answered", "unknown")
        ],
        actions=[item.id for item in result.roadmap],
        scenarios=[(f.id, f.industry_specific, f.fit, [b.id for b in f.blocked_by]) for f in result.scenarios],
        disagreements=[
            d.model_dump(mode="json", include={"question", "kept", "answers"}) for d in answers.disagreements
        ]
        if answers
        else [],
    )


def _said(answers: Answers | None, question_id: str) -> str:
    """The answer to a question when it is one option (or "unknown"): what a finding can quote."""
    value = answers.value(question_id) if answers else None
    return value if isinstance(value, str) else ""


def build_portfolio(
    content: Content, entries: Iterable[Entry], lang: str, programme: ProgrammeOptions | None = None
) -> Portfolio:
    """Sum up one entry per enterprise that could be assessed (see `portfolio_entry` and `PortfolioSum`)."""
    return summed(content, entries, lang, programme)[0]


def summed(
    content: Content, entries: Iterable[Entry], lang: str, programme: ProgrammeOptions | None = None
) -> tuple[Portfolio, list[Member]]:
    """The portfolio of entries, and every enterprise's row best first (what the tables list)."""
    summing = PortfolioSum(content, programme)
    members = [summing.add(entry) for entry in entries]
    return summing.portfolio(lang), ranked_members(members)


def ranked_members(members: Iterable[Member]) -> list[Member]:
    """Best first: the order of the portfolio's lists and tables."""
    return sorted(members, key=rank)


def rank(member: Member) -> tuple[float, str]:
    return (-member.overall_score, member.name)


class _First(Generic[T]):
    """The first `limit` items by their keys of any number added, holding at most twice `limit`;
    items with equal keys keep the order they came in (as a stable sort of them all would)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._held: list[tuple[Any, T]] = []

    def add(self, key: Any, item: T) -> None:
        self._held.append((key, item))
        if len(self._held) > 2 * self.limit:
            self._trim()

    def _trim(self) -> None:
        self._held.sort(key=lambda pair: pair[0])
        del self._held[self.limit :]

    def first(self) -> list[T]:
        self._trim()
        return [item for _, item in self._held]


@dataclass
class _Totals:
    """The running sums behind one group's averages."""

    count: int = 0
    steps: list[float] = field(default_factory=lambda: [0.0] * len(STEP_IDS))
    overall: float = 0.0

    def add(self, step_scores: list[float], overall: float) -> None:
        self.count += 1
        self.steps = [total + score for total, score in zip(self.steps, step_scores, strict=True)]
        self.overall += overall

    def row(self, group_id: str, label: str) -> GroupRow:
        return GroupRow(
            id=group_id,
            label=label,
            count=self.count,
            average_scores=[_average(total, self.count) for total in self.steps],
            average_overall=_average(self.overall, self.count),
        )


def _average(total: float, count: int) -> float:
    return round(total / count, 1) if count else 0.0


class PortfolioSum:
    """A portfolio summed up one entry at a time, in any number: what it holds grows with the
    content's ids (questions, actions, scenarios, industries) and the lists the documents show, not
    with the enterprises. `add` gives back the enterprise's full row for the tables to list.

    Summing up uses ids and figures only; the wording comes from the content when the portfolio is
    made (`portfolio(lang)`), so assessments made in any language can be summed up, in a language
    known only once every file has been read.
    Anonymised runs anonymise the answers before they are assessed (`batch.anonymised`), so their
    entries already carry codes and no file names.
    """

    def __init__(self, content: Content, programme: ProgrammeOptions | None = None) -> None:
        self.content, self.programme = content, programme
        index = content.questionnaire.question_index()
        self._industry_options = index["profile.industry"].options
        self._size_options = index["profile.size"].options if "profile.size" in index else []
        self._sizes = frozenset(o.id for o in self._size_options)
        self._count = 0
        self._ready = 0
        self._overall_levels = [0] * 5
        self._step_levels = [[0] * 5 for _ in STEP_IDS]
        self._all = _Totals()
        self._industry: dict[str, _Totals] = {}
        self._size: dict[str, _Totals] = {}
        self._strategies, self._deployments = Counter[str](), Counter[str]()
        self._gaps, self._actions = Counter[str](), Counter[str]()
        self._said = defaultdict[str, Counter[str]](Counter)
        self._demand: dict[str, dict[str, Any]] = {}
        self._ready_in = defaultdict[str, Counter[str]](Counter)
        self._ready_names: dict[str, _First[str]] = {}
        self._best = _First[Member](MEMBERS_SHOWN)
        self._segments = {segment: _First[str](SEGMENT_SHOWN) for segment in SEGMENTS}
        self._segment_counts = Counter[str]()
        # The programme's record (Visits).
        self._parks, self._team = Counter[str](), Counter[str]()
        self._first_date = self._last_date = ""
        self._undated = self._due_total = self._merged = self._flagged = 0
        self._due = _First[Member](DUE_SHOWN)
        self._to_confirm = _First[Member](DUE_SHOWN)
        earlier = programme.previous if programme else None
        self._round = _RoundSum(earlier) if earlier is not None else None

    def add(self, e: Entry) -> Member:
        """Count one enterprise in; its row."""
        self._count += 1
        self._strategies[e.model_strategy] += 1
        self._deployments[e.deployment] += 1
        gaps, said = self._gaps, self._said
        for question, answer in e.gaps:
            gaps[question] += 1
            said[question][answer] += 1
        self._actions.update(e.actions)
        ready = 0
        for scenario_id, specific, fit, blockers in e.scenarios:
            demand = self._demand.get(scenario_id)
            if demand is None:
                demand = self._demand[scenario_id] = {
                    "specific": specific, "fits": Counter[str](), "blockers": Counter[str]()
                }  # fmt: skip
            demand["fits"][fit] += 1
            demand["blockers"].update(blockers)
            if fit == "ready_now":
                ready += 1
                self._ready_in[scenario_id][e.industry] += 1
                names = self._ready_names.get(scenario_id)
                if names is None:
                    names = self._ready_names[scenario_id] = _First[str](SUPPLY_NAMES)
                names.add((-e.overall_score, e.name), e.name)
        member = Member(
            **{name: getattr(e, name) for name in _FROM_ENTRY},
            ready_scenarios=ready,
            segment=segment_of(e.step_levels, e.overall_level, ready, self.content.rubric.portfolio_segments),
            due=_due(e.assessed, self.programme),
        )
        self._ready += bool(ready)
        if 1 <= e.overall_level <= 5:
            self._overall_levels[e.overall_level - 1] += 1
        for counts, level in zip(self._step_levels, e.step_levels, strict=True):
            if 1 <= level <= 5:
                counts[level - 1] += 1
        for totals in (
            self._all,
            self._industry.setdefault(e.industry, _Totals()),
            self._size.setdefault(e.size if e.size in self._sizes else "", _Totals()),  # "": not one of the options
        ):
            totals.add(e.step_scores, e.overall_score)
        self._best.add(rank(member), member)
        self._segments[member.segment].add(rank(member), member.name)
        self._segment_counts[member.segment] += 1
        self._visited(member)
        if self._round is not None:
            self._round.add(e)
        return member

    def _visited(self, m: Member) -> None:
        if m.park:
            self._parks[m.park] += 1
        self._team.update(a for a in (part.strip() for part in m.assessor.split("/")) if a)
        if m.assessed:
            self._first_date = min(self._first_date or m.assessed, m.assessed)
            self._last_date = max(self._last_date, m.assessed)
        else:
            self._undated += 1
        if m.due:
            self._due_total += 1
            self._due.add((m.assessed, m.name, -m.overall_score), m)  # ties as ranked
        self._merged += bool(m.merged_from)
        if m.flagged:
            self._flagged += 1
            self._to_confirm.add((-m.flagged, m.name, -m.overall_score), m)

    def portfolio(self, lang: str) -> Portfolio:
        content, count = self.content, self._count
        industries = {o.id: o.label.get(lang) for o in self._industry_options}
        index = content.questionnaire.question_index()
        rubric = content.rubric
        action_titles = {a.id: wording.action_title(content, a.id, lang) for a in rubric.actions}
        choice_labels = {d.id: {c.id: c.label.get(lang) for c in d.choices} for d in rubric.decisions}

        def tally(counter: Counter[str], labels: dict[str, str], limit: int | None = None) -> list[Tally]:
            ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:limit]
            return [
                Tally(id=k, label=labels.get(k, k), count=n, share=round(n / count, 3) if count else 0.0)
                for k, n in ranked
            ]

        scenarios = []
        for scenario_id, demand in self._demand.items():
            fits = demand["fits"]
            blocker = demand["blockers"].most_common(1)
            scenarios.append(
                ScenarioDemand(
                    id=scenario_id,
                    title=wording.scenario_title(content, scenario_id, lang),
                    industry_specific=demand["specific"],
                    relevant=sum(fits.values()),
                    ready_now=fits["ready_now"],
                    after_roadmap=fits["after_phase_1"] + fits["after_phase_2"],
                    not_yet=fits["not_yet"],
                    top_blocker=wording.prerequisite_text(content, blocker[0][0], lang) if blocker else "",
                )
            )
        scenarios.sort(key=lambda s: (-(s.ready_now + s.after_roadmap), -s.relevant, s.id))
        by_industry = [
            self._industry[industry].row(industry, industries.get(industry, industry))
            for industry in sorted(self._industry)
        ]
        by_industry.sort(key=lambda row: (-row.count, row.id))
        sizes = {o.id: o.label.get(lang) for o in self._size_options}
        sizes[""] = text(lang, "park.size_not_given")  # in the options' order, then the rest
        by_size = [self._size[size].row(size, label) for size, label in sizes.items() if size in self._size]
        segments = [
            Segment(
                id=segment,
                count=self._segment_counts[segment],
                share=round(self._segment_counts[segment] / count, 3),
                members=self._segments[segment].first(),
                more=max(0, self._segment_counts[segment] - SEGMENT_SHOWN),
            )
            for segment in SEGMENTS
            if self._segment_counts[segment]
        ]
        return Portfolio(
            lang=lang,
            count=count,
            step_titles=[s.title.get(lang) for s in content.questionnaire.playbook_steps],
            level_names=[lvl.name.get(lang) for lvl in rubric.levels],
            overall_levels=self._overall_levels,
            step_levels=self._step_levels,
            average_scores=[_average(total, count) for total in self._all.steps],
            average_overall=_average(self._all.overall, count),
            model_strategies=tally(self._strategies, choice_labels["model_strategy"]),
            deployments=tally(self._deployments, choice_labels["deployment"]),
            common_gaps=tally(self._gaps, {k: q.text.get(lang) for k, q in index.items()}, TOP),
            common_actions=tally(self._actions, action_titles, TOP),
            scenarios=scenarios[: TOP * 2],
            by_industry=by_industry,
            members=self._best.first(),
            industries={i: industries.get(i, i) for i in self._industry},
            ready=self._ready,
            by_size=by_size,
            gaps=_gaps(content, tally(self._gaps, {}, TOP), self._said, lang),
            segments=segments,
            supply=self._supply(scenarios, industries),
            visits=self._visits() if self.programme else None,
            previous=self._round.result() if self._round is not None else None,
        )

    def _supply(self, scenarios: list[ScenarioDemand], industries: dict[str, str]) -> list[Supply]:
        """The scenarios enterprises can start now or soon, with whom to offer them to."""
        ranked = sorted(scenarios, key=lambda s: (-s.ready_now, -s.after_roadmap, s.id))
        return [
            Supply(
                id=s.id,
                title=s.title,
                ready_now=s.ready_now,
                after_roadmap=s.after_roadmap,
                industries=[
                    industries.get(i, i)
                    for i, _ in sorted(self._ready_in.get(s.id, Counter()).items(), key=lambda x: (-x[1], x[0]))[:3]
                ],
                ready_names=self._ready_names[s.id].first() if s.id in self._ready_names else [],
                top_blocker=s.top_blocker,
            )
            for s in ranked
            if s.ready_now or s.after_roadmap
        ][:SUPPLY_SHOWN]

    def _visits(self) -> Visits:
        def ranked(counts: Counter[str]) -> list[str]:
            return [v for v, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]

        return Visits(
            parks=ranked(self._parks),
            first_date=self._first_date,
            last_date=self._last_date,
            team=ranked(self._team),
            undated=self._undated,
            due_after_months=self.programme.due_after_months if self.programme else DUE_AFTER_MONTHS,
            due=self._due.first(),
            due_total=self._due_total,
            merged=self._merged,
            flagged=self._flagged,
            to_confirm=self._to_confirm.first(),
        )


def _gaps(content: Content, ranked: list[Tally], said: dict[str, Counter[str]], lang: str) -> list[Gap]:
    """The common gaps as findings: the question in words and the answer most of them gave."""
    from .report.context import answer_text

    index = content.questionnaire.question_index()
    gaps = []
    for tallied in ranked:
        question = index[tallied.id]
        answer, _ = (said[tallied.id].most_common(1) or [("", 0)])[0]
        gaps.append(
            Gap(
                question=wording.question_name(question, lang),
                count=tallied.count,
                share=tallied.share,
                answer=answer_text(question, answer, lang) if answer else "",
            )
        )
    return gaps


def compare_rounds(current: Iterable[Entry], earlier: list[Entry]) -> Round:
    """Who moved a level between an earlier round and this one, per step and overall.

    An enterprise is found again by its enterprise id when both rounds give one, else by its name
    (or its code, in anonymised runs with the same key) and industry.
    """
    rounds = _RoundSum(earlier)
    for entry in current:
        rounds.add(entry)
    return rounds.result()


class _RoundSum:
    """`compare_rounds` one entry of this round at a time."""

    def __init__(self, earlier: list[Entry]) -> None:
        self._by_id = {e.group_id: e for e in earlier if e.group_id}
        self._by_name = {round_key(dataclasses.replace(e, group_id="")): e for e in earlier}
        self._earlier = len(earlier)
        self._seen: set[int] = set()
        self._moved = _First[Movement](MOVED_SHOWN)
        self._moved_count = self._current = self._matched = 0
        self._up = [0] * len(STEP_IDS)
        self._down = [0] * len(STEP_IDS)
        self._overall_up = self._overall_down = 0

    def add(self, e: Entry) -> None:
        self._current += 1
        before = self._by_id.get(e.group_id) if e.group_id else None
        before = before or self._by_name.get(round_key(dataclasses.replace(e, group_id="")))
        if before is None or id(before) in self._seen:
            return
        self._seen.add(id(before))
        self._matched += 1
        for i, (old, new) in enumerate(zip(before.step_levels, e.step_levels, strict=True)):
            self._up[i] += new > old
            self._down[i] += new < old
        self._overall_up += e.overall_level > before.overall_level
        self._overall_down += e.overall_level < before.overall_level
        if before.step_levels != e.step_levels or before.overall_level != e.overall_level:
            self._moved_count += 1
            self._moved.add(
                (-(sum(e.step_levels) - sum(before.step_levels)), e.name),
                Movement(
                    name=e.name,
                    before=before.assessed,
                    after=e.assessed,
                    step_before=before.step_levels,
                    step_after=e.step_levels,
                    overall_before=before.overall_level,
                    overall_after=e.overall_level,
                ),
            )

    def result(self) -> Round:
        return Round(
            matched=self._matched,
            new=self._current - self._matched,
            missing=self._earlier - self._matched,
            step_up=self._up,
            step_down=self._down,
            overall_up=self._overall_up,
            overall_down=self._overall_down,
            moved=self._moved.first(),
            more=max(0, self._moved_count - MOVED_SHOWN),
        )
