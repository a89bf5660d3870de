"""ReportContext -> the report as one self-contained HTML document (Jinja2; the PDF is rendered from it).

The only Jinja2 environment: autoescape on every template (whatever its extension), StrictUndefined
so a misspelt field fails instead of printing nothing. Templates see the context's fields, the
charts built from them, and the style values (validated colours, the font stack).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from ..catalogue import text
from ..errors import RenderError
from ..languages import file_tag
from ..resources import content_dir, shipped_content_dir
from ..template_cache import TemplateCache
from . import charts
from .context import ReportContext
from .money import amount as money_amount

TEMPLATE_FOLDER = "report_templates"
MAIN_TEMPLATE = "report.html"
# Whitespace before a block's end tag means nothing in HTML, but WeasyPrint 70 sometimes breaks
# the block's last line after its first word when it is there (see also the "space inside the
# inline element" pattern in the templates, for the same bug at inline boundaries).
_SPACE_BEFORE_END = re.compile(r"[ \t\r\n]+(</(?:td|th|li|p|div|h[1-6]|figcaption|section)>)")


def template_dir(override: Path | None = None) -> Path:
    """report_templates/ of the chosen content folder, or the shipped one when that folder has none."""
    for root in (content_dir(override), shipped_content_dir()):
        folder = root / TEMPLATE_FOLDER
        if (folder / MAIN_TEMPLATE).is_file():
            return folder.resolve()
    raise RenderError(f"no {TEMPLATE_FOLDER}/{MAIN_TEMPLATE} in {content_dir(override)}")


def environment(folder: Path) -> Environment:
    # Templates may come from a shared content folder: the sandbox keeps them to formatting.
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(str(folder)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=TemplateCache("report"),
    )
    env.filters["pct"] = lambda value: f"{value * 100:.0f}%"
    env.filters["score"] = lambda value: f"{value:.1f}"
    env.filters["markdown"] = safe_markdown
    return env


def safe_markdown(text: str) -> Markup:
    """A consultant's Markdown as HTML that cannot carry markup of its own: raw HTML is escaped,
    images are not loaded, and links keep to safe schemes (markdown-it's link check)."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": False, "typographer": False}).disable("image")
    return Markup(parser.render(text))  # markdown-it escapes every text and attribute


def style_variables(colour: str, lang: str) -> dict[str, Any]:
    """The stylesheet's values: the brand colour and its tints, the font stack of the language."""
    accent = charts.safe_colour(colour)
    return {
        "accent": accent,
        "accent_mid": charts.tint(accent, 0.55),
        "accent_light": charts.tint(accent, 0.86),
        "accent_faint": charts.tint(accent, 0.94),
        "fonts": Markup(charts.css_font_family(lang)),  # constant names, quoted for CSS
        "page_counter": Markup(css_counters(text(lang, "report.page_of"))),
    }


def css_counters(template: str) -> str:
    """ "Page {page} of {pages}" as a CSS `content` value: "Page " counter(page) " of " counter(pages)."""
    parts = re.split(r"\{(page|pages)\}", template)
    out = [f"counter({part})" if i % 2 else '"' + re.sub(r'["\\\n]', "", part) + '"' for i, part in enumerate(parts)]
    return " ".join(piece for piece in out if piece != '""')


def template_variables(ctx: ReportContext) -> dict[str, Any]:
    """Everything a template may use: the context's fields, `charts` and `style`."""
    variables: dict[str, Any] = {name: getattr(ctx, name) for name in type(ctx).model_fields}
    variables["style"] = style_variables(ctx.brand.primary_colour, ctx.lang)
    variables["charts"] = chart_svgs(ctx, variables["style"]["accent"])
    return variables


def page_variables(lang: str, brand: Any, **fields: Any) -> dict[str, Any]:
    """Variables for the comparison and portfolio templates: their data plus wording and style."""
    from .labels import LABELS

    return {
        "lang": lang,
        "html_lang": file_tag(lang),
        "t": LABELS[lang],
        "brand": brand,
        "style": style_variables(brand.primary_colour, lang),
        **fields,
    }


def chart_svgs(ctx: ReportContext, accent: str) -> dict[str, Any]:
    """The SVG charts, escaped by charts.py and therefore marked safe for the templates."""
    t = ctx.t
    bench, money = ctx.benchmark, ctx.money
    peer_lines = []
    medians: dict[str, float] = {}
    if bench and bench.cohort:
        medians = {s.step_id: s.median for s in bench.cohort.steps}
        if len(medians) == len(ctx.steps):
            peer_lines.append(charts.PeerLine(tuple(medians[s.id] for s in ctx.steps), bench.words["radar_cohort"]))
    if bench and bench.ring is not None:
        peer_lines.append(charts.PeerLine((bench.ring,) * len(ctx.steps), bench.ring_label, national=True))
    radar = charts.radar(
        [charts.Axis(f"{s.number} {s.short_title}", s.score) for s in ctx.steps],
        ctx.levels,
        ctx.lang,
        accent,
        label=t["radar_title"],
        peers=peer_lines,
        own_legend=bench.words["radar_own"] if bench else "",
    )
    bars = charts.bars(
        [charts.Bar(f"{s.number} {s.short_title}", s.score, s.next_level_score, medians.get(s.id)) for s in ctx.steps],
        ctx.levels,
        ctx.lang,
        accent,
        legend=(t["bars_score"], t["bars_target"]),
        label=t["bars_title"],
        peer_legend=bench.words["radar_cohort"] if bench else "",
    )
    tasks = [
        charts.Task(a.number, a.title, a.phase, a.effort, tuple(a.depends_on_numbers))
        for phase in ctx.phases
        for a in phase.actions
    ]
    labels = [(t["phase_n"] % p.number, p.label) for p in ctx.phases]
    months = [(0, 3), (3, 12), (12, 24)] if money is None else [p.months for p in money.phases]
    unit = money.words["months_unit"] if money else ""
    gantt = charts.gantt(tasks, labels, ctx.lang, accent, label=t["timeline"], months=months, month_unit=unit)
    found: dict[str, Any] = {"radar": Markup(radar), "bars": Markup(bars), "gantt": [Markup(svg) for svg in gantt]}
    if bench:
        found["distribution"] = Markup(
            charts.distribution(
                bench.shares,
                bench.own_share,
                bench.words["own_marker"],
                ctx.lang,
                accent,
                bench.words["distribution_title"],
            )
        )
    if money:
        quick = {w.number for w in money.quick_wins}
        scheduled = [a for phase in ctx.phases for a in phase.actions if a.cost]
        points = [charts.Point(a.number, sum(a.cost_range) / 2, a.impact, a.number in quick) for a in scheduled]
        found["value_effort"] = (
            Markup(
                charts.value_effort(
                    points,
                    [t[f"impact_{n}"] for n in (1, 2, 3)],
                    (money.words["chart_x"], money.words["chart_y"]),
                    money.words["quick_zone"],
                    lambda value: money_amount(value, ctx.lang),
                    ctx.lang,
                    accent,
                    label=money.words["chart_title"],
                )
            )
            if points
            else None
        )
    return found


def _where(exc: TemplateError, folder: Path) -> str:
    """ " (file:line)" of the template line that failed; Jinja puts template frames in the traceback."""
    filename, lineno = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    trace = exc.__traceback__
    while trace is not None:
        name = trace.tb_frame.f_code.co_filename
        if Path(name).parent == folder:
            filename, lineno = name, trace.tb_lineno
        trace = trace.tb_next
    return f" ({filename}:{lineno})" if filename else ""


def render_html(ctx: ReportContext, folder: Path | None = None) -> str:
    """The whole report as HTML; the CSS is inlined so the file stands alone."""
    return render_template(MAIN_TEMPLATE, template_variables(ctx), folder)


def render_template(name: str, variables: dict[str, Any], folder: Path | None = None) -> str:
    folder = folder or template_dir()
    try:
        html = environment(folder).get_template(name).render(variables)
    except TemplateError as exc:
        raise RenderError(f"the template {name} failed{_where(exc, folder)}: {exc}") from None
    return _SPACE_BEFORE_END.sub(r"\1", html)
