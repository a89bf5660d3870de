"""The JSON result, schema `readiness.assessment/1` (DESIGN §3.2). Keys here are a public contract:
every one is written out here, never taken from an internal field name."""

from __future__ import annotations

from typing import Any, NamedTuple

import orjson

from ..model import Assessment, Content, DecisionResult, RoadmapItem, ScenarioFit
from . import wording

SCHEMA = "readiness.assessment/1"


def result_dict(assessment: Assessment, content: Content, lang: str | None = None) -> dict[str, Any]:
    """The result with its texts worded in `lang` (default: the answers' language)."""
    lang = lang or assessment.language
    overall = assessment.overall
    words = _catalogue_words(content, lang)
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
            "level_name": wording.level_name(content, overall.level, lang),
            "confidence": overall.confidence,
            "capped_by": wording.gate_texts(content, overall, lang),
        },
        "steps": [
            {
                "id": s.id,
                "title": wording.step_title(content, s.id, lang),
                "score": s.score,
                "level": s.level,
                "level_name": wording.level_name(content, s.level, lang),
                "confidence": s.confidence,
                "answered": s.answered,
                "total": s.total,
                "capped_by": wording.gate_texts(content, s, lang),
            }
            for s in assessment.steps
        ],
        "model_strategy": _decision("model_strategy", assessment.decisions["model_strategy"], content, lang),
        "deployment": _decision("deployment", assessment.decisions["deployment"], content, lang),
        "scenarios": [_scenario(s, content, lang, words) for s in assessment.scenarios],
        "roadmap": [_action(item, words) for item in assessment.roadmap],
        "later": [_action(item, words) for item in assessment.later],
        "priority_scenario": assessment.priority_scenario,
        "nearest_scenarios": assessment.nearest_scenarios,
        "sme_level_estimate": assessment.sme_level_estimate,
        "factors": assessment.factors,
        "warnings": wording.warning_texts(content, assessment, lang),
    }


def _decision(decision_id: str, result: DecisionResult, content: Content, lang: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "choice": result.choice,
        "choice_label": wording.choice_label(content, decision_id, result.choice, lang),
        "runner_up": result.runner_up,
        "runner_up_label": wording.choice_label(content, decision_id, result.runner_up, lang),
        "reasons": [
            {
                "factor": r.factor,
                "factor_label": wording.factor_label(content, r.factor, lang),
                "value": r.value,
                "value_label": wording.value_label(content, r.factor, r.value, lang),
                "text": wording.reason_text(content, r, lang),
                "questions": r.questions,
                "met": r.met,
            }
            for r in result.reasons
        ],
        "would_change_if": [
            {
                "factor": f.factor,
                "from": f.from_value,
                "to": f.to_value,
                "choice": f.choice,
                "text": wording.flip_text(content, decision_id, f, lang),
            }
            for f in result.would_change_if
        ],
    }
    if result.path:
        data["path"] = [
            {
                "choice": p.choice,
                "status": p.status,
                "when": [wording.requirement_text(content, ref, lang) for ref in p.when],
            }
            for p in result.path
        ]
    return data


class _Words(NamedTuple):
    """The catalogue's texts that every result repeats, worded once per content and language."""

    actions: dict[str, tuple[str, str, str | None]]  # action id -> title, description, support
    scenarios: dict[str, str]  # scenario id -> title


# Keyed by the content's id and the language; the entry keeps the content alive, so no other
# object can take its id meanwhile.
_WORDS: dict[tuple[int, str], tuple[Content, _Words]] = {}


def _catalogue_words(content: Content, lang: str) -> _Words:
    entry = _WORDS.get((id(content), lang))
    if entry is None:
        rubric = content.rubric
        words = _Words(
            actions={
                a.id: (
                    wording.action_title(content, a.id, lang),
                    wording.action_description(content, a.id, lang),
                    wording.action_support(content, a.id, lang),
                )
                for a in rubric.actions
            },
            scenarios={s.id: wording.scenario_title(content, s.id, lang) for s in rubric.scenarios},
        )
        entry = _WORDS[(id(content), lang)] = (content, words)
    return entry[1]


def _action(item: RoadmapItem, words: _Words) -> dict[str, Any]:
    title, description, support = words.actions[item.id]
    return {
        "id": item.id,
        "step": item.step,
        "phase": item.phase,
        "title": title,
        "description": description,
        "effort": item.effort,
        "impact": item.impact,
        "depends_on": item.depends_on,
        "support": support,
    }


def _scenario(fit: ScenarioFit, content: Content, lang: str, words: _Words) -> dict[str, Any]:
    """The fit and what blocks it. What the scenario is (description, value, data needs) is the same
    for every enterprise: it stays in the catalogue (rubrics/), found by `id`."""
    return {
        "id": fit.id,
        "title": words.scenarios[fit.id],
        "stage": fit.stage,
        "industry_specific": fit.industry_specific,
        "fit": fit.fit,
        "blocked_by": [
            {"id": b.id, "text": wording.blocker_text(content, b, lang), "questions": b.questions, "actions": b.actions}
            for b in fit.blocked_by
        ],
        "latency": fit.latency,
        "approach": fit.approach,
        "approach_now": fit.approach_now,
        "deployment": fit.deployment,
        "agent": fit.agent,
    }


def render_json(assessment: Assessment, content: Content, lang: str | None = None) -> str:
    return orjson.dumps(result_dict(assessment, content, lang), option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"


def json_line(data: dict[str, Any]) -> bytes:
    """A result on one line of UTF-8 JSON (for portfolio.jsonl and batch output)."""
    return orjson.dumps(data)
