"""Benchmarks and money: sourced peer figures, portfolio cohorts that never show one firm, cost
ranges on every action and scenario, the phase budget against the budget answers, the charts."""

from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from readiness.assess import run_assessment
from readiness.cli import app
from readiness.errors import ContentError
from readiness.loader import load_answers, load_content
from readiness.model import PHASE_MONTHS, SIZES, Answers, Content, Cost, LevelShares
from readiness.report import charts, money, peers
from readiness.report.context import build_context
from readiness.report.html import render_html
from readiness.report.result import json_line, result_dict
from readiness.resources import example_answers
from tests.conftest import edit_yaml

SVG = "{http://www.w3.org/2000/svg}"
ENV = {"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb", "READINESS_CONTENT": None}
runner = CliRunner()


@pytest.fixture(scope="module")
def example(content: Content) -> Answers:
    return load_answers(example_answers("example"), content)


def record(content: Content, answers: Answers, *, name: str, industry: str, size: str, shift: float) -> dict[str, Any]:
    """A portfolio line like the batch writes, with every score moved by `shift`."""
    data = result_dict(run_assessment(content, answers), content)
    data["enterprise"] = {**data["enterprise"], "name": name, "industry": industry, "size": size}
    data["overall"] = {**data["overall"], "score": max(0.0, min(100.0, data["overall"]["score"] + shift))}
    data["steps"] = [{**s, "score": max(0.0, min(100.0, s["score"] + shift))} for s in data["steps"]]
    return data


def write_portfolio(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_bytes(b"".join(json_line(r) + b"\n" for r in records))
    return path


# --- content ------------------------------------------------------------------------------------


def test_every_published_figure_has_a_source_a_year_and_the_self_selection_note(content: Content) -> None:
    bench = content.rubric.benchmarks
    assert bench is not None
    assert "自愿" in bench.caveat.zh and "self-selected" in bench.caveat.en.lower()
    figures = [*bench.level_shares, *bench.national]
    assert len(bench.level_shares) >= 2 and len(bench.national) >= 2
    for figure in figures:
        assert figure.source.url.startswith("http")
        assert 2015 <= figure.source.year <= 2026
        assert figure.source.title.en and figure.source.title.zh


def test_the_published_distributions_are_as_the_sources_state(content: Content) -> None:
    by_id = {d.id: d for d in content.rubric.benchmarks.level_shares}  # type: ignore[union-attr]
    assert by_id["cesi_2022"].at_least == {2: 37, 3: 16, 4: 4}  # 63% <=L1, 21% L2, 12% L3, 4% >=L4
    assert by_id["c3mep_2024"].at_least == {2: 42.0}  # 47,793 of 113,792
    assert by_id["cmmm_2021"].at_least == {2: 31, 3: 16, 4: 9}  # 69% <=L1, 15% L2, 7% L3, 9% >=L4


def test_every_action_and_scenario_carries_a_cost_per_size_with_a_known_basis(content: Content) -> None:
    rubric = content.rubric
    assert rubric.money is not None
    bases = {b.id for b in rubric.money.bases}
    priced: list[Cost | None] = [a.cost for a in rubric.actions] + [s.cost for s in rubric.scenarios]
    assert all(cost is not None for cost in priced)
    for cost in priced:
        assert cost is not None and cost.basis in bases
        ranges = [cost.for_size(size) for size in SIZES]
        assert all(0 <= low <= high for low, high in ranges)
        assert ranges[0][1] <= ranges[-1][1]  # a micro firm never spends more than a large one
    assert all(s.gain is not None and s.gain.low <= s.gain.high for s in rubric.scenarios)
    assert all(b.text.en and b.text.zh for b in rubric.money.bases)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda a: a["cost"].update(currency="USD"), "currency"),  # unknown keys fail
        (lambda a: a["cost"].update(small=[20, 5]), "above the high end"),
        (lambda a: a["cost"].update(basis="guesswork"), "unknown basis 'guesswork'"),
        (lambda a: a["cost"].pop("large"), "large"),
    ],
)
def test_the_loader_refuses_bad_cost_data(content_copy: Path, change: Any, expected: str) -> None:
    path = content_copy / "rubrics" / "ai_manufacturing" / "steps" / "compute.yaml"
    edit_yaml(path, lambda data: change(data["actions"][0]))
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert expected in str(caught.value)
    assert "compute.yaml" in str(caught.value)


