"""ReportContext: the one object report templates see. Everything is computed here; templates format.

Fields are plain data (strings, numbers, lists), already in the report's language, so a template
never looks anything up. Untrusted text (names, notes) stays plain here and is escaped by Jinja2.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import BaseModel, ConfigDict

from .. import __version__
from ..assess import PRIORITY_TEXT
from ..catalogue import text as catalogue_text
from ..languages import file_tag
from ..model import (
    NOT_APPLICABLE,
    PROFILE_STEP,
    UNKNOWN,
    Answers,
    AnswerValue,
    Assessment,
    Content,
    Question,
    ScenarioFit,
    leaves,
)
from ..respondents import reason_text
from . import money, wording
from .brief import BriefView, build_brief, change_text
from .labels import LABELS
from .money import MoneyView
from .peers import BenchmarkView, Peer, benchmark_view

TOP_ACTIONS = 4  # what fits on the one-page summary beside the decisions
TOP_SCENARIOS = 8
OWN_INDUSTRY = 3  # of those, at least this many of the enterprise's own industry, where it has them
SHOWN_PER_LIST = 4  # strengths and gaps per step
CURRENT_STATE_LINES = 12  # what the answers showed, per step
KEY_REASONS = 2  # the decisive reasons shown under each decision on the summary page
_WHY_PREFIX = re.compile(r"^(Why this matters|为什么问|为什么重要)\s*[:：]\s*")
_SENTENCE = re.compile(r"(?<=[.。!！?？])\s*")


class Plain(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Brand(Plain):
    """Consultant branding, in the report's language; defaults describe an unbranded report."""

    firm: str = ""
    logo_data_uri: str = ""  # a data: URI, so the renderer fetches nothing
    primary_colour: str = "#1f4e79"
    contact: str = ""
    disclaimer: str = ""
    author: str = ""  # the consultant who signs the report
    commentary: str = ""  # the consultant's own commentary, Markdown (rendered escaped)


class Parts(Plain):
    """Which parts of the report to render."""

    summary_only: bool = False  # the cover and the executive brief
    technical: bool = False  # the technical appendix: rules, other choices' conditions, question ids
    draft: bool = False  # marked DRAFT on every page


class AnswerLine(Plain):
    question_id: str
    question: str
    short: str  # what is asked, as a noun phrase (the question itself where none is given)
    answer: str
    points: float | None  # 0-1, None when not scored
    weight: float
    note: str = ""


class GapView(Plain):
    """A weak answer as a finding: what was said, why it matters, which actions close it."""

    short: str
    answer: str
    consequence: str
    fixes: list[str]  # "number. title (phase)" of the roadmap actions it triggered


class StepView(Plain):
    id: str
    number: int
    title: str
    short_title: str  # the part before the colon, for chart labels
    intro: str
    score: float
    level: int
    level_name: str
    level_text: str  # what this step typically looks like at the reached level (a definition)
    next_level_name: str  # empty at level 5
    next_level_score: float | None
    next_level_text: str
    confidence: float
    answered: int
    total: int
    capped_by: list[str]
    current_state: list[AnswerLine]  # what this enterprise's answers said, in questionnaire order
    strengths: list[AnswerLine]
    gaps: list[GapView]


class ReasonView(Plain):
    text: str
    factor: str
    value: str
    met: bool  # false: a reason the higher choice was not made
    question_ids: list[str]  # for the technical appendix only
    evidence: list[tuple[str, str]]  # (what was asked, this enterprise's answer) behind the reason


class StageView(Plain):
    label: str
    status: str  # done | current | next | later
    status_label: str
    when: list[str]


class DecisionView(Plain):
    id: str
    title: str
    choice: str
    label: str
    summary: str
    runner_up: str
    runner_up_label: str
    reasons: list[ReasonView]
    key_reasons: list[str]  # the decisive ones, for the summary page
    would_change_if: list[str]  # every single change that alters it, else the nearest change
    flips: list[str]  # the single changes only (the technical appendix)
    path: list[StageView]
    next_step: str


