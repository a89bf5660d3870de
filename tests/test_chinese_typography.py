"""Typography of the rendered reports: the bundled Chinese example, as a reader sees it.

The visible text is taken from the HTML report: <style> is skipped, and every box the stylesheet
makes a block (paragraphs, cells, and the spans report.css displays as blocks or badges) is its own
line, so a space between two boxes is not counted as a space inside Chinese text.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from readiness.assess import run_assessment
from readiness.loader import load_answers
from readiness.model import STEP_IDS, Content
from readiness.report.context import build_context
from readiness.report.html import render_html, template_dir
from readiness.report.markdown import render_markdown
from readiness.resources import example_answers

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = f"[{CJK}]"
QUESTION_ID = re.compile(r"\b(?:profile|industry|" + "|".join(STEP_IDS) + r")\.[a-z][a-z0-9_]*\b")
_BLOCK_TAGS = {
    "address", "article", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3",
    "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "section", "table", "tbody", "td", "text", "tfoot",
    "th", "thead", "title", "tr", "tspan", "ul", "svg", "g",
}  # fmt: skip
_VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
_HIDDEN = {"style", "script", "head"}
_BREAK = "\u2029"


def _block_selectors() -> list[tuple[str | None, str | None, str | None]]:
    """(ancestor class, tag, class) of each rule in report.css that makes a box of its own."""
    css = (template_dir() / "report.css").read_text(encoding="utf-8")
    found: list[tuple[str | None, str | None, str | None]] = []
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if not re.search(r"display:\s*(block|inline-block|table)", body):
            continue
        for selector in selectors.split(","):
            parts = selector.split()
            if not parts:
                continue
            match = re.fullmatch(r"([a-z0-9]*)((?:\.[\w-]+)*)", parts[-1])
            if not match:
                continue
            tag, classes = match.group(1) or None, match.group(2).lstrip(".").split(".")[0] or None
            ancestor = parts[0].lstrip(".") if len(parts) > 1 and parts[0].startswith(".") else None
            found.append((ancestor, tag, classes))
    return found


class _Visible(HTMLParser):
    def __init__(self, blocks: list[tuple[str | None, str | None, str | None]]) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks = blocks
        self.stack: list[tuple[str, set[str], bool]] = []  # (tag, classes, a box of its own)
        self.parts: list[str] = []

    def _is_block(self, tag: str, classes: set[str]) -> bool:
        if tag in _BLOCK_TAGS:
            return True
        ancestors = {c for _, cls, _ in self.stack for c in cls}
        return any(
            (a is None or a in ancestors) and (t is None or t == tag) and (c is None or c in classes)
            for a, t, c in self.blocks
            if t or c
        )

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        style = dict(attrs).get("style") or ""
        block = self._is_block(tag, classes)
        if block:
            self.parts.append(_BREAK)
        if tag not in _VOID:
            hidden = tag in _HIDDEN or "display:none" in style.replace(" ", "")
            self.stack.append((tag, classes | ({"\0hidden"} if hidden else set()), block))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            open_tag, _, block = self.stack.pop()
            if block:
                self.parts.append(_BREAK)
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not any(t in _HIDDEN or "\0hidden" in c for t, c, _ in self.stack):
            self.parts.append(data)


def visible_lines(html: str) -> list[str]:
    """The text a reader sees, one line per box, with HTML's whitespace collapsing applied."""
    parser = _Visible(_block_selectors())
    parser.feed(html)
    text = "".join(parser.parts)
    return [line for line in (" ".join(part.split()) for part in text.split(_BREAK)) if line]


def problems(lines: list[str]) -> dict[str, list[str]]:
    """Each typographic fault in Chinese text, with a little of its context."""
    text = "\n".join(lines)

    def found(pattern: str) -> list[str]:
        return [text[max(0, m.start() - 12) : m.end() + 12].replace("\n", " ⏎ ") for m in re.finditer(pattern, text)]

    return {
        "ascii colon or comma after a Chinese character": found(_CJK + "[:,]"),
        "ascii space between Chinese characters": found(_CJK + " +" + _CJK),
        "ascii semicolon or bracket beside Chinese": found(_CJK + " ?[;(]|\\) ?" + _CJK),
        "question ids": found(QUESTION_ID.pattern),
        "effort cells S, M or L": [line for line in lines if line in ("S", "M", "L")],
        # 置信度低/高 is a model's confidence in a scenario's text, which is right; the report's own word is 作答完整度.
        "translated terms (置信度, 执行摘要, 制约因素)": found("置信度(?![低高])|执行摘要|制约因素"),
    }


