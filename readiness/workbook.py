"""Answers as an Excel workbook, the way park teams and consultants collect them.

`readiness init --format xlsx` writes a workbook to fill in (the assessment record and profile
first, then a sheet per step, option labels in drop-downs); `readiness convert` writes one from a
YAML answers file. `read_workbook` turns a filled workbook into the same plain data a YAML answers
file holds, so the loader checks both the one same way (loader.load_answers dispatches here).

Each question's row carries its id in a hidden column, so rows may be sorted or moved; a hidden
sheet records the questionnaire, its version, the language and the sheets the workbook must have.
Reading is guarded: a size cap, the unpacked size of the zip members checked before openpyxl opens
them, a limit on rows and cells, and values only (a formula is refused, never evaluated).
"""

from __future__ import annotations

import contextlib
import datetime
import io
import json
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .answers_template import ASSESSMENT_TEXT_FIELDS
from .catalogue import namespace, text
from .errors import AnswersError, ContentError, Issue
from .languages import file_tag, short_code
from .loader import Document, Path_, _read_bytes
from .model import INDUSTRY_STEP, NOT_APPLICABLE, PROFILE_STEP, STEP_IDS, UNKNOWN, Answers, Content, Question
from .report.wording import question_name

MAX_WORKBOOK_BYTES = 5_000_000
MAX_UNPACKED_BYTES = 40_000_000  # all zip members together, as their headers declare (zipfile holds them to it)
MAX_MEMBERS = 200
MAX_ROWS = 2_000  # per sheet; the questionnaire's longest sheet has under a hundred
MAX_CELLS = 50_000  # filled cells read, all sheets together
META_SHEET = "readiness"  # hidden: what the workbook answers, and its sheets
OPTIONS_SHEET = "options"  # hidden: the drop-down lists
FORMAT = "readiness-answers-workbook"
FORMAT_VERSION = 1
FIRST_ROW = 4  # rows 1-3: title, how to fill it in, column headers (1-based, as Excel counts)
# Question sheets: the hidden id, the question, why it is asked, the answer, how to answer, notes.
ID, QUESTION, HELP, ANSWER, HOW, NOTES = range(6)
COLUMNS = 6
RECORD = "assessment"  # ids of the assessment record's rows: assessment.date, assessment.park...
# The assessment record's rows, each with its name in the catalogue (workbook.record_*).
RECORD_FIELDS = {
    "date": "record_date",
    "assessor": "record_assessor",
    "engagement": "record_engagement",
    "enterprise_id": "record_enterprise_id",
    "park": "record_park",
    "contact": "record_contact",
}
# How to answer a question of each kind (the others are worded with their options or range).
_HOW = {"single": "how_single", "yes_no": "how_yes_no", "text": "how_text"}
# Separators between the options of a multiple-choice answer (besides line breaks).
_SEPARATORS = "、,;/|\n\r"  # compared after NFKC, which turns full-width commas and semicolons into these
_FONT = "Microsoft YaHei"  # on Windows; LibreOffice and WPS substitute a CJK font of their own


def is_workbook(path: Path) -> bool:
    return path.suffix.lower() == ".xlsx"


def _words(lang: str) -> Mapping[str, str]:
    return namespace(lang, "workbook")


# --- the sheets a workbook has ---------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    kind: str  # "profile", a step id, "industry", "respondents" or "disagreements"
    name: str  # as Excel shows it


def sheets(content: Content, lang: str, answers: Answers | None = None) -> list[Sheet]:
    words = _words(lang)
    found = [Sheet(PROFILE_STEP, words["profile_sheet"]), Sheet("respondents", words["respondents_sheet"])]
    for step in content.questionnaire.steps[1:]:
        if step.id in STEP_IDS:
            short = re.split(r"[:：]", step.title.get(lang))[0].strip()
            name = f"{words['step'].format(n=STEP_IDS.index(step.id) + 1)} {short}"
        else:
            name = step.title.get(lang)
        found.append(Sheet(step.id, _sheet_name(name)))
    if answers is not None and answers.disagreements:
        found.append(Sheet("disagreements", words["disagreements_sheet"]))
    return found