class ActionView(Plain):
    id: str
    number: int
    step_title: str
    phase: int
    title: str
    description: str
    effort: str  # S, M or L (the timeline's bar length)
    effort_label: str  # the same in words: small, medium, large
    impact: int
    impact_label: str  # 1-3 in words: moderate, high, very high
    depends_on: list[str]  # numbers and titles of prerequisite actions
    depends_on_numbers: list[int]  # the same prerequisites by number, for the timeline
    support: str
    cost: str = ""  # indicative cost for this enterprise's size, worded
    cost_range: tuple[float, float] = (0.0, 0.0)  # the same in 10,000 CNY, for the charts


class PriorityView(Plain):
    """The priority use case the advice is built around."""

    title: str  # the catalogue scenario's title; empty when none was chosen
    words: str  # the respondent's own description
    nearest: list[str]  # when none was chosen: the closest catalogue entries


class PhaseView(Plain):
    number: int
    label: str
    actions: list[ActionView]


class AppendixStep(Plain):
    title: str
    lines: list[AnswerLine]


class ScenarioView(Plain):
    id: str
    title: str
    description: str
    stage: str  # value-chain stage, worded
    fit: str  # ready_now | after_phase_1 | after_phase_2 | not_yet
    fit_label: str
    industry_specific: bool
    value: str
    data_needs: str
    technique: str  # the scenario's typical technique
    start_with: str  # how this enterprise should start it, and where it runs
    priority: bool  # the enterprise's priority use case
    blockers: list[str]  # "need — closed by: action numbers and titles"
    cost: str = ""  # indicative cost of a first deployment for this enterprise's size
    gain: str = ""  # indicative improvement of its main indicator


class DisagreementView(Plain):
    """Respondents answered a question differently; `kept` is what the merged file uses."""

    question: str
    kept: str
    said: list[tuple[str, str]]  # (respondent, their answer)
    to_confirm: str = ""  # why the kept answer is to be confirmed with the enterprise ("" when settled)


class ReportContext(Plain):
    lang: str  # "en" or "zh"
    html_lang: str  # "en" or "zh-CN"
    t: dict[str, str]  # fixed wording (labels.py)
    title: str
    enterprise: str
    industry: str
    profile: list[tuple[str, str]]  # profile questions and answers, for the cover
    date: str  # the assessment's date; the report date when the answers record none
    dated: bool  # the answers record the assessment date
    report_date: str
    assessor: str
    engagement: str
    park: str
    respondents: list[tuple[str, str]]  # (name, role)
    disagreements: list[DisagreementView]
    version: str
    brand: Brand
    overall_score: float
    overall_level: int
    overall_level_name: str
    overall_level_text: str
    overall_confidence: float
    overall_capped_by: list[str]
    yardsticks: list[tuple[str, str]]  # (yardstick, this enterprise's estimate or its own reported result)
    levels: list[tuple[int, str, float]]  # (level, name, min score), for scales and charts
    level_descriptions: list[str]  # what each level means, in the order of `levels`
    steps: list[StepView]
    model_strategy: DecisionView
    deployment: DecisionView
    priority: PriorityView
    top_actions: list[ActionView]
    scenarios: list[ScenarioView]  # the most relevant ones, best fit first
    scenario_counts: list[tuple[str, str, int]]  # (fit, label, how many), every fit class
    phases: list[PhaseView]
    later: list[ActionView]  # triggered, but beyond what the enterprise can carry in 24 months
    appendix: list[AppendixStep]
    warnings: list[str]
    brief: BriefView
    parts: Parts
    benchmark: BenchmarkView | None = None  # peers.py: national figures and the portfolio cohort
    money: MoneyView | None = None  # money.py: phase budget, quick wins, cost bases