def test_the_loader_refuses_a_distribution_that_rises(content_copy: Path) -> None:
    path = content_copy / "rubrics" / "ai_manufacturing" / "benchmarks.yaml"
    edit_yaml(path, lambda data: data["level_shares"][0].update(at_least={2: 10, 3: 30}))
    with pytest.raises(ContentError, match="fall as the level rises"):
        load_content(content_copy)


# --- national band --------------------------------------------------------------------------------


def test_the_national_band_follows_the_distribution(content: Content) -> None:
    shares = content.rubric.benchmarks.level_shares  # type: ignore[union-attr]
    used, ahead, up_to = peers.national_band(2, shares)
    assert used.id == "cesi_2022" and (ahead, up_to) == (63, 84)  # ahead of 63%, top 16-37%
    assert peers.national_band(1, shares)[1:] == (0, 63)
    assert peers.national_band(3, shares)[1:] == (84, 96)
    assert peers.national_band(5, shares)[1:] == (96, 100)  # "level 4 or above" bounds level 5 from below


def test_the_band_uses_only_a_distribution_that_states_both_ends() -> None:
    partial = LevelShares.model_validate(
        {
            "id": "p",
            "source": {"title": {"en": "x", "zh": "某"}, "url": "https://a.b/c", "year": 2024},
            "sample": {"en": "x", "zh": "某"},
            "at_least": {2: 42},
        }
    )
    full = LevelShares.model_validate(
        {
            "id": "f",
            "source": {"title": {"en": "y", "zh": "另"}, "url": "https://a.b/d", "year": 2022},
            "sample": {"en": "y", "zh": "另"},
            "at_least": {2: 37, 3: 16, 4: 4},
        }
    )
    assert peers.national_band(1, [partial, full])[0].id == "p"  # 58% below level 2 in 2024
    assert peers.national_band(2, [partial, full])[0].id == "f"  # 2024 does not state the level-3 share


def test_the_report_states_the_national_band_with_source_year_and_caveat(content: Content, example: Answers) -> None:
    ctx = build_context(run_assessment(content, example), content, example, lang="zh")
    bench = ctx.benchmark
    assert bench is not None
    assert "2022年" in bench.band and "前16%\u201337%" in bench.band
    assert "（2022年）" in bench.band_source
    assert bench.ring == 20.0  # the Standardised threshold, reached by 37% (under half)
    html = render_html(ctx)
    assert bench.caveat in html and "自愿参加自诊断" in html
    assert "https://www.n6668.com/" in html


# --- portfolio cohort ------------------------------------------------------------------------------


def peer(name: str, industry: str, size: str, score: float) -> peers.Peer:
    return peers.Peer(name, industry, size, score, {"diagnosis": score})


def test_the_cohort_is_industry_and_size_when_large_enough_then_widens() -> None:
    same = [peer(f"s{i}", "machine_tools", "medium", i) for i in range(10)]
    size_only = [peer(f"o{i}", "textile", "medium", i) for i in range(5)]
    others = [peer(f"x{i}", "textile", "large", i) for i in range(10)]
    assert peers.choose_cohort(same + others, "machine_tools", "medium").kind == "industry_size"  # type: ignore[union-attr]
    nine = same[:9] + size_only
    cohort = peers.choose_cohort(nine + others, "machine_tools", "medium")
    assert cohort is not None and cohort.kind == "size" and len(cohort.peers) == 14
    cohort = peers.choose_cohort(same[:4] + size_only + others, "machine_tools", "medium")
    assert cohort is not None and cohort.kind == "all" and len(cohort.peers) == 19
    assert peers.choose_cohort(same[:9], "machine_tools", "medium") is None


def test_the_enterprise_itself_is_not_its_own_peer() -> None:
    firms = [peer(f"s{i}", "machine_tools", "medium", i) for i in range(10)]
    assert peers.choose_cohort(firms, "machine_tools", "medium", name="s0") is None  # nine others


@pytest.mark.parametrize(
    ("score", "expected"),
    [(95, "top_25"), (60, "top_50"), (40, "bottom_50"), (5, "bottom_25")],
)
def test_the_position_is_a_percentile_band(score: float, expected: str) -> None:
    words = {k: k + " {cohort}" for k in ("top_25", "top_50", "bottom_50", "bottom_25")}
    values = [float(v) for v in range(0, 100, 5)]  # 20 firms
    assert peers.position_text(score, values, "c", words) == f"{expected} c"


