"""The JSON result, schema `readiness.assessment/1` (DESIGN §3.2). Keys here are a public contract:
every one is written out here, never taken from an internal field name."""

from __future__ import annotations

from typing import Any

import orjson

from ..model import Assessment, Content, DecisionResult, RoadmapItem, ScenarioFit

SCHEMA = "readiness.assessment/1"


def result_dict(assessment: Assessment, content: Content) -> dict[str, Any]:
    lang = assessment.language
    titles = {s.id: s.title.get(lang) for s in content.questionnaire.steps}
    decisions = {d.id: d for d in content.rubric.decisions}
    overall = assessment.overall
    return {
        "schema": SCHEMA,
        "enterprise": {
            "name": assessment.enterprise.get("name"),
            "industry": assessment.enterprise.get("industry"),
            **assessment.enterprise,
        },
        "questionnaire": {"id": assessment.questionnaire_id, "version": assessment.questionnaire_version},
        "language": lang,
        "overall": {
            "score": overall.score,
            "level": overall.level,
            "level_name": overall.level_name,
            "confidence": overall.confidence,
            "capped_by": overall.capped_by,
        },
        "steps": [
            {
                "id": s.id,
                "title": titles[s.id],
                "score": s.score,
                "level": s.level,
                "level_name": s.level_name,
                "confidence": s.confidence,
                "answered": s.answered,
                "total": s.total,
                "capped_by": s.capped_by,
            }
            for s in assessment.steps
        ],
        "model_strategy": _decision(assessment.decisions["model_strategy"], decisions["model_strategy"], lang),
        "deployment": _decision(assessment.decisions["deployment"], decisions["deployment"], lang),
        "scenarios": [_scenario(s) for s in assessment.scenarios],
        "roadmap": [_action(item) for item in assessment.roadmap],
        "later": [_action(item) for item in assessment.later],
        "priority_scenario": assessment.priority_scenario,
        "nearest_scenarios": assessment.nearest_scenarios,
        "sme_level_estimate": assessment.sme_level_estimate,
        "factors": assessment.factors,
        "warnings": assessment.warnings,
    }


def _decision(result: DecisionResult, decision: Any, lang: str) -> dict[str, Any]:
    labels = {c.id: c.label.get(lang) for c in decision.choices}
    data: dict[str, Any] = {
        "choice": result.choice,
        "choice_label": labels[result.choice],
        "runner_up": result.runner_up,
        "runner_up_label": labels[result.runner_up],
        "reasons": [
            {
                "factor": r.factor,
                "factor_label": r.factor_label,
                "value": r.value,
                "value_label": r.value_label,
                "text": r.text,
                "questions": r.questions,
                "met": r.met,
            }
            for r in result.reasons
        ],
        "would_change_if": [
            {"factor": f.factor, "from": f.from_value, "to": f.to_value, "choice": f.choice, "text": f.text}
            for f in result.would_change_if
        ],
    }
    if result.path:
        data["path"] = [{"choice": p.choice, "status": p.status, "when": p.when} for p in result.path]
    return data


def _action(item: RoadmapItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "step": item.step,
        "phase": item.phase,
        "title": item.title,
        "description": item.description,
        "effort": item.effort,
        "impact": item.impact,
        "depends_on": item.depends_on,
        "support": item.support,
    }


def _scenario(fit: ScenarioFit) -> dict[str, Any]:
    """The fit and what blocks it. What the scenario is (description, value, data needs) is the same
    for every enterprise: it stays in the catalogue (rubrics/), found by `id`."""
    return {
        "id": fit.id,
        "title": fit.title,
        "stage": fit.stage,
        "industry_specific": fit.industry_specific,
        "fit": fit.fit,
        "blocked_by": [
            {"id": b.id, "text": b.text, "questions": b.questions, "actions": b.actions} for b in fit.blocked_by
        ],
        "latency": fit.latency,
        "approach": fit.approach,
        "approach_now": fit.approach_now,
        "deployment": fit.deployment,
        "agent": fit.agent,
    }


def render_json(assessment: Assessment, content: Content) -> str:
    return orjson.dumps(result_dict(assessment, content), option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


def json_line(data: dict[str, Any]) -> bytes:
    """A result on one line of UTF-8 JSON (for portfolio.jsonl and batch output)."""
    return orjson.dumps(data)
