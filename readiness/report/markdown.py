"""ReportContext -> the report as Markdown (`--format md`): the same sections as the PDF, as plain text.

User text (names, notes, answers) is escaped so that a Markdown viewer shows it as typed: no HTML
tags, links or table breaks can come through from an answers file. Separators come from labels.py
(：，；（） in Chinese), and a label's colon stays outside its bold: CommonMark does not close
`**对应行动：**` before a Chinese character.
"""

from __future__ import annotations

import re

from .context import ActionView, AnswerLine, DecisionView, ReportContext, StepView

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
    lines = _cover(ctx) + _summary(ctx)
    for step in ctx.steps:
        lines += _step(step, ctx.t)
    t = ctx.t
    lines += [f"## {esc(t['decisions'])}", "", esc(t["decisions_intro"]), ""]
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
    meta = [(t["industry"], ctx.industry), (t["assessment_date"], ctx.date)]
    meta += [(t["respondents"], t["list_sep"].join(_person(n, r, t) for n, r in ctx.respondents))]
    meta += [(t["prepared_by"], ctx.brand.firm), (t["contact"], ctx.brand.contact)]
    return lines + [f"- **{esc(k)}**{t['colon']}{esc(v)}" for k, v in meta if v] + [""]


def _person(name: str, role: str, t: dict[str, str]) -> str:
    """王建国（副总经理）, Li Na (IT)."""
    return f"{name}{t['paren_open']}{role}{t['paren_close']}" if role else name


def _in_brackets(text: str, t: dict[str, str]) -> str:
    return f"{t['paren_open']}{text}{t['paren_close']}"


def _summary(ctx: ReportContext) -> list[str]:
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
    for decision in (ctx.model_strategy, ctx.deployment):
        why = space.join(esc(text) for text in decision.key_reasons)
        lines += [
            f"- **{esc(decision.title)}**{colon}**{esc(decision.label)}**{t['full_stop']}{space}"
            f"{esc(decision.summary)}{space}{why}".rstrip()
        ]
    lines += ["", f"### {esc(t['priority_actions'])}", ""]
    lines += [
        f"- **{a.number}. {esc(a.title)}**"
        + _in_brackets(esc(t["list_sep"].join([ctx.phases[a.phase - 1].label, _fact(t, "effort", a.effort_label)])), t)
        for a in ctx.top_actions
    ] or [esc(t["no_actions"])]
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
    disclaimer = esc(ctx.brand.disclaimer or t["disclaimer_default"])
    return [*lines, "---", "", disclaimer, "", esc(t["generated_by"] % ctx.version)]


def _answer_list(title: str, answers: list[AnswerLine], empty: str, colon: str) -> list[str]:
    lines = [f"### {esc(title)}", ""]
    lines += [f"- {esc(a.short)}{colon}**{esc(a.answer)}**" for a in answers] or [esc(empty)]
    return [*lines, ""]


def _decision(decision: DecisionView, t: dict[str, str]) -> list[str]:
    lines = [f"### {esc(decision.title)}{t['title_sep']}{esc(decision.label)}", "", esc(decision.summary), ""]
    colon = t["colon"]
    lines += [f"{esc(t['runner_up'])}{colon}{esc(decision.runner_up_label)}", ""]
    for met, heading in ((True, t["why_choice"]), (False, t["why_not"])):
        shown = [r for r in decision.reasons if r.met == met]
        if shown:
            lines += [f"**{esc(heading)}**", ""]
            for r in shown:
                said = t["list_sep"].join(f"{asked}{colon}{answer}" for asked, answer in r.evidence)
                said = said or f"{r.factor}{colon}{r.value}"
                lines.append(f"- {esc(r.text)}{_in_brackets(esc(t['your_answers'] + colon + said), t)}")
            lines.append("")
    if decision.path:
        lines += [f"**{esc(t['path'])}**", ""]
        for i, stage in enumerate(decision.path, start=1):
            when = _in_brackets(esc(t["stage_when"] + colon + t["list_sep"].join(stage.when)), t) if stage.when else ""
            lines.append(f"{i}. {esc(stage.status_label)}{colon}{esc(stage.label)}{when}")
        lines.append("")
    if decision.next_step:
        lines += [f"**{esc(t['once_working'])}**{colon}{esc(decision.next_step)}", ""]
    lines += [f"**{esc(t['would_change'])}**", ""]
    lines += [f"- {esc(text)}" for text in decision.would_change_if] or [esc(t["no_change"])]
    return [*lines, ""]


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
