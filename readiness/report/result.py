"""The JSON result, schema `readiness.assessment/1` (DESIGN §3.2). Keys here are a public contract."""

from __future__ import annotations

import json
from typing import Any

from ..model import Assessment, Content, DecisionResult

SCHEMA = "readiness.assessment/1"


def result_dict(assessment: Assessment, content: Content) -> dict[str, Any]:
    lang = assessment.language
    titles = {s.id: s.title.get(lang) for s in content.questionnaire.steps}
    decisions = {d.id: d for d in content.rubric.decisions}
    overall = assessment.overall
    return {
        "schema": SCHEMA,
        "enterprise": {"name": assessment.enterprise.get("name"), "industry": assessment.enterprise.get("industry"),
                       **assessment.enterprise},
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
        "scenarios": [_fields(s) for s in assessment.scenarios],
        "roadmap": [_fields(item) for item in assessment.roadmap],
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
        "reasons": [_fields(r) for r in result.reasons],
        "would_change_if": [
            {"factor": f.factor, "from": f.from_value, "to": f.to_value, "choice": f.choice, "text": f.text}
            for f in result.would_change_if
        ],
    }
    if result.path:
        data["path"] = [_fields(p) for p in result.path]
    return data


def _fields(result: Any) -> Any:
    """A result dataclass as plain data, recursively (dataclasses.asdict also deep-copies every value)."""
    if isinstance(result, list):
        return [_fields(item) for item in result]
    if hasattr(result, "__dataclass_fields__"):
        return {name: _fields(getattr(result, name)) for name in result.__dataclass_fields__}
    return result


def render_json(assessment: Assessment, content: Content) -> str:
    return json.dumps(result_dict(assessment, content), ensure_ascii=False, indent=2) + "\n"
