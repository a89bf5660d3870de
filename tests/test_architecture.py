"""The shape of the code: the engine stays pure, the public JSON keys stay put, every open set
(output formats, condition operators) is exercised member by member."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from readiness import rules
from readiness.assess import run_assessment
from readiness.cli import app
from readiness.cli.report_commands import ReportFormat
from readiness.loader import load_answers
from readiness.model import Content, Leaf
from readiness.report.result import result_dict
from readiness.resources import bundled_examples, example_answers

PACKAGE = Path(__file__).resolve().parent.parent / "readiness"
ENGINE = ("model", "rules", "scoring", "decide", "roadmap", "scenarios", "assess", "compare")
# Outside libraries and modules of our own that touch files, the terminal or rendering.
NOT_IN_THE_ENGINE = {
    "os", "io", "sys", "pathlib", "shutil", "subprocess", "tempfile", "fcntl", "socket",
    "yaml", "orjson", "rich", "typer", "jinja2", "weasyprint", "xlsxwriter",
    "readiness.loader", "readiness.files", "readiness.report", "readiness.cli", "readiness.batch",
}  # fmt: skip
GOLDEN_KEYS = Path(__file__).parent / "cases" / "result_keys.json"


def _imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = f"readiness.{node.module}" if node.level else node.module or ""
            if node.level and not node.module:  # from . import rules
                found.update(f"readiness.{alias.name}" for alias in node.names)
            else:
                found.add(base)
    return found


@pytest.mark.parametrize("module", ENGINE)
def test_the_engine_does_no_io_and_no_wording_machinery(module: str) -> None:
    imported = _imports(module)
    banned = {name for name in imported for ban in NOT_IN_THE_ENGINE if name == ban or name.startswith(ban + ".")}
    assert not banned, f"readiness/{module}.py imports {sorted(banned)}"
    source = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
    assert "open(" not in source and "print(" not in source


def _key_shape(value: Any) -> Any:
    """The keys of a JSON value, recursively; lists are described by the union of their items."""
    if isinstance(value, dict):
        return {key: _key_shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        merged: dict[str, Any] = {}
        for item in value:
            shape = _key_shape(item)
            if isinstance(shape, dict):
                merged.update(shape)
        return [dict(sorted(merged.items()))] if merged else []
    return type(value).__name__ if value is not None else "null"


def _public_shape(content: Content) -> dict[str, Any]:
    """The key shape of the result, from the bundled examples (between them they fill every list)."""
    shapes: dict[str, Any] = {}
    for name in bundled_examples():
        result = result_dict(run_assessment(content, load_answers(example_answers(name), content)), content)
        for key in ("enterprise", "factors"):  # the enterprise's own profile and the rubric's factors are open
            result[key] = {k: result[key][k] for k in ("name", "industry")} if key == "enterprise" else {}
        shape = _key_shape(result)
        for key, value in shape.items():
            shapes[key] = _merged(shapes.get(key), value)
    return {key: shapes[key] for key in sorted(shapes)}


def _merged(old: Any, new: Any) -> Any:
    if isinstance(old, dict) and isinstance(new, dict):
        return {k: _merged(old.get(k), new.get(k)) if k in old and k in new else old.get(k, new.get(k))
                for k in sorted({*old, *new})}  # fmt: skip
    if isinstance(old, list) and isinstance(new, list):
        return [_merged(old[0] if old else None, new[0] if new else None)] if old or new else []
    return new if old is None else old


def _strip_types(shape: Any) -> Any:
    if isinstance(shape, dict):
        return {key: _strip_types(value) for key, value in shape.items()}
    if isinstance(shape, list):
        return [_strip_types(item) for item in shape]
    return None


def test_the_public_json_keys_match_the_golden_file(content: Content) -> None:
    """Keys of `readiness.assessment/1` may be added, never renamed or dropped. To add one on
    purpose, print `_public_shape(content)` stripped of types and update the golden file."""
    golden = json.loads(GOLDEN_KEYS.read_text(encoding="utf-8"))
    actual = _strip_types(_public_shape(content))

    def missing(expected: Any, found: Any, where: str) -> list[str]:
        if isinstance(expected, dict):
            gone = [f"{where}.{k}" for k in expected if not isinstance(found, dict) or k not in found]
            deeper = [
                m for k, v in expected.items() if isinstance(found, dict) and k in found
                for m in missing(v, found[k], f"{where}.{k}")
            ]  # fmt: skip
            return gone + deeper
        if isinstance(expected, list) and expected:
            return missing(expected[0], found[0] if isinstance(found, list) and found else None, f"{where}[]")
        return []

    assert missing(golden, actual, "result") == []
    assert actual == golden, "a key was added: update tests/cases/result_keys.json on purpose"


@pytest.mark.parametrize("fmt", list(ReportFormat))
def test_every_report_format_writes_its_own_kind_of_file(tmp_path: Path, fmt: ReportFormat) -> None:
    if fmt is ReportFormat.pdf:
        pytest.importorskip("weasyprint")
    target = tmp_path / f"report.{fmt.value}"
    result = CliRunner().invoke(app, ["report", str(example_answers("small_plant")), "-o", str(target)])
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    starts = {"pdf": b"%PDF-", "html": b"<!DOCTYPE html", "md": b"# ", "json": b"{"}
    assert data.startswith(starts[fmt.value])


# One case per operator: (leaf fields, the raw answer or measure, expected truth).
OPERATOR_CASES: dict[str, list[tuple[dict[str, Any], Any, bool]]] = {
    "eq": [({"question": "q", "value": "a"}, "a", True), ({"question": "q", "value": "a"}, "b", False)],
    "ne": [({"question": "q", "value": "a"}, "b", True), ({"question": "q", "value": "a"}, "a", False)],
    "in": [({"question": "q", "value": ["a", "b"]}, "b", True), ({"question": "q", "value": ["a"]}, "c", False)],
    "not_in": [({"question": "q", "value": ["a"]}, "c", True), ({"question": "q", "value": ["a"]}, "a", False)],
    "gt": [({"question": "q", "value": 3}, 4, True), ({"question": "q", "value": 3}, 3, False)],
    "gte": [({"question": "q", "value": 3}, 3, True), ({"question": "q", "value": 3}, 2, False)],
    "lt": [({"question": "q", "value": 3}, 2, True), ({"question": "q", "value": 3}, 3, False)],
    "lte": [({"question": "q", "value": 3}, 3, True), ({"question": "q", "value": 3}, 4, False)],
    "includes": [({"question": "q", "value": "a"}, ["a", "b"], True), ({"question": "q", "value": "c"}, ["a"], False)],
    "includes_any": [
        ({"question": "q", "value": ["c", "a"]}, ["a"], True),
        ({"question": "q", "value": ["c"]}, ["a"], False),
    ],
    "answered": [({"question": "q"}, "a", True), ({"question": "q"}, "unknown", False)],
    "is_unknown": [({"question": "q"}, "unknown", True), ({"question": "q"}, "a", False)],
    "is_not_applicable": [({"question": "q"}, "not_applicable", True), ({"question": "q"}, "a", False)],
}


def test_every_condition_operator_has_cases() -> None:
    assert set(OPERATOR_CASES) == set(rules.ALL_OPERATORS)


@pytest.mark.parametrize(
    ("op", "fields", "raw", "expected"),
    [(op, fields, raw, expected) for op, cases in OPERATOR_CASES.items() for fields, raw, expected in cases],
)
def test_condition_operator(op: str, fields: dict[str, Any], raw: Any, expected: bool) -> None:
    leaf = Leaf(op=op, **fields)
    facts = rules.Facts(raw=lambda _: raw, points=lambda _: None)
    assert rules.evaluate(leaf, facts) is expected
    # Absent answers fail every value operator; only `answered`'s negation and the state tests see them.
    if op not in rules.STATE_OPERATORS:
        assert rules.evaluate(leaf, rules.Facts(raw=lambda _: None, points=lambda _: None)) is False


# --- the engine speaks in ids and values; wording happens at the end -----------------------


def test_run_assessment_takes_no_language() -> None:
    import inspect

    assert "lang" not in inspect.signature(run_assessment).parameters
    assert "language" not in inspect.signature(run_assessment).parameters


def test_results_hold_no_words(content: Content) -> None:
    """Every string in an assessment is an id, a value or an enterprise's own profile: none of the
    content's wording (in either language) is in it."""
    from pydantic import BaseModel

    from readiness.model import Text

    wording: set[str] = set()

    def collect(node: Any) -> None:
        if isinstance(node, Text):
            wording.update((node.en, node.zh))
        elif isinstance(node, list | tuple):
            for item in node:
                collect(item)
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                collect(getattr(node, name))

    collect(content.rubric)
    wording -= {str(v.id) for factor in content.rubric.factors for v in factor.values}  # some labels are their ids

    def strings(node: Any) -> set[str]:
        if isinstance(node, str):
            return {node}
        items = node.values() if isinstance(node, dict) else node if isinstance(node, list | tuple) else []
        return set().union(*(strings(item) for item in items))

    for name in bundled_examples():
        assessment = run_assessment(content, load_answers(example_answers(name), content))
        assert wording & strings(assessment._replace(enterprise={})) == set(), name


