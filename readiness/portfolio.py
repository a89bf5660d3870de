"""A park or client portfolio: many assessments summed up (pure).

Service teams use it to see where a whole industrial park stands, which gaps are common, and which
AI scenarios are in demand (to match suppliers to that demand).
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

from .model import STEP_IDS, Answers, AnswerValue, Assessment, Content
from .report import wording

TOP = 12  # common gaps, common actions, scenarios in demand


class Plain(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Programme(Plain):
    """Where and when an enterprise was assessed, and by whom (its answers' assessment record)."""

    region: str = ""
    park: str = ""
    date: str = ""  # ISO date of the answers, "" when not recorded
    assessor: str = ""


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
    programme: Programme = Programme()
    disagreements: list[Differed] = []


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


class IndustryRow(Plain):
    industry: str
    label: str
    count: int
    average_scores: list[float]  # per step
    average_overall: float


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
    by_industry: list[IndustryRow]
    members: list[Member]


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
    gaps: list[str]  # scored questions answered below half marks
    actions: list[str]  # roadmap action ids
    scenarios: list[tuple[str, bool, str, list[str]]]  # (id, industry-specific, fit, blocker ids)
    programme: Programme = field(default_factory=Programme)
    disagreements: list[Differed] = field(default_factory=list)


def portfolio_entry(source: str, result: Assessment, answers: Answers | None = None) -> Entry:
    """The entry of one assessment; with its answers, also where, when and by whom, and disagreements."""
    programme, disagreements = Programme(), []
    if answers is not None:
        record = answers.assessment
        park = record.park or str(answers.enterprise.get("park", ""))
        region = str(answers.enterprise.get("region", ""))
        date = record.date.isoformat() if record.date else ""
        programme = Programme(region=region, park=park, date=date, assessor=record.assessor)
        disagreements = [Differed(question=d.question, kept=d.kept, answers=d.answers) for d in answers.disagreements]
    return Entry(
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
            q.id
            for step in result.steps
            for q in step.questions
            if q.weight and q.value is not None and q.value < 0.5 and q.status in ("answered", "unknown")
        ],
        actions=[item.id for item in result.roadmap],
        scenarios=[(f.id, f.industry_specific, f.fit, [b.id for b in f.blocked_by]) for f in result.scenarios],
        programme=programme,
        disagreements=disagreements,
    )


def build_portfolio(content: Content, entries: list[Entry], lang: str) -> Portfolio:
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
    for e in entries:
        gaps.update(e.gaps)
        actions.update(e.actions)
        for scenario_id, specific, fit, blockers in e.scenarios:
            entry = demand.get(scenario_id)
            if entry is None:
                entry = demand[scenario_id] = {"specific": specific, "fits": Counter[str](), "blockers": Counter[str]()}
            entry["fits"][fit] += 1
            entry["blockers"].update(blockers)
        members.append(
            Member(
                name=e.name,
                source=e.source,
                industry=e.industry,
                industry_label=industries.get(e.industry, e.industry),
                size=e.size,
                overall_score=e.overall_score,
                overall_level=e.overall_level,
                confidence=e.confidence,
                step_scores=e.step_scores,
                step_levels=e.step_levels,
                model_strategy=e.model_strategy,
                deployment=e.deployment,
                ready_scenarios=sum(1 for _, _, fit, _ in e.scenarios if fit == "ready_now"),
                programme=e.programme,
                disagreements=e.disagreements,
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

    def mean(values: list[float]) -> float:
        return round(sum(values) / len(values), 1) if values else 0.0

    by_industry = []
    for industry in sorted({m.industry for m in members}):
        group = [m for m in members if m.industry == industry]
        by_industry.append(
            IndustryRow(
                industry=industry,
                label=industries.get(industry, industry),
                count=len(group),
                average_scores=[mean([m.step_scores[i] for m in group]) for i in range(len(STEP_IDS))],
                average_overall=mean([m.overall_score for m in group]),
            )
        )
    by_industry.sort(key=lambda row: (-row.count, row.industry))

    def levels_of(values: list[int]) -> list[int]:
        return [sum(1 for v in values if v == level) for level in range(1, 6)]

    return Portfolio(
        lang=lang,
        count=count,
        step_titles=[s.title.get(lang) for s in content.questionnaire.playbook_steps],
        level_names=[lvl.name.get(lang) for lvl in content.rubric.levels],
        overall_levels=levels_of([m.overall_level for m in members]),
        step_levels=[levels_of([m.step_levels[i] for m in members]) for i in range(len(STEP_IDS))],
        average_scores=[mean([m.step_scores[i] for m in members]) for i in range(len(STEP_IDS))],
        average_overall=mean([m.overall_score for m in members]),
        model_strategies=tally(strategies, choice_labels["model_strategy"]),
        deployments=tally(deployments, choice_labels["deployment"]),
        common_gaps=tally(gaps, {k: q.text.get(lang) for k, q in index.items()}, TOP),
        common_actions=tally(actions, action_titles, TOP),
        scenarios=scenarios[: TOP * 2],
        by_industry=by_industry,
        members=sorted(members, key=lambda m: (-m.overall_score, m.name)),
    )
