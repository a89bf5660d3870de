"""run_assessment(content, answers) -> Assessment: the whole engine in one call (pure)."""

from __future__ import annotations

import re

from . import rules
from .decide import Explainer, decide, derive_factors
from .model import Answers, Assessment, Content, Rubric, StepResult
from .roadmap import build_roadmap
from .scenarios import fit_scenarios, relevant_scenarios
from .scoring import make_facts, score_steps

LOW_CONFIDENCE = 0.7
PRIORITY_TEXT = "compute.priority_use_case"  # the priority use case in the respondent's own words
NEAREST_MIN_OVERLAP = 0.2


def run_assessment(content: Content, answers: Answers, lang: str | None = None) -> Assessment:
    lang = lang or answers.lang
    rubric = content.rubric
    facts = make_facts(content, answers.value)
    steps, overall = score_steps(content, answers, facts, lang)
    factors = derive_factors(rubric, facts)
    explainer = Explainer(rubric, content.factor_questions, lang)
    decisions = {d.id: decide(d, rubric, facts, explainer) for d in rubric.decisions}
    facts.decisions = {d: result.choice for d, result in decisions.items()}
    priority = priority_scenario(content, answers)
    priority_needs = frozenset(
        action
        for need in (rubric.scenario_index[priority].requires if priority else [])
        if not rules.evaluate(need.when, facts)
        for action in need.unblocked_by
    )
    roadmap = build_roadmap(rubric, facts, lang, priority_needs)
    strategy = next(d for d in rubric.decisions if d.id == "model_strategy")
    scenarios = fit_scenarios(
        rubric,
        facts,
        answers,
        [*roadmap.scheduled, *roadmap.later],
        decisions["model_strategy"].choice,
        strategy.stages,
        lang,
    )
    return Assessment(
        enterprise=dict(answers.enterprise),
        questionnaire_id=content.questionnaire.id,
        questionnaire_version=content.questionnaire.version,
        language=lang,
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
        warnings=_warnings(content, steps, answers, lang),
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
        wording = " ".join((scenario.title.en, scenario.title.zh, scenario.description.en, scenario.description.zh))
        overlap = len(terms & _terms(wording)) / len(terms)
        if overlap >= NEAREST_MIN_OVERLAP:
            scored.append((-overlap, position, scenario.id))
    return [sid for *_, sid in sorted(scored)[:count]]


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


def _warnings(content: Content, steps: list[StepResult], answers: Answers, lang: str) -> list[str]:
    """What to check in the answers, naming steps and questions as the report does (never by id)."""
    zh = lang == "zh"
    index = content.questionnaire.question_index()
    titles = {s.id: re.split(r"[:：]", s.title.get(lang), maxsplit=1)[0].strip() for s in content.questionnaire.steps}

    def asked(ids: list[str]) -> str:
        shown = [(index[q].short or index[q].text).get(lang) for q in ids if q in index]
        return "".join(f"“{label}”" for label in shown) if zh else "; ".join(shown)

    warnings = []
    if not str(answers.enterprise.get("name", "")).strip():
        warnings.append("未填写企业名称" if zh else "the enterprise has no name")
    for number, step in enumerate(steps, start=1):
        where = (
            f"第{number}步“{titles.get(step.id, step.id)}”" if zh else f"Step {number} “{titles.get(step.id, step.id)}”"
        )
        skipped = [q.id for q in step.questions if q.status == "unanswered"]
        if skipped:
            warnings.append(
                f"{where}：{len(skipped)}个问题未作答（按0分计）：{asked(skipped)}"
                if zh
                else f"{where}: {len(skipped)} question(s) not answered (scored 0): {asked(skipped)}"
            )
        ignored = [
            q.id for q in step.questions if q.status in ("hidden", "not_reached") and answers.value(q.id) is not None
        ]
        if ignored:
            warnings.append(
                f"{where}：以下问题的答案因前置条件不满足而未计入：{asked(ignored)}"
                if zh
                else f"{where}: answers ignored because their question does not apply: {asked(ignored)}"
            )
        if step.confidence < LOW_CONFIDENCE and step.total:
            warnings.append(
                f"{where}：作答完整度仅{step.confidence:.0%}，“不清楚”的回答较多"
                if zh
                else f"{where}: answers complete for only {step.confidence:.0%} of the weight; many were “don't know”"
            )
    return warnings