def test_one_assessment_renders_in_both_languages_without_running_the_engine_again(
    content: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    import readiness.assess
    import readiness.decide
    import readiness.roadmap
    import readiness.scenarios
    import readiness.scoring
    from readiness.report.console import render_console
    from readiness.report.context import build_context
    from readiness.report.result import render_json

    answers = load_answers(example_answers("example"), content)
    assessment = run_assessment(content, answers)

    def engine_ran(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the engine ran again while wording")

    for module, names in (
        (readiness.assess, ["run_assessment"]),
        (readiness.scoring, ["score_steps", "make_facts"]),
        (readiness.decide, ["decide", "derive_factors"]),
        (readiness.roadmap, ["build_roadmap"]),
        (readiness.scenarios, ["fit_scenarios"]),
    ):
        for name in names:
            monkeypatch.setattr(module, name, engine_ran)

    rendered = {}
    for lang in ("en", "zh"):
        ctx = build_context(assessment, content, answers, lang=lang)
        assert ctx.lang == lang
        assert ctx.overall_level_name == content.rubric.levels[assessment.overall.level - 1].name.get(lang)
        assert len(ctx.steps) == len(assessment.steps)
        assert len(ctx.phases) == 3 and ctx.top_actions and ctx.scenarios
        assert ctx.model_strategy.reasons and ctx.deployment.reasons
        assert all(r.text and r.factor and r.value for r in ctx.model_strategy.reasons)
        assert len(ctx.warnings) == len(assessment.warnings)
        assert [a.id for p in ctx.phases for a in p.actions] == [item.id for item in assessment.roadmap]
        data = json.loads(render_json(assessment, content, lang))
        assert data["language"] == lang
        assert data["overall"]["level_name"] == ctx.overall_level_name
        render_console(assessment, content, lang)
        rendered[lang] = ctx
    en, zh = rendered["en"], rendered["zh"]
    assert en.overall_level_name != zh.overall_level_name
    assert [s.title for s in en.scenarios] != [s.title for s in zh.scenarios]
    assert [s.id for s in en.scenarios] == [s.id for s in zh.scenarios]