def test_the_chinese_wording_of_a_band_names_its_cohort(content: Content, example: Answers, tmp_path: Path) -> None:
    rows = [
        record(content, example, name=f"F{i}", industry="machine_tools", size="medium", shift=-14 + 2 * i)
        for i in range(12)
    ]
    ctx = build_context(
        run_assessment(content, example),
        content,
        example,
        lang="zh",
        peers=peers.load_peers(write_portfolio(tmp_path / "p.jsonl", rows), "zh"),
    )
    cohort = ctx.benchmark.cohort  # type: ignore[union-attr]
    assert cohort is not None and cohort.size == 12
    assert cohort.name == "工业母机（机床）行业中型企业"
    assert cohort.position == "高于工业母机（机床）行业中型企业中位数，处于前25%\u201350%"


def test_no_other_firms_figures_reach_the_report(content: Content, example: Answers, tmp_path: Path) -> None:
    rows = [
        record(content, example, name=f"Secret Works {i}", industry="machine_tools", size="medium", shift=3.37 * i - 17)
        for i in range(11)
    ]
    path = write_portfolio(tmp_path / "portfolio.jsonl", rows)
    assessment = run_assessment(content, example)
    ctx = build_context(assessment, content, example, lang="en", peers=peers.load_peers(path, "en"))
    html = render_html(ctx)
    without = render_html(build_context(assessment, content, example, lang="en"))
    assert "Secret Works" not in html
    cohort = ctx.benchmark.cohort  # type: ignore[union-attr]
    assert cohort is not None and len(cohort.steps) == 6
    for step in cohort.steps:  # each step chapter gives its cohort median
        chapter = html.split(f'id="step-{step.step_id}"', 1)[1].split("</table>", 1)[0]
        assert f"{step.median:.1f}" in chapter and step.position in chapter
    shown = {f"{v:.1f}" for s in cohort.steps for v in (s.low, s.median, s.high)} | {f"{cohort.overall_median:.1f}"}
    own = {f"{s.score:.1f}" for s in ctx.steps}
    individual = {f"{s['score']:.1f}" for r in rows for s in r["steps"]} - own
    # quartiles of 11 firms fall on firms' scores only at the exact quartile ranks (3rd, 6th, 9th)
    for step in cohort.steps:
        scores = sorted(s["score"] for r in rows for s in r["steps"] if s["id"] == step.step_id)
        assert step.median == pytest.approx(scores[5])

    def found(v: str, text: str) -> bool:
        return re.search(rf"(?<![\d.]){re.escape(v)}(?![\d])", text) is not None

    leaked = {v for v in individual if found(v, html) and not found(v, without)} - shown
    assert leaked == set()