def example_report(content: Content, lang: str) -> tuple[str, str]:
    """The bundled Chinese example as an HTML and a Markdown report in `lang`."""
    answers = load_answers(example_answers("example"), content)
    assessment = run_assessment(content, answers)
    ctx = build_context(assessment, content, answers, today=dt.date(2026, 3, 2), lang=lang)
    return render_html(ctx), render_markdown(ctx)


@pytest.fixture(scope="module")
def chinese(content: Content) -> list[str]:
    return visible_lines(example_report(content, "zh")[0])


@pytest.fixture(scope="module")
def english(content: Content) -> list[str]:
    return visible_lines(example_report(content, "en")[0])


@pytest.mark.parametrize("kind", list(problems([])))
def test_the_chinese_report_has_no_typographic_fault(chinese: list[str], kind: str) -> None:
    assert problems(chinese)[kind] == []


def test_the_chinese_report_uses_its_own_terms(chinese: list[str]) -> None:
    text = "\n".join(chinese)
    for term in ("评估结论摘要", "作答完整度", "以已知答案作答的问题权重占比", "各步骤成熟度画像", "第1步", "本步骤"):
        assert term in text, term
    for term in ("尚需具备的条件", "试点见效后", "本行业专项"):
        assert term in text, term
    assert "（参照GB/T 39116等级名称的自评估，不等同于正式评定结果）" in chinese
    assert "各环节" not in text and "本环节" not in text


def test_the_chinese_effort_and_impact_are_words(chinese: list[str]) -> None:
    assert {"小", "中", "大"} & set(chinese)
    assert {"一般", "较大", "重大"} & set(chinese)


def test_the_english_report_shows_no_question_ids(english: list[str]) -> None:
    assert [line for line in english if QUESTION_ID.search(line)] == []
    assert not {"S", "M", "L"} & set(english)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_markdown_report_shows_no_question_ids(content: Content, lang: str) -> None:
    markdown = example_report(content, lang)[1]
    assert QUESTION_ID.findall(markdown) == []
    if lang == "zh":
        assert not re.findall(_CJK + "[:,;]", markdown.replace("\\", ""))


def test_the_visible_text_ignores_styles_and_splits_boxes() -> None:
    html = '<style>p { color: red }</style><p>诊断<span class="kpi-label">得分</span> 数据<span>说明</span></p>'
    assert visible_lines(html) == ["诊断", "得分", "数据说明"]
    assert problems(["第1步 诊断: 2个"])["ascii colon or comma after a Chinese character"]
    assert problems(["诊断 数据"])["ascii space between Chinese characters"]


def test_the_chinese_portfolio_and_progress_report_have_no_typographic_fault(content: Content) -> None:
    from readiness.batch import portfolio_entry
    from readiness.compare import Snapshot, compare
    from readiness.portfolio import build_portfolio
    from readiness.report.documents import render_portfolio, render_progress
    from readiness.resources import bundled_examples

    assessed = [
        (name, run_assessment(content, load_answers(example_answers(name), content))) for name in bundled_examples()
    ]
    portfolio = build_portfolio(content, [portfolio_entry(n, a) for n, a in assessed], "zh")
    portfolio_lines = visible_lines(render_portfolio(portfolio, content, "html").data.decode("utf-8"))
    assert "企业" in portfolio_lines and "企业数" not in portfolio_lines and "最常见的待补齐条件" in portfolio_lines
    examples = Path(__file__).resolve().parent.parent / "examples" / "progress"
    dated = [load_answers(examples / f"hengrui-{year}.yaml", content) for year in (2024, 2025, 2026)]
    progress = compare(content, [Snapshot(f"{a.assessment.date}.yaml", a, run_assessment(content, a)) for a in dated])
    progress_lines = visible_lines(render_progress(progress, content, "html", "zh").data.decode("utf-8"))
    assert "进展报告" in progress_lines and "历次评估趋势（3次）" in progress_lines
    for lines in (portfolio_lines, progress_lines):
        assert {kind: found for kind, found in problems(lines).items() if found} == {}


def test_the_interface_wording_follows_the_content_glossary() -> None:
    """The tool's own Chinese (the interface catalogue) obeys the glossary the content is held to.

    Not the answers template's comments (`template.*`): they set YAML literals such as `unknown` off by
    spaces, as the file's syntax, not as prose."""
    glossary = pytest.importorskip("tests.test_glossary")
    from readiness.catalogue import SHIPPED

    found = [
        f"{key}: {name}: {text}"
        for key, text in SHIPPED.own("zh").items()
        if not key.startswith("template.")
        for name, pattern, _ in glossary.BANNED
        if re.search(pattern, text)
    ]
    assert found == []
