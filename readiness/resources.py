"""The one place that knows where the shipped content and templates live."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

CONTENT_ENV = "READINESS_CONTENT"
DEFAULT_QUESTIONNAIRE = "ai_manufacturing"


def content_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding questionnaires/, rubrics/ and report_templates/.

    Order: an explicit override, then $READINESS_CONTENT, then the copy inside the installed
    package, then the source checkout (an editable install).
    """
    chosen = override or os.environ.get(CONTENT_ENV)
    if chosen:
        return Path(chosen)
    return shipped_content_dir()


def shipped_content_dir() -> Path:
    """The content that comes with the tool, whatever --content-dir or $READINESS_CONTENT say.

    The copy inside the installed package, else the source checkout (an editable install).
    """
    packaged = Path(str(files("readiness") / "_content"))
    if (packaged / "questionnaires").is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent


def example_answers(name: str = "example") -> Path:
    """A bundled answers file: the example enterprise and the test personas."""
    return Path(str(files("readiness") / "examples" / f"{name}.yaml"))


def bundled_examples() -> list[str]:
    folder = Path(str(files("readiness") / "examples"))
    return sorted(p.stem for p in folder.glob("*.yaml"))