def answer_text(question: Question, raw: AnswerValue | None, lang: str) -> str:
    """An answer as a reader would say it."""
    t = LABELS[lang]
    if raw is None:
        return t["not_answered"]
    if raw == UNKNOWN:
        return t["unknown_answer"]
    if raw == NOT_APPLICABLE:
        return t["not_applicable"]
    if question.type == "single":
        option = question.option(str(raw))
        return option.label.get(lang) if option else str(raw)
    if question.type == "multi":
        # "；" in Chinese: the option labels themselves hold "、" (ERP：订单、采购、库存).
        chosen = [o.label.get(lang) for o in question.options if isinstance(raw, list) and o.id in raw]
        return t["list_sep"].join(chosen) or t["none"]
    if question.type == "yes_no":
        return t["yes"] if raw else t["no"]
    if question.type in ("number", "percent"):
        number = f"{raw:,.0f}" if float(raw) == int(raw) else f"{raw:,.1f}"  # type: ignore[arg-type]
        unit = "%" if question.type == "percent" else t["unit_sep"] + question.unit.get(lang) if question.unit else ""
        return number + unit
    return str(raw)


def help_text(question: Question, lang: str, more: bool = False) -> str:
    """The question's help without its own "Why this matters:" (the label is shown beside it)."""
    text = _WHY_PREFIX.sub("", ((question.more_help or question.help) if more else question.help).get(lang).strip())
    return text[:1].upper() + text[1:]


def consequence(question: Question, lang: str) -> str:
    """Why an answer matters: the first sentence of the question's help."""
    return _SENTENCE.split(help_text(question, lang), maxsplit=1)[0]


def short_title(title: str) -> str:
    """ "Data: mechanism and experience libraries" -> "Data"; "数据：机理库与经验库" -> "数据"."""
    return re.split(r"[:：]", title, maxsplit=1)[0].strip() or title


