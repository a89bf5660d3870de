"""`readiness init`: an answers file with every question explained in comments, ready to fill by hand."""

from __future__ import annotations

import datetime
import json

from .catalogue import namespace
from .languages import file_tag
from .model import INDUSTRY_STEP, STEP_IDS, Content, Question

# The assessment record's text fields, each with its explanation in the template's words.
ASSESSMENT_TEXT_FIELDS = {
    "assessor": "assessment_assessor",
    "engagement": "assessment_engagement",
    "enterprise_id": "assessment_enterprise_id",
    "park": "assessment_park",
    "contact": "assessment_contact",
}


def answers_template(content: Content, lang: str) -> str:
    words = namespace(lang, "template")
    questionnaire = content.questionnaire
    lines = [f"# {words['head'].format(title=questionnaire.title.get(lang), version=questionnaire.version)}", "#"]
    lines += [f"# {line}" for line in words["how"].splitlines()]
    lines += [
        "",
        f"questionnaire: {questionnaire.id}",
        f"questionnaire_version: {questionnaire.version}",
        f"language: {file_tag(lang)}",
        "",
    ]
    lines += [f"# {words['assessment']}", "assessment:", f"  date: {datetime.date.today().isoformat()}"]
    lines += [f"  {field}: ''  # {words[key]}" for field, key in ASSESSMENT_TEXT_FIELDS.items()]
    lines += ["", "enterprise:"]
    for question in questionnaire.steps[0].questions:
        lines += [f"  # {line}" for line in _describe(question, lang)]
        lines.append(f"  {question.id.split('.', 1)[1]}:")
    lines += ["", f"# {words['respondents']}", "respondents: []", "", "answers:"]
    for step in questionnaire.steps[1:]:
        if step.id in STEP_IDS:
            heading = f"{words['step'].format(n=STEP_IDS.index(step.id) + 1)} · {step.title.get(lang)}"
        else:
            heading = f"{step.title.get(lang)} · {words['industry_only']}"
        lines += ["", f"  # ===== {heading} ====="]
        for section in step.sections:
            if step.id == INDUSTRY_STEP:
                lines += ["", f"  # --- {section.title.get(lang)} ---"]
            for question in section.questions:
                lines += [f"  # {line}" for line in _describe(question, lang)]
                lines.append(f"  {question.id}:")
    lines += ["", f"# {words['notes']}", "notes: {}", ""]
    return "\n".join(lines)


def _describe(question: Question, lang: str) -> list[str]:
    words = namespace(lang, "template")
    out = [question.text.get(lang), "  " + words["why"].format(help=question.help.get(lang))]
    if question.type in ("single", "multi"):
        head = words["one_of"] if question.type == "single" else words["any_of"].format(first=question.options[0].id)
        out.append(f"  {head}")
        out += [f"    {o.id:<24} {o.label.get(lang)}" for o in question.options]
    else:
        kind = words[question.type]
        if question.unit:
            kind += f" ({question.unit.get(lang)})"
        out.append(f"  {kind}")
    if question.allow_not_applicable:
        out.append(f"  ({words['na']})")
    if question.show_if is not None:
        cond = json.dumps(question.show_if.model_dump(exclude_none=True, by_alias=True), ensure_ascii=False)
        out.append(f"  {words['only_if'].format(cond=cond)}")
    return [line.replace("\n", " ") for line in out]
