"""ReportContext -> the report as Markdown (`--format md`): the same sections as the PDF, as plain text.

User text (names, notes, answers) is escaped so that a Markdown viewer shows it as typed: no HTML
tags, links or table breaks can come through from an answers file. Separators come from labels.py
(：，；（） in Chinese), and a label's colon stays outside its bold: CommonMark does not close
`**对应行动：**` before a Chinese character.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from .context import ActionView, AnswerLine, DecisionView, ReportContext, StepView

if TYPE_CHECKING:
    from .progress import ProgressContext

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!])")


def esc(text: str) -> str:
    """Backslash-escape Markdown syntax and keep a cell on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _table(header: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    aligns = align or "l" * len(header)
    rule = ["---:" if a == "r" else "---" for a in aligns]
    return [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join(rule) + " |",
        *("| " + " | ".join(row) + " |" for row in rows),
        "",
    ]


def render_markdown(ctx: ReportContext) -> str:
    if ctx.parts.summary_only:  # the cover and the executive brief
        return "\n".join(_cover(ctx) + _summary(ctx, scorecard=False)).rstrip() + "\n"
    lines = _cover(ctx) + _summary(ctx)
    for step in ctx.steps:
        lines += _step(step, ctx.t)
    t = ctx.t
    lines += [f"## {esc(t['decisions'])}", "", esc(ctx.brief.words["decisions_intro"]), ""]
    for decision in (ctx.model_strategy, ctx.deployment):
        lines += _decision(decision, t)
    lines += _scenarios(ctx)
    lines += [f"## {esc(t['roadmap'])}", "", esc(t["roadmap_intro"]), ""]
    for phase in ctx.phases:
        lines += [f"### {esc(t['phase_n'] % phase.number)} · {esc(phase.label)}", ""]
        lines += [line for action in phase.actions for line in _action(action, t)] or [esc(t["no_actions"]), ""]
    if ctx.later:
        lines += [f"### {esc(t['later'])}", "", esc(t["later_intro"]), ""]
        lines += [f"- {a.number}. {esc(a.title)}" for a in ctx.later] + [""]
    lines += _appendix(ctx)
    return "\n".join(lines).rstrip() + "\n"


def _scenarios(ctx: ReportContext) -> list[str]:
    t = ctx.t
    lines = [f"## {esc(t['scenarios'])}", "", esc(t["scenarios_intro"]), ""]
    if not ctx.scenarios:
        return [*lines, esc(t["no_scenarios"]), ""]
    colon = t["colon"]
    lines += [" · ".join(f"{esc(label)}{colon}{count}" for _, label, count in ctx.scenario_counts), ""]
    for s in ctx.scenarios:
        badge = f" · {esc(t['priority_badge'])}" if s.priority else ""
        lines += [f"### {esc(s.title)}{t['paren_open']}{esc(s.fit_label)}{badge}{t['paren_close']}", ""]
        tag = f" · {esc(t['industry_specific'])}" if s.industry_specific else ""
        lines += [f"*{esc(s.stage)}{tag} · {esc(t['technique'])}{colon}{esc(s.technique)}*", ""]
        lines += [f"**{esc(t['start_with'])}**{colon}{esc(s.start_with)}", ""]
        lines += [esc(s.description), "", f"**{esc(t['scenario_value'])}**{colon}{esc(s.value)}", ""]
        lines += [f"**{esc(t['scenario_data'])}**{colon}{esc(s.data_needs)}", ""]
        if s.blockers:
            lines += [f"**{esc(t['blocked_by'])}**{colon}", "", *(f"- {esc(b)}" for b in s.blockers), ""]
    return lines


def _cover(ctx: ReportContext) -> list[str]:
    t = ctx.t
    lines = [f"# {esc(ctx.title)}{t['title_sep']}{esc(ctx.enterprise)}", "", f"*{esc(t['report_subtitle'])}*", ""]
    b = ctx.brief.words
    date = ctx.date if ctx.dated else b["assessment_date_missing"].format(date=ctx.report_date)
    meta = [(t["industry"], ctx.industry), (t["assessment_date"], date), (b["engagement"], ctx.engagement)]
    meta += [(b["park"], ctx.park)]
    meta += [(t["respondents"], t["list_sep"].join(_person(n, r, t) for n, r in ctx.respondents))]
    meta += [(b["assessor"], ctx.assessor), (t["prepared_by"], ctx.brand.firm), (t["contact"], ctx.brand.contact)]
    if ctx.parts.draft:
        lines += [f"**{esc(b['draft'])}**{t['colon']}{esc(b['draft_note'])}", ""]
    return lines + [f"- **{esc(k)}**{t['colon']}{esc(v)}" for k, v in meta if v] + [""]


def _person(name: str, role: str, t: dict[str, str]) -> str:
    """王建国（副总经理）, Li Na (IT)."""
    return f"{name}{t['paren_open']}{role}{t['paren_close']}" if role else name


def _in_brackets(text: str, t: dict[str, str]) -> str:
    return f"{t['paren_open']}{text}{t['paren_close']}"


def _summary(ctx: ReportContext, scorecard: bool = True) -> list[str]:
    t = ctx.t
    colon, space = t["colon"], t["word_sep"]
    lines = [f"## {esc(t['executive_summary'])}", ""]
    lines += [
        f"**{esc(t['overall_maturity'])}**{colon}{esc(t['level_short'] % (ctx.overall_level, ctx.overall_level_name))}"
        f" · {esc(t['score'])}{space}{ctx.overall_score:.1f}/100"
        f" · {esc(t['confidence'])}{space}{ctx.overall_confidence:.0%}",
        "",
        f"*{esc(t['level_disclaimer'])}*",
        "",
        esc(ctx.overall_level_text),
        "",
    ]
    lines += [f"> **{esc(t['capped'])}**{colon}{esc(text)}" for text in ctx.overall_capped_by]
    if ctx.yardsticks:
        lines += [f"**{esc(t['yardsticks'])}**", ""]
        lines += [f"- {esc(name)}{colon}{esc(value)}" for name, value in ctx.yardsticks] + [""]
    priority = ctx.priority
    shown = priority.title or ("" if priority.words else t["priority_none"])
    lines += [f"**{esc(t['priority_use_case'])}**{colon}{esc(shown)}", ""]
    if priority.words:
        lines += [f"{esc(t['priority_words'])}{colon}{esc(priority.words)}", ""]
    if not priority.title and priority.nearest:
        lines += [esc(t["priority_not_in_catalogue"] % t["list_sep"].join(priority.nearest)), ""]
    lines += _brief(ctx)
    if not scorecard:
        return lines
    lines += ["", f"## {esc(t['scorecard'])}", ""]
    return lines + _table(
        [esc(t["step"]), esc(t["score"]), esc(t["level"]), esc(t["confidence"]), esc(t["answered"])],
        [
            [
                f"{s.number}. {esc(s.title)}",
                f"{s.score:.1f}",
                f"{s.level} · {esc(s.level_name)}",
                f"{s.confidence:.0%}",
                f"{s.answered}/{s.total}",
            ]
            for s in ctx.steps
        ],
        "lrlrr",
    )


def _step(step: StepView, t: dict[str, str]) -> list[str]:
    colon, space = t["colon"], t["word_sep"]
    lines = [f"## {esc(t['step_n'] % step.number)} · {esc(step.title)}", ""]
    lines += [
        f"**{esc(t['score'])}**{colon}{step.score:.1f}/100 · "
        f"**{esc(t['level'])}**{colon}{esc(t['level_short'] % (step.level, step.level_name))} · "
        f"**{esc(t['confidence'])}**{colon}{step.confidence:.0%}",
        "",
    ]
    lines += [esc(step.intro), "", f"**{esc(t['what_it_means'])}**{colon}{esc(step.level_text)}", ""]
    if step.next_level_name:
        target = t["to_reach"] % (step.next_level_name, f"{step.next_level_score:g}")
        lines += [f"**{esc(target)}**{colon}{esc(step.next_level_text)}", ""]
    for text in step.capped_by:
        lines += [f"> **{esc(t['capped'])}**{colon}{esc(text)}", ""]
    if step.current_state:
        lines += [f"### {esc(t['current_state'])}", ""]
        lines += _table(["", esc(t["answer"])], [[esc(a.short), esc(a.answer)] for a in step.current_state])
    lines += _answer_list(t["strengths"], step.strengths, t["no_strengths"], colon)
    lines += [f"### {esc(t['gaps'])}", ""]
    lines += [
        f"- **{esc(g.short)}**{colon}**{esc(g.answer)}**{t['full_stop']}{space}{esc(g.consequence)}{space}"
        f"*{esc(t['fix'])}*{colon}{esc(t['list_sep'].join(g.fixes) or t['no_fix'])}"
        for g in step.gaps
    ] or [esc(t["no_gaps"])]
    return [*lines, ""]


def _appendix(ctx: ReportContext) -> list[str]:
    t = ctx.t
    lines = [f"## {esc(t['appendix'])}", "", f"### {esc(t['appendix_answers'])}", ""]
    for part in ctx.appendix:
        lines += [f"#### {esc(part.title)}", ""]
        lines += _table(
            [esc(t["question"]), esc(t["answer"]), esc(t["note"])],
            [[esc(a.question), esc(a.answer), esc(a.note)] for a in part.lines],
        )
    lines += [f"### {esc(t['respondents'])}", ""]
    lines += [f"- {esc(_person(n, r, t))}" for n, r in ctx.respondents] or [esc(t["none"])]
    lines.append("")
    if ctx.disagreements:
        lines += [f"### {esc(t['disagreements'])}", "", esc(t["disagreements_intro"]), ""]
        lines += _table(
            [esc(t["question"]), esc(t["respondents"]), esc(t["kept"])],
            [
                [
                    esc(d.question),
                    t["list_sep"].join(f"{esc(who)}{t['colon']}{esc(said)}" for who, said in d.said),
                    esc(d.kept) + (f" ({esc(d.to_confirm)})" if d.to_confirm else ""),
                ]
                for d in ctx.disagreements
            ],
        )
    if ctx.warnings:
        lines += [f"### {esc(t['warnings'])}", "", *(f"- {esc(w)}" for w in ctx.warnings), ""]
    if ctx.parts.technical:
        lines += _technical(ctx)
    disclaimer = esc(ctx.brand.disclaimer or t["disclaimer_default"])
    tool = [] if ctx.brand.firm else ["", esc(t["generated_by"] % ctx.version)]
    return [*lines, "---", "", disclaimer, *tool]


def _technical(ctx: ReportContext) -> list[str]:
    """The technical appendix: every rule checked, the other stages' conditions, the single changes."""
    t, b = ctx.t, ctx.brief.words
    colon = t["colon"]
    lines = [f"### {esc(b['technical'])}", "", esc(b["technical_intro"]), ""]
    for d in (ctx.model_strategy, ctx.deployment):
        lines += [f"#### {esc(d.title)}{t['title_sep']}{esc(d.label)}", ""]
        lines += [f"{esc(t['runner_up'])}{colon}{esc(d.runner_up_label)}", ""]
        lines += _table(
            [esc(b["technical_rule"]), esc(b["technical_factor"]), "", esc(b["technical_questions"])],
            [
                [
                    esc(r.text),
                    esc(f"{r.factor}{colon}{r.value}"),
                    esc(t["met"] if r.met else t["not_met"]),
                    esc(", ".join(r.question_ids) or b["technical_none"]),
                ]
                for r in d.reasons
            ],
        )
        for stage in (s for s in d.path if s.when):
            lines += [f"- **{esc(stage.label)}**{colon}{esc(t['list_sep'].join(stage.when))}"]
        lines += ["", f"**{esc(b['technical_flips'])}**", ""]
        lines += [f"- {esc(text)}" for text in d.flips] or [esc(t["no_change"])]
        lines.append("")
    return lines


def _answer_list(title: str, answers: list[AnswerLine], empty: str, colon: str) -> list[str]:
    lines = [f"### {esc(title)}", ""]
    lines += [f"- {esc(a.short)}{colon}**{esc(a.answer)}**" for a in answers] or [esc(empty)]
    return [*lines, ""]


def _decision(decision: DecisionView, t: dict[str, str]) -> list[str]:
    """A decision in plain words: the reasons that decided it, its path and what would change it
    (the rules and the other choices' conditions are the HTML/PDF technical appendix's)."""
    lines = [f"### {esc(decision.title)}{t['title_sep']}{esc(decision.label)}", "", esc(decision.summary), ""]
    colon = t["colon"]
    shown = [r for r in decision.reasons if r.met]
    if shown:
        lines += [f"**{esc(t['why_choice'])}**", ""]
        for r in shown:
            said = t["list_sep"].join(f"{asked}{colon}{answer}" for asked, answer in r.evidence)
            said = said or f"{r.factor}{colon}{r.value}"
            lines.append(f"- {esc(r.text)}{_in_brackets(esc(t['your_answers'] + colon + said), t)}")
        lines.append("")
    if decision.path:
        lines += [f"**{esc(t['path'])}**", ""]
        for i, stage in enumerate(decision.path, start=1):
            lines.append(f"{i}. {esc(stage.status_label)}{colon}{esc(stage.label)}")
        lines.append("")
    if decision.next_step:
        lines += [f"**{esc(t['once_working'])}**{colon}{esc(decision.next_step)}", ""]
    lines += [f"**{esc(t['would_change'])}**", ""]
    lines += [f"- {esc(text)}" for text in decision.would_change_if]
    return [*lines, ""]


def _brief(ctx: ReportContext) -> list[str]:
    """The executive brief: findings, risks, the next 90 days, the decisions, the support."""
    t, b = ctx.t, ctx.brief.words
    colon = t["colon"]
    lines = [f"### {esc(b['findings'])}", ""]
    lines += [f"{i}. {esc(text)}" for i, text in enumerate(ctx.brief.findings, start=1)]
    lines += ["", f"### {esc(b['risks'])}", ""]
    lines += [f"{i}. {esc(text)}" for i, text in enumerate(ctx.brief.risks, start=1)]
    lines += ["", f"### {esc(b['moves'])}", ""]
    for move in ctx.brief.moves:
        facts = [f"{b['col_owner']}{colon}{move.owner}", f"{b['col_effort']}{colon}{move.effort}"]
        if move.cost:
            facts.append(f"{b['col_cost']}{colon}{move.cost}")
        lines.append(f"- **{move.number}. {esc(move.title)}**{_in_brackets(esc(t['list_sep'].join(facts)), t)}")
        lines.append(f"  {esc(move.why)}")
    if not ctx.brief.moves:
        lines.append(esc(t["no_actions"]))
    lines += ["", f"### {esc(b['decisions'])}", ""]
    for d in ctx.brief.decisions:
        lines.append(f"- **{esc(d.title)}{colon}{esc(d.label)}**{t['full_stop']}{t['word_sep']}{esc(d.what)}")
        lines.append(f"  {esc(d.why)}")
        lines.append(f"  *{esc(b['change'])}*{colon}{esc(d.change)}")
    lines += ["", f"### {esc(b['programmes'])}", ""]
    lines += [
        f"- {esc(p.support)}{_in_brackets(esc(b['for_actions'] + colon + t['list_sep'].join(p.actions)), t)}"
        for p in ctx.brief.programmes
    ] or [esc(b["no_programmes"])]
    lines += ["", f"*{esc(b['programmes_note'])}*", ""]
    if ctx.brand.commentary:
        title = b["commentary_by"].format(firm=ctx.brand.firm) if ctx.brand.firm else b["commentary"]
        # The consultant's own Markdown stays Markdown; only HTML in it is neutralised.
        lines += [f"### {esc(title)}", "", html.escape(ctx.brand.commentary, quote=False), ""]
    return lines


def _fact(t: dict[str, str], label: str, value: str) -> str:
    """工作量：小, Effort: small."""
    return f"{t[label]}{t['colon']}{value}"


def _action(action: ActionView, t: dict[str, str]) -> list[str]:
    facts = [action.step_title, _fact(t, "effort", action.effort_label), _fact(t, "impact", action.impact_label)]
    if action.depends_on_numbers:
        facts.append(_fact(t, "depends_on", t["number_sep"].join(str(n) for n in action.depends_on_numbers)))
    lines = [
        f"**{action.number}. {esc(action.title)}**{_in_brackets(esc(t['list_sep'].join(facts)), t)}  ",
        esc(action.description) + ("  " if action.support else ""),
    ]
    if action.support:
        lines.append(f"*{esc(t['support'])}*{t['colon']}{esc(action.support)}")
    return [*lines, ""]


def render_progress_markdown(ctx: ProgressContext) -> str:
    """The progress report (readiness/report/progress.py) as Markdown, section by section like the PDF."""
    t, w = ctx.t, ctx.w
    first, latest = ctx.snapshots[0], ctx.snapshots[-1]
    lines = [f"# {esc(w['title'])}{t['title_sep']}{esc(ctx.enterprise)}", "", esc(w["subtitle"]), ""]
    if ctx.brand.firm:
        lines += [_fact(t, "prepared_by", esc(ctx.brand.firm)), ""]
    lines += _table(
        [esc(w["date"]), esc(w["file"]), esc(w["assessor"]), esc(w["score_level"])],
        [
            [esc(s.date), esc(s.file), esc(s.assessor or t["none"]), esc(f"{s.score:.1f} · {s.level} {s.level_name}")]
            for s in ctx.snapshots
        ],
    )
    lines += [f"## {esc(w['summary'])}", "", f"**{esc(ctx.headline)}**", ""]
    lines += [f"> {esc(note)}" for note in ctx.notes] + ([""] if ctx.notes else [])
    header = [
        esc(t["step"]),
        esc(f"{w['first']} {first.date}"),
        esc(f"{w['latest']} {latest.date}"),
        esc(w["change_points"]),
    ]
    rows = [
        [
            esc(row.title),
            esc(f"{row.first:.1f} · {row.levels[0]} {row.level_names[0]}"),
            esc(f"{row.latest:.1f} · {row.levels[-1]} {row.level_names[-1]}"),
            f"{row.change:+.1f}",
        ]
        for row in [*ctx.steps, ctx.overall]
    ]
    lines += _table(header, rows, "lllr")
    lines += [f"## {esc(w['decisions'])}", "", esc(w["decisions_intro"]), ""]
    for d in ctx.decisions:
        state = w["changed_from"].format(before=d.before) if d.changed else t["unchanged"]
        lines += [f"### {esc(d.title)}{t['colon']}{esc(d.after)}", "", f"*{esc(state)}*", "", esc(d.summary), ""]
        lines += [f"- {esc(why)}" for why in d.why] + ([""] if d.why else [])
        lines += [f"**{esc(d.target_heading)}**", ""]
        lines += [f"- {esc(need)}" for need in d.still_open]
        lines += [f"- ✓ {esc(need)}{t['paren_open']}{esc(w['met_since'])}{t['paren_close']}" for need in d.met_since]
        if d.target and not d.still_open:
            lines.append(f"- {esc(w['nothing_open'])}")
        lines.append("")
        if d.would_change_if:
            lines += [f"**{esc(t['would_change'])}**", "", *(f"- {esc(flip)}" for flip in d.would_change_if), ""]
    lines += [f"## {esc(w['actions'])}", "", esc(w["actions_intro"]), ""]
    for key, actions, with_reason in (
        ("done", ctx.done, False),
        ("no_longer", ctx.no_longer_triggered, True),
        ("new", ctx.new, True),
    ):
        lines += [f"### {esc(w[key].format(n=len(actions)))}", ""]
        for a in actions:
            why = f"{t['dash']}{esc(a.reason)}" if with_reason else ""
            proof = f"{t['paren_open']}{esc(t['list_sep'].join(a.evidence))}{t['paren_close']}" if a.evidence else ""
            lines.append(f"- **{esc(a.title)}**{why}{proof}")
        lines += [f"- {esc(t['none'])}"] if not actions else []
        lines.append("")
    lines += [esc(w["still_open"].format(n=ctx.still_open)), ""]
    if len(ctx.snapshots) > 2:
        lines += [f"## {esc(w['trend'].format(n=len(ctx.snapshots)))}", "", esc(w["trend_intro"]), ""]
        rows = [
            [esc(row.title), *(f"{s:.1f} · {lvl}" for s, lvl in zip(row.scores, row.levels, strict=True))]
            for row in [*ctx.steps, ctx.overall]
        ]
        lines += _table([esc(t["step"]), *(esc(s.date) for s in ctx.snapshots)], rows)
    lines += [f"## {esc(w['answers'].format(n=len(ctx.answers_changed)))}", "", esc(w["answers_intro"]), ""]
    if ctx.answers_changed:
        lines += _table(
            [esc(t["question"]), esc(first.date), esc(latest.date), ""],
            [[esc(a.question), esc(a.before), esc(a.after), esc(a.direction_label)] for a in ctx.answers_changed],
        )
    lines += [f"## {esc(w['method'])}", "", esc(w["method_text"] + t["word_sep"] + ctx.order_note), ""]
    return "\n".join(lines).rstrip() + "\n"
