"""The assessment as Rich renderables for the terminal (`readiness score`)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..model import Assessment, Content
from ..terminal import printable
from . import wording
from .context import short_title
from .labels import LABELS

LEVEL_COLOURS = {1: "red", 2: "dark_orange", 3: "yellow", 4: "green", 5: "bright_green"}
TOP_ACTIONS = 8


def _text(text: object, style: str = "") -> Text:
    """Text from answers or content: never read as markup, controls shown as placeholders."""
    return Text(printable(text), style=style)


def _bar(score: float, width: int = 20) -> Text:
    filled = round(score / 100 * width)
    return Text("█" * filled + "░" * (width - filled), style="cyan")


def render_console(assessment: Assessment, content: Content, lang: str | None = None) -> RenderableType:
    """The assessment in `lang` (default: the answers' language)."""
    lang = lang or assessment.language
    t = LABELS[lang]
    titles = {s.id: s.title.get(lang) for s in content.questionnaire.steps}
    overall = assessment.overall
    name = str(assessment.enterprise.get("name", ""))
    space = t["word_sep"]
    headline = Text.assemble(
        (f"{t['overall']}{t['colon']}", "bold"),
        (
            t["level_short"] % (overall.level, wording.level_name(content, overall.level, lang)),
            f"bold {LEVEL_COLOURS[overall.level]}",
        ),
        f"   {t['score']}{space}{overall.score:.1f}/100   {t['confidence']}{space}{overall.confidence:.0%}",
        ("\n" + t["level_disclaimer"], "dim"),
    )
    parts: list[RenderableType] = [Panel(headline, title=_text(name), title_align="left", expand=False)]

    steps = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in (t["step"], t["score"], "", t["level"], t["confidence"], t["answered"]):
        steps.add_column(column)
    for number, step in enumerate(assessment.steps, start=1):
        level = Text(
            t["level_short"] % (step.level, wording.level_name(content, step.level, lang)),
            style=LEVEL_COLOURS[step.level],
        )
        if step.capped_by:
            level.append(" *", style="bold")
        steps.add_row(
            _text(f"{number}. {short_title(titles[step.id])}"),
            f"{step.score:5.1f}",
            _bar(step.score),
            level,
            f"{step.confidence:.0%}",
            f"{step.answered}/{step.total}",
        )
    parts.append(steps)
    capped = [
        f"* {titles[s.id]}{t['colon']}{text}" for s in assessment.steps for text in wording.gate_texts(content, s, lang)
    ]
    capped += [f"* {t['overall']}{t['colon']}{text}" for text in wording.gate_texts(content, overall, lang)]
    if capped:
        parts.append(_text("\n".join(capped), style="dim"))

    if assessment.priority_scenario:
        parts.append(
            Text.assemble(
                (f"{t['priority_use_case']}{t['colon']}", "bold"),
                printable(wording.scenario_title(content, assessment.priority_scenario, lang)),
            )
        )
    elif assessment.nearest_scenarios:
        nearest = t["list_sep"].join(wording.scenario_title(content, sid, lang) for sid in assessment.nearest_scenarios)
        parts.append(
            Text.assemble(
                (f"{t['priority_use_case']}{t['colon']}", "bold"), printable(t["priority_not_in_catalogue"] % nearest)
            )
        )
    for key in ("model_strategy", "deployment"):
        parts.append(_decision_panel(key, assessment, content, t, lang))

    parts.append(_roadmap_table(assessment, content, t, lang))
    if assessment.scenarios:
        parts.append(_scenario_table(assessment, content, t, lang))
    if assessment.warnings:
        warnings = wording.warning_texts(content, assessment, lang)
        parts.append(
            _text(f"{t['warnings']}{t['colon'].rstrip()}\n" + "\n".join(f"- {w}" for w in warnings), style="yellow")
        )
    return Group(*parts)


def _decision_panel(decision_id: str, assessment: Assessment, content: Content, t: dict[str, str], lang: str) -> Panel:
    result = assessment.decisions[decision_id]
    decision = content.rubric.decision_index[decision_id]
    choices = {c.id: c for c in decision.choices}
    chosen = choices[result.choice]
    head = Text()
    head.append(printable(chosen.label.get(lang)), style="bold magenta")
    runner_up = (
        f"{t['paren_open']}{t['runner_up']}{t['colon']}{choices[result.runner_up].label.get(lang)}{t['paren_close']}"
    )
    head.append(printable("  " + runner_up), style="dim")
    parts: list[RenderableType] = [head, _text(chosen.summary.get(lang).strip())]
    # A grid keeps each mark beside its text: long Chinese lines have no spaces to break at.
    reasons = _marked_lines()
    for reason in result.reasons:
        mark, style = ("✓", "green") if reason.met else ("✗", "red")
        line = _text(wording.reason_text(content, reason, lang))
        factor = wording.factor_label(content, reason.factor, lang)
        value = wording.value_label(content, reason.factor, reason.value, lang)
        line.append(printable(f"{t['paren_open']}{factor}{t['colon']}{value}{t['paren_close']}"), style="dim")
        reasons.add_row(Text(mark, style=style), line)
    parts.append(reasons)
    if result.path:
        parts.append(Text(f"{t['path']}{t['colon']}", style="bold"))
        stages = _marked_lines()
        for stage in result.path:
            line = _text(f"{t['stage_' + stage.status]}{t['colon']}{choices[stage.choice].label.get(lang)}")
            if stage.when and stage.status == "next":
                when = f"{t['dash']}{t['stage_when']}{t['colon']}" + t["list_sep"].join(
                    wording.requirement_text(content, ref, lang) for ref in stage.when
                )
                line.append(printable(when), style="dim")
            stages.add_row("", line)
        parts.append(stages)
    if result.would_change_if:
        parts.append(Text(f"{t['would_change']}{t['colon']}", style="bold"))
        flips = _marked_lines()
        for flip in result.would_change_if:
            flips.add_row("→", _text(wording.flip_text(content, decision_id, flip, lang)))
        parts.append(flips)
    return Panel(Group(*parts), title=_text(t[decision.id]), title_align="left")


def _marked_lines() -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=2, justify="right")
    grid.add_column(overflow="fold")
    return grid


