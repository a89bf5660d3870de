"""Combine the answers of several respondents of one enterprise (pure).

Where respondents disagree, the default keeps the more conservative answer (the one worth fewer
points), so a merged assessment never claims more than the most cautious respondent. Every
disagreement is recorded with who said what, the profile's included.

Some disagreements are not a rule's to settle; they are kept provisionally and flagged for the
facilitator to confirm with the enterprise (`Disagreement.flagged`, `reason`):

- two figures in the same band (3017 and 1989 labelled examples): the points cannot choose, so the
  conservative rule keeps the less favourable figure (here the lower), the optimistic one the other;
- a figure against "don't know": "don't know" counts as insufficient, so the conservative rule keeps
  it, and the optimistic rule keeps the figure; either way someone should check the figure with the
  respondent who gave it;
- an answer against "does not apply": the answer is kept (the question applies to someone);
- the priority use case: the first respondent's is kept; choosing it is the enterprise's decision;
- a fact of the profile (size, revenue band, industry, where AI should help first...): the first
  respondent's is kept.

Files are refused only when they cannot be the same enterprise: another name, another enterprise id
(`assessment.enterprise_id`), or another version of the questionnaire.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Literal

from .catalogue import text
from .errors import AnswersError, Issue
from .model import (
    NOT_APPLICABLE,
    PROFILE_STEP,
    UNKNOWN,
    Answers,
    AnswerValue,
    AssessmentRecord,
    Content,
    Disagreement,
    FlagReason,
    Question,
    Respondent,
)
from .scoring import answer_points

Rule = Literal["conservative", "optimistic", "first"]
# The priority use case, chosen from the catalogue or in the respondent's words.
PRIORITY_QUESTIONS = frozenset({"compute.priority_scenario", "compute.priority_use_case"})


def same_name(a: object, b: object) -> bool:
    """Whether two enterprise names are the same name, whatever the width, case or spacing."""
    return name_key(a) == name_key(b)


def name_key(name: object) -> str:
    return "".join(unicodedata.normalize("NFKC", str(name or "")).casefold().split())


def merge_answers(sources: list[tuple[str, Answers]], content: Content, rule: Rule = "conservative") -> Answers:
    """Merge answers files given as (file name, answers), in order."""
    _check_same_enterprise(sources)
    index = content.questionnaire.question_index()
    respondents: list[Respondent] = []
    labels: list[str] = []
    for name, answers in sources:
        people = answers.respondents or [Respondent(name=name)]
        respondents += [p for p in people if p not in respondents]
        label = " / ".join(p.name for p in people)
        labels.append(f"{label} ({name})" if label in labels else label)  # who said what, never lost

    disagreements: list[Disagreement] = []

    def combine(key: str, given: list[tuple[str, AnswerValue]], question: Question | None) -> AnswerValue:
        values = [value for _, value in given]
        if all(value == values[0] for value in values[1:]):
            return values[0]
        kept, reason = _pick(values, question, rule)
        if key.startswith(f"{PROFILE_STEP}."):
            kept, reason = values[0], "profile"
        elif key in PRIORITY_QUESTIONS:
            kept, reason = values[0], "priority"
        disagreements.append(
            Disagreement(question=key, kept=kept, answers=dict(given), flagged=reason is not None, reason=reason)
        )
        return kept

    enterprise: dict[str, AnswerValue] = {}
    for field in dict.fromkeys(key for _, answers in sources for key in answers.enterprise):
        given = [
            (label, a.enterprise[field]) for label, (_, a) in zip(labels, sources, strict=True) if field in a.enterprise
        ]
        if field == "name" and all(same_name(value, given[0][1]) for _, value in given):
            enterprise[field] = given[0][1]  # one name, perhaps written differently: the first's spelling
            continue
        enterprise[field] = combine(f"{PROFILE_STEP}.{field}", given, index.get(f"{PROFILE_STEP}.{field}"))

    merged: dict[str, AnswerValue] = {}
    for key in dict.fromkeys(key for _, answers in sources for key in answers.answers):
        given = [(label, a.answers[key]) for label, (_, a) in zip(labels, sources, strict=True) if key in a.answers]
        merged[key] = combine(key, given, index.get(key))

    notes: dict[str, str] = {}
    for label, (_, answers) in zip(labels, sources, strict=True):
        for key, said in answers.notes.items():
            notes[key] = f"{notes[key]}\n{label}: {said}" if key in notes else f"{label}: {said}"
    first = sources[0][1]
    return Answers(
        questionnaire=first.questionnaire,
        questionnaire_version=first.questionnaire_version,
        language=first.language,
        assessment=_merged_record([a.assessment for _, a in sources]),
        enterprise=enterprise,
        respondents=respondents,
        answers=merged,
        notes=notes,
        disagreements=[*(d for _, a in sources for d in a.disagreements), *disagreements],
    )


def _merged_record(records: list[AssessmentRecord]) -> AssessmentRecord:
    """The visit is complete when the last respondent answered: the latest date; every assessor;
    the first of the other fields that is filled in."""
    dates = [r.date for r in records if r.date]
    assessors = list(dict.fromkeys(r.assessor.strip() for r in records if r.assessor.strip()))
    fields: dict[str, Any] = {
        name: next((getattr(r, name) for r in records if getattr(r, name)), "")
        for name in ("engagement", "enterprise_id", "park", "contact")
    }
    return AssessmentRecord(date=max(dates) if dates else None, assessor=" / ".join(assessors)[:200], **fields)


def _pick(values: list[AnswerValue], question: Question | None, rule: Rule) -> tuple[AnswerValue, FlagReason | None]:
    """The answer to keep, and why it is flagged for the facilitator (None: the rule settles it)."""
    known = [v for v in values if v not in (UNKNOWN, NOT_APPLICABLE)]
    if NOT_APPLICABLE in values and known:
        reason: FlagReason | None = "not_applicable"
    elif UNKNOWN in values and known:
        reason = "unknown"
    else:
        reason = None
    numbers = [v for v in known if isinstance(v, int | float) and not isinstance(v, bool)]
    several = len(set(numbers)) > 1 and len(numbers) == len(known)
    if question is not None and question.bands and several and len({answer_points(question, v) for v in numbers}) == 1:
        reason = reason or "same_band"  # the points cannot choose between these figures
    if rule == "first" or question is None or not question.weight:
        return values[0], reason  # unscored answers (decision inputs) have no "more conservative" side
    if rule == "conservative" and UNKNOWN in values:
        return UNKNOWN, reason  # "don't know" counts as insufficient: the most cautious answer
    candidates = known or values
    worth = [answer_points(question, v) or 0.0 for v in candidates]
    best = min(worth) if rule == "conservative" else max(worth)
    tied = list(dict.fromkeys(v for v, w in zip(candidates, worth, strict=True) if w == best))
    numbers = [v for v in tied if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(tied) > 1 and len(numbers) == len(tied):
        # One band, several figures: the points cannot choose. The less favourable figure is the
        # lower one where more earns more (labelled examples), else the higher one.
        lower_is_cautious = _more_is_better(question)
        cautious = min(numbers) if lower_is_cautious else max(numbers)
        favourable = max(numbers) if lower_is_cautious else min(numbers)
        return (cautious if rule == "conservative" else favourable), reason or "same_band"
    return tied[0], reason


def _more_is_better(question: Question) -> bool:
    """Whether a figure earns more points as it grows (its top band is worth more than its bottom)."""
    bands = sorted(question.bands, key=lambda b: b.min)
    return not bands or bands[-1].points >= bands[0].points


def _check_same_enterprise(sources: list[tuple[str, Answers]]) -> None:
    issues = []
    first_file, first = sources[0]
    lang = first.lang
    first_name = first.enterprise.get("name")
    first_id = first.assessment.enterprise_id.strip()
    for name, answers in sources[1:]:
        if (answers.questionnaire, answers.questionnaire_version) != (first.questionnaire, first.questionnaire_version):
            issues.append(
                Issue(
                    name,
                    text(
                        lang,
                        "respondents.other_version",
                        version=answers.questionnaire_version,
                        first=first_file,
                        first_version=first.questionnaire_version,
                    ),
                )
            )
        other_name = answers.enterprise.get("name")
        other_id = answers.assessment.enterprise_id.strip()
        one_id = bool(first_id) and other_id.casefold() == first_id.casefold()  # then a name may be shortened
        if first_name and other_name and not one_id and not same_name(first_name, other_name):
            issues.append(
                Issue(
                    name,
                    text(lang, "respondents.other_name", name=other_name, first=first_file, first_name=first_name),
                )
            )
        if first_id and other_id and not one_id:
            issues.append(
                Issue(name, text(lang, "respondents.other_id", id=other_id, first=first_file, first_id=first_id))
            )
    if issues:
        raise AnswersError(issues, lang)
