"""Progress (readiness.compare) -> ProgressContext: the progress report in one language, ready to render.

Like context.py for the report: every word is chosen here (from the content and the catalogue's
`progress.*` and `report.*` keys), so the template, the Markdown and the terminal only format.
Questions are named in words, never by id.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ..catalogue import namespace
from ..compare import ActionChange, Evidence, Progress, Snapshot
from ..languages import file_tag
from ..model import Content, Frozen
from . import charts, wording
from .context import Brand, answer_text, short_title
from .labels import LABELS

SCHEMA = "readiness.progress/1"
REASON_KEYS = {
    "improved": "reason_improved",
    "level_up": "reason_level_up",
    "moved_on": "reason_moved_on",
    "hidden": "reason_hidden",
    "not_applicable": "reason_not_applicable",
    "unanswered": "reason_unanswered",
    "unknown": "reason_unknown",
    "was_unknown": "reason_was_unknown",
    "profile": "reason_profile",
    "changed": "reason_changed",
    "decision_changed": "reason_decision_changed",
    "worse": "reason_worse",
    "was_unanswered": "reason_was_unanswered",
    "was_hidden": "reason_was_hidden",
    "level_down": "reason_level_down",
}
DIRECTION_KEYS = {"better": "direction_better", "worse": "direction_worse", "changed": "direction_changed"}


class SnapshotView(Frozen):
    file: str
    date: str  # ISO date, or the words for "not recorded"
    dated: bool
    assessor: str
    engagement: str
    respondents: str
    questionnaire_version: int
    score: float
    level: int
    level_name: str


class StepProgressView(Frozen):
    id: str
    number: int  # 0 for the whole enterprise
    title: str
    short_title: str
    scores: list[float]  # one per assessment, in date order
    levels: list[int]
    level_names: list[str]
    change: float  # latest minus first

    @property
    def first(self) -> float:
        return self.scores[0]

    @property
    def latest(self) -> float:
        return self.scores[-1]


class DecisionProgressView(Frozen):
    id: str
    title: str
    before: str
    after: str
    changed: bool
    summary: str  # what the current choice means
    why: list[str]  # when it changed: the reasons behind the new choice
    target: str  # the next stage or the runner-up, worded; empty at the last stage
    target_heading: str  # "What stands between you and fine-tuning"
    still_open: list[str]
    met_since: list[str]
    would_change_if: list[str]


class ActionChangeView(Frozen):
    id: str
    title: str
    step_title: str
    reason: str
    evidence: list[str]


class AnswerChangeView(Frozen):
    step_title: str
    question: str
    before: str
    after: str
    direction: str  # better | worse | changed
    direction_label: str


class ProgressContext(Frozen):
    lang: str
    html_lang: str
    t: dict[str, str]  # report.* wording
    w: dict[str, str]  # progress.* wording
    enterprise: str
    industry: str
    brand: Brand
    snapshots: list[SnapshotView]
    period: str  # "first date → latest date"
    order_note: str  # how the assessments were put in order
    notes: list[str]  # what the reader must know before trusting the comparison
    overall: StepProgressView
    steps: list[StepProgressView]
    levels: list[tuple[int, str, float]]
    decisions: list[DecisionProgressView]
    done: list[ActionChangeView]
    no_longer_triggered: list[ActionChangeView]
    new: list[ActionChangeView]
    still_open: int
    answers_changed: list[AnswerChangeView]
    headline: str
    not_compared: list[str]  # ids of earlier answers today's questionnaire no longer asks (for tools, not shown)


def build_progress_context(
    progress: Progress,
    content: Content,
    lang: str,
    brand: Brand | None = None,
    *,
    not_compared: Collection[str] = (),
    forced: str = "",
) -> ProgressContext:
    """`not_compared`: answers of an older questionnaire version left out; `forced`: the mismatch
    overridden with --force, worded, or empty."""
    t, w = LABELS[lang], dict(namespace(lang, "progress"))
    index = content.questionnaire.question_index()
    first, latest = progress.snapshots[0], progress.snapshots[-1]
    steps = [
        _step(content, progress.snapshots, i, step.id, lang)
        for i, step in enumerate(content.questionnaire.playbook_steps, 1)
    ]
    overall = _step(content, progress.snapshots, 0, "overall", lang)
    step_titles = {s.id: s.title.get(lang) for s in content.questionnaire.steps}

    def evidence(item: Evidence) -> str:
        if item.kind == "question":
            question = index[item.subject]
            name = wording.question_name(question, lang)
            before, after = (answer_text(question, v, lang) for v in (item.before, item.after))
        elif item.kind == "level":
            name = t["overall"] if item.subject == "overall" else short_title(step_titles[item.subject])
            before, after = (
                t["level_short"] % (v, wording.level_name(content, int(str(v)), lang))
                for v in (item.before, item.after)
            )
        else:
            name = content.rubric.decision_index[item.subject].title.get(lang)
            before, after = (
                wording.choice_label(content, item.subject, str(v), lang) for v in (item.before, item.after)
            )
        return w["evidence"].format(name=name, before=before, after=after)

    def action(change: ActionChange) -> ActionChangeView:
        found = content.rubric.action_index[change.action]
        return ActionChangeView(
            id=change.action,
            title=wording.action_title(content, change.action, lang),
            step_title=short_title(step_titles[found.step]),
            reason=w[REASON_KEYS[change.reason]],
            evidence=[evidence(e) for e in change.evidence],
        )

    snapshots = [_snapshot(content, s, lang, w) for s in progress.snapshots]
    notes = []
    if forced:
        notes.append(forced)
    versions = sorted({s.answers.questionnaire_version for s in progress.snapshots})
    if len(versions) > 1 or not_compared:
        notes.append(w["note_versions"].format(count=len(not_compared), version=content.questionnaire.version))
    undated = [s.file for s in snapshots if not s.dated]
    if undated:
        notes.append(w["note_undated"].format(files=t["list_sep"].join(undated)))
    level_move = (
        w["headline_level"].format(before=overall.level_names[0], after=overall.level_names[-1])
        if overall.levels[0] != overall.levels[-1]
        else w["headline_same_level"].format(level=overall.level_names[-1])
    )
    return ProgressContext(
        lang=lang,
        html_lang=file_tag(lang),
        t=t,
        w=w,
        enterprise=str(latest.answers.enterprise.get("name", "")),
        industry=_industry(content, latest, lang),
        brand=brand or Brand(),
        snapshots=snapshots,
        period=w["period"].format(first=snapshots[0].date, latest=snapshots[-1].date),
        order_note=w["ordered_by_date" if progress.ordered_by_date else "ordered_as_given"],
        notes=notes,
        overall=overall,
        steps=steps,
        levels=[(lvl.level, lvl.name.get(lang), lvl.min_score) for lvl in content.rubric.levels],
        decisions=[_decision(content, d, lang, w, first, latest) for d in progress.decisions],
        done=[action(c) for c in progress.done],
        no_longer_triggered=[action(c) for c in progress.no_longer_triggered],
        new=[action(c) for c in progress.new],
        still_open=len(progress.still_open),
        answers_changed=[
            AnswerChangeView(
                step_title=short_title(step_titles[c.question.split(".", 1)[0]])
                if c.question.split(".", 1)[0] in step_titles
                else "",
                question=wording.question_name(index[c.question], lang),
                before=answer_text(index[c.question], c.before, lang),
                after=answer_text(index[c.question], c.after, lang),
                direction=c.direction,
                direction_label=w[DIRECTION_KEYS[c.direction]],
            )
            for c in progress.answers_changed
        ],
        not_compared=sorted(not_compared),
        headline=w["headline"].format(
            before=overall.first, after=overall.latest, change=overall.change, levels=level_move
        ),
    )


def _industry(content: Content, snapshot: Snapshot, lang: str) -> str:
    question = content.questionnaire.question_index().get("profile.industry")
    raw = snapshot.answers.enterprise.get("industry")
    return answer_text(question, raw, lang) if question and raw else ""


def _snapshot(content: Content, snapshot: Snapshot, lang: str, w: dict[str, str]) -> SnapshotView:
    record, result = snapshot.answers.assessment, snapshot.assessment
    sep = LABELS[lang]["list_sep"]
    return SnapshotView(
        file=snapshot.file,
        date=record.date.isoformat() if record.date else w["no_date"],
        dated=record.date is not None,
        assessor=record.assessor,
        engagement=record.engagement,
        respondents=sep.join(r.name for r in snapshot.answers.respondents),
        questionnaire_version=snapshot.answers.questionnaire_version,
        score=result.overall.score,
        level=result.overall.level,
        level_name=wording.level_name(content, result.overall.level, lang),
    )


def _step(content: Content, snapshots: list[Snapshot], number: int, step_id: str, lang: str) -> StepProgressView:
    results = [
        s.assessment.overall if step_id == "overall" else next(r for r in s.assessment.steps if r.id == step_id)
        for s in snapshots
    ]
    title = LABELS[lang]["overall"] if step_id == "overall" else wording.step_title(content, step_id, lang)
    return StepProgressView(
        id=step_id,
        number=number,
        title=title,
        short_title=short_title(title),
        scores=[r.score for r in results],
        levels=[r.level for r in results],
        level_names=[wording.level_name(content, r.level, lang) for r in results],
        change=round(results[-1].score - results[0].score, 1),
    )


def _decision(
    content: Content, progress: Any, lang: str, w: dict[str, str], first: Snapshot, latest: Snapshot
) -> DecisionProgressView:
    decision = content.rubric.decision_index[progress.decision]
    result = latest.assessment.decisions[progress.decision]
    label = {c.id: c.label.get(lang) for c in decision.choices}
    changed = progress.before != progress.after
    target = label[progress.target] if progress.target else ""
    if not progress.target:
        heading = w["at_last_stage"]
    elif decision.stages:
        heading = w["between_next_stage"].format(choice=target)
    else:
        heading = w["between_runner_up"].format(choice=target)
    return DecisionProgressView(
        id=decision.id,
        title=decision.title.get(lang),
        before=label[progress.before],
        after=label[progress.after],
        changed=changed,
        summary=content.rubric.choice_index[(decision.id, progress.after)].summary.get(lang).strip(),
        why=[wording.reason_text(content, r, lang) for r in result.reasons if r.met] if changed else [],
        target=target,
        target_heading=heading,
        still_open=[wording.requirement_text(content, ref, lang) for ref in progress.still_open],
        met_since=[wording.requirement_text(content, ref, lang) for ref in progress.met_since],
        would_change_if=[wording.flip_text(content, decision.id, f, lang) for f in result.would_change_if],
    )


def progress_json(ctx: ProgressContext) -> dict[str, Any]:
    """The progress as data for other tools: the context without its wording tables and brand."""
    data = ctx.model_dump(exclude={"t", "w", "brand", "html_lang"})
    return {"schema": SCHEMA, **data}


def template_variables(ctx: ProgressContext) -> dict[str, Any]:
    """What compare.html sees: the context's fields, its charts and the style values."""
    from markupsafe import Markup

    from .html import style_variables

    variables: dict[str, Any] = {name: getattr(ctx, name) for name in type(ctx).model_fields}
    style = style_variables(ctx.brand.primary_colour, ctx.lang)
    accent = style["accent"]
    first, latest = ctx.snapshots[0], ctx.snapshots[-1]
    changes = [charts.Change(f"{s.number} {s.short_title}", s.first, s.latest) for s in ctx.steps]
    legend = (f"{ctx.w['first']} {first.date}", f"{ctx.w['latest']} {latest.date}")
    variables["style"] = style
    variables["charts"] = {
        "radar": Markup(charts.radar_before_after(changes, ctx.levels, ctx.lang, accent, legend, ctx.w["radar_title"])),
        "changes": Markup(charts.step_changes(changes, ctx.levels, ctx.lang, accent, ctx.w["step_changes_title"])),
        "trend": Markup(
            charts.trend(
                [charts.Series(ctx.overall.short_title, tuple(ctx.overall.scores))]
                + [charts.Series(f"{s.number} {s.short_title}", tuple(s.scores)) for s in ctx.steps],
                [s.date if s.dated else "" for s in ctx.snapshots],
                ctx.levels,
                ctx.lang,
                accent,
                ctx.w["trend_chart"],
            )
        ),
    }
    return variables