def test_too_small_a_cohort_is_said_in_the_report(content: Content, example: Answers, tmp_path: Path) -> None:
    rows = [record(content, example, name=f"F{i}", industry="textile", size="large", shift=i) for i in range(4)]
    ctx = build_context(
        run_assessment(content, example),
        content,
        example,
        lang="en",
        peers=peers.load_peers(write_portfolio(tmp_path / "p.jsonl", rows), "en"),
    )
    assert ctx.benchmark is not None and ctx.benchmark.cohort is None
    assert "4 other firms" in ctx.benchmark.cohort_note and "10" in ctx.benchmark.cohort_note


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("not json at all\n", "line 1: not a JSON line"),
        ('{"schema": "readiness.assessment/1"}\n', "line 1: not an assessment result"),
        ("\n\n", "holds no assessment results"),
    ],
)
def test_a_bad_peers_file_is_a_clear_error(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "peers.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(peers.PeersError, match=expected):
        peers.load_peers(path, "en")


def test_report_with_peers_through_the_cli(content: Content, example: Answers, tmp_path: Path) -> None:
    rows = [
        record(content, example, name=f"F{i}", industry="machine_tools", size="medium", shift=i - 6) for i in range(12)
    ]
    path = write_portfolio(tmp_path / "portfolio.jsonl", rows)
    target = tmp_path / "r.html"
    result = runner.invoke(
        app, ["report", str(example_answers("example")), "-o", str(target), "--peers", str(path)], env=ENV
    )
    assert result.exit_code == 0, result.output
    assert "Cohort median" in target.read_text(encoding="utf-8") or "群体中位数" in target.read_text(encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{}\n[1, 2\n", encoding="utf-8")
    result = runner.invoke(
        app, ["report", str(example_answers("example")), "-o", str(tmp_path / "x.html"), "--peers", str(bad)], env=ENV
    )
    assert result.exit_code == 1
    assert ("line 1" in result.output or "第1行" in result.output) and "Traceback" not in result.output
    assert not (tmp_path / "x.html").exists()


# --- money -------------------------------------------------------------------------------------------


def test_amounts_are_worded_per_language() -> None:
    assert money.range_text(5, 20, "zh") == "5\u201320万元"
    assert money.range_text(0, 0.5, "zh") == "0.5万元以内"
    assert money.range_text(5, 150, "en") == "CNY 50k\u20131.5m"
    assert money.range_text(0, 2, "en") == "up to CNY 20k"


def test_quick_wins_are_the_highest_impact_at_no_more_than_the_median_cost() -> None:
    items = [(1, 50.0, 3), (2, 1.0, 3), (3, 2.0, 2), (4, 0.5, 3), (5, 100.0, 1)]
    assert money.quick_wins(items) == [4, 2]  # median cost 2: #1 costs too much, #3 has less impact
    assert money.quick_wins([]) == []


def budget_view(content: Content, example: Answers, budget: str, size: str = "medium") -> money.MoneyView:
    data = example.model_dump()  # a fresh model: a copy would keep the cached answers
    data["answers"][money.BUDGET_QUESTION] = budget
    data["enterprise"]["size"] = size
    answers = Answers.model_validate(data)
    ctx = build_context(run_assessment(content, answers), content, answers, lang="en")
    assert ctx.money is not None
    return ctx.money


def test_the_phase_budget_is_set_against_the_budget_answer(content: Content, example: Answers) -> None:
    tight = budget_view(content, example, "tight")
    ample = budget_view(content, example, "ample")
    words = tight.words
    assert ample.verdict == words["within_budget"]
    assert tight.hardware  # the example plan buys edge compute in the first year
    assert tight.verdict in (words["may_exceed"], words["over_budget"]) and tight.caution
    assert tight.budget_answer.startswith("Tight")
    assert [p.months for p in tight.phases] == list(PHASE_MONTHS)
    low = sum(p.low for p in tight.phases[:2])
    assert tight.first_year == money.range_text(low, sum(p.high for p in tight.phases[:2]), "en")


def test_costs_follow_the_enterprise_size(content: Content, example: Answers) -> None:
    small = budget_view(content, example, "moderate", size="micro")
    large = budget_view(content, example, "moderate", size="large")
    assert small.size_label.startswith("Micro") and large.size_label.startswith("Large")
    assert sum(p.high for p in small.phases) < sum(p.high for p in large.phases)


def test_the_report_shows_costs_bases_and_the_indicative_label(content: Content, example: Answers) -> None:
    ctx = build_context(run_assessment(content, example), content, example, lang="zh")
    html = render_html(ctx)
    assert all(a.cost for p in ctx.phases for a in p.actions)
    assert "指示性估算" in html and "投入预算与速赢行动" in html
    assert "https://article.dabeicloud.com/" in html  # a price source, in the method
    assert "http://baxikafei.com/" in html  # the basis of the scenarios' value ranges
    assert any(s.cost and s.gain for s in ctx.scenarios)


# --- charts --------------------------------------------------------------------------------------------


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_the_timeline_is_drawn_to_scale() -> None:
    columns = charts.phase_columns(PHASE_MONTHS, 100.0, 240.0)
    widths = [w for _, w in columns]
    assert widths == pytest.approx([30.0, 90.0, 120.0])  # 3, 9 and 12 months
    assert columns[1][0] == pytest.approx(130.0)
    svg = charts.gantt(
        [charts.Task(1, "A", 1, "L"), charts.Task(2, "B", 3, "L")],
        [("P1", ""), ("P2", ""), ("P3", "")],
        "en",
        "#1f4e79",
    )[0]
    bars = [r for r in parse(svg).iter(f"{SVG}rect") if r.get("height") == "8"]
    first, third = (float(b.get("width") or 0) for b in bars)
    assert third / first == pytest.approx((12 * 270 / 24 - 3) / (3 * 270 / 24 - 3), rel=0.01)


def test_timeline_titles_are_whole_and_wrapped() -> None:
    title = "Pilot the priority use case: a vendor model with a person reviewing every result, on one line"
    chinese = "围绕优先场景开展试点：直接使用供应商模型，逐条人工复核，并记录全部结果"
    svg = charts.gantt(
        [charts.Task(1, title, 1, "M"), charts.Task(2, chinese, 2, "S")],
        [("P1", ""), ("P2", ""), ("P3", "")],
        "zh",
        "#1f4e79",
    )[0]
    shown = [t.text or "" for t in parse(svg).iter(f"{SVG}text")]
    assert not any("…" in t for t in shown)
    joined = "".join(shown)
    assert chinese in joined
    assert all(word in joined for word in title.split())
    lines = charts.wrap_text(chinese, 8, 100)
    assert len(lines) > 1 and "".join(lines) == chinese
    assert not any(line.startswith(("，", "：")) for line in lines)  # punctuation stays with its word


def test_long_roadmaps_split_by_height() -> None:
    tasks = [
        charts.Task(i, "A long action title that wraps onto a second line of the label column", 1, "S")
        for i in range(1, 61)
    ]
    svgs = charts.gantt(tasks, [("P1", ""), ("P2", ""), ("P3", "")], "en", "#1f4e79")
    assert len(svgs) > 1
    for svg in svgs:
        assert float(parse(svg).get("height") or 0) <= charts.GANTT_HEIGHT + 60


def test_the_new_charts_are_well_formed_and_escaped() -> None:
    hostile = '<b>&"x"'
    distribution = charts.distribution(
        [("L1", 63), ("L2", 21), ("L3", 12), (hostile, 4)], 1, hostile, "en", "#1f4e79", hostile
    )
    points = [charts.Point(i, 0.5 * 3**i, 1 + i % 3, i < 2) for i in range(8)]
    chart = charts.value_effort(
        points, ["a", "b", hostile], ("x", "y"), "quick", lambda v: f"{v:g}", "en", "#1f4e79", hostile
    )
    radar = charts.radar(
        [charts.Axis("A", 50)] * 6,
        [(1, "L1", 0.0), (2, "L2", 20.0)],
        "en",
        "#1f4e79",
        peers=[
            charts.PeerLine((20.0,) * 6, hostile, national=True),
            charts.PeerLine((30, 40, 50, 60, 70, 80), "median"),
        ],
        own_legend="own",
    )
    for svg in (distribution, chart, radar):
        root = parse(svg)
        assert "<b>" not in svg
        assert any(hostile in (t.text or "") for t in root.iter(f"{SVG}text"))
    circles = list(parse(chart).iter(f"{SVG}circle"))
    assert len(circles) == 8
    assert len([c for c in circles if c.get("fill") == "#1f4e79"]) == 2  # the quick wins stand out
    centres = [(float(c.get("cx") or 0), float(c.get("cy") or 0)) for c in circles]
    assert all(math.dist(a, b) >= 12 for i, a in enumerate(centres) for b in centres[i + 1 :])
    dashed = [p for p in parse(radar).iter(f"{SVG}polygon") if p.get("stroke-dasharray")]
    assert len(dashed) == 2


def test_bars_mark_the_cohort_median() -> None:
    svg = charts.bars(
        [charts.Bar("A", 30, 40, peer=55.0), charts.Bar("B", 60, 80)],
        [(1, "L1", 0.0)],
        "en",
        "#1f4e79",
        peer_legend="median",
    )
    markers = list(parse(svg).iter(f"{SVG}path"))
    assert len(markers) == 2  # one on the row with a median, one in the legend
    assert "median" in [t.text for t in parse(svg).iter(f"{SVG}text")]


def test_portfolio_lines_from_the_batch_are_read_back(content: Content, example: Answers, tmp_path: Path) -> None:
    line = json.loads(json_line({**result_dict(run_assessment(content, example), content), "source": "a.yaml"}))
    found = peers.load_peers(write_portfolio(tmp_path / "p.jsonl", [line]), "en")
    assert found[0].industry == example.enterprise["industry"] and set(found[0].steps) == {
        "diagnosis",
        "infrastructure",
        "data",
        "compute",
        "models",
        "security",
    }


def test_the_command_warns_when_the_portfolio_is_too_small(content: Content, example: Answers, tmp_path: Path) -> None:
    rows = [record(content, example, name=f"F{i}", industry="textile", size="large", shift=i) for i in range(3)]
    path = write_portfolio(tmp_path / "portfolio.jsonl", rows)
    target = tmp_path / "r.html"
    args = ["report", str(example_answers("example")), "-o", str(target), "--peers", str(path), "--lang", "en"]
    result = runner.invoke(app, args, env=ENV)
    assert result.exit_code == 0, result.output
    assert "3 other firms" in result.output and "10" in result.output
    assert "3 other firms" in target.read_text(encoding="utf-8")  # the report says it too
    missing = runner.invoke(app, [*args[:5], str(tmp_path / "nowhere.jsonl"), "--lang", "en"], env=ENV)
    assert missing.exit_code == 1 and "cannot be read" in missing.output
