"""The report's charts as hand-written SVG: a radar of the six steps, score bars and the roadmap timeline.

Pure functions from report data to SVG markup. Text stays real <text> (searchable, CJK included);
inline SVG does not inherit the page font, so every chart names its font stack on the <svg> root.
Every piece of text and every attribute value is escaped here.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ..languages import CJK

CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC")
LATIN_FONTS = ("DejaVu Sans", "Liberation Sans", "Arial")
HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_ACCENT = "#1f4e79"
INK = "#1d2733"
MUTED = "#6b7785"
RULE = "#d5dbe1"
FAINT = "#eef1f4"
GANTT_ROWS_PER_CHART = 40  # one chart per page at most; longer roadmaps get several


def font_stack(lang: str) -> list[str]:
    """Latin first for English (fast subsetting, Latin glyphs), the CJK fonts first for Chinese."""
    cjk = list(CJK_FONTS)
    return [*cjk, "sans-serif"] if lang in CJK else [*LATIN_FONTS, *cjk, "sans-serif"]


def css_font_family(lang: str) -> str:
    return ", ".join(name if name == "sans-serif" else f'"{name}"' for name in font_stack(lang))


def _svg_font_family(lang: str) -> str:
    return ", ".join(name if name == "sans-serif" else f"'{name}'" for name in font_stack(lang))


def safe_colour(colour: str) -> str:
    """A #rrggbb colour, or the default: a colour goes into SVG and CSS, so nothing else may pass."""
    return colour.lower() if HEX_COLOUR.match(colour or "") else DEFAULT_ACCENT


