"""A park or client portfolio: many assessments summed up (pure).

Service teams use it to see where a whole industrial park stands, which gaps are common, and which
AI scenarios are in demand (to match suppliers to that demand).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

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
    industry_label: str
    size: str
    overall_score: float
    overall_level: int
    confidence: float
    step_scores: list[float]  # in STEP_IDS order
    step_levels: list[int]
    model_strategy: str
    deployment: str
    ready_scenarios: int
    size_label: str = ""
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
    members: list[Member]  # every enterprise, best first (the documents show the first MEMBERS_SHOWN)
    by_size: list[GroupRow] = []
    gaps: list[Gap] = []
    segments: list[Segment] = []
    supply: list[Supply] = []
    visits: Visits | None = None  # with ProgrammeOptions: parks, period, team, visits due
    previous: Round | None = None


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
    content: Content, entries: list[Entry], lang: str, programme: ProgrammeOptions | None = None
) -> Portfolio:
    """Sum up one entry per enterprise that could be assessed (see `portfolio_entry`).

    Wording comes from the content in `lang`, so assessments made in any language can be summed up.
    Anonymised runs anonymise the answers before they are assessed (`batch.anonymised`), so their
    entries already carry codes and no file names.
    """
    index = content.questionnaire.question_index()
    rubric = content.rubric
    action_titles = {a.id: wording.action_title(content, a.id, lang) for a in rubric.actions}
    industries = {o.id: o.label.get(lang) for o in index["profile.industry"].options}
    choice_labels = {d.id: {c.id: c.label.get(lang) for c in d.choices} for d in content.rubric.decisions}
    count = len(entries)

    def tally(counter: Counter[str], labels: dict[str, str], limit: int | None = None) -> list[Tally]:
        ranked = sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [
            Tally(id=k, label=labels.get(k, k), count=n, share=round(n / count, 3) if count else 0.0) for k, n in ranked
        ]

    members = []
    gaps, actions = Counter[str](), Counter[str]()
    strategies = Counter(e.model_strategy for e in entries)
    deployments = Counter(e.deployment for e in entries)
    demand: dict[str, dict[str, Any]] = {}
    said: dict[str, Counter[str]] = {}
    sizes = {o.id: o.label.get(lang) for o in index["profile.size"].options} if "profile.size" in index else {}
    for e in entries:
        gaps.update(question for question, _ in e.gaps)
        for question, answer in e.gaps:
            said.setdefault(question, Counter())[answer] += 1
        actions.update(e.actions)
        for scenario_id, specific, fit, blockers in e.scenarios:
            entry = demand.get(scenario_id)
            if entry is None:
                entry = demand[scenario_id] = {"specific": specific, "fits": Counter[str](), "blockers": Counter[str]()}
            entry["fits"][fit] += 1
            entry["blockers"].update(blockers)
        ready = sum(1 for _, _, fit, _ in e.scenarios if fit == "ready_now")
        members.append(
            Member(
                **{name: getattr(e, name) for name in _FROM_ENTRY},
                industry_label=industries.get(e.industry, e.industry),
                ready_scenarios=ready,
                size_label=sizes.get(e.size, e.size),
                segment=segment_of(e.step_levels, e.overall_level, ready, rubric.portfolio_segments),
                due=_due(e.assessed, programme),
            )
        )

    scenarios = []
    for scenario_id, entry in demand.items():
        fits = entry["fits"]
        blocker = entry["blockers"].most_common(1)
        scenarios.append(
            ScenarioDemand(
                id=scenario_id,
                title=wording.scenario_title(content, scenario_id, lang),
                industry_specific=entry["specific"],
                relevant=sum(fits.values()),
                ready_now=fits["ready_now"],
                after_roadmap=fits["after_phase_1"] + fits["after_phase_2"],
                not_yet=fits["not_yet"],
                top_blocker=wording.prerequisite_text(content, blocker[0][0], lang) if blocker else "",
            )
        )
    scenarios.sort(key=lambda s: (-(s.ready_now + s.after_roadmap), -s.relevant, s.id))

    by_industry = [
        _group_row(industry, industries.get(industry, industry), [m for m in members if m.industry == industry])
        for industry in sorted({m.industry for m in members})
    ]
    by_industry.sort(key=lambda row: (-row.count, row.id))

    def levels_of(values: list[int]) -> list[int]:
        return [sum(1 for v in values if v == level) for level in range(1, 6)]

    ranked = sorted(members, key=lambda m: (-m.overall_score, m.name))

    return Portfolio(
        lang=lang,
        count=count,
        step_titles=[s.title.get(lang) for s in content.questionnaire.playbook_steps],
        level_names=[lvl.name.get(lang) for lvl in content.rubric.levels],
        overall_levels=levels_of([m.overall_level for m in members]),
        step_levels=[levels_of([m.step_levels[i] for m in members]) for i in range(len(STEP_IDS))],
        average_scores=[_mean([m.step_scores[i] for m in members]) for i in range(len(STEP_IDS))],
        average_overall=_mean([m.overall_score for m in members]),
        model_strategies=tally(strategies, choice_labels["model_strategy"]),
        deployments=tally(deployments, choice_labels["deployment"]),
        common_gaps=tally(gaps, {k: q.text.get(lang) for k, q in index.items()}, TOP),
        common_actions=tally(actions, action_titles, TOP),
        scenarios=scenarios[: TOP * 2],
        by_industry=by_industry,
        members=ranked,
        by_size=_by_size(members, sizes),
        gaps=_gaps(content, tally(gaps, {}, TOP), said, lang),
        segments=_segments(ranked),
        supply=_supply(scenarios, entries, industries),
        visits=_visits(ranked, programme.due_after_months) if programme else None,
        previous=compare_rounds(entries, programme.previous) if programme and programme.previous is not None else None,
    )


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


def _by_size(members: list[Member], sizes: dict[str, str]) -> list[GroupRow]:
    """Average scores by size band, smallest first (in the questionnaire's order)."""
    present = {m.size for m in members}
    return [
        _group_row(size, sizes.get(size, size), [m for m in members if m.size == size])
        for size in [o for o in sizes if o in present] + sorted(present - set(sizes))
    ]


def _group_row(group_id: str, label: str, group: list[Member]) -> GroupRow:
    return GroupRow(
        id=group_id,
        label=label,
        count=len(group),
        average_scores=[_mean([m.step_scores[i] for m in group]) for i in range(len(STEP_IDS))],
        average_overall=_mean([m.overall_score for m in group]),
    )


def _segments(ranked: list[Member]) -> list[Segment]:
    count = len(ranked)
    segments = []
    for segment in SEGMENTS:
        names = [m.name for m in ranked if m.segment == segment]
        if names:
            segments.append(
                Segment(
                    id=segment,
                    count=len(names),
                    share=round(len(names) / count, 3),
                    members=names[:SEGMENT_SHOWN],
                    more=max(0, len(names) - SEGMENT_SHOWN),
                )
            )
    return segments


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


def _supply(scenarios: list[ScenarioDemand], entries: list[Entry], industries: dict[str, str]) -> list[Supply]:
    """The scenarios enterprises can start now or soon, with whom to offer them to."""
    ready_in: dict[str, Counter[str]] = {}
    ready_names: dict[str, list[tuple[float, str]]] = {}
    for e in entries:
        for scenario_id, _, fit, _ in e.scenarios:
            if fit == "ready_now":
                ready_in.setdefault(scenario_id, Counter())[e.industry] += 1
                ready_names.setdefault(scenario_id, []).append((-e.overall_score, e.name))
    ranked = sorted(scenarios, key=lambda s: (-s.ready_now, -s.after_roadmap, s.id))
    return [
        Supply(
            id=s.id,
            title=s.title,
            ready_now=s.ready_now,
            after_roadmap=s.after_roadmap,
            industries=[
                industries.get(i, i)
                for i, _ in sorted(ready_in.get(s.id, Counter()).items(), key=lambda x: (-x[1], x[0]))[:3]
            ],
            ready_names=[name for _, name in sorted(ready_names.get(s.id, []))[:SUPPLY_NAMES]],
            top_blocker=s.top_blocker,
        )
        for s in ranked
        if s.ready_now or s.after_roadmap
    ][:SUPPLY_SHOWN]


def _visits(members: list[Member], due_after: int) -> Visits:
    def ranked(values: list[str]) -> list[str]:
        counts = Counter(v for v in values if v)
        return [v for v, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]

    dates = sorted(m.assessed for m in members if m.assessed)
    return Visits(
        parks=ranked([m.park for m in members]),
        first_date=dates[0] if dates else "",
        last_date=dates[-1] if dates else "",
        team=ranked([a.strip() for m in members for a in m.assessor.split("/")]),
        undated=sum(1 for m in members if not m.assessed),
        due_after_months=due_after,
        due=sorted((m for m in members if m.due), key=lambda m: (m.assessed, m.name))[:DUE_SHOWN],
        due_total=sum(1 for m in members if m.due),
        merged=sum(1 for m in members if m.merged_from),
        flagged=sum(1 for m in members if m.flagged),
        to_confirm=sorted((m for m in members if m.flagged), key=lambda m: (-m.flagged, m.name))[:DUE_SHOWN],
    )


def compare_rounds(current: list[Entry], earlier: list[Entry]) -> Round:
    """Who moved a level between an earlier round and this one, per step and overall.

    An enterprise is found again by its enterprise id when both rounds give one, else by its name
    (or its code, in anonymised runs with the same key) and industry.
    """
    by_id = {e.group_id: e for e in earlier if e.group_id}
    by_name = {round_key(dataclasses.replace(e, group_id="")): e for e in earlier}
    seen: set[int] = set()
    moved: list[Movement] = []
    up = [0] * len(STEP_IDS)
    down = [0] * len(STEP_IDS)
    overall_up = overall_down = matched = 0
    for e in current:
        before = by_id.get(e.group_id) if e.group_id else None
        before = before or by_name.get(round_key(dataclasses.replace(e, group_id="")))
        if before is None or id(before) in seen:
            continue
        seen.add(id(before))
        matched += 1
        for i, (old, new) in enumerate(zip(before.step_levels, e.step_levels, strict=True)):
            up[i] += new > old
            down[i] += new < old
        overall_up += e.overall_level > before.overall_level
        overall_down += e.overall_level < before.overall_level
        if before.step_levels != e.step_levels or before.overall_level != e.overall_level:
            moved.append(
                Movement(
                    name=e.name,
                    before=before.assessed,
                    after=e.assessed,
                    step_before=before.step_levels,
                    step_after=e.step_levels,
                    overall_before=before.overall_level,
                    overall_after=e.overall_level,
                )
            )
    moved.sort(key=lambda m: (-(sum(m.step_after) - sum(m.step_before)), m.name))
    return Round(
        matched=matched,
        new=len(current) - matched,
        missing=len(earlier) - matched,
        step_up=up,
        step_down=down,
        overall_up=overall_up,
        overall_down=overall_down,
        moved=moved[:MOVED_SHOWN],
        more=max(0, len(moved) - MOVED_SHOWN),
    )
