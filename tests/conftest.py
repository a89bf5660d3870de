from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from readiness.loader import load_content
from readiness.model import PROFILE_STEP, Answers, Content, Question
from readiness.resources import content_dir

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """The tests' own cache folder (user_cache.py), never the user's; the tools the tests start use it too."""
    os.environ["READINESS_CACHE_DIR"] = tempfile.mkdtemp(prefix="readiness-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ.pop("READINESS_CACHE_DIR", ""), ignore_errors=True)


@pytest.fixture(scope="session")
def content() -> Content:
    loaded, _ = load_content(content_dir())
    return loaded


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped content, to break on purpose."""
    target = tmp_path / "content"
    for folder in ("questionnaires", "rubrics"):
        shutil.copytree(ROOT / folder, target / folder)
    return target


def edit_yaml(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def extreme_value(question: Question, best: bool) -> Any:
    """The answer worth the most (best) or the least to a question."""
    if question.type == "single":
        ranked = sorted(question.options, key=lambda o: o.points)
        return (ranked[-1] if best else ranked[0]).id
    if question.type == "multi":
        if best:
            return [o.id for o in question.options if not o.exclusive]
        return [next((o.id for o in question.options if o.exclusive), min(question.options, key=lambda o: o.points).id)]
    if question.type in ("number", "percent"):
        if best:
            return question.upper_bound or (question.bands[-1].min if question.bands else 1000)
        return question.lower_bound or 0
    if question.type == "yes_no":
        return best
    return "text"


def make_answers(content: Content, chooser: Any, enterprise: dict[str, Any] | None = None) -> Answers:
    """Answers built by calling chooser(question) for every non-profile question."""
    q = content.questionnaire
    values = {}
    for step in q.playbook_steps:
        for question in step.questions:
            value = chooser(question)
            if value is not None:
                values[question.id] = value
    return Answers(
        questionnaire=q.id,
        questionnaire_version=q.version,
        language="en",
        enterprise=enterprise or {"name": "Test Works", "industry": "machine_tools", "size": "small", "sites": 1},
        answers=values,
    )


def profile_key(question_id: str) -> str:
    return question_id.removeprefix(PROFILE_STEP + ".")
