"""The ReadinessError family. Each error carries the exit code the CLI returns for it."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_ERROR = 1  # bad content, bad answers, a file that cannot be read, a render failure
EXIT_USAGE = 2  # wrong command-line usage (reported by Typer)
EXIT_INTERRUPTED = 130


@dataclass(frozen=True)
class Issue:
    """One problem found in a file, located as precisely as the file allows."""

    file: str
    message: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    path: str = ""  # where inside the document, e.g. "sections.0.questions.3.options"
    severity: str = "error"  # or "warning"
    cell: str = ""  # in a workbook, the sheet and cell in words (工作表“第3步 数据”，单元格D12)
    # A message from the catalogue (`file.<key>`) is worded again in the language it is shown in.
    key: str = ""
    params: tuple[tuple[str, object], ...] = ()

    @classmethod
    def said(
        cls, file: str, key: str, line: int | None = None, column: int | None = None, /, **params: object
    ) -> Issue:
        """An issue whose message is `file.<key>` in the catalogue; `message` holds its English."""
        from .catalogue import text

        return cls(file, text("en", f"file.{key}", **params), line, column, key=key, params=tuple(params.items()))

    def shown(self, lang: str = "en") -> str:
        """The issue as a line for people: where, then what, in `lang` where the message allows."""
        from .catalogue import text

        message = text(lang, f"file.{self.key}", **dict(self.params)) if self.key else self.message
        prefix = text(lang, "file.warning") if self.severity == "warning" else ""
        where = self.file
        if self.cell:  # the sheet and cell say where; the path inside the data would only confuse
            return f"{where}: {self.cell}: {prefix}{message}"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        inside = f" {self.path}:" if self.path else ""
        return f"{where}:{inside} {prefix}{message}"

    def __str__(self) -> str:
        return self.shown()


class ReadinessError(Exception):
    exit_code = EXIT_ERROR


class ContentError(ReadinessError):
    """Problems in a questionnaire, rubric or answers file, all reported at once."""

    def __init__(self, issues: list[Issue], what: str = "content") -> None:
        self.issues = issues
        self.what = what
        count = len(issues)
        head = f"{count} problem{'s' if count != 1 else ''} in the {what}:"
        super().__init__("\n".join([head, *(f"  {issue}" for issue in issues)]))


class AnswersError(ContentError):
    def __init__(self, issues: list[Issue], lang: str | None = None) -> None:
        super().__init__(issues, what="answers")
        self.lang = lang  # the language the issues are worded in (the file's), once the file could be read


class RenderError(ReadinessError):
    """The report could not be produced (missing system library or font, unwritable output)."""
