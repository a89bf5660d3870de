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
from readiness.model import Answers, AssessmentRecord, Content, Respondent
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
    other = base.model_copy(update={"enterprise": {**base.enterprise, "name": "Another Textiles Ltd"}})
    with pytest.raises(AnswersError) as caught:
        merge_answers([("a.yaml", base), ("b.yaml", other)], content)
    assert "names another enterprise, “Another Textiles Ltd”; a.yaml names" in str(caught.value)
    zh = base.model_copy(update={"language": "zh-CN"})
    ids = [
        zh.model_copy(update={"assessment": AssessmentRecord(enterprise_id=code)})
        for code in ("91320400A", "91320400B")
    ]
    with pytest.raises(AnswersError) as caught:
        merge_answers([("a.yaml", ids[0]), ("b.yaml", ids[1])], content)
    assert "企业编号为“91320400B”，而a.yaml中为“91320400A”：这是两家企业，不予合并" in str(caught.value)
    assert "True" not in str(caught.value) and "False" not in str(caught.value)


def test_one_enterprise_id_allows_a_shortened_name(content: Content) -> None:
    base = persona(content).model_copy(update={"assessment": AssessmentRecord(enterprise_id="91320400X")})
    short = base.model_copy(update={"enterprise": {**base.enterprise, "name": "Short name"}})
    merged = merge_answers([("a.yaml", base), ("b.yaml", short)], content)
    [disagreement] = merged.disagreements
    assert disagreement.question == "profile.name" and disagreement.flagged and disagreement.reason == "profile"
    assert merged.enterprise["name"] == base.enterprise["name"]


def test_profile_disagreements_are_recorded_and_flagged(content: Content) -> None:
    base = persona(content)
    other = variant(base, "Wang")
    other = other.model_copy(
        update={
            "enterprise": {
                **base.enterprise,
                "industry": "steel",
                "little_giant": not base.enterprise.get("little_giant"),
            }
        }
    )
    merged = merge_answers([("a.yaml", variant(base, "Li")), ("b.yaml", other)], content)
    flagged = {d.question: d for d in merged.disagreements}
    assert {"profile.industry", "profile.little_giant"} <= set(flagged)
    assert all(d.flagged and d.reason == "profile" for d in flagged.values() if d.question.startswith("profile."))
    assert merged.enterprise["industry"] == base.enterprise["industry"]  # the first respondent's, to confirm


def test_numbers_in_one_band_keep_the_lower_and_are_flagged(content: Content) -> None:
    base = persona(content)
    key = "models.labelled_examples"
    question = content.questionnaire.question_index()[key]
    assert question.type == "number" and question.bands
    a, b = variant(base, "Li", **{key: 3017}), variant(base, "Wang", **{key: 1989})
    from readiness.scoring import answer_points

    assert answer_points(question, 3017) == answer_points(question, 1989)  # one band
    for rule, kept in (("conservative", 1989), ("optimistic", 3017), ("first", 3017)):
        [d] = merge_answers([("a.yaml", a), ("b.yaml", b)], content, rule).disagreements  # type: ignore[arg-type]
        assert d.kept == kept and d.flagged and d.reason == "same_band", rule


def test_numbers_in_different_bands_are_settled_by_the_rule(content: Content) -> None:
    base = persona(content)
    key = "models.labelled_examples"
    [d] = merge_answers(
        [("a.yaml", variant(base, "Li", **{key: 50000})), ("b.yaml", variant(base, "Wang", **{key: 50}))], content
    ).disagreements
    assert d.kept == 50 and not d.flagged


def test_unknown_against_a_number_is_kept_as_unknown_and_flagged(content: Content) -> None:
    base = persona(content)
    key = "models.labelled_examples"
    sources = [("a.yaml", variant(base, "Li", **{key: "unknown"})), ("b.yaml", variant(base, "Wang", **{key: 3551}))]
    [d] = merge_answers(sources, content).disagreements
    assert d.kept == "unknown" and d.flagged and d.reason == "unknown"
    [d] = merge_answers(sources, content, "optimistic").disagreements
    assert d.kept == 3551 and d.flagged


def test_two_priority_use_cases_are_flagged_not_settled(content: Content) -> None:
    base = persona(content)
    options = [o.id for o in content.questionnaire.question_index()["compute.priority_scenario"].options]
    sources = [
        ("a.yaml", variant(base, "Li", **{"compute.priority_scenario": options[0]})),
        ("b.yaml", variant(base, "Wang", **{"compute.priority_scenario": options[1]})),
    ]
    [d] = merge_answers(sources, content).disagreements
    assert d.kept == options[0] and d.flagged and d.reason == "priority"


def test_the_merged_record_keeps_the_last_visit_and_every_assessor(content: Content) -> None:
    import datetime

    base = persona(content)
    first = base.model_copy(update={"assessment": AssessmentRecord(date=datetime.date(2026, 3, 1), assessor="Zhao")})
    second = base.model_copy(
        update={"assessment": AssessmentRecord(date=datetime.date(2026, 3, 4), assessor="Qian", park="Wujin")}
    )
    record = merge_answers([("a.yaml", first), ("b.yaml", second)], content).assessment
    assert record.date == datetime.date(2026, 3, 4) and record.assessor == "Zhao / Qian" and record.park == "Wujin"


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
