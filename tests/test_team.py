"""Several respondents of one enterprise (merge); progress over time is in test_progress.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from readiness.cli import app
from readiness.errors import AnswersError
from readiness.loader import load_answers, write_answers
from readiness.merge import merge_answers
from readiness.model import Answers, Content, Respondent
from readiness.resources import example_answers

runner = CliRunner()
ENV = {"COLUMNS": "120", "NO_COLOR": "1"}


def persona(content: Content, name: str = "small_plant") -> Answers:
    return load_answers(example_answers(name), content)


def variant(base: Answers, who: str, **answers: Any) -> Answers:
    return base.model_copy(update={"respondents": [Respondent(name=who)], "answers": {**base.answers, **answers}})


# --- merge ---------------------------------------------------------------------------------


def test_agreement_is_kept_without_disagreements(content: Content) -> None:
    base = persona(content)
    merged = merge_answers([("a.yaml", variant(base, "Li")), ("b.yaml", variant(base, "Wang"))], content)
    assert merged.answers == base.answers
    assert merged.disagreements == []
    assert [r.name for r in merged.respondents] == ["Li", "Wang"]


def test_disagreement_keeps_the_conservative_answer_and_who_said_what(content: Content) -> None:
    base = persona(content)
    plant = variant(base, "Plant manager", **{"data.data_owner": "cdo"})
    it = variant(base, "IT manager", **{"data.data_owner": "part_time"})
    merged = merge_answers([("plant.yaml", plant), ("it.yaml", it)], content)
    assert merged.answers["data.data_owner"] == "part_time"
    [disagreement] = merged.disagreements
    assert disagreement.answers == {"Plant manager": "cdo", "IT manager": "part_time"}
    optimistic = merge_answers([("plant.yaml", plant), ("it.yaml", it)], content, "optimistic")
    assert optimistic.answers["data.data_owner"] == "cdo"


def test_three_respondents_each_answering_their_part(content: Content) -> None:
    base = persona(content)
    keys = sorted(base.answers)
    thirds = [keys[i::3] for i in range(3)]
    parts = [
        (
            f"p{i}.yaml",
            base.model_copy(
                update={"respondents": [Respondent(name=f"R{i}")], "answers": {k: base.answers[k] for k in part}}
            ),
        )
        for i, part in enumerate(thirds)
    ]
    merged = merge_answers(parts, content)
    assert merged.answers.keys() == base.answers.keys() and merged.disagreements == []
    assert len(merged.respondents) == 3


def test_different_enterprises_cannot_be_merged(content: Content) -> None:
    base = persona(content)
    other = base.model_copy(update={"enterprise": {**base.enterprise, "industry": "steel"}})
    with pytest.raises(AnswersError) as caught:
        merge_answers([("a.yaml", base), ("b.yaml", other)], content)
    assert "enterprise.industry is 'steel' here but 'textile' in a.yaml" in str(caught.value)


def test_merge_command_writes_a_valid_file_and_the_report_lists_disagreements(tmp_path: Path, content: Content) -> None:
    base = persona(content)
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    write_answers(a, variant(base, "Li", **{"data.data_owner": "cdo"}).model_dump(mode="json"))
    write_answers(b, variant(base, "Wang", **{"data.data_owner": "none"}).model_dump(mode="json"))
    merged = tmp_path / "merged.yaml"
    result = runner.invoke(app, ["merge", str(a), str(b), "-o", str(merged)], env=ENV)
    assert result.exit_code == 0, result.output
    assert "1 disagreement" in result.output
    assert load_answers(merged, content).disagreements[0].answers == {"Li": "cdo", "Wang": "none"}
    again = runner.invoke(app, ["merge", str(a), str(b), "-o", str(merged)], env=ENV)
    assert again.exit_code == 1 and "--force" in again.output


def test_the_report_lists_every_disagreement_with_who_said_what(content: Content) -> None:
    from readiness.assess import run_assessment
    from readiness.report.context import build_context
    from readiness.report.html import render_html

    base = persona(content)
    merged = merge_answers(
        [
            ("a.yaml", variant(base, "Li", **{"data.data_owner": "cdo"})),
            ("b.yaml", variant(base, "Wang", **{"data.data_owner": "none"})),
        ],
        content,
    )
    ctx = build_context(run_assessment(content, merged), content, merged, lang="en")
    [item] = ctx.disagreements
    owner = content.questionnaire.question_index()["data.data_owner"]
    label = {o.id: o.label.en for o in owner.options}
    assert item.said == [("Li", label["cdo"]), ("Wang", label["none"])]
    assert item.kept == label["none"]  # the conservative answer
    html = render_html(ctx)
    assert "Where respondents disagreed" in html and "Li:" in html and "Wang:" in html
