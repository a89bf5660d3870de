"""Broken content is reported with file, line and path, all problems at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from readiness.errors import ContentError
from readiness.loader import load_content
from tests.conftest import edit_yaml

Q = Path("questionnaires/ai_manufacturing")
R = Path("rubrics/ai_manufacturing")


def _problems(root: Path) -> str:
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return str(caught.value)


def _first_question(data: dict[str, Any]) -> dict[str, Any]:
    return data["sections"][0]["questions"][0]


def test_unknown_operator(content_copy: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["actions"][0]["trigger"] = {"question": "data.data_owner", "op": "resembles", "value": "cdo"}

    edit_yaml(content_copy / R / "steps/data.yaml", change)
    message = _problems(content_copy)
    assert "steps/data.yaml:" in message and "unknown operator 'resembles'" in message


def test_unknown_question_in_show_if(content_copy: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["sections"][0]["questions"][1]["show_if"] = {"question": "data.no_such_thing", "op": "eq", "value": "x"}

    edit_yaml(content_copy / Q / "data.yaml", change)
    message = _problems(content_copy)
    assert "data.yaml:" in message and "show_if: unknown question 'data.no_such_thing'" in message


def test_all_problems_are_reported_at_once(content_copy: Path) -> None:
    edit_yaml(content_copy / Q / "data.yaml", lambda d: _first_question(d)["help"].pop("zh"))
    edit_yaml(content_copy / Q / "security.yaml", lambda d: _first_question(d).update(type="slider"))
    message = _problems(content_copy)
    assert "data.yaml:" in message and "sections.0.questions.0.help.zh: Field required" in message
    assert "security.yaml:" in message and "sections.0.questions.0.type:" in message


def test_dependency_cycle(content_copy: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        appoint = next(a for a in data["actions"] if a["id"] == "diagnosis.appoint_digital_lead")
        appoint["depends_on"] = ["diagnosis.digital_plan"]
        plan = next(a for a in data["actions"] if a["id"] == "diagnosis.digital_plan")
        plan["depends_on"] = ["diagnosis.appoint_digital_lead"]

    edit_yaml(content_copy / R / "steps/diagnosis.yaml", change)
    message = _problems(content_copy)
    assert "depend on each other in a cycle: diagnosis." in message
    assert "diagnosis.digital_plan -> diagnosis.appoint_digital_lead" in message


def test_unknown_dependency_and_factor(content_copy: Path) -> None:
    edit_yaml(content_copy / R / "steps/models.yaml", lambda d: d["actions"][0].update(depends_on=["models.nothing"]))
    edit_yaml(
        content_copy / R / "decisions.yaml",
        lambda d: d["decisions"][0]["choices"][0]["requires"][0].update(factor="luck"),
    )
    message = _problems(content_copy)
    assert "unknown action 'models.nothing'" in message
    assert "unknown factor 'luck'" in message


def test_typo_in_a_key_is_located(content_copy: Path) -> None:
    edit_yaml(content_copy / Q / "compute.yaml", lambda d: _first_question(d).update(wieght=2))
    message = _problems(content_copy)
    assert "compute.yaml:" in message and "wieght: Extra inputs are not permitted" in message


def test_yml_twin_is_refused(content_copy: Path) -> None:
    (content_copy / Q / "extra.yml").write_text("id: x\n", encoding="utf-8")
    assert "end in .yaml, not .yml" in _problems(content_copy)


def test_untranslated_text_is_a_warning(content_copy: Path) -> None:
    edit_yaml(
        content_copy / Q / "security.yaml",
        lambda d: _first_question(d)["text"].update(zh="Do you filter the inputs at all?"),
    )
    _, warnings = load_content(content_copy)
    assert any("untranslated" in str(w) for w in warnings)


def test_duplicate_action_id_is_located(content_copy: Path) -> None:
    def change(data: dict[str, Any]) -> None:
        data["actions"][1]["id"] = data["actions"][0]["id"]

    edit_yaml(content_copy / R / "steps/security.yaml", change)
    message = _problems(content_copy)
    assert "steps/security.yaml:" in message and "actions.1.id: duplicate action id" in message


ODD_DOCUMENTS = [
    "a: 1\nb: [x, 2.5, true, null, 2026-11-30, -4, 1.5e+3]\n",  # 0x1f, .inf: refused (test_hostile_input)
    "<<: {a: 1}\nb: 2\n",  # merge key
    "1: a\nyes: b\n",  # keys that are not text
    "!!set {a, b}\n",
    "a: !!str 12\nb: '12'\n",
    "plain text\n",
    "a: {b: {c: [1, {d: e}]}}\n",
]


@pytest.mark.parametrize("text", ODD_DOCUMENTS)
def test_yaml_is_read_exactly_as_pyyaml_reads_it(tmp_path: Path, text: str) -> None:
    import yaml

    from readiness.loader import read_yaml

    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8")
    expected = yaml.load(text, Loader=yaml.CSafeLoader)
    got = read_yaml(path, max_bytes=10_000).data
    assert got == expected and type(got) is type(expected)


def test_bundled_files_are_read_exactly_as_pyyaml_reads_them() -> None:
    import yaml

    from readiness.loader import read_yaml

    files = [
        *Path("questionnaires").rglob("*.yaml"),
        *Path("rubrics").rglob("*.yaml"),
        *Path("readiness/examples").glob("*.yaml"),
    ]
    assert len(files) > 20
    for path in files:
        assert read_yaml(path, max_bytes=10_000_000).data == yaml.load(
            path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader
        )
