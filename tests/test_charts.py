"""The SVG charts: geometry, escaping, fonts, and the roadmap schedule."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from readiness.report import charts

LEVELS = [
    (1, "Planning", 0.0),
    (2, "Standardised", 20.0),
    (3, "Integrated", 40.0),
    (4, "Optimised", 60.0),
    (5, "Leading", 80.0),
]
SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # also proves the markup is well-formed XML


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in parse(svg).iter(f"{SVG}text")]


def test_radar_points_start_up_and_scale_with_the_score() -> None:
    points = charts.radar_points([100, 50, 0, 100, 100, 100], cx=100, cy=100, radius=80)
    assert points[0] == pytest.approx((100, 20))  # first axis straight up
    x, y = points[1]
    assert math.dist((x, y), (100, 100)) == pytest.approx(40)  # half the radius for 50
    assert points[2] == pytest.approx((100, 100))  # a zero score sits on the centre
    assert x > 100  # clockwise: the second axis is to the right


def test_radar_points_clamp_out_of_range_scores() -> None:
    points = charts.radar_points([150, -5], cx=0, cy=0, radius=10)
    assert math.dist(points[0], (0, 0)) == pytest.approx(10)
    assert points[1] == pytest.approx((0, 0))


def test_radar_has_one_label_and_score_per_axis_and_a_ring_per_level() -> None:
    axes = [charts.Axis(f"{i} Step", 10.0 * i) for i in range(1, 7)]
    svg = charts.radar(axes, LEVELS, "en", "#0b6e4f")
    root = parse(svg)
    labels = texts(svg)
    for axis in axes:
        assert axis.label in labels
        assert f"{axis.score:.0f}" in labels
    polygons = root.findall(f"{SVG}polygon")
    assert len(polygons) == 5 + 1  # rings at 20, 40, 60, 80, 100 and the score shape
    assert polygons[-1].get("fill") == "#0b6e4f"


def test_charts_set_the_font_on_the_svg_root() -> None:
    zh = parse(charts.radar([charts.Axis("诊断", 50)] * 6, LEVELS, "zh", "#1f4e79"))
    en = parse(charts.radar([charts.Axis("Data", 50)] * 6, LEVELS, "en", "#1f4e79"))
    assert zh.get("font-family", "").startswith("'Noto Sans CJK SC'")
    assert en.get("font-family", "").startswith("'DejaVu Sans'")
    assert "Noto Sans CJK SC" in en.get("font-family", "")  # Chinese text in an English report still renders


def test_chart_text_is_escaped() -> None:
    hostile = '<script>alert(1)</script> & "quotes"'
    svg = charts.radar([charts.Axis(hostile, 50)] * 6, LEVELS, "en", "#1f4e79", label=hostile)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(svg)
    assert root.get("aria-label") == hostile
    assert any("<script>" in t for t in texts(svg))  # the text survives, as text


def test_chinese_labels_are_kept_as_text() -> None:
    bars = charts.bars(
        [charts.Bar("1 诊断", 30.6, 40.0), charts.Bar("2 基础设施", 85.0, None)],
        LEVELS,
        "zh",
        "#1f4e79",
        legend=("得分", "下一等级门槛"),
    )
    labels = texts(bars)
    assert "1 诊断" in labels and "2 基础设施" in labels and "下一等级门槛" in labels


def test_bars_mark_the_next_threshold_except_at_the_top() -> None:
    svg = charts.bars([charts.Bar("A", 30, 40), charts.Bar("B", 90, None)], LEVELS, "en", "#1f4e79")
    ticks = list(parse(svg).iter(f"{SVG}line"))
    assert len(ticks) == 1 + 1  # one threshold tick, one legend tick
    assert "30" in texts(svg) and "90" in texts(svg)


def test_bad_colours_never_reach_the_svg() -> None:
    svg = charts.radar([charts.Axis("A", 50)] * 6, LEVELS, "en", 'red" onload="alert(1)')
    assert "onload" not in svg
    assert charts.DEFAULT_ACCENT in svg
    assert charts.safe_colour("#ABCDEF") == "#abcdef"
    assert charts.tint("#000000", 0.5) == "#808080"


def test_fit_text_shortens_with_an_ellipsis() -> None:
    assert charts.fit_text("short", 10, 200) == "short"
    long = charts.fit_text("a very long action title that cannot fit", 10, 60)
    assert long.endswith("…") and charts.text_width(long, 10) <= 60
    chinese = charts.fit_text("把优先场景需要的知识整理成可检索的知识库", 10, 60)
    assert chinese.endswith("…") and charts.text_width(chinese, 10) <= 60


def test_schedule_puts_same_phase_prerequisites_first() -> None:
    tasks = [
        charts.Task(1, "A", 1, "S"),
        charts.Task(2, "B", 1, "M", (1,)),
        charts.Task(3, "C", 2, "L", (2,)),  # another phase: starts at its phase's start
        charts.Task(4, "D", 1, "L", (1,)),  # cannot start later than the phase allows
    ]
    placed = charts.schedule(tasks)
    assert placed[1][0] == 0
    assert placed[2][0] == pytest.approx(placed[1][1])
    assert placed[3][0] == 0
    assert placed[4] == (0.0, 1.0)
    assert all(0 <= start < end <= 1 for start, end in placed.values())


def test_gantt_draws_every_task_and_splits_long_roadmaps() -> None:
    tasks = [charts.Task(i, f"Action {i}", 1 + i % 3, "SML"[i % 3]) for i in range(1, 51)]
    svgs = charts.gantt(
        tasks, [("Phase 1", "0-3 months"), ("Phase 2", "3-12 months"), ("Phase 3", "12-24 months")], "en", "#1f4e79"
    )
    assert len(svgs) == 2
    drawn = [t for svg in svgs for t in texts(svg) if re.match(r"^\d+\. Action", t)]
    assert len(drawn) == 50
    assert all("Phase 1" in texts(svg) and "24" in texts(svg) for svg in svgs)  # phase names, month axis