def build_context(
    assessment: Assessment,
    content: Content,
    answers: Answers,
    brand: Brand | None = None,
    today: dt.date | None = None,
    lang: str | None = None,
    parts: Parts | None = None,
    peers: list[Peer] | None = None,
) -> ReportContext:
    """The report in `lang` (default: the answers' language); the assessment is only read, so one
    assessment gives the report in every language."""
    lang = lang or assessment.language
    t = LABELS[lang]
    rubric = content.rubric
    questionnaire = content.questionnaire
    index = questionnaire.question_index()

    def short(qid: str) -> str:
        question = index[qid]
        return wording.question_name(question, lang)

    def line(qid: str, points: float | None = None) -> AnswerLine:
        question = index[qid]
        return AnswerLine(
            question_id=qid,
            question=question.text.get(lang),
            short=short(qid),
            answer=answer_text(question, answers.value(qid), lang),
            points=points,
            weight=question.weight,
            note=answers.notes.get(qid, ""),
        )

    plan = [*assessment.roadmap, *assessment.later]
    size = money.size_of(answers)
    numbers = {item.id: i for i, item in enumerate(plan, start=1)}
    titles = {item.id: wording.action_title(content, item.id, lang) for item in plan}
    phase_labels = {item.id: t[f"phase_{item.phase}"] if item.phase <= 3 else t["phase_later"] for item in plan}
    fixes_for: dict[str, list[str]] = {}  # question -> the planned actions its answer triggered
    for action in rubric.actions:
        if action.id in numbers:
            for leaf in leaves(action.trigger):
                if leaf.kind in ("question", "points"):
                    fixes_for.setdefault(leaf.subject, []).append(
                        t["action_ref"] % (numbers[action.id], titles[action.id], phase_labels[action.id])
                    )

    steps = []
    for number, (step, result) in enumerate(zip(questionnaire.playbook_steps, assessment.steps, strict=True), start=1):
        scored = [q for q in result.questions if q.value is not None and q.weight and q.status == "answered"]
        by_value = sorted(scored, key=lambda q: (-q.value * q.weight, q.id))  # type: ignore[operator]
        strengths = [line(q.id, q.value) for q in by_value if q.value is not None and q.value >= 0.75][:SHOWN_PER_LIST]
        gaps = [
            GapView(
                short=short(q.id),
                answer=answer_text(index[q.id], answers.value(q.id), lang),
                consequence=consequence(index[q.id], lang),
                fixes=sorted(set(fixes_for.get(q.id, [])), key=lambda fix: int(fix.split(".")[0])),
            )
            for q in sorted(result.questions, key=lambda q: (-(q.weight * (1 - (q.value or 0))), q.id))
            if q.weight and q.value is not None and q.value < 0.5 and q.status in ("answered", "unknown")
        ][:SHOWN_PER_LIST]
        current = [
            line(q.id, q.value)
            for q in result.questions
            if q.status in ("answered", "unknown") and index[q.id].type != "text"
        ][:CURRENT_STATE_LINES]
        nxt = rubric.levels[result.level] if result.level < 5 else None
        steps.append(
            StepView(
                id=step.id,
                number=number,
                title=step.title.get(lang),
                short_title=short_title(step.title.get(lang)),
                intro=step.intro.get(lang),
                score=result.score,
                level=result.level,
                level_name=wording.level_name(content, result.level, lang),
                level_text=rubric.step_levels[step.id][result.level].get(lang),
                next_level_name=nxt.name.get(lang) if nxt else "",
                next_level_score=nxt.min_score if nxt else None,
                next_level_text=rubric.step_levels[step.id][nxt.level].get(lang) if nxt else "",
                confidence=result.confidence,
                answered=result.answered,
                total=result.total,
                capped_by=wording.gate_texts(content, result, lang),
                current_state=current,
                strengths=strengths,
                gaps=gaps,
            )
        )

    step_titles = {s.id: s.title.get(lang) for s in questionnaire.steps}
    actions = [
        ActionView(
            id=item.id,
            number=numbers[item.id],
            step_title=step_titles[item.step],
            phase=item.phase,
            title=titles[item.id],
            description=wording.action_description(content, item.id, lang),
            effort=item.effort,
            effort_label=t[f"effort_{item.effort}"],
            impact=item.impact,
            impact_label=t[f"impact_{item.impact}"],
            depends_on=[f"{numbers[d]}. {titles[d]}" for d in item.depends_on],
            depends_on_numbers=[numbers[d] for d in item.depends_on],
            support=wording.action_support(content, item.id, lang) or "",
            cost=money.cost_text(rubric.action_index[item.id].cost, size, lang),
            cost_range=cost.for_size(size) if (cost := rubric.action_index[item.id].cost) else (0.0, 0.0),
        )
        for item in plan
    ]
    scheduled = [a for a in actions if a.phase <= 3]
    top = scheduled[:TOP_ACTIONS]  # the roadmap is already ranked: the strategy's own work first

    profile_step = questionnaire.steps[0]
    profile = [
        (q.text.get(lang), answer_text(q, answers.value(q.id), lang))
        for q in profile_step.questions
        if answers.value(q.id) is not None and q.id != f"{PROFILE_STEP}.name"
    ]
    appendix = [
        AppendixStep(
            title=step.title.get(lang),
            lines=[line(q.id) for q in step.questions if answers.value(q.id) is not None or q.id in answers.notes],
        )
        for step in questionnaire.steps
    ]
    stages = {o.id: o.label.get(lang) for o in index[f"{PROFILE_STEP}.value_chain_stages"].options}
    priority = PriorityView(
        title=wording.scenario_title(content, assessment.priority_scenario, lang)
        if assessment.priority_scenario
        else "",
        words=str(answers.value(PRIORITY_TEXT) or "").strip(),
        nearest=[wording.scenario_title(content, sid, lang) for sid in assessment.nearest_scenarios],
    )
    scenarios = [
        ScenarioView(
            id=s.id,
            title=wording.scenario_title(content, s.id, lang),
            description=wording.scenario_description(content, s.id, lang),
            stage=stages.get(s.stage, s.stage),
            fit=s.fit,
            fit_label=t[f"fit_{s.fit}"],
            industry_specific=s.industry_specific,
            value=wording.scenario_value(content, s.id, lang),
            data_needs=wording.scenario_data_needs(content, s.id, lang),
            technique=t["approach_" + s.approach],
            start_with=f"{t['start_' + s.approach_now]} · {t['deployment_' + s.deployment]}",
            priority=s.id == assessment.priority_scenario,
            blockers=[
                wording.blocker_text(content, b, lang)
                + (
                    t["dash"]
                    + t["closed_by"]
                    + t["colon"]
                    + t["list_sep"].join(f"{numbers[a]}. {titles[a]}" for a in b.actions)
                    if b.actions
                    else ""
                )
                for b in s.blocked_by
            ],
            cost=money.cost_text(rubric.scenario_index[s.id].cost, size, lang),
            gain=money.gain_text(rubric.scenario_index[s.id].gain, content, lang),
        )
        for s in shown_scenarios(assessment)
    ]
    fits = [s.fit for s in assessment.scenarios]
    industry_q = index.get(f"{PROFILE_STEP}.industry")
    overall = assessment.overall
    return ReportContext(
        lang=lang,
        html_lang=file_tag(lang),
        t=t,
        title=questionnaire.title.get(lang),
        enterprise=str(answers.enterprise.get("name", "")),
        industry=answer_text(industry_q, answers.enterprise.get("industry"), lang) if industry_q else "",
        profile=profile,
        date=(answers.assessment.date or today or dt.date.today()).isoformat(),
        dated=answers.assessment.date is not None,
        report_date=(today or dt.date.today()).isoformat(),
        assessor=answers.assessment.assessor,
        engagement=answers.assessment.engagement,
        park=answers.assessment.park,
        respondents=[(r.name, r.role) for r in answers.respondents],
        disagreements=[
            DisagreementView(
                question=index[d.question].text.get(lang),
                kept=answer_text(index[d.question], d.kept, lang),
                said=[(who, answer_text(index[d.question], value, lang)) for who, value in d.answers.items()],
                to_confirm=catalogue_text(lang, "respondents.to_confirm", why=reason_text(d, lang))
                if d.flagged
                else "",
            )
            for d in answers.disagreements
            if d.question in index
        ],
        version=__version__,
        brand=brand or Brand(),
        overall_score=overall.score,
        overall_level=overall.level,
        overall_level_name=wording.level_name(content, overall.level, lang),
        overall_level_text=rubric.levels[overall.level - 1].description.get(lang),
        overall_confidence=overall.confidence,
        overall_capped_by=wording.gate_texts(content, overall, lang),
        yardsticks=_yardsticks(assessment, content, answers, t, lang),
        levels=[(lvl.level, lvl.name.get(lang), lvl.min_score) for lvl in rubric.levels],
        level_descriptions=[lvl.description.get(lang) for lvl in rubric.levels],
        steps=steps,
        model_strategy=_decision_view("model_strategy", assessment, content, answers, t, lang),
        deployment=_decision_view("deployment", assessment, content, answers, t, lang),
        priority=priority,
        top_actions=top,
        scenarios=scenarios,
        scenario_counts=[
            (f, t[f"fit_{f}"], fits.count(f)) for f in ("ready_now", "after_phase_1", "after_phase_2", "not_yet")
        ],
        phases=[
            PhaseView(number=p, label=t[f"phase_{p}"], actions=[a for a in scheduled if a.phase == p])
            for p in (1, 2, 3)
        ],
        later=[a for a in actions if a.phase > 3],
        appendix=[a for a in appendix if a.lines],
        warnings=wording.warning_texts(content, assessment, lang),
        brief=build_brief(assessment, content, answers, lang, steps, scheduled),
        parts=parts or Parts(),
        benchmark=benchmark_view(assessment, content, answers, lang, peers),
        money=money.money_view(content, answers, plan, numbers, titles, {n: t[f"impact_{n}"] for n in (1, 2, 3)}, lang),
    )


