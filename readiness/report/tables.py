"""The portfolio as tables: CSV for tools, an Excel workbook for people (JSON Lines is written by the batch)."""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..catalogue import namespace
from ..model import STEP_IDS, Content
from ..portfolio import GroupRow, Member, Portfolio
from . import wording

CHUNK = 1 << 16  # characters of CSV written at a time

CSV_HEADER = [
    "name", "source", "industry", "size", "overall_score", "overall_level", "confidence",
    *(f"{step}_{kind}" for step in STEP_IDS for kind in ("score", "level")),
    "model_strategy", "deployment", "ready_scenarios",
]  # fmt: skip


def portfolio_rows(members: Iterable[Member]) -> Iterator[list[Any]]:
    """A header of stable ids and one row per enterprise, for tools (the CSV)."""
    yield CSV_HEADER
    for m in members:
        row: list[Any] = [m.name, m.source, m.industry, m.size, m.overall_score, m.overall_level, m.confidence]
        for score, level in zip(m.step_scores, m.step_levels, strict=True):
            row += [score, level]
        row += [m.model_strategy, m.deployment, m.ready_scenarios]
        yield row


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


def render_csv(members: Iterable[Member]) -> str:
    return b"".join(csv_chunks(members)).decode("utf-8")


def csv_chunks(members: Iterable[Member]) -> Iterator[bytes]:
    """portfolio.csv (every enterprise, as given) piece by piece, in UTF-8 with a byte-order mark:
    the mark makes Excel read the file as UTF-8."""
    buffer = io.StringIO("\ufeff")
    buffer.seek(0, io.SEEK_END)
    writer = csv.writer(buffer, lineterminator="\n")
    rows = portfolio_rows(members)
    writer.writerow(next(rows))
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        if buffer.tell() > CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


# --- the workbook for analysts ------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    head: str
    kind: str = "text"  # text, int, score (one decimal), percent (a share 0-1), date (ISO text)


def render_xlsx(portfolio: Portfolio, content: Content, members: Iterable[Member]) -> bytes:
    """The portfolio for analysts: a sheet per view (enterprises, step scores, gaps, actions, scenario
    demand, disagreements, averages by industry and by size), labelled in the portfolio's language,
    each with its header frozen and a filter on it. `members`: every enterprise, best first, read
    once; the sheets' rows go to temporary files as they are written, so any number costs the same memory."""
    import xlsxwriter

    lang = portfolio.lang
    words = namespace(lang, "portfolio_book")
    buffer = io.BytesIO()
    # Names are data: "=..." stays text, never a formula, and web addresses stay plain text.
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(buffer, options)
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
    views = _Views(portfolio, content, words)
    sheets = [_Sheet(book.add_worksheet(name[:31]), formats, columns) for name, columns in views.sheets()]
    enterprises, step_scores, gaps, actions, scenarios, disagreements, by_industry, by_size = sheets
    assessors: set[str] = set()
    for m in members:
        if m.assessor:
            assessors.add(m.assessor)
        enterprises.add(views.enterprise(m))
        step_scores.add(views.step_scores(m))
        for row in views.disagreements(m):
            disagreements.add(row)
    for sheet, rows in (
        (gaps, views.gaps()),
        (actions, views.actions()),
        (scenarios, views.scenarios()),
        (by_industry, views.averages(portfolio.by_industry)),
        (by_size, views.averages(portfolio.by_size)),
    ):
        for row in rows:
            sheet.add(row)
    for sheet in sheets:
        sheet.close()
    book.set_properties(
        {
            "title": words["title"].format(count=portfolio.count),
            "subject": content.questionnaire.title.get(lang),
            "author": words["between"].join(sorted(assessors)) or "readiness",
        }
    )
    book.close()
    return buffer.getvalue()


_FONT = "Microsoft YaHei"  # on Windows; other spreadsheets substitute a CJK font of their own


