"""The report's charts as hand-written SVG: a radar of the six steps, score bars and the roadmap timeline.

Pure functions from report data to SVG markup. Text stays real <text> (searchable, CJK included);
inline SVG does not inherit the page font, so every chart names its font stack on the <svg> root.
Every piece of text and every attribute value is escaped here.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
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


@dataclass(frozen=True)
class PeerLine:
    """A reference drawn on the radar: a score per axis (a cohort's medians) or one value on every
    axis (a national level threshold), with its legend text."""

    scores: tuple[float, ...]
    legend: str
    national: bool = False  # one threshold on every axis: drawn as a ring, not a shape


PEER = "#b5651d"  # a warm brown that stays apart from any blue or green brand colour


def radar(
    axes: Sequence[Axis],
    levels: Sequence[tuple[int, str, float]],
    lang: str,
    colour: str,
    label: str = "",
    peers: Sequence[PeerLine] = (),
    own_legend: str = "",
) -> str:
    """Step scores on one axis each, with a ring at every level threshold and the peer lines dashed."""
    accent = safe_colour(colour)
    width = 400.0
    entries = [(own_legend, accent, "")] if peers and own_legend else []
    entries += [(p.legend, PEER if p.national else INK, "5 3" if p.national else "2 2") for p in peers]
    wrapped = [wrap_text(text, 8, width - 56) for text, _, _ in entries]
    height = 300.0 + sum(4 + 10 * len(lines) for lines in wrapped)
    cx, cy, radius = width / 2, 152.0, 108.0
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
    for peer in peers:
        line = radar_points(list(peer.scores) or [0.0] * len(axes), cx, cy, radius)
        dash = "5 3" if peer.national else "2 2"
        body.append(
            f'<polygon points="{" ".join(f"{_n(x)},{_n(y)}" for x, y in line)}" fill="none" '
            f'stroke="{PEER if peer.national else INK}" stroke-width="1.6" stroke-dasharray="{dash}"/>'
        )
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
    y = 302.0
    for (_, stroke, dash), lines in zip(entries, wrapped, strict=True):
        style = f' stroke-dasharray="{dash}"' if dash else ""
        body.append(
            f'<line x1="20" y1="{_n(y - 3)}" x2="40" y2="{_n(y - 3)}" stroke="{stroke}" stroke-width="2"{style}/>'
        )
        for j, text in enumerate(lines):
            body.append(_text(46, y + 10 * j, text, 8, fill=MUTED))
        y += 4 + 10 * len(lines)
    return _svg(width, height, lang, body, label)


# --- score bars -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    score: float
    target: float | None  # the next level's threshold, None at the top level
    peer: float | None = None  # the cohort's median, when a portfolio is compared


def bars(
    rows: Sequence[Bar],
    levels: Sequence[tuple[int, str, float]],
    lang: str,
    colour: str,
    legend: tuple[str, str] = ("", ""),
    label: str = "",
    peer_legend: str = "",
) -> str:
    """One horizontal bar per step, level bands behind, a tick at the next level's threshold and,
    when a cohort is compared, a marker at its median."""
    accent = safe_colour(colour)
    label_w, plot_w, right = 128.0, 300.0, 12.0
    top, row_h = 30.0, 30.0
    width = label_w + plot_w + right
    height = top + row_h * len(rows) + 36

    def x_of(score: float) -> float:
        return label_w + plot_w * max(0.0, min(score, 100.0)) / 100

    body = _level_bands(levels, x_of, top, row_h * len(rows), 8, 2)
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
        if row.peer is not None:
            px = x_of(row.peer)
            body.append(f'<path d="M{_n(px)},{_n(y + 1)} l3.5,4 l-3.5,4 l-3.5,-4 z" fill="{PEER}"/>')
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
    if peer_legend and any(row.peer is not None for row in rows):
        px = tick_x + 20 + text_width(target_legend, 8)
        body.append(f'<path d="M{_n(px)},{_n(legend_y - 8)} l3.5,4 l-3.5,4 l-3.5,-4 z" fill="{PEER}"/>')
        body.append(_text(px + 7, legend_y, peer_legend, 8, fill=MUTED))
    return _svg(width, height, lang, body, label)


# --- level distribution -------------------------------------------------------------------


def distribution(
    shares: Sequence[tuple[str, float]], own: int, own_label: str, lang: str, colour: str, label: str = ""
) -> str:
    """A published distribution as one stacked bar (percent of firms per level band), the band
    holding the enterprise marked below it. Bands too narrow for their name are named in a key."""
    accent = safe_colour(colour)
    width, left, right = 490.0, 4.0, 4.0
    plot = width - left - right
    total = sum(share for _, share in shares) or 100.0
    bar_y, bar_h = 20.0, 22.0
    body: list[str] = []
    key: list[tuple[str, str]] = []  # (name and share, fill) of the narrow bands
    x = left
    for i, (name, share) in enumerate(shares):
        w = plot * share / total
        white = 0.7 - 0.55 * i / max(len(shares) - 1, 1)  # light for the lowest levels, dark for the highest
        fill = tint(accent, white)
        stroke = f'stroke="{INK}" stroke-width="1.6"' if i == own else 'stroke="#ffffff" stroke-width="1"'
        body.append(f'<rect x="{_n(x)}" y="{_n(bar_y)}" width="{_n(w)}" height="{_n(bar_h)}" fill="{fill}" {stroke}/>')
        value = f"{share:g}%"
        if text_width(value, 9) < w - 4:
            ink = INK if white > 0.45 else "#ffffff"
            body.append(_text(x + w / 2, bar_y + 15, value, 9, anchor="middle", fill=ink, weight="bold"))
        if text_width(name, 8) < w - 4:
            body.append(_text(x + w / 2, bar_y - 6, name, 8, anchor="middle", fill=MUTED))
        else:
            key.append((f"{name} {value}", fill))
        if i == own:
            mid = x + w / 2
            body.append(f'<path d="M{_n(mid)},{_n(bar_y + bar_h + 3)} l5,7 l-10,0 z" fill="{INK}"/>')
            anchor = "start" if mid < width * 0.2 else "end" if mid > width * 0.8 else "middle"
            body.append(_text(mid, bar_y + bar_h + 21, own_label, 9, anchor=anchor, fill=INK, weight="bold"))
        x += w
    height = bar_y + bar_h + 28
    if key:
        kx, ky = width - right, height + 4
        for text, fill in reversed(key):
            kx -= text_width(text, 8)
            body.append(_text(kx, ky, text, 8, fill=MUTED))
            kx -= 12
            body.append(f'<rect x="{_n(kx)}" y="{_n(ky - 7)}" width="8" height="8" fill="{fill}"/>')
            kx -= 14
        height += 10
    return _svg(width, height, lang, body, label)


# --- value x effort -------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    number: int
    cost: float  # indicative cost, 10,000 CNY (the middle of the range)
    impact: int  # 1-3
    quick: bool  # a quick win: drawn in the accent colour


def value_effort(
    points: Sequence[Point],
    impact_labels: Sequence[str],
    axis_labels: tuple[str, str],
    zone_label: str,
    money: Callable[[float], str],
    lang: str,
    colour: str,
    label: str = "",
) -> str:
    """Actions by indicative cost (log scale) and impact; the quick wins (high impact, low cost)
    sit in the shaded upper-left corner. Points of one cell are spread so every number shows."""
    accent = safe_colour(colour)
    width, height = 490.0, 250.0
    left, right, top, bottom = 74.0, 12.0, 14.0, 40.0
    plot_w, plot_h = width - left - right, height - top - bottom
    costs = [max(p.cost, 0.1) for p in points] or [1.0]
    low = 10 ** math.floor(math.log10(min(costs)))
    high = 10 ** math.ceil(math.log10(max(costs) * 1.0001))
    if high <= low:
        high = low * 10

    def x_of(cost: float) -> float:
        return left + plot_w * (math.log10(max(cost, low)) - math.log10(low)) / (math.log10(high) - math.log10(low))

    def y_of(impact: float) -> float:
        return top + plot_h * (3.5 - impact) / 3

    body: list[str] = []
    quick = [p for p in points if p.quick]
    if quick:
        edge = x_of(max(max(p.cost, 0.1) for p in quick)) + 10
        body.append(
            f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(edge - left)}" height="{_n(plot_h / 3)}" '
            f'fill="{tint(accent, 0.88)}"/>'
        )
        body.append(_text(left + 4, top + 10, zone_label, 8, fill=accent, weight="bold"))
    for impact in (1, 2, 3):
        y = y_of(impact)
        body.append(
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(left + plot_w)}" y2="{_n(y)}" stroke="{RULE}" '
            f'stroke-width="0.6"/>'
        )
        name = impact_labels[impact - 1] if impact - 1 < len(impact_labels) else str(impact)
        body.append(_text(left - 6, y + 3, fit_text(name, 8, left - 10), 8, anchor="end", fill=MUTED))
    decade = low
    while decade <= high * 1.0001:
        x = x_of(decade)
        body.append(
            f'<line x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" y2="{_n(top + plot_h)}" stroke="{FAINT}" '
            f'stroke-width="0.8"/>'
        )
        body.append(_text(x, top + plot_h + 12, money(decade), 7.5, anchor="middle", fill=MUTED))
        decade *= 10
    body.append(
        f'<line x1="{_n(left)}" y1="{_n(top + plot_h)}" x2="{_n(left + plot_w)}" y2="{_n(top + plot_h)}" '
        f'stroke="{MUTED}" stroke-width="0.8"/>'
    )
    x_label, y_label = axis_labels
    body.append(_text(left + plot_w / 2, height - 6, x_label, 8, anchor="middle", fill=MUTED))
    body.append(_text(4, top + 4, y_label, 8, fill=MUTED, weight="bold"))
    placed: list[tuple[float, float]] = []
    room = plot_h / 6 - 7  # how far a point may move off its impact line, up or down
    for point in sorted(points, key=lambda p: (p.impact, p.cost, p.number)):
        x, y = x_of(max(point.cost, 0.1)), y_of(point.impact)
        offsets = [0.0]
        for step in range(1, int(room // 13) + 1):
            offsets += [-13.0 * step, 13.0 * step]
        free = [o for o in offsets if not any(abs(x - px) < 13 and abs(y + o - py) < 13 for px, py in placed)]
        if not free:  # the column is full: step right until there is room on the line
            while any(abs(x - px) < 13 and abs(y - py) < 13 for px, py in placed):
                x += 13
            free = [0.0]
        y += free[0]
        placed.append((x, y))
        fill = accent if point.quick else "#ffffff"
        ink = "#ffffff" if point.quick else INK
        body.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="6.5" fill="{fill}" stroke="{accent if point.quick else MUTED}" '
            f'stroke-width="1"/>'
        )
        body.append(_text(x, y + 2.8, str(point.number), 7, anchor="middle", fill=ink, weight="bold"))
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
GANTT_HEIGHT = 640.0  # what fits on a page below the heading; longer roadmaps get several charts
LINE = 10.0  # one line of a wrapped title


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


def wrap_text(text: str, size: float, width: float) -> list[str]:
    """Break text into lines that fit `width`: Chinese between any two characters (not before
    closing punctuation), Latin at spaces; a word longer than a line is broken where it must."""
    lines: list[str] = []
    line = ""
    for token in re.findall(r"[A-Za-z0-9][\w\-./%+]*\s*|\S\s*|\s+", text):
        if text_width((line + token).rstrip(), size) <= width or not line:
            line += token
            while text_width(line.rstrip(), size) > width and len(line) > 1:  # one overlong word
                cut = len(line) - 1
                while cut > 1 and text_width(line[:cut], size) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
            continue
        if token[0] in "，。、；：）”》！？,.;:)" and len(line) > 1:  # keep punctuation with its word
            token, line = line[-1] + token, line[:-1]
        lines.append(line.rstrip())
        line = token.lstrip()
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def gantt(
    tasks: Sequence[Task],
    phase_labels: Sequence[tuple[str, str]],
    lang: str,
    colour: str,
    label: str = "",
    months: Sequence[tuple[int, int]] = ((0, 3), (3, 12), (12, 24)),
    month_unit: str = "",
) -> list[str]:
    """The roadmap as bars on a month axis drawn to scale (phase columns as wide as their months),
    with every title in full, wrapped; one SVG per page of rows.

    `phase_labels` gives each phase's name and time span, e.g. ("Phase 1", "0-3 months").
    """
    placed = schedule(tasks)
    layout = _gantt_layout()
    rows = [(task, wrap_text(f"{task.number}. {task.title}", 8, layout["label_w"] - 8)) for task in tasks]
    chunks: list[list[tuple[Task, list[str]]]] = [[]]
    used = 0.0
    for row in rows:
        height = _row_height(row[1])
        if chunks[-1] and used + height > GANTT_HEIGHT:
            chunks.append([])
            used = 0.0
        chunks[-1].append(row)
        used += height
    return [_gantt_chart(chunk, placed, phase_labels, months, month_unit, lang, colour, label) for chunk in chunks]


def _gantt_layout() -> dict[str, float]:
    return {"label_w": 214.0, "plot_w": 270.0, "right": 6.0, "top": 40.0}


def _row_height(lines: list[str]) -> float:
    return LINE * len(lines) + 4


def phase_columns(months: Sequence[tuple[int, int]], x0: float, width: float) -> list[tuple[float, float]]:
    """Left edge and width of each phase column: proportional to its months (true scale)."""
    start, end = months[0][0], months[-1][1]
    scale = width / max(end - start, 1)
    return [(x0 + (a - start) * scale, (b - a) * scale) for a, b in months]


def _gantt_chart(
    rows: Sequence[tuple[Task, list[str]]],
    placed: dict[int, tuple[float, float]],
    phase_labels: Sequence[tuple[str, str]],
    months: Sequence[tuple[int, int]],
    month_unit: str,
    lang: str,
    colour: str,
    label: str,
) -> str:
    accent = safe_colour(colour)
    shades = {1: accent, 2: tint(accent, 0.3), 3: tint(accent, 0.55)}
    layout = _gantt_layout()
    label_w, plot_w, right, top = layout["label_w"], layout["plot_w"], layout["right"], layout["top"]
    width = label_w + plot_w + right
    body_h = sum(_row_height(lines) for _, lines in rows)
    height = top + body_h + 6
    columns = phase_columns(months, label_w, plot_w)
    body: list[str] = []
    for i, ((x, w), (name, _span)) in enumerate(zip(columns, phase_labels, strict=False)):
        if i % 2 == 0:
            body.append(
                f'<rect x="{_n(x)}" y="{_n(top - 4)}" width="{_n(w)}" height="{_n(body_h + 8)}" fill="{FAINT}"/>'
            )
        if text_width(name, 8.5) <= w - 2:
            body.append(_text(x + w / 2, top - 24, name, 8.5, anchor="middle", weight="bold"))
        else:  # a short phase drawn to scale: its name starts at the column and runs into the next one's margin
            room = w - 2
            if i + 1 < len(columns):
                room += (columns[i + 1][1] - text_width(phase_labels[i + 1][0], 8.5)) / 2 - 4
            body.append(_text(x + 1, top - 24, fit_text(name, 8.5, room), 8.5, weight="bold"))
    ticks = [months[0][0], *(b for _, b in months)]
    for i, month in enumerate(ticks):
        x = columns[i][0] if i < len(columns) else columns[-1][0] + columns[-1][1]
        body.append(
            f'<line x1="{_n(x)}" y1="{_n(top - 8)}" x2="{_n(x)}" y2="{_n(top - 4)}" stroke="{MUTED}" '
            f'stroke-width="0.8"/>'
        )
        last = i == len(ticks) - 1
        text = f"{month}{month_unit}" if last else str(month)
        body.append(_text(x, top - 11, text, 7.5, anchor="end" if last else "middle", fill=MUTED))
    body.append(
        f'<line x1="{_n(label_w)}" y1="{_n(top - 4)}" x2="{_n(label_w + plot_w)}" y2="{_n(top - 4)}" '
        f'stroke="{RULE}" stroke-width="0.8"/>'
    )
    y = top
    for i, (task, lines) in enumerate(rows):
        h = _row_height(lines)
        if i:
            body.append(
                f'<line x1="0" y1="{_n(y)}" x2="{_n(label_w)}" y2="{_n(y)}" stroke="{FAINT}" stroke-width="0.6"/>'
            )
        for j, text in enumerate(lines):
            body.append(_text(12 if j else 0, y + 9 + j * LINE, text, 8))
        start, end = placed[task.number]
        phase = min(max(task.phase, 1), len(columns)) - 1
        x, w = columns[phase]
        x0 = x + 1.5 + start * (w - 3)
        x1 = x + 1.5 + end * (w - 3)
        bar_y = y + h / 2 - 4
        body.append(
            f'<rect x="{_n(x0)}" y="{_n(bar_y)}" width="{_n(max(x1 - x0, 2))}" height="8" rx="2" '
            f'fill="{shades[min(phase + 1, 3)]}"/>'
        )
        y += h
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

    body = _level_bands(levels, x_of, top, row_h * len(rows), 7.5, 1)
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


def _level_bands(
    levels: Sequence[tuple[int, str, float]],
    x_of: Callable[[float], float],
    top: float,
    rows_h: float,
    size: float,
    pad: float,
) -> list[str]:
    """Every other level's score band shaded behind the rows, each level's name above its band."""
    body: list[str] = []
    bounds = [lvl[2] for lvl in levels] + [100.0]
    for i, (_, name, low) in enumerate(levels):
        high = bounds[i + 1]
        if i % 2 == 0:
            body.append(
                f'<rect x="{_n(x_of(low))}" y="{_n(top - 6)}" width="{_n(x_of(high) - x_of(low))}" '
                f'height="{_n(rows_h + 6)}" fill="{FAINT}"/>'
            )
        span = x_of(high) - x_of(low)
        mid = (x_of(low) + x_of(high)) / 2
        body.append(_text(mid, top - 12, fit_text(name, size, span - pad), size, anchor="middle", fill=MUTED))
    return body