def _sheet_name(name: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", name)[:31].strip()


# --- writing -----------------------------------------------------------------------------------


def write_workbook(content: Content, lang: str, answers: Answers | None = None) -> bytes:
    """A workbook to fill in (`answers` None), or one holding `answers` (readiness convert)."""
    import xlsxwriter

    words = _words(lang)
    questionnaire = content.questionnaire
    buffer = io.BytesIO()
    # Answers are data: "=..." stays text, never a formula, and web addresses stay plain text.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    title = words["title"].format(title=questionnaire.title.get(lang), version=questionnaire.version)
    book.set_properties({"title": title, "subject": questionnaire.description.get(lang), "author": "readiness"})
    styles = _Styles(book)
    planned = sheets(content, lang, answers)
    options = _Options()
    for sheet in planned:
        if sheet.kind == "respondents":
            _write_respondents(book, styles, sheet.name, lang, answers)
        elif sheet.kind == "disagreements" and answers is not None:
            _write_disagreements(book, styles, sheet.name, content, lang, answers)
        else:
            _QuestionSheet(book, styles, options, sheet, content, lang, answers).write()
    meta = book.add_worksheet(META_SHEET)
    rows: list[tuple[str, Any]] = [
        ("format", FORMAT),
        ("format_version", FORMAT_VERSION),
        ("questionnaire", questionnaire.id),
        ("questionnaire_version", questionnaire.version),
        ("language", file_tag(lang)),
        *(("sheet", f"{s.kind}\t{s.name}") for s in planned),
    ]
    for row, (key, value) in enumerate(rows):
        meta.write_string(row, 0, key)
        meta.write(row, 1, value)
    meta.hide()
    options.write(book)
    book.worksheets()[0].activate()
    book.close()
    return buffer.getvalue()


class _Styles:
    def __init__(self, book: Any) -> None:
        base = {"font_name": _FONT, "font_size": 10, "valign": "top", "text_wrap": True}
        self.title = book.add_format({**base, "bold": True, "font_size": 14, "text_wrap": False})
        self.note = book.add_format({**base, "font_color": "#444444"})
        self.head = book.add_format({**base, "bold": True, "bg_color": "#DDE6F0", "border": 1})
        self.section = book.add_format({**base, "bold": True, "bg_color": "#F2F2F2"})
        self.text = book.add_format(base)
        self.hint = book.add_format({**base, "font_color": "#555555"})
        # The cells to fill: unlocked, tinted, and text cells kept as text (an id of digits keeps its zeros).
        self.answer = book.add_format({**base, "bg_color": "#FFF9E6", "border": 1, "locked": False})
        self.answer_text = book.add_format({**base, "bg_color": "#FFF9E6", "border": 1, "num_format": "@"})
        self.answer_date = book.add_format({**base, "bg_color": "#FFF9E6", "border": 1, "num_format": "yyyy-mm-dd"})
        self.notes = book.add_format({**base, "border": 1, "num_format": "@"})


class _Options:
    """The drop-down lists, one column each on a hidden sheet written last (it must not come first)."""

    def __init__(self) -> None:
        self.lists: dict[tuple[str, ...], str] = {}

    def source(self, labels: list[str]) -> str:
        key = tuple(labels)
        if key not in self.lists:
            letter = _column_letter(len(self.lists))
            self.lists[key] = f"='{OPTIONS_SHEET}'!${letter}$1:${letter}${len(labels)}"
        return self.lists[key]

    def write(self, book: Any) -> None:
        sheet = book.add_worksheet(OPTIONS_SHEET)
        for column, labels in enumerate(self.lists):
            for row, label in enumerate(labels):
                sheet.write_string(row, column, label)
        sheet.hide()


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(row: int, column: int) -> str:
    """An Excel address from 0-based indexes: (3, 3) -> D4."""
    return f"{_column_letter(column)}{row + 1}"


class _QuestionSheet:
    """The profile (with the assessment record), a step, or the industry modules: a row per question."""

    def __init__(
        self,
        book: Any,
        styles: _Styles,
        options: _Options,
        sheet: Sheet,
        content: Content,
        lang: str,
        answers: Answers | None,
    ) -> None:
        self.ws = book.add_worksheet(sheet.name)
        self.styles, self.options, self.sheet, self.content, self.lang = styles, options, sheet, content, lang
        self.answers = answers
        self.words = _words(lang)
        self.row = FIRST_ROW - 1

    def write(self) -> None:
        ws, words, styles = self.ws, self.words, self.styles
        step = self.content.questionnaire.step_index[self.sheet.kind]
        heading = words["profile_heading"] if self.sheet.kind == PROFILE_STEP else self.sheet.name
        if self.sheet.kind in STEP_IDS:
            heading = f"{words['step'].format(n=STEP_IDS.index(step.id) + 1)} · {step.title.get(self.lang)}"
        ws.write_string(0, QUESTION, heading, styles.title)
        ws.merge_range(1, QUESTION, 1, NOTES, words["how_to_fill"], styles.note)
        ws.set_row(1, 96)
        heads = ["id", words["col_question"], words["col_help"], words["col_answer"], words["col_how"]]
        ws.write_row(2, 0, [*heads, words["col_notes"]], styles.head)
        for column, width in zip(range(COLUMNS), (8, 44, 44, 26, 30, 30), strict=True):
            ws.set_column(column, column, width, styles.text, {"hidden": column == ID})
        ws.freeze_panes(FIRST_ROW - 1, ANSWER)
        if self.sheet.kind == PROFILE_STEP:
            self._section(words["record"])
            self._record()
        for section in step.sections:
            if self.sheet.kind in (PROFILE_STEP, INDUSTRY_STEP) or len(step.sections) > 1:
                self._section(section.title.get(self.lang))
            for question in section.questions:
                self._question(question)

    def _section(self, title: str) -> None:
        self.ws.write_string(self.row, QUESTION, title, self.styles.section)
        self.ws.write_blank(self.row, HELP, None, self.styles.section)
        self.row += 1

    def _record(self) -> None:
        """The assessment record's rows: when, by whom, for which engagement."""
        template = namespace(self.lang, "template")
        record = self.answers.assessment if self.answers else None
        for name, label in RECORD_FIELDS.items():
            ws, row = self.ws, self.row
            ws.write_string(row, ID, f"{RECORD}.{name}")
            ws.write_string(row, QUESTION, self.words[label])
            if name == "date":
                ws.write_string(row, HELP, self.words["record_date_help"], self.styles.hint)
                ws.write_string(row, HOW, self.words["how_date"], self.styles.hint)
                day = record.date if record else datetime.date.today() if self.answers is None else None
                if day:
                    ws.write_datetime(
                        row, ANSWER, datetime.datetime(day.year, day.month, day.day), self.styles.answer_date
                    )
                else:
                    ws.write_blank(row, ANSWER, None, self.styles.answer_date)
            else:
                ws.write_string(row, HELP, template[ASSESSMENT_TEXT_FIELDS[name]], self.styles.hint)
                ws.write_string(row, HOW, self.words["how_text"], self.styles.hint)
                _write_text(ws, row, ANSWER, str(getattr(record, name, "")) if record else "", self.styles.answer_text)
            self.row += 1

    def _question(self, question: Question) -> None:
        ws, row, lang = self.ws, self.row, self.lang
        ws.write_string(row, ID, question.id)
        ws.write_string(row, QUESTION, question.text.get(lang))
        ws.write_string(row, HELP, question.help.get(lang), self.styles.hint)
        ws.write_string(row, HOW, self._how(question), self.styles.hint)
        value = self.answers.value(question.id) if self.answers else None
        style = self.styles.answer_text if question.type in ("text", "multi") else self.styles.answer
        if value is None:
            ws.write_blank(row, ANSWER, None, style)
        elif isinstance(value, bool | str | list) or question.type not in ("number", "percent"):
            ws.write_string(row, ANSWER, answer_words(question, value, lang), style)
        else:
            ws.write_number(row, ANSWER, value, style)
        note = self.answers.notes.get(question.id, "") if self.answers else ""
        _write_text(ws, row, NOTES, note, self.styles.notes)
        self._validation(question)
        self.row += 1

    def _how(self, question: Question) -> str:
        """How to answer, beside the answer cell: the options of a multiple choice, a number's range."""
        words, lang = self.words, self.lang
        if question.type == "multi":
            lines = [words["how_multi"], *(f"· {o.label.get(lang)}" for o in question.options)]
        elif question.type in ("number", "percent"):
            low, high = question.lower_bound, question.upper_bound
            unit = "%" if question.type == "percent" else question.unit.get(lang) if question.unit else ""
            shown = words["unit"].format(unit=unit) if unit else ""
            key = "how_range" if high is not None else "how_at_least"
            lines = [words[key].format(low=_number(low or 0), high=_number(high or 0), unit=shown)]
        else:
            lines = [words[_HOW[question.type]]]
        extra = [words["how_unknown"]] if question.allow_unknown else []
        if question.allow_not_applicable:
            extra.append(words["how_not_applicable"])
        if question.show_if is not None:
            extra.append(words["how_if"])
        return "\n".join(lines + extra)

    def _validation(self, question: Question) -> None:
        words, row = self.words, self.row
        special = [words["unknown"]] if question.allow_unknown else []
        if question.allow_not_applicable:
            special.append(words["not_applicable"])
        if question.type in ("single", "yes_no"):
            labels = [o.label.get(self.lang) for o in question.options] if question.type == "single" else []
            labels = labels or [words["yes"], words["no"]]
            self.ws.data_validation(
                row,
                ANSWER,
                row,
                ANSWER,
                {
                    "validate": "list",
                    "source": self.options.source([*labels, *special]),
                    "error_title": words["pick_title"][:32],
                    "error_message": words["pick_message"][:255],
                },
            )
        elif question.type in ("number", "percent"):
            cell = _cell(row, ANSWER)
            tests = [f"ISNUMBER({cell})"]
            if question.lower_bound is not None:
                tests.append(f"{cell}>={_number(question.lower_bound)}")
            if question.upper_bound is not None:
                tests.append(f"{cell}<={_number(question.upper_bound)}")
            words_allowed = "".join(f',{cell}="{word}"' for word in special)
            self.ws.data_validation(
                row,
                ANSWER,
                row,
                ANSWER,
                {
                    "validate": "custom",
                    "value": f"=OR(AND({','.join(tests)}){words_allowed})",
                    "input_title": words["number_title"][:32],
                    "input_message": self._how(question)[:255],
                    "error_title": words["number_title"][:32],
                    "error_message": self._how(question)[:255],
                },
            )
        elif question.type == "multi":
            self.ws.data_validation(
                row,
                ANSWER,
                row,
                ANSWER,
                {
                    "validate": "any",
                    "input_title": words["multi_title"][:32],
                    "input_message": words["how_multi"][:255],
                },
            )


def _write_text(ws: Any, row: int, column: int, value: str, style: Any) -> None:
    """Text, or a formatted blank cell to fill in (an empty string would be a cell holding "")."""
    if value:
        ws.write_string(row, column, value, style)
    else:
        ws.write_blank(row, column, None, style)


def _number(value: float) -> str:
    return f"{value:g}"


def answer_words(question: Question, value: Any, lang: str) -> str:
    """An answer as the workbook shows it: option labels, 是/否, 不清楚, a number or the text itself."""
    words = _words(lang)
    if value == UNKNOWN:
        return words["unknown"]
    if value == NOT_APPLICABLE:
        return words["not_applicable"]
    if isinstance(value, bool):
        return words["yes"] if value else words["no"]
    if isinstance(value, list):
        return "\n".join(_label(question, item, lang) for item in value) or words["none_chosen"]
    if question.type == "single" and isinstance(value, str):
        return _label(question, value, lang)
    return str(value)


def _label(question: Question, option_id: str, lang: str) -> str:
    option = question.option(option_id)
    return option.label.get(lang) if option else option_id


def _write_respondents(book: Any, styles: _Styles, name: str, lang: str, answers: Answers | None) -> None:
    words = _words(lang)
    ws = book.add_worksheet(name)
    ws.write_string(0, 0, words["respondents_heading"], styles.title)
    ws.merge_range(1, 0, 1, 2, words["respondents_note"], styles.note)
    ws.set_row(1, 40)
    ws.write_row(2, 0, [words["col_name"], words["col_role"]], styles.head)
    ws.set_column(0, 1, 30, styles.text)
    ws.freeze_panes(FIRST_ROW - 1, 0)
    people = list(answers.respondents) if answers else []
    for offset in range(max(len(people), 0) + 10):  # room for ten more
        person = people[offset] if offset < len(people) else None
        _write_text(ws, FIRST_ROW - 1 + offset, 0, person.name if person else "", styles.answer_text)
        _write_text(ws, FIRST_ROW - 1 + offset, 1, person.role if person else "", styles.answer_text)


def _write_disagreements(book: Any, styles: _Styles, name: str, content: Content, lang: str, answers: Answers) -> None:
    """Where respondents differed (from `readiness merge`): readable columns, and the record itself hidden."""
    words = _words(lang)
    index = content.questionnaire.question_index()
    ws = book.add_worksheet(name)
    ws.write_string(0, QUESTION, words["disagreements_heading"], styles.title)
    ws.write_row(2, 0, ["id", words["col_question"], words["col_kept"], words["col_said"], "data"], styles.head)
    for column, width in zip(range(5), (8, 44, 26, 50, 8), strict=True):
        ws.set_column(column, column, width, styles.text, {"hidden": column in (ID, 4)})
    ws.freeze_panes(FIRST_ROW - 1, 0)
    for offset, item in enumerate(answers.disagreements):
        row = FIRST_ROW - 1 + offset
        question = index.get(item.question)

        def shown(value: Any, question: Question | None = question) -> str:
            return answer_words(question, value, lang) if question else str(value)

        ws.write_string(row, ID, item.question)
        ws.write_string(row, QUESTION, question_name(question, lang) if question else item.question)
        ws.write_string(row, 2, shown(item.kept))
        ws.write_string(row, 3, "\n".join(f"{who}{words['said']}{shown(v)}" for who, v in item.answers.items()))
        ws.write_string(row, 4, json.dumps(item.model_dump(mode="json"), ensure_ascii=False))


# --- reading -----------------------------------------------------------------------------------


@dataclass
class WorkbookDocument(Document):
    """A workbook read as answers data; problems are located by sheet and cell, not line."""

    cells: dict[Path_, str] = field(default_factory=dict)  # where each value came from, in words

    def issue(self, path: Any, message: str, severity: str = "error") -> Issue:
        items = tuple(str(p) for p in path)
        where = next((self.cells[items[:n]] for n in range(len(items), 0, -1) if items[:n] in self.cells), "")
        return Issue(self.file, message, path=".".join(items), severity=severity, cell=where)


def read_workbook(path: Path, content: Content) -> WorkbookDocument:
    """The answers a filled workbook holds, as plain data for `loader.check_answers` to check.

    What cannot be read (a label that is no option, a formula, a repeated row) is left out of the
    data and listed in the document's `problems`, each naming its sheet, cell and question.
    """
    name = str(path)
    try:
        raw = _read_bytes(path, name, MAX_WORKBOOK_BYTES)
    except ContentError as exc:
        raise AnswersError(exc.issues) from None
    book = _open(raw, name)
    try:
        return _Reader(book, name, content).read()
    finally:
        book.close()


def _open(raw: bytes, name: str) -> Any:
    """The workbook opened by openpyxl, read-only and values only, once its zip has been checked."""
    lang = "en"
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except zipfile.BadZipFile:
        raise AnswersError([Issue(name, text(lang, "workbook.not_xlsx"))]) from None
    with archive:
        members = archive.infolist()
        unpacked = sum(member.file_size for member in members)
        if len(members) > MAX_MEMBERS or unpacked > MAX_UNPACKED_BYTES:
            message = text(lang, "workbook.unpacked_too_large", size=unpacked, limit=MAX_UNPACKED_BYTES)
            raise AnswersError([Issue(name, message)])
    import openpyxl

    try:
        with warnings.catch_warnings():  # openpyxl warns about extensions it does not read (data validation)
            warnings.simplefilter("ignore")
            return openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook: all mean the same here
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise AnswersError([Issue(name, text(lang, "workbook.unreadable", detail=detail))]) from None


class _Reader:
    def __init__(self, book: Any, name: str, content: Content) -> None:
        self.book, self.name, self.content = book, name, content
        self.index = content.questionnaire.question_index()
        self.problems: list[Issue] = []
        self.cells: dict[Path_, str] = {}
        self.seen: dict[str, str] = {}  # question id -> where it was first read
        self.filled = 0
        self.lang = "zh" if any(re.search(r"[\u3400-\u9fff]", s) for s in book.sheetnames) else "en"

    def problem(self, message: str, where: str = "") -> None:
        self.problems.append(Issue(self.name, message, cell=where))

    def fail(self, message: str, where: str = "") -> AnswersError:
        return AnswersError([Issue(self.name, message, cell=where)], lang=self.lang)

    def said(self, key: str, **params: Any) -> str:
        return text(self.lang, f"workbook.{key}", **params)

    def where(self, sheet: str, row: int, column: int) -> str:
        return self.said("location", sheet=sheet, cell=_cell(row, column))

    def read(self) -> WorkbookDocument:
        meta, planned = self._meta()
        data: dict[str, Any] = {**meta, RECORD: {}, "enterprise": {}, "respondents": [], "answers": {}, "notes": {}}
        found = self.book.sheetnames
        for kind, sheet in planned:
            if sheet not in found:
                shown = "、".join(s for s in found if s not in (META_SHEET, OPTIONS_SHEET)) or "-"
                raise self.fail(self.said("missing_sheet", sheet=sheet, found=shown))
            if kind == "respondents":
                self._respondents(sheet, data)
            elif kind == "disagreements":
                data["disagreements"] = self._disagreements(sheet)
            else:
                self._questions(sheet, data)
        doc = WorkbookDocument(self.name, data, cells=self.cells)
        doc.problems.extend(self.problems)
        return doc

    def _meta(self) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if META_SHEET not in self.book.sheetnames:
            raise self.fail(self.said("not_ours", sheet=META_SHEET))
        values: dict[str, Any] = {}
        planned: list[tuple[str, str]] = []
        for row in self._rows(META_SHEET, 2):
            key, value = (cell for _, cell in row[:2])
            if key == "sheet" and isinstance(value, str) and "\t" in value:
                kind, sheet = value.split("\t", 1)
                planned.append((kind, sheet))
            elif isinstance(key, str):
                values[key] = value
        if values.get("format") != FORMAT or values.get("format_version") != FORMAT_VERSION or not planned:
            raise self.fail(self.said("not_ours", sheet=META_SHEET))
        with contextlib.suppress(ValueError):  # an unknown language: the loader names the problem
            self.lang = short_code(str(values.get("language")))
        meta = {k: values.get(k) for k in ("questionnaire", "questionnaire_version", "language")}
        return meta, planned

    def _rows(self, sheet: str, columns: int) -> Iterator[list[tuple[int, Any]]]:
        """Each row that has a value, as (row index, value) per column; formulas refused, limits kept."""
        ws = self.book[sheet]
        ws.reset_dimensions()  # the size a file declares may lie: count the rows it really has
        for number, row in enumerate(ws.iter_rows(max_col=columns)):
            # Rows merely formatted are fine; a value beyond the limit, or a sheet far too long, is not.
            if number >= MAX_ROWS * 20 or (number >= MAX_ROWS and any(getattr(c, "value", None) for c in row)):
                raise self.fail(self.said("too_many_rows", sheet=sheet, limit=MAX_ROWS))
            values: list[tuple[int, Any]] = []
            for column, cell in enumerate(row):
                value = getattr(cell, "value", None)
                if getattr(cell, "data_type", None) == "f":  # read as written, never evaluated: refused
                    self.problem(self.said("formula", formula=str(value)[:60]), self.where(sheet, number, column))
                    value = None
                if isinstance(value, str):
                    value = value.strip() or None
                if value is not None:
                    self.filled += 1
                    if self.filled > MAX_CELLS:
                        raise self.fail(self.said("too_many_cells", limit=MAX_CELLS))
                values.append((number, _with_format(value, getattr(cell, "number_format", None))))
            values += [(number, None)] * (columns - len(values))
            if any(v is not None for _, v in values):
                yield values

    def _questions(self, sheet: str, data: dict[str, Any]) -> None:
        for row in self._rows(sheet, COLUMNS):
            number = row[0][0]
            if number < FIRST_ROW - 1:
                continue
            qid, answer, note = row[ID][1], row[ANSWER][1], row[NOTES][1]
            if qid is None:
                if answer is not None or note is not None:  # an answer typed into a row of its own
                    self.problem(self.said("no_id"), self.where(sheet, number, ANSWER))
                continue
            qid = str(qid)
            here = self.where(sheet, number, ANSWER)
            if qid in self.seen:
                self.problem(self.said("repeated_id", id=qid, first=self.seen[qid], second=here), here)
                continue
            self.seen[qid] = here
            if qid.startswith(RECORD + "."):
                self._record(qid.split(".", 1)[1], answer, here, data)
                continue
            section, key = (
                ("enterprise", qid.split(".", 1)[1]) if qid.startswith(PROFILE_STEP + ".") else ("answers", qid)
            )
            if answer is not None:
                question = self.index.get(qid)
                value = self._answer(question, answer, here) if question else answer
                if value is not None:
                    data[section][key] = value
                    self.cells[(section, key)] = here
            if note is not None:
                data["notes"][qid] = note if isinstance(note, str) else _text(note)
                self.cells[("notes", qid)] = self.where(sheet, number, NOTES)

    def _record(self, name: str, value: Any, here: str, data: dict[str, Any]) -> None:
        self.cells[(RECORD, name)] = here
        if value is None:
            return
        if name != "date":
            data[RECORD][name] = _text(value)
            return
        day = _date(value)
        if day is None:
            field = self.said(RECORD_FIELDS["date"])
            self.problem(self.said("not_a_date", field=field, value=_text(value)), here)
        else:
            data[RECORD][name] = day

    def _answer(self, question: Question, value: Any, here: str) -> Any:
        """A cell's value as the answers file writes it; None (and a problem) when it cannot be read."""
        if isinstance(value, str):
            special = self._special(question, value)
            if special is not None:
                return special
        if question.type == "single":
            return self._options(question, value, here, many=False)
        if question.type == "multi":
            return self._options(question, value, here, many=True)
        if question.type == "yes_no":
            if isinstance(value, bool):
                return value
            found = _match(str(value), self._yes_no())
            return found if found is not None else _text(value)  # the loader names what is allowed
        if question.type in ("number", "percent"):
            return value if isinstance(value, int | float) else _text(value)  # text: the loader reads 约35%, 60万
        return _text(value)

    def _special(self, question: Question, value: str) -> str | None:
        """不清楚 / 不适用 (either language, or the ids), where the question allows them."""
        found = _match(value, self._specials())
        if found == UNKNOWN and question.type == "text" and not question.allow_unknown:
            return None  # a name that happens to be the word: text as written
        return found

    def _specials(self) -> dict[str, Any]:
        table: dict[str, Any] = {UNKNOWN: UNKNOWN, NOT_APPLICABLE: NOT_APPLICABLE}
        for lang in ("en", "zh"):
            table[_words(lang)["unknown"]] = UNKNOWN
            table[_words(lang)["not_applicable"]] = NOT_APPLICABLE
        return table

    def _yes_no(self) -> dict[str, Any]:
        table: dict[str, Any] = {"yes": True, "no": False, "true": True, "false": False}
        for lang in ("en", "zh"):
            table[_words(lang)["yes"]] = True
            table[_words(lang)["no"]] = False
        return table

    def _options(self, question: Question, value: Any, here: str, many: bool) -> Any:
        table: dict[str, Any] = {}
        for option in question.options:
            for lang in ("en", "zh"):
                table[option.label.get(lang)] = option.id
            table[option.id] = option.id
        typed = _text(value)
        if not many:
            found = _match(typed, table)
            if found is None:
                self._not_an_option(question, typed, here)
            return found
        nothing: dict[str, Any] = {_words(lang)["none_chosen"]: [] for lang in ("en", "zh")}
        if _match(typed, table) is None and _match(typed, nothing) is not None:
            return []
        chosen, wrong = _split_choices(typed, table)
        if wrong:
            self._not_an_option(question, self.said("between").join(wrong), here)
            return None
        return chosen

    def _not_an_option(self, question: Question, typed: str, here: str) -> None:
        labels = [o.label.get(self.lang) for o in question.options]
        shown = self.said("between").join(labels[:12]) + (
            self.said("more", count=len(labels)) if len(labels) > 12 else ""
        )
        problem = self.said("not_an_option", value=typed, allowed=shown)
        from .loader import question_problem

        self.problem(question_problem(question, problem, self.lang), here)

    def _respondents(self, sheet: str, data: dict[str, Any]) -> None:
        for row in self._rows(sheet, 2):
            number = row[0][0]
            if number < FIRST_ROW - 1:
                continue
            name, role = (_text(v) if v is not None else "" for _, v in row[:2])
            index = len(data["respondents"])
            self.cells[("respondents", str(index))] = self.where(sheet, number, 0)
            data["respondents"].append({"name": name, "role": role})

    def _disagreements(self, sheet: str) -> list[Any]:
        found = []
        for row in self._rows(sheet, 5):
            number = row[0][0]
            if number < FIRST_ROW - 1:
                continue
            try:
                found.append(json.loads(str(row[4][1])))
            except ValueError:
                self.problem(self.said("bad_disagreement"), self.where(sheet, number, 4))
            else:
                self.cells[("disagreements", str(len(found) - 1))] = self.where(sheet, number, QUESTION)
        return found


def _with_format(value: Any, number_format: str | None) -> Any:
    """A number in a cell formatted as a percentage is a fraction (35% is stored as 0.35): the answer is 35."""
    if isinstance(value, int | float) and not isinstance(value, bool) and number_format and "%" in number_format:
        scaled = round(value * 100, 10)
        return int(scaled) if scaled == int(scaled) else scaled
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


def _key(text: str) -> str:
    """How typed words are compared: width, case and spaces do not count."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def _match(typed: str, table: Mapping[str, Any]) -> Any:
    keys = {_key(k): v for k, v in table.items()}
    return keys.get(_key(typed))


def _split_choices(typed: str, table: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """Options named in one cell, one per line or separated by 、 ; , /. Labels that themselves hold
    a separator (风量、风温和风压) are found whole: at each point the longest label that fits is taken."""
    keys = sorted(((_key(k), v) for k, v in table.items() if _key(k)), key=lambda kv: -len(kv[0]))
    separators = set(_SEPARATORS)
    skipped = _SEPARATORS + " \t\u3000"
    rest = unicodedata.normalize("NFKC", typed)
    chosen: list[str] = []
    wrong: list[str] = []
    while rest := rest.lstrip(skipped):
        folded = _key(rest)
        found = next((kv for kv in keys if folded.startswith(kv[0]) and _ends_choice(rest, kv[0], separators)), None)
        if found is not None:
            rest = _drop_key(rest, found[0])
            if found[1] not in chosen:
                chosen.append(found[1])
            continue
        cut = next((i for i, ch in enumerate(rest) if ch in separators), len(rest))
        wrong.append(rest[:cut].strip())
        rest = rest[cut:]
    return chosen, wrong


def _drop_key(text: str, key: str) -> str:
    """`text` after the characters that make up `key` (spaces inside are skipped, as _key does)."""
    taken = 0
    for i, ch in enumerate(text):
        if taken == len(key):
            return text[i:]
        taken += len(_key(ch))
    return ""


def _ends_choice(text: str, key: str, separators: set[str]) -> bool:
    """Whether `key` names a whole option at the start of `text`: the end, or a separator, follows."""
    rest = _drop_key(text, key).lstrip(" \t")
    return not rest or rest[0] in separators


def _text(value: Any) -> str:
    """A cell's value as text: Excel keeps a number typed into a text cell as a number (12 -> "12")."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    return str(value)


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    typed = unicodedata.normalize("NFKC", str(value)).strip()
    match = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", typed)
    if not match:
        return None
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def answers_data(answers: Answers) -> dict[str, Any]:
    """Answers as an answers file writes them (readiness convert, workbook to YAML)."""
    return answers.model_dump(mode="json")
