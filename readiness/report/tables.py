"""The portfolio as tables: CSV for tools, an Excel workbook for people (JSON Lines is written by the batch)."""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..catalogue import namespace
from ..model import STEP_IDS, Content
from ..portfolio import Portfolio
from . import wording


def portfolio_rows(portfolio: Portfolio) -> list[list[Any]]:
    """A header of stable ids and one row per enterprise, for tools (the CSV)."""
    header = ["name", "source", "industry", "size", "overall_score", "overall_level", "confidence"]
    for step in STEP_IDS:
        header += [f"{step}_score", f"{step}_level"]
    header += ["model_strategy", "deployment", "ready_scenarios"]
    rows: list[list[Any]] = [header]
    for m in portfolio.members:
        row: list[Any] = [m.name, m.source, m.industry, m.size, m.overall_score, m.overall_level, m.confidence]
        for score, level in zip(m.step_scores, m.step_levels, strict=True):
            row += [score, level]
        row += [m.model_strategy, m.deployment, m.ready_scenarios]
        rows.append(row)
    return rows


# A cell starting with one of these is a formula to a spreadsheet (=HYPERLINK(...), +, -, @, and
# tab or CR before them): in the CSV, such text gets a leading apostrophe and stays text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A text cell that a spreadsheet cannot run: "'" before a leading = + - @ tab or CR. Numbers stay.

    A carriage return inside the text becomes a line break: the writer quotes that one (not a lone
    CR, with our "\n" line ends), so every row stays one record."""
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START):
        value = "'" + value
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def render_csv(portfolio: Portfolio) -> str:
    buffer = io.StringIO()
    rows = portfolio_rows(portfolio)
    csv.writer(buffer, lineterminator="\n").writerows([rows[0], *([csv_cell(v) for v in row] for row in rows[1:])])
    return "\ufeff" + buffer.getvalue()  # the byte-order mark makes Excel read the file as UTF-8


# --- the workbook for analysts ------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    head: str
    kind: str = "text"  # text, int, score (one decimal), percent (a share 0-1), date (ISO text)


def render_xlsx(portfolio: Portfolio, content: Content) -> bytes:
    """The portfolio for analysts: a sheet per view (enterprises, step scores, gaps, actions, scenario
    demand, disagreements, averages by industry and by size), labelled in the portfolio's language,
    each with its header frozen and a filter on it."""
    import xlsxwriter

    lang = portfolio.lang
    words = namespace(lang, "portfolio_book")
    buffer = io.BytesIO()
    # Names are data: "=..." stays text, never a formula, and web addresses stay plain text.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    assessors = sorted({m.assessor for m in portfolio.members if m.assessor})
    book.set_properties(
        {
            "title": words["title"].format(count=portfolio.count),
            "subject": content.questionnaire.title.get(lang),
            "author": words["between"].join(assessors) or "readiness",
        }
    )
    base = {"font_name": _FONT, "font_size": 10, "valign": "top"}
    kinds: dict[str, dict[str, Any]] = {
        "text": {},
        "int": {"num_format": "0"},
        "score": {"num_format": "0.0"},
        "percent": {"num_format": "0%"},
        "date": {"num_format": "yyyy-mm-dd"},
        "head": {"bold": True, "bg_color": "#DDE6F0", "border": 1, "text_wrap": True},
    }
    formats = {kind: book.add_format({**base, **extra}) for kind, extra in kinds.items()}
    for name, columns, rows, frozen in _views(portfolio, content, words):
        _write_sheet(book.add_worksheet(name[:31]), formats, columns, rows, frozen)
    book.close()
    return buffer.getvalue()


_FONT = "Microsoft YaHei"  # on Windows; other spreadsheets substitute a CJK font of their own
_View = tuple[str, list[_Column], list[list[Any]], int]  # sheet name, columns, rows, columns kept in view


def _views(portfolio: Portfolio, content: Content, words: Mapping[str, str]) -> list[_View]:
    from ..workbook import answer_words

    lang = portfolio.lang
    index = content.questionnaire.question_index()
    steps = [re.split(r"[:：]", s.title.get(lang))[0].strip() for s in content.questionnaire.playbook_steps]
    sizes = {o.id: o.label.get(lang) for o in index["profile.size"].options}
    members = portfolio.members

    def level(n: int) -> str:
        return words["level"].format(n=n, name=wording.level_name(content, n, lang))

    def choice(decision: str, choice_id: str) -> str:
        return wording.choice_label(content, decision, choice_id, lang) if choice_id else ""

    enterprises = (
        words["enterprises"],
        [
            _Column(words["name"]),
            _Column(words["source"]),
            _Column(words["region"]),
            _Column(words["park"]),
            _Column(words["date"], "date"),
            _Column(words["assessor"]),
            _Column(words["industry"]),
            _Column(words["size"]),
            _Column(words["overall_score"], "score"),
            _Column(words["overall_level"]),
            _Column(words["confidence"], "percent"),
            _Column(words["model_strategy"]),
            _Column(words["deployment"]),
            _Column(words["ready_scenarios"], "int"),
            _Column(words["disagreement_count"], "int"),
        ],
        [
            [
                m.name,
                m.source,
                m.region,
                m.park,
                m.assessed,
                m.assessor,
                m.industry_label,
                sizes.get(m.size, m.size),
                m.overall_score,
                level(m.overall_level),
                m.confidence,
                choice("model_strategy", m.model_strategy),
                choice("deployment", m.deployment),
                m.ready_scenarios,
                len(m.disagreements),
            ]
            for m in members
        ],
        1,
    )
    step_scores = (
        words["step_scores"],
        [
            _Column(words["name"]),
            _Column(words["industry"]),
            _Column(words["size"]),
            _Column(words["overall_score"], "score"),
            *(
                column
                for step in steps
                for column in (
                    _Column(words["step_score"].format(step=step), "score"),
                    _Column(words["step_level"].format(step=step)),
                )
            ),
        ],
        [
            [
                m.name,
                m.industry_label,
                sizes.get(m.size, m.size),
                m.overall_score,
                *(value for score, n in zip(m.step_scores, m.step_levels, strict=True) for value in (score, level(n))),
            ]
            for m in members
        ],
        1,
    )
    step_of = {q.id: s.title.get(lang) for s in content.questionnaire.steps for q in s.questions}
    gaps = (
        words["gaps"],
        [
            _Column(words["question"]),
            _Column(words["step"]),
            _Column(words["count"], "int"),
            _Column(words["share"], "percent"),
        ],
        [
            [
                wording.question_name(index[t.id], lang) if t.id in index else t.label,
                step_of.get(t.id, ""),
                t.count,
                t.share,
            ]
            for t in portfolio.common_gaps
        ],
        1,
    )
    actions = (
        words["actions"],
        [_Column(words["action"]), _Column(words["count"], "int"), _Column(words["share"], "percent")],
        [[t.label, t.count, t.share] for t in portfolio.common_actions],
        1,
    )
    yes, no = words["yes"], words["no"]
    scenarios = (
        words["scenarios"],
        [
            _Column(words["scenario"]),
            _Column(words["industry_specific"]),
            _Column(words["relevant"], "int"),
            _Column(words["ready_now"], "int"),
            _Column(words["after_roadmap"], "int"),
            _Column(words["not_yet"], "int"),
            _Column(words["top_blocker"]),
        ],
        [
            [
                s.title,
                yes if s.industry_specific else no,
                s.relevant,
                s.ready_now,
                s.after_roadmap,
                s.not_yet,
                s.top_blocker,
            ]
            for s in portfolio.scenarios
        ],
        1,
    )
    differed = []
    for m in members:
        for d in m.disagreements:
            question = index.get(d.question)
            if question is None:
                continue
            said = words["between"].join(
                f"{who}{words['said']}{answer_words(question, v, lang)}" for who, v in d.answers.items()
            )
            differed.append([m.name, wording.question_name(question, lang), answer_words(question, d.kept, lang), said])
    disagreements = (
        words["disagreements"],
        [_Column(words["name"]), _Column(words["question"]), _Column(words["kept"]), _Column(words["answers_given"])],
        differed,
        1,
    )
    return [
        enterprises,
        step_scores,
        gaps,
        actions,
        scenarios,
        disagreements,
        *_averages(portfolio, words, steps, sizes),
    ]


def _averages(portfolio: Portfolio, words: Mapping[str, str], steps: list[str], sizes: dict[str, str]) -> list[_View]:
    """Average scores by industry (as the portfolio sums them up) and by size (in the size options' order)."""
    columns = [
        _Column(words["count"], "int"),
        _Column(words["average_overall"], "score"),
        *(_Column(words["step_score"].format(step=step), "score") for step in steps),
    ]
    by_industry = [[row.label, row.count, row.average_overall, *row.average_scores] for row in portfolio.by_industry]
    by_size = []
    for size_id, label in [*sizes.items(), ("", words["not_given"])]:
        group = [m for m in portfolio.members if m.size == size_id or (not size_id and m.size not in sizes)]
        if group:
            by_size.append(
                [
                    label,
                    len(group),
                    _mean([m.overall_score for m in group]),
                    *(_mean([m.step_scores[i] for m in group]) for i in range(len(steps))),
                ]
            )
    return [
        (words["by_industry"], [_Column(words["industry"]), *columns], by_industry, 1),
        (words["by_size"], [_Column(words["size"]), *columns], by_size, 1),
    ]


def _mean(values: list[float]) -> float:
    return round(sum(values) / len(values), 1) if values else 0.0


def _write_sheet(ws: Any, formats: dict[str, Any], columns: list[_Column], rows: list[list[Any]], frozen: int) -> None:
    ws.write_row(0, 0, [c.head for c in columns], formats["head"])
    ws.set_row(0, 30)
    ws.freeze_panes(1, frozen)
    ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    for number, row in enumerate(rows, start=1):
        for column, (spec, value) in enumerate(zip(columns, row, strict=True)):
            style = formats[spec.kind]
            if value is None or value == "":
                ws.write_blank(number, column, None, style)
            elif spec.kind == "date":
                day = datetime.date.fromisoformat(str(value))
                ws.write_datetime(number, column, datetime.datetime(day.year, day.month, day.day), style)
            elif isinstance(value, str):
                ws.write_string(number, column, value, style)
            else:
                ws.write_number(number, column, value, style)
    for column, spec in enumerate(columns):
        shown = [_width(spec.head) / 1.6 + 1, *(_width(_shown(row[column], spec.kind)) for row in rows)]
        ws.set_column(column, column, min(max(shown) + 2, 50), formats["text" if spec.kind == "text" else spec.kind])


def _shown(value: Any, kind: str) -> str:
    if kind == "percent" and isinstance(value, int | float):
        return f"{value:.0%}"
    return str(value)


def _width(text: str) -> float:
    """How wide text is in Excel's units: a Chinese character takes two."""
    return float(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text))
