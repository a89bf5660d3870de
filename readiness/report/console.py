"""The assessment as Rich renderables for the terminal (`readiness score`)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..model import Assessment, Content, Decision, DecisionResult
from .labels import LABELS

LEVEL_COLOURS = {1: "red", 2: "dark_orange", 3: "yellow", 4: "green", 5: "bright_green"}
TOP_ACTIONS = 8


def _bar(score: float, width: int = 20) -> Text:
    filled = round(score / 100 * width)
    return Text("█" * filled + "░" * (width - filled), style="cyan")


def render_console(assessment: Assessment, content: Content) -> RenderableType:
    lang = assessment.language
    t = LABELS[lang]
    titles = {s.id: s.title.get(lang) for s in content.questionnaire.steps}
    overall = assessment.overall
    name = str(assessment.enterprise.get("name", ""))
    headline = Text.assemble(
        (f"{t['overall']}: ", "bold"),
        (f"{overall.level} · {overall.level_name}", f"bold {LEVEL_COLOURS[overall.level]}"),
        f"   {t['score']} {overall.score:.1f}/100   {t['confidence']} {overall.confidence:.0%}",
    )
    parts: list[RenderableType] = [Panel(headline, title=name, title_align="left", expand=False)]

    steps = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in (t["step"], t["score"], "", t["level"], t["confidence"], t["answered"]):
        steps.add_column(column)
    for number, step in enumerate(assessment.steps, start=1):
        level = Text(f"{step.level} {step.level_name}", style=LEVEL_COLOURS[step.level])
        if step.capped_by:
            level.append(" *", style="bold")
        steps.add_row(
            f"{number}. {titles[step.id]}",
            f"{step.score:5.1f}",
            _bar(step.score),
            level,
            f"{step.confidence:.0%}",
            f"{step.answered}/{step.total}",
        )
    parts.append(steps)
    capped = [f"* {titles[s.id]}: {text}" for s in assessment.steps for text in s.capped_by]
    capped += [f"* {t['overall']}: {text}" for text in overall.capped_by]
    if capped:
        parts.append(Text("\n".join(capped), style="dim"))

    decisions = {d.id: d for d in content.rubric.decisions}
    for key in ("model_strategy", "deployment"):
        parts.append(_decision_panel(assessment.decisions[key], decisions[key], t, lang))

    parts.append(_roadmap_table(assessment, t))
    if assessment.scenarios:
        parts.append(_scenario_table(assessment, t))
    if assessment.warnings:
        parts.append(Text(f"{t['warnings']}:\n" + "\n".join(f"- {w}" for w in assessment.warnings), style="yellow"))
    return Group(*parts)


def _decision_panel(result: DecisionResult, decision: Decision, t: dict[str, str], lang: str) -> Panel:
    choices = {c.id: c for c in decision.choices}
    chosen = choices[result.choice]
    body = Text()
    body.append(chosen.label.get(lang), style="bold magenta")
    body.append(f"   ({t['runner_up']}: {choices[result.runner_up].label.get(lang)})\n", style="dim")
    body.append(chosen.summary.get(lang).strip() + "\n")
    for reason in result.reasons:
        mark, style = ("✓", "green") if reason.met else ("✗", "red")
        body.append(f"  {mark} ", style=style)
        body.append(f"{reason.text}  ")
        body.append(f"[{reason.factor_label}: {reason.value_label}]\n", style="dim")
    if result.path:
        body.append(f"{t['path']}:\n", style="bold")
        for stage in result.path:
            label = choices[stage.choice].label.get(lang)
            body.append(f"  {t['stage_' + stage.status]}: {label}")
            if stage.when and stage.status == "next":
                body.append(f" — {t['stage_when']}: " + "; ".join(stage.when), style="dim")
            body.append("\n")
    if result.would_change_if:
        body.append(f"{t['would_change']}:\n", style="bold")
        for flip in result.would_change_if:
            body.append(f"  → {flip.text}\n")
    body.rstrip()
    return Panel(body, title=t[decision.id], title_align="left")


TOP_SCENARIOS = 8


def _scenario_table(assessment: Assessment, t: dict[str, str]) -> RenderableType:
    table = Table(title=t["scenarios"], title_justify="left", title_style="bold", box=None, pad_edge=False)
    for column in (t["fit"], "", t["start_with"], t["blocked_by"]):
        table.add_column(column, overflow="fold")
    for scenario in assessment.scenarios[:TOP_SCENARIOS]:
        style = {"ready_now": "green", "after_phase_1": "yellow", "after_phase_2": "dark_orange"}.get(scenario.fit, "red")
        start = t["start_" + scenario.approach_now]
        start += f" · {t['deployment_' + scenario.deployment]}"
        blockers = scenario.blocked_by[0].text if scenario.blocked_by else "—"
        if len(scenario.blocked_by) > 1:
            blockers += f" (+{len(scenario.blocked_by) - 1})"
        table.add_row(Text(t["fit_" + scenario.fit], style=style), scenario.title, start, blockers)
    rest = len(assessment.scenarios) - TOP_SCENARIOS
    if rest > 0:
        return Group(table, Text(t["more_scenarios"].format(n=rest), style="dim"))
    return table


def _roadmap_table(assessment: Assessment, t: dict[str, str]) -> RenderableType:
    table = Table(title=t["roadmap"], title_justify="left", title_style="bold", box=None, pad_edge=False)
    for column in (t["phase"], "", t["effort"], t["impact"]):
        table.add_column(column)
    for item in assessment.roadmap[:TOP_ACTIONS]:
        table.add_row(t[f"phase_{item.phase}"], item.title, item.effort, "●" * item.impact)
    rest = len(assessment.roadmap) - TOP_ACTIONS
    if rest > 0:
        return Group(table, Text(t["more_actions"].format(n=rest), style="dim"))
    return table
