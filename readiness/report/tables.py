"""The portfolio as tables for other tools: CSV, Excel and JSON Lines."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..model import STEP_IDS
from ..portfolio import Portfolio

_HEAD = {
    "en": {"name": "Enterprise", "source": "File", "industry": "Industry", "size": "Size", "overall_score": "Overall score",
           "overall_level": "Overall level", "confidence": "Confidence", "score": "score", "level": "level",
           "model_strategy": "Model strategy", "deployment": "Deployment", "ready_scenarios": "Scenarios ready now"},
    "zh": {"name": "企业", "source": "文件", "industry": "行业", "size": "规模", "overall_score": "总体得分",
           "overall_level": "总体等级", "confidence": "置信度", "score": "得分", "level": "等级",
           "model_strategy": "模型路线", "deployment": "部署方式", "ready_scenarios": "现可开展场景数"},
}


def portfolio_rows(portfolio: Portfolio, for_people: bool) -> list[list[Any]]:
    """A header and one row per enterprise. Tools get stable ids as headers, people get labels."""
    words = _HEAD[portfolio.lang]
    if for_people:
        header = [words[k] for k in ("name", "source", "industry", "size", "overall_score", "overall_level", "confidence")]
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
        row: list[Any] = [m.name, m.source, m.industry_label if for_people else m.industry, m.size, m.overall_score,
                          m.overall_level, m.confidence]
        for score, level in zip(m.step_scores, m.step_levels, strict=True):
            row += [score, level]
        row += [m.model_strategy, m.deployment, m.ready_scenarios]
        rows.append(row)
    return rows


def render_csv(portfolio: Portfolio) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(portfolio_rows(portfolio, for_people=False))
    return "\ufeff" + buffer.getvalue()  # the byte-order mark makes Excel read the file as UTF-8


def render_xlsx(portfolio: Portfolio) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = portfolio_rows(portfolio, for_people=True)
    book = Workbook(write_only=True)  # streams rows: a thousand enterprises stay fast
    sheet = book.create_sheet("Portfolio" if portfolio.lang == "en" else "企业清单")
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(rows[0]))}{len(rows)}"
    for column, header in enumerate(rows[0], start=1):
        widest = max(len(str(r[column - 1])) for r in rows)
        sheet.column_dimensions[get_column_letter(column)].width = min(max(widest, len(str(header))) * 1.6 + 2, 48)
    bold = Font(bold=True)
    header = []
    for title in rows[0]:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows[1:]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