TOP_SCENARIOS = 8


def _scenario_table(assessment: Assessment, content: Content, t: dict[str, str], lang: str) -> RenderableType:
    table = Table(title=t["scenarios"], title_justify="left", title_style="bold", box=None, pad_edge=False)
    for column in (t["fit"], "", t["start_with"], t["blocked_by"]):
        table.add_column(column, overflow="fold")
    for scenario in assessment.scenarios[:TOP_SCENARIOS]:
        style = {"ready_now": "green", "after_phase_1": "yellow", "after_phase_2": "dark_orange"}.get(
            scenario.fit, "red"
        )
        start = t["start_" + scenario.approach_now]
        start += f" · {t['deployment_' + scenario.deployment]}"
        blockers = wording.blocker_text(content, scenario.blocked_by[0], lang) if scenario.blocked_by else "—"
        if len(scenario.blocked_by) > 1:
            blockers += t["more_blockers"].format(n=len(scenario.blocked_by) - 1)
        title = wording.scenario_title(content, scenario.id, lang)
        table.add_row(Text(t["fit_" + scenario.fit], style=style), _text(title), _text(start), _text(blockers))
    rest = len(assessment.scenarios) - TOP_SCENARIOS
    if rest > 0:
        return Group(table, Text(t["more_scenarios"].format(n=rest), style="dim"))
    return table


def _roadmap_table(assessment: Assessment, content: Content, t: dict[str, str], lang: str) -> RenderableType:
    table = Table(title=t["roadmap"], title_justify="left", title_style="bold", box=None, pad_edge=False)
    for column in (t["phase"], "", t["effort"], t["impact"]):
        table.add_column(column)
    for item in assessment.roadmap[:TOP_ACTIONS]:
        impact = f"{'●' * item.impact} {t[f'impact_{item.impact}']}"
        title = wording.action_title(content, item.id, lang)
        table.add_row(_text(t[f"phase_{item.phase}"]), _text(title), _text(t[f"effort_{item.effort}"]), impact)
    notes = []
    rest = len(assessment.roadmap) - TOP_ACTIONS
    if rest > 0:
        notes.append(Text(t["more_actions"].format(n=rest), style="dim"))
    if assessment.later:
        notes.append(Text(t["later_count"].format(n=len(assessment.later)), style="dim"))
    return Group(table, *notes) if notes else table