class _Views:
    """The workbook's sheets: their columns, and their rows (an enterprise's as it comes, the others
    from the portfolio's sums)."""

    def __init__(self, portfolio: Portfolio, content: Content, words: Mapping[str, str]) -> None:
        self.portfolio, self.content, self.words = portfolio, content, words
        self.lang = lang = portfolio.lang
        self.index = index = content.questionnaire.question_index()
        self.steps = [re.split(r"[:：]", s.title.get(lang))[0].strip() for s in content.questionnaire.playbook_steps]
        self.sizes = {o.id: o.label.get(lang) for o in index["profile.size"].options}
        self.industries = portfolio.industries
        self._levels: dict[int, str] = {}
        self._choices: dict[tuple[str, str], str] = {}
        self.step_of = {q.id: s.title.get(lang) for s in content.questionnaire.steps for q in s.questions}

    def sheets(self) -> list[tuple[str, list[_Column]]]:
        words = self.words
        averages = [
            _Column(words["count"], "int"),
            _Column(words["average_overall"], "score"),
            *(_Column(words["step_score"].format(step=step), "score") for step in self.steps),
        ]
        return [
            (
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
            ),
            (
                words["step_scores"],
                [
                    _Column(words["name"]),
                    _Column(words["industry"]),
                    _Column(words["size"]),
                    _Column(words["overall_score"], "score"),
                    *(
                        column
                        for step in self.steps
                        for column in (
                            _Column(words["step_score"].format(step=step), "score"),
                            _Column(words["step_level"].format(step=step)),
                        )
                    ),
                ],
            ),
            (
                words["gaps"],
                [
                    _Column(words["question"]),
                    _Column(words["step"]),
                    _Column(words["count"], "int"),
                    _Column(words["share"], "percent"),
                ],
            ),
            (
                words["actions"],
                [_Column(words["action"]), _Column(words["count"], "int"), _Column(words["share"], "percent")],
            ),
            (
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
            ),
            (
                words["disagreements"],
                [
                    _Column(words["name"]),
                    _Column(words["question"]),
                    _Column(words["kept"]),
                    _Column(words["answers_given"]),
                ],
            ),
            (words["by_industry"], [_Column(words["industry"]), *averages]),
            (words["by_size"], [_Column(words["size"]), *averages]),
        ]

    def _level(self, n: int) -> str:
        shown = self._levels.get(n)
        if shown is None:  # worded once: every enterprise has six of them
            shown = self._levels[n] = self.words["level"].format(
                n=n, name=wording.level_name(self.content, n, self.lang)
            )
        return shown

    def _choice(self, decision: str, choice_id: str) -> str:
        shown = self._choices.get((decision, choice_id))
        if shown is None:
            shown = wording.choice_label(self.content, decision, choice_id, self.lang) if choice_id else ""
            self._choices[decision, choice_id] = shown
        return shown

    def enterprise(self, m: Member) -> list[Any]:
        return [
            m.name,
            m.source,
            m.region,
            m.park,
            m.assessed,
            m.assessor,
            self.industries.get(m.industry, m.industry),
            self.sizes.get(m.size, m.size),
            m.overall_score,
            self._level(m.overall_level),
            m.confidence,
            self._choice("model_strategy", m.model_strategy),
            self._choice("deployment", m.deployment),
            m.ready_scenarios,
            len(m.disagreements),
        ]

    def step_scores(self, m: Member) -> list[Any]:
        return [
            m.name,
            self.industries.get(m.industry, m.industry),
            self.sizes.get(m.size, m.size),
            m.overall_score,
            *(
                value
                for score, n in zip(m.step_scores, m.step_levels, strict=True)
                for value in (score, self._level(n))
            ),
        ]

    def disagreements(self, m: Member) -> Iterator[list[Any]]:
        from ..workbook import answer_words

        words, lang = self.words, self.lang
        for d in m.disagreements:
            question = self.index.get(d.question)
            if question is None:
                continue
            said = words["between"].join(
                f"{who}{words['said']}{answer_words(question, v, lang)}" for who, v in d.answers.items()
            )
            yield [m.name, wording.question_name(question, lang), answer_words(question, d.kept, lang), said]

    def gaps(self) -> Iterator[list[Any]]:
        lang, index = self.lang, self.index
        for t in self.portfolio.common_gaps:
            question = wording.question_name(index[t.id], lang) if t.id in index else t.label
            yield [question, self.step_of.get(t.id, ""), t.count, t.share]

    def actions(self) -> Iterator[list[Any]]:
        return ([t.label, t.count, t.share] for t in self.portfolio.common_actions)

    def scenarios(self) -> Iterator[list[Any]]:
        yes, no = self.words["yes"], self.words["no"]
        for s in self.portfolio.scenarios:
            specific = yes if s.industry_specific else no
            yield [s.title, specific, s.relevant, s.ready_now, s.after_roadmap, s.not_yet, s.top_blocker]

    @staticmethod
    def averages(rows: list[GroupRow]) -> Iterator[list[Any]]:
        """Average scores by industry or by size, as the portfolio sums them up."""
        for row in rows:
            yield [row.label, row.count, row.average_overall, *row.average_scores]


class _Sheet:
    """One sheet written row by row: its header frozen, a filter on it, its columns as wide as what they show."""

    KNOWN = 4096  # widths of values already seen, kept per sheet: labels, levels and scores repeat

    def __init__(self, ws: Any, formats: dict[str, Any], columns: list[_Column]) -> None:
        self.ws, self.formats, self.columns = ws, formats, columns
        self.rows = 0
        self.widths = [_width(spec.head) / 1.6 + 1 for spec in columns]
        self._styles = [(spec.kind, formats[spec.kind]) for spec in columns]
        self._known: dict[tuple[str, type, Any], float] = {}
        ws.write_row(0, 0, [c.head for c in columns], formats["head"])
        ws.set_row(0, 30)
        ws.freeze_panes(1, 1)

    def add(self, row: list[Any]) -> None:
        self.rows += 1
        ws, number, widths, known = self.ws, self.rows, self.widths, self._known
        for column, ((kind, style), value) in enumerate(zip(self._styles, row, strict=True)):
            if value is None or value == "":
                ws.write_blank(number, column, None, style)
            elif kind == "date":
                day = datetime.date.fromisoformat(str(value))
                ws.write_datetime(number, column, datetime.datetime(day.year, day.month, day.day), style)
            elif isinstance(value, str):
                ws.write_string(number, column, value, style)
            else:
                ws.write_number(number, column, value, style)
            key = (kind, value.__class__, value)  # the class too: 1, 1.0 and True are one key, not one text
            width = known.get(key)
            if width is None:
                width = _width(_shown(value, kind))
                if len(known) < self.KNOWN:
                    known[key] = width
            if width > widths[column]:
                widths[column] = width

    def close(self) -> None:
        self.ws.autofilter(0, 0, max(self.rows, 1), len(self.columns) - 1)
        for column, (spec, width) in enumerate(zip(self.columns, self.widths, strict=True)):
            self.ws.set_column(column, column, min(width + 2, 50), self.formats[spec.kind])


def _shown(value: Any, kind: str) -> str:
    if kind == "percent" and isinstance(value, int | float):
        return f"{value:.0%}"
    return str(value)


def _width(text: str) -> float:
    """How wide text is in Excel's units: a Chinese character takes two."""
    if text.isascii():  # numbers, dates, ids: most cells of a large portfolio
        return float(len(text))
    return float(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text))
