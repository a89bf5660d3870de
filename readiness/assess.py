"""run_assessment(content, answers) -> Assessment: the whole engine in one call (pure)."""

from __future__ import annotations

from .decide import Explainer, decide, derive_factors
from .model import Answers, Assessment, Content, StepResult
from .roadmap import build_roadmap
from .scenarios import fit_scenarios
from .scoring import make_facts, score_steps

LOW_CONFIDENCE = 0.7


def run_assessment(content: Content, answers: Answers, lang: str | None = None) -> Assessment:
    lang = lang or answers.lang
    rubric = content.rubric
    facts = make_facts(content, answers.value)
    steps, overall = score_steps(content, answers, facts, lang)
    factors = derive_factors(rubric, facts)
    explainer = Explainer(rubric, content.factor_questions, lang)
    decisions = {d.id: decide(d, rubric, facts, explainer) for d in rubric.decisions}
    roadmap = build_roadmap(rubric, facts, lang)
    strategy = next(d for d in rubric.decisions if d.id == "model_strategy")
    scenarios = fit_scenarios(
        rubric, facts, answers, roadmap, decisions["model_strategy"].choice, strategy.stages, lang
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
        roadmap=roadmap,
        scenarios=scenarios,
        warnings=_warnings(steps, answers, lang),
    )


def _warnings(steps: list[StepResult], answers: Answers, lang: str) -> list[str]:
    zh = lang == "zh"
    warnings = []
    if not str(answers.enterprise.get("name", "")).strip():
        warnings.append("未填写企业名称（enterprise.name）" if zh else "the enterprise has no name (enterprise.name)")
    for step in steps:
        skipped = [q.id for q in step.questions if q.status == "unanswered"]
        if skipped:
            warnings.append(
                f"{step.id}：{len(skipped)} 个问题未作答（按 0 分计）：{', '.join(skipped)}"
                if zh
                else f"{step.id}: {len(skipped)} question(s) not answered (scored 0): {', '.join(skipped)}"
            )
        ignored = [q.id for q in step.questions if q.status in ("hidden", "not_reached") and answers.value(q.id) is not None]
        if ignored:
            warnings.append(
                f"{step.id}：以下答案因前置条件不满足而未计入：{', '.join(ignored)}"
                if zh
                else f"{step.id}: answers ignored because their question does not apply: {', '.join(ignored)}"
            )
        if step.confidence < LOW_CONFIDENCE and step.total:
            warnings.append(
                f"{step.id}：置信度仅 {step.confidence:.0%}，“不清楚”的回答较多"
                if zh
                else f"{step.id}: confidence only {step.confidence:.0%}; many answers were 'don't know'"
            )
    return warnings
