"""run_assessment(content, answers) -> Assessment: the whole engine in one call (pure)."""

from __future__ import annotations

import re

from . import rules
from .decide import Explainer, decide, derive_factors
from .model import Answers, AnswerWarning, Assessment, Content, Rubric, Scenario, StepResult
from .roadmap import build_roadmap
from .scenarios import fit_scenarios, relevant_scenarios
from .scoring import make_facts, score_steps

LOW_CONFIDENCE = 0.7
PRIORITY_TEXT = "compute.priority_use_case"  # the priority use case in the respondent's own words
NEAREST_MIN_OVERLAP = 0.2


def run_assessment(content: Content, answers: Answers) -> Assessment:
    """Ids, values and references into the content; the report layer words them in any language."""
    rubric = content.rubric
    facts = make_facts(content, answers.lookup)
    steps, overall = score_steps(content, answers, facts)
    factors = derive_factors(rubric, facts)
    explainer = Explainer(rubric, content.factor_questions)
    decisions = {d.id: decide(d, rubric, facts, explainer) for d in rubric.decisions}
    facts.decisions = {d: result.choice for d, result in decisions.items()}
    priority = priority_scenario(content, answers)
    priority_needs = frozenset(
        action
        for need in (rubric.scenario_index[priority].requires if priority else [])
        if not rules.evaluate(need.when, facts)
        for action in need.unblocked_by
    )
    roadmap = build_roadmap(rubric, facts, priority_needs)
    strategy = next(d for d in rubric.decisions if d.id == "model_strategy")
    scenarios = fit_scenarios(
        rubric,
        facts,
        answers,
        [*roadmap.scheduled, *roadmap.later],
        decisions["model_strategy"].choice,
        strategy.stages,
    )
    return Assessment(
        enterprise=dict(answers.enterprise),
        questionnaire_id=content.questionnaire.id,
        questionnaire_version=content.questionnaire.version,
        language=answers.lang,
        overall=overall,
        steps=steps,
        factors=factors,
        decisions=decisions,
        roadmap=roadmap.scheduled,
        later=roadmap.later,
        priority_scenario=priority,
        nearest_scenarios=[] if priority else nearest_scenarios(content, answers),
        sme_level_estimate=sme_level_estimate(rubric, steps),
        scenarios=scenarios,
        warnings=_warnings(steps, answers),
    )


def sme_level_estimate(rubric: Rubric, steps: list[StepResult]) -> int | None:
    """The official SME digital level (1-4; 0 below level 1) that the scores suggest: the mean score of
    the steps the official indicators cover, banded as the rubric says. An estimate, not a rating."""
    estimate = rubric.sme_level_estimate
    if estimate is None:
        return None
    scores = {s.id: s.score for s in steps}
    mean = sum(scores[s] for s in estimate.steps) / len(estimate.steps)
    return sum(1 for low in estimate.bands if mean >= low)


def priority_scenario(content: Content, answers: Answers) -> str | None:
    """The catalogue scenario the respondent chose as the priority use case, if any."""
    question = content.questionnaire.scenario_question
    chosen = answers.value(question) if question else None
    return str(chosen) if isinstance(chosen, str) and chosen in content.rubric.scenario_index else None


def nearest_scenarios(content: Content, answers: Answers, count: int = 3) -> list[str]:
    """The relevant scenarios whose wording is closest to the free-text priority use case.

    Closeness is the share of the text's terms found in the scenario's title and description, in
    both languages. Terms are pairs of adjacent Chinese characters (Chinese has no spaces) and
    English word stems.
    """
    text = answers.value(PRIORITY_TEXT)
    terms = _terms(text) if isinstance(text, str) else set()
    if not terms:
        return []
    scored = []
    for position, scenario in relevant_scenarios(content.rubric, answers.enterprise):
        overlap = len(terms & _scenario_terms(scenario)) / len(terms)
        if overlap >= NEAREST_MIN_OVERLAP:
            scored.append((-overlap, position, scenario.id))
    return [sid for *_, sid in sorted(scored)[:count]]


# A scenario's terms, worked out once per scenario (batch runs assess many enterprises against the
# same catalogue). The entry keeps the scenario alive, so no other object can take its id.
_SCENARIO_TERMS: dict[int, tuple[Scenario, set[str]]] = {}


def _scenario_terms(scenario: Scenario) -> set[str]:
    entry = _SCENARIO_TERMS.get(id(scenario))
    if entry is None:
        parts = (scenario.title.en, scenario.title.zh, scenario.description.en, scenario.description.zh)
        entry = _SCENARIO_TERMS[id(scenario)] = (scenario, _terms(" ".join(parts)))
    return entry[1]


def _terms(text: str) -> set[str]:
    lowered = text.lower()
    words = {word[:5] for word in re.findall(r"[a-z]{4,}", lowered) if word not in _COMMON_WORDS}
    for run in re.findall(r"[\u3400-\u9fff]+", lowered):
        words.update(run[i : i + 2] for i in range(len(run) - 1))
    return words


_COMMON_WORDS = frozenset(
    {
        "with",
        "from",
        "that",
        "this",
        "their",
        "them",
        "they",
        "what",
        "when",
        "where",
        "which",
        "will",
        "would",
        "about",
        "into",
        "over",
        "under",
        "each",
        "every",
        "have",
        "more",
        "most",
        "other",
        "some",
        "such",
        "than",
        "then",
        "there",
        "these",
        "those",
        "your",
        "ours",
    }
)


def _warnings(steps: list[StepResult], answers: Answers) -> list[AnswerWarning]:
    """What to check in the answers (worded by the report layer, naming steps and questions)."""
    warnings = []
    if not str(answers.enterprise.get("name", "")).strip():
        warnings.append(AnswerWarning("no_name", None, []))
    for step in steps:
        skipped = [q.id for q in step.questions if q.status == "unanswered"]
        if skipped:
            warnings.append(AnswerWarning("unanswered", step.id, skipped))
        ignored = [
            q.id for q in step.questions if q.status in ("hidden", "not_reached") and answers.value(q.id) is not None
        ]
        if ignored:
            warnings.append(AnswerWarning("ignored", step.id, ignored))
        if step.confidence < LOW_CONFIDENCE and step.total:
            warnings.append(AnswerWarning("low_confidence", step.id, []))
    return warnings