def shown_scenarios(assessment: Assessment) -> list[ScenarioFit]:
    """The scenarios the report shows: the priority use case first, then the best fit, always with
    a few of the enterprise's own industry among them (a machine-tool client expects machine-tool
    scenarios even when they are not within reach yet)."""
    ranked = sorted(assessment.scenarios, key=lambda s: s.id != assessment.priority_scenario)
    shown = ranked[:TOP_SCENARIOS]
    own = [s for s in ranked if s.industry_specific and s not in shown][: max(0, OWN_INDUSTRY - _own(shown))]
    if own:
        general = [s for s in shown if not s.industry_specific and s.id != assessment.priority_scenario]
        dropped = {s.id for s in general[len(general) - len(own) :]}
        shown = [s for s in shown if s.id not in dropped] + own
    return shown


def _own(scenarios: list[ScenarioFit]) -> int:
    return sum(1 for s in scenarios if s.industry_specific)


def _decision_view(
    decision_id: str, assessment: Assessment, content: Content, answers: Answers, t: dict[str, str], lang: str
) -> DecisionView:
    result = assessment.decisions[decision_id]
    decision = content.rubric.decision_index[decision_id]
    index = content.questionnaire.question_index()

    def evidence(questions: list[str]) -> list[tuple[str, str]]:
        shown = [(index[q], answers.value(q)) for q in questions if q in index]
        return [(wording.question_name(q, lang), answer_text(q, raw, lang)) for q, raw in shown if raw is not None]

    choices = {c.id: c for c in decision.choices}
    chosen = choices[result.choice]
    return DecisionView(
        id=decision.id,
        title=decision.title.get(lang),
        choice=result.choice,
        label=chosen.label.get(lang),
        summary=chosen.summary.get(lang).strip(),
        runner_up=result.runner_up,
        runner_up_label=choices[result.runner_up].label.get(lang),
        reasons=[
            ReasonView(
                text=wording.reason_text(content, r, lang),
                factor=wording.factor_label(content, r.factor, lang),
                value=wording.value_label(content, r.factor, r.value, lang),
                met=r.met,
                evidence=evidence(r.questions),
                question_ids=r.questions,
            )
            for r in result.reasons
        ],
        key_reasons=[wording.reason_text(content, r, lang) for r in result.reasons if r.met][:KEY_REASONS],
        would_change_if=[wording.flip_text(content, decision_id, f, lang) for f in result.would_change_if]
        or [change_text(content, decision_id, [], result.nearest_change, lang)],
        flips=[wording.flip_text(content, decision_id, f, lang) for f in result.would_change_if],
        path=[
            StageView(
                label=choices[s.choice].label.get(lang),
                status=s.status,
                status_label=t[f"stage_{s.status}"],
                when=[wording.requirement_text(content, ref, lang) for ref in s.when],
            )
            for s in result.path
        ],
        next_step=chosen.next_step.get(lang) if chosen.next_step else "",
    )


def _yardsticks(
    assessment: Assessment, content: Content, answers: Answers, t: dict[str, str], lang: str
) -> list[tuple[str, str]]:
    """The result beside the yardsticks officials use first: estimates, labelled as such, and the
    official result the enterprise reported."""
    index = content.questionnaire.question_index()
    found = [(t["yardstick_gbt"], t["estimate"] % wording.level_name(content, assessment.overall.level, lang))]
    if assessment.sme_level_estimate is not None:
        level = assessment.sme_level_estimate
        shown = t["estimate_below"] if level == 0 else t["estimate"] % (t["sme_level_n"] % t[f"number_{level}"])
        found.append((t["yardstick_sme"], shown))
    reported = f"{PROFILE_STEP}.sme_digital_level"
    if reported in index and answers.value(reported) not in (None, "not_evaluated"):
        found.append((t["yardstick_sme_reported"], answer_text(index[reported], answers.value(reported), lang)))
    return found