def tint(colour: str, white: float) -> str:
    """Mix a #rrggbb colour with white; white=0 keeps it, 1 gives white."""
    colour = safe_colour(colour)
    rgb = [int(colour[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * white):02x}" for c in rgb)


def text_width(text: str, size: float) -> float:
    """Approximate rendered width: wide (CJK) characters take a full em, others about 0.56 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.56 for ch in text)


def fit_text(text: str, size: float, width: float) -> str:
    """Shorten text with an ellipsis so it fits `width` (SVG cannot wrap)."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip(" ,;:，；：、") + "…"


def _n(value: float) -> str:
    """Coordinates with at most one decimal, so the SVG stays small and stable."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(
    x: float,
    y: float,
    text: str,
    size: float,
    *,
    anchor: str = "start",
    fill: str = INK,
    weight: str = "normal",
    baseline: str = "",
) -> str:
    extra = f' font-weight="{weight}"' if weight != "normal" else ""
    extra += f' dominant-baseline="{baseline}"' if baseline else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" font-size="{_n(size)}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{escape(text, quote=False)}</text>"
    )


def _svg(width: float, height: float, lang: str, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" role="img" aria-label="{escape(label)}" '
        f'font-family="{escape(_svg_font_family(lang))}">' + "".join(body) + "</svg>"
    )


# --- radar ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Axis:
    label: str
    score: float  # 0-100


def radar_points(scores: Sequence[float], cx: float, cy: float, radius: float) -> list[tuple[float, float]]:
    """Polygon corners, the first axis pointing up, going clockwise."""
    count = len(scores)
    points = []
    for i, score in enumerate(scores):
        angle = -math.pi / 2 + 2 * math.pi * i / count
        r = radius * max(0.0, min(score, 100.0)) / 100
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def radar(
    axes: Sequence[Axis], levels: Sequence[tuple[int, str, float]], lang: str, colour: str, label: str = ""
) -> str:
    """Step scores on one axis each, with a ring at every level threshold."""
    accent = safe_colour(colour)
    width, height = 400.0, 300.0
    cx, cy, radius = width / 2, height / 2 + 2, 108.0
    body: list[str] = []
    rings = sorted({lvl[2] for lvl in levels if lvl[2] > 0} | {100.0})
    for value in rings:
        ring = radar_points([value] * len(axes), cx, cy, radius)
        body.append(
            f'<polygon points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in ring)}" fill="none" '
            f'stroke="{RULE}" stroke-width="0.8"/>'
        )
        body.append(_text(cx + 3, cy - radius * value / 100 + 3, f"{value:g}", 7, fill=MUTED))
    for x, y in radar_points([100.0] * len(axes), cx, cy, radius):
        body.append(f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x)}" y2="{_n(y)}" stroke="{RULE}" stroke-width="0.8"/>')
    shape = radar_points([a.score for a in axes], cx, cy, radius)
    body.append(
        f'<polygon points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in shape)}" fill="{accent}" fill-opacity="0.18" '
        f'stroke="{accent}" stroke-width="2" stroke-linejoin="round"/>'
    )
    for x, y in shape:
        body.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3" fill="{accent}"/>')
    for axis, (x, y) in zip(axes, radar_points([100.0] * len(axes), cx, cy, radius + 16), strict=True):
        anchor = "middle" if abs(x - cx) < 1 else ("start" if x > cx else "end")
        dy = -8 if y < cy - radius else (10 if y > cy + radius else 0)
        name = fit_text(axis.label, 10, 120)
        body.append(_text(x, y + dy, name, 10, anchor=anchor, weight="bold"))
        body.append(_text(x, y + dy + 12, f"{axis.score:.0f}", 9.5, anchor=anchor, fill=accent, weight="bold"))
    return _svg(width, height, lang, body, label)


# --- score bars -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    score: float
    target: float | None  # the next level's threshold, None at the top level


def bars(
    rows: Sequence[Bar],
    levels: Sequence[tuple[int, str, float]],
    lang: str,
    colour: str,
    legend: tuple[str, str] = ("", ""),
    label: str = "",
) -> str:
    """One horizontal bar per step, level bands behind, a tick at the next level's threshold."""
    accent = safe_colour(colour)
    label_w, plot_w, right = 128.0, 300.0, 12.0
    top, row_h = 30.0, 30.0
    width = label_w + plot_w + right
    height = top + row_h * len(rows) + 36

    def x_of(score: float) -> float:
        return label_w + plot_w * max(0.0, min(score, 100.0)) / 100

    body: list[str] = []
    bounds = [lvl[2] for lvl in levels] + [100.0]
    for i, (_, name, low) in enumerate(levels):
        high = bounds[i + 1]
        if i % 2 == 0:
            body.append(
                f'<rect x="{_n(x_of(low))}" y="{_n(top - 6)}" width="{_n(x_of(high) - x_of(low))}" '
                f'height="{_n(row_h * len(rows) + 6)}" fill="{FAINT}"/>'
            )
        span = x_of(high) - x_of(low)
        body.append(
            _text((x_of(low) + x_of(high)) / 2, top - 12, fit_text(name, 8, span - 2), 8, anchor="middle", fill=MUTED)
        )
    for i, row in enumerate(rows):
        y = top + i * row_h
        body.append(_text(label_w - 8, y + 15, fit_text(row.label, 9.5, label_w - 12), 9.5, anchor="end"))
        body.append(
            f'<rect x="{_n(label_w)}" y="{_n(y + 6)}" width="{_n(x_of(row.score) - label_w)}" height="12" '
            f'fill="{accent}" rx="1.5"/>'
        )
        score_x = x_of(row.score) + 4
        if row.target is not None:
            tx = x_of(row.target)
            body.append(
                f'<line x1="{_n(tx)}" y1="{_n(y + 2)}" x2="{_n(tx)}" y2="{_n(y + 22)}" stroke="{INK}" '
                f'stroke-width="1.6"/>'
            )
            if abs(tx - score_x) < 26 and tx > score_x - 4:
                score_x = tx + 4
        body.append(_text(score_x, y + 15.5, f"{row.score:.0f}", 9, fill=INK, weight="bold"))
    axis_y = top + row_h * len(rows) + 4
    for value in range(0, 101, 20):
        body.append(_text(x_of(value), axis_y + 10, str(value), 7.5, anchor="middle", fill=MUTED))
    score_legend, target_legend = legend
    legend_y = axis_y + 22
    body.append(f'<rect x="{_n(label_w)}" y="{_n(legend_y - 6)}" width="10" height="7" fill="{accent}"/>')
    body.append(_text(label_w + 14, legend_y, score_legend, 8, fill=MUTED))
    tick_x = label_w + 24 + text_width(score_legend, 8)
    body.append(
        f'<line x1="{_n(tick_x)}" y1="{_n(legend_y - 8)}" x2="{_n(tick_x)}" y2="{_n(legend_y + 2)}" '
        f'stroke="{INK}" stroke-width="1.6"/>'
    )
    body.append(_text(tick_x + 5, legend_y, target_legend, 8, fill=MUTED))
    return _svg(width, height, lang, body, label)


# --- roadmap timeline -----------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    number: int
    title: str
    phase: int  # 1-3
    effort: str  # S, M, L
    depends_on: tuple[int, ...] = ()


EFFORT_SHARE = {"S": 0.34, "M": 0.62, "L": 1.0}  # of the phase's width


def schedule(tasks: Sequence[Task]) -> dict[int, tuple[float, float]]:
    """Start and end of each task as fractions of its phase (0-1): after same-phase prerequisites."""
    placed: dict[int, tuple[float, float]] = {}
    by_number = {t.number: t for t in tasks}
    for task in tasks:  # the roadmap lists prerequisites first
        length = EFFORT_SHARE.get(task.effort, 0.62)
        start = max(
            (placed[d][1] for d in task.depends_on if d in placed and by_number[d].phase == task.phase),
            default=0.0,
        )
        start = max(0.0, min(start, 1.0 - length))
        placed[task.number] = (start, start + length)
    return placed


def gantt(
    tasks: Sequence[Task], phase_labels: Sequence[tuple[str, str]], lang: str, colour: str, label: str = ""
) -> list[str]:
    """The roadmap as bars in three equal phase columns; one SVG per GANTT_ROWS_PER_CHART tasks.

    `phase_labels` gives each phase's name and time span, e.g. ("Phase 1", "0-3 months").
    """
    placed = schedule(tasks)
    chunks = [tasks[i : i + GANTT_ROWS_PER_CHART] for i in range(0, len(tasks), GANTT_ROWS_PER_CHART)]
    return [_gantt_chart(chunk, placed, phase_labels, lang, colour, label) for chunk in chunks]


def _gantt_chart(
    tasks: Sequence[Task],
    placed: dict[int, tuple[float, float]],
    phase_labels: Sequence[tuple[str, str]],
    lang: str,
    colour: str,
    label: str,
) -> str:
    accent = safe_colour(colour)
    shades = {1: accent, 2: tint(accent, 0.3), 3: tint(accent, 0.55)}
    label_w, plot_w, right = 226.0, 258.0, 6.0
    top, row_h = 34.0, 14.0
    width = label_w + plot_w + right
    height = top + row_h * len(tasks) + 6
    column = plot_w / 3
    body: list[str] = []
    for i, (name, span) in enumerate(phase_labels[:3]):
        x = label_w + i * column
        if i % 2 == 0:
            body.append(
                f'<rect x="{_n(x)}" y="{_n(top - 4)}" width="{_n(column)}" '
                f'height="{_n(row_h * len(tasks) + 8)}" fill="{FAINT}"/>'
            )
        body.append(
            _text(x + column / 2, top - 20, fit_text(name, 9, column - 4), 9, anchor="middle", weight="bold", fill=INK)
        )
        body.append(_text(x + column / 2, top - 9, fit_text(span, 8, column - 4), 8, anchor="middle", fill=MUTED))
    body.append(
        f'<line x1="{_n(label_w)}" y1="{_n(top - 4)}" x2="{_n(label_w + plot_w)}" y2="{_n(top - 4)}" '
        f'stroke="{RULE}" stroke-width="0.8"/>'
    )
    for i, task in enumerate(tasks):
        y = top + i * row_h
        if i:
            body.append(
                f'<line x1="0" y1="{_n(y)}" x2="{_n(label_w)}" y2="{_n(y)}" stroke="{FAINT}" stroke-width="0.6"/>'
            )
        body.append(_text(0, y + 10, fit_text(f"{task.number}. {task.title}", 8, label_w - 8), 8))
        start, end = placed[task.number]
        phase = min(max(task.phase, 1), 3) - 1
        x0 = label_w + phase * column + 2 + start * (column - 4)
        x1 = label_w + phase * column + 2 + end * (column - 4)
        body.append(
            f'<rect x="{_n(x0)}" y="{_n(y + 3)}" width="{_n(x1 - x0)}" height="8" rx="2" fill="{shades[phase + 1]}"/>'
        )
    return _svg(width, height, lang, body, label)


# --- progress: before and after, and the trend over several assessments -----------------------


@dataclass(frozen=True)
class Change:
    label: str
    before: float  # 0-100, the first assessment
    after: float  # 0-100, the latest


def _polygon(points: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


def radar_before_after(
    axes: Sequence[Change],
    levels: Sequence[tuple[int, str, float]],
    lang: str,
    colour: str,
    legend: tuple[str, str] = ("", ""),
    label: str = "",
) -> str:
    """The first assessment as a grey dashed outline, the latest filled in the accent colour, with a
    ring at every level threshold and each axis labelled with both scores."""
    accent = safe_colour(colour)
    width, height = 400.0, 322.0
    cx, cy, radius = width / 2, 152.0, 106.0
    count = len(axes)
    body: list[str] = []
    for value in sorted({lvl[2] for lvl in levels if lvl[2] > 0} | {100.0}):
        ring = radar_points([value] * count, cx, cy, radius)
        body.append(f'<polygon points="{_polygon(ring)}" fill="none" stroke="{RULE}" stroke-width="0.8"/>')
        body.append(_text(cx + 3, cy - radius * value / 100 + 3, f"{value:g}", 7, fill=MUTED))
    for x, y in radar_points([100.0] * count, cx, cy, radius):
        body.append(f'<line x1="{_n(cx)}" y1="{_n(cy)}" x2="{_n(x)}" y2="{_n(y)}" stroke="{RULE}" stroke-width="0.8"/>')
    before = radar_points([a.before for a in axes], cx, cy, radius)
    after = radar_points([a.after for a in axes], cx, cy, radius)
    body.append(
        f'<polygon points="{_polygon(after)}" fill="{accent}" fill-opacity="0.16" stroke="{accent}" '
        f'stroke-width="2" stroke-linejoin="round"/>'
    )
    body.append(
        f'<polygon points="{_polygon(before)}" fill="none" stroke="{MUTED}" stroke-width="1.4" '
        f'stroke-dasharray="4 3" stroke-linejoin="round"/>'
    )
    body += [f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.4" fill="{MUTED}"/>' for x, y in before]
    body += [f'<circle cx="{_n(x)}" cy="{_n(y)}" r="3" fill="{accent}"/>' for x, y in after]
    for axis, (x, y) in zip(axes, radar_points([100.0] * count, cx, cy, radius + 16), strict=True):
        anchor = "middle" if abs(x - cx) < 1 else ("start" if x > cx else "end")
        dy = -10 if y < cy - radius else (8 if y > cy + radius else 0)
        body.append(_text(x, y + dy, fit_text(axis.label, 10, 118), 10, anchor=anchor, weight="bold"))
        scores = f"{axis.before:.0f} → {axis.after:.0f}"
        body.append(_text(x, y + dy + 12, scores, 9, anchor=anchor, fill=accent, weight="bold"))
    first, latest = legend
    legend_y = height - 8
    body.append(
        f'<line x1="20" y1="{_n(legend_y - 3)}" x2="38" y2="{_n(legend_y - 3)}" stroke="{MUTED}" '
        f'stroke-width="1.4" stroke-dasharray="4 3"/>'
    )
    body.append(_text(43, legend_y, fit_text(first, 8, 160), 8, fill=MUTED))
    body.append(
        f'<rect x="210" y="{_n(legend_y - 8)}" width="18" height="8" fill="{accent}" fill-opacity="0.3" '
        f'stroke="{accent}" stroke-width="1.5"/>'
    )
    body.append(_text(233, legend_y, fit_text(latest, 8, 165), 8, fill=MUTED))
    return _svg(width, height, lang, body, label)


def step_changes(
    rows: Sequence[Change], levels: Sequence[tuple[int, str, float]], lang: str, colour: str, label: str = ""
) -> str:
    """One row per step: a grey dot at the first score, an arrow to the latest, level bands behind."""
    accent = safe_colour(colour)
    down = "#9a3324"
    label_w, plot_w, right = 104.0, 290.0, 40.0
    top, row_h = 30.0, 30.0
    width = label_w + plot_w + right
    height = top + row_h * len(rows) + 18

    def x_of(score: float) -> float:
        return label_w + plot_w * max(0.0, min(score, 100.0)) / 100

    body: list[str] = []
    bounds = [lvl[2] for lvl in levels] + [100.0]
    for i, (_, name, low) in enumerate(levels):
        high = bounds[i + 1]
        if i % 2 == 0:
            body.append(
                f'<rect x="{_n(x_of(low))}" y="{_n(top - 6)}" width="{_n(x_of(high) - x_of(low))}" '
                f'height="{_n(row_h * len(rows) + 6)}" fill="{FAINT}"/>'
            )
        span = x_of(high) - x_of(low)
        body.append(
            _text(
                (x_of(low) + x_of(high)) / 2, top - 12, fit_text(name, 7.5, span - 1), 7.5, anchor="middle", fill=MUTED
            )
        )
    for i, row in enumerate(rows):
        y = top + i * row_h + 15
        body.append(_text(label_w - 8, y + 3.5, fit_text(row.label, 9.5, label_w - 10), 9.5, anchor="end"))
        x0, x1 = x_of(row.before), x_of(row.after)
        shade = accent if row.after >= row.before else down
        if abs(x1 - x0) >= 6:
            tip = x1 - 5 if x1 > x0 else x1 + 5
            body.append(
                f'<line x1="{_n(x0)}" y1="{_n(y)}" x2="{_n(tip)}" y2="{_n(y)}" stroke="{shade}" stroke-width="2.2"/>'
            )
            head = [(x1, y), (tip, y - 4), (tip, y + 4)]
            body.append(f'<polygon points="{_polygon(head)}" fill="{shade}"/>')
        body.append(f'<circle cx="{_n(x0)}" cy="{_n(y)}" r="3.2" fill="#ffffff" stroke="{MUTED}" stroke-width="1.4"/>')
        if abs(x1 - x0) < 6:
            body.append(f'<circle cx="{_n(x1)}" cy="{_n(y)}" r="3.2" fill="{shade}"/>')
        change = row.after - row.before
        body.append(
            _text(label_w + plot_w + right - 2, y + 3.5, f"{change:+.1f}", 9, anchor="end", fill=shade, weight="bold")
        )
        body.append(_text(max(x0, x1) + 7, y - 4, f"{row.after:.0f}", 7.5, fill=INK))
    axis_y = top + row_h * len(rows) + 4
    for value in range(0, 101, 20):
        body.append(_text(x_of(value), axis_y + 10, str(value), 7.5, anchor="middle", fill=MUTED))
    return _svg(width, height, lang, body, label)


@dataclass(frozen=True)
class Series:
    label: str
    scores: tuple[float, ...]  # one per assessment, in date order


def trend(
    panels: Sequence[Series],
    dates: Sequence[str],
    levels: Sequence[tuple[int, str, float]],
    lang: str,
    colour: str,
    label: str = "",
) -> str:
    """Small multiples, four to a row: each step's score at every assessment, level thresholds as
    faint lines, the first and latest score written at the ends."""
    accent = safe_colour(colour)
    columns = 4
    cell_w, cell_h = 118.0, 96.0
    pad_l, pad_r, pad_t, pad_b = 12.0, 12.0, 22.0, 18.0
    rows = math.ceil(len(panels) / columns)
    width, height = cell_w * columns, cell_h * rows
    body: list[str] = []
    count = len(dates)
    for i, panel in enumerate(panels):
        ox, oy = (i % columns) * cell_w, (i // columns) * cell_h
        left, right_x = ox + pad_l, ox + cell_w - pad_r
        top, bottom = oy + pad_t, oy + cell_h - pad_b

        def at(n: int, score: float, left: float = left, right_x: float = right_x, top: float = top,
               bottom: float = bottom) -> tuple[float, float]:  # fmt: skip
            x = left + (right_x - left) * (n / (count - 1) if count > 1 else 0.5)
            return x, bottom - (bottom - top) * max(0.0, min(score, 100.0)) / 100

        body.append(_text(ox + pad_l - 4, oy + 12, fit_text(panel.label, 9, cell_w - 10), 9, weight="bold"))
        body.append(
            f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(right_x - left)}" height="{_n(bottom - top)}" '
            f'fill="{FAINT}"/>'
        )
        for _, _, low in levels:
            if 0 < low < 100:
                y = at(0, low)[1]
                body.append(
                    f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(right_x)}" y2="{_n(y)}" stroke="#ffffff" '
                    f'stroke-width="1"/>'
                )
        points = [at(n, s) for n, s in enumerate(panel.scores)]
        body.append(
            f'<polyline points="{_polygon(points)}" fill="none" stroke="{accent}" stroke-width="1.8" '
            f'stroke-linejoin="round"/>'
        )
        body += [f'<circle cx="{_n(x)}" cy="{_n(y)}" r="2.4" fill="{accent}"/>' for x, y in points]
        (fx, fy), (lx, ly) = points[0], points[-1]
        body.append(_text(fx, max(fy - 5, top + 7), f"{panel.scores[0]:.0f}", 7.5, anchor="start", fill=MUTED))
        body.append(
            _text(lx, max(ly - 5, top + 7), f"{panel.scores[-1]:.0f}", 8, anchor="end", fill=accent, weight="bold")
        )
        for n, date in enumerate(dates):
            x = at(n, 0)[0]
            anchor = "start" if n == 0 else "end" if n == count - 1 else "middle"
            if n in (0, count - 1) or count <= 4:
                body.append(_text(x, bottom + 11, fit_text(date[:7], 7, 40), 7, anchor=anchor, fill=MUTED))
    return _svg(width, height, lang, body, label)
