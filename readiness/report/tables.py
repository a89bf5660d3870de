"""The portfolio as tables: CSV for tools, Excel for people (JSON Lines is written by the batch)."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..model import STEP_IDS
from ..portfolio import Portfolio

_HEAD = {
    "en": {
        "name": "Enterprise",
        "source": "File",
        "industry": "Industry",
        "size": "Size",
        "overall_score": "Overall score",
        "overall_level": "Overall level",
        "confidence": "Confidence",
        "score": "score",
        "level": "level",
        "model_strategy": "Model strategy",
        "deployment": "Deployment",
        "ready_scenarios": "Scenarios ready now",
    },
    "zh": {
        "name": "企业",
        "source": "文件",
        "industry": "行业",
        "size": "规模",
        "overall_score": "总体得分",
        "overall_level": "总体等级",
        "confidence": "置信度",
        "score": "得分",
        "level": "等级",
        "model_strategy": "模型路线",
        "deployment": "部署方式",
        "ready_scenarios": "现可开展场景数",
    },
}


def portfolio_rows(portfolio: Portfolio, for_people: bool) -> list[list[Any]]:
    """A header and one row per enterprise. Tools get stable ids as headers, people get labels."""
    words = _HEAD[portfolio.lang]
    if for_people:
        header = [
            words[k] for k in ("name", "source", "industry", "size", "overall_score", "overall_level", "confidence")
        ]
        for title in portfolio.step_titles:
            header += [f"{title} {words['score']}", f"{title} {words['level']}"]
        header += [words["model_strategy"], words["deployment"], words["ready_scenarios"]]
    else:
        header = ["name", "source", "industry", "size", "overall_score", "overall_level", "confidence"]
        for step in STEP_IDS:
            header += [f"{step}_score", f"{step}_level"]
        header += ["model_strategy", "deployment", "ready_scenarios"]
    rows: list[list[Any]] = [header]
    for m in portfolio.members:
        row: list[Any] = [
            m.name,
            m.source,
            m.industry_label if for_people else m.industry,
            m.size,
            m.overall_score,
            m.overall_level,
            m.confidence,
        ]
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
    rows = portfolio_rows(portfolio, for_people=False)
    csv.writer(buffer, lineterminator="\n").writerows([rows[0], *([csv_cell(v) for v in row] for row in rows[1:])])
    return "\ufeff" + buffer.getvalue()  # the byte-order mark makes Excel read the file as UTF-8


def render_xlsx(portfolio: Portfolio) -> bytes:
    import xlsxwriter

    rows = portfolio_rows(portfolio, for_people=True)
    buffer = io.BytesIO()
    # Names are data: "=..." stays text, never a formula, and web addresses stay plain text.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("Portfolio" if portfolio.lang == "en" else "企业清单")
    sheet.freeze_panes(1, 1)
    sheet.autofilter(0, 0, len(rows) - 1, len(rows[0]) - 1)
    for column, header in enumerate(rows[0]):
        widest = max(len(str(r[column])) for r in rows)
        sheet.set_column(column, column, min(max(widest, len(str(header))) * 1.6 + 2, 48))
    sheet.write_row(0, 0, rows[0], book.add_format({"bold": True}))
    for number, row in enumerate(rows[1:], start=1):
        sheet.write_row(number, 0, row)
    book.close()
    return buffer.getvalue()
