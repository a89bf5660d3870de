"""Input the Chinese way: language codes, numbers as people type them, wording of answers and warnings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from readiness.assess import run_assessment
from readiness.cli import app
from readiness.errors import AnswersError
from readiness.interview import Interview, parse_answer
from readiness.languages import LANGUAGES, file_tag, short_code
from readiness.loader import load_answers, parse_number
from readiness.model import Answers, Content, Question
from readiness.report.context import answer_text
from readiness.report.wording import warning_texts
from readiness.resources import example_answers
from tests.test_chinese_typography import QUESTION_ID

runner = CliRunner()
ENV = {"COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb"}
ALIASES = {"zh": "zh", "zh-CN": "zh", "zh_CN": "zh", "ZH-cn": "zh", "zh_cn": "zh", "en": "en", "EN": "en"}


# --- language codes -------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "short"), list(ALIASES.items()))
def test_every_language_code_is_read_in_any_case(code: str, short: str) -> None:
    assert short_code(code) == short
    assert file_tag(code) == LANGUAGES[short][0]


def test_an_unknown_language_names_the_accepted_codes() -> None:
    with pytest.raises(ValueError, match=r"'fr' is not a supported language; use en, zh \(zh-CN, zh_CN\)"):
        short_code("fr")


def _answers_file(tmp_path: Path, **changes: Any) -> Path:
    data = yaml.safe_load(example_answers("small_plant").read_text(encoding="utf-8"))
    for key, value in changes.items():
        section, _, name = key.partition("__")
        if name:
            data[section][name] = value
        else:
            data[section] = value
    path = tmp_path / "answers.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(("code", "short"), list(ALIASES.items()))
def test_the_answers_file_language_accepts_every_code(tmp_path: Path, content: Content, code: str, short: str) -> None:
    answers = load_answers(_answers_file(tmp_path, language=code), content)
    assert answers.lang == short
    assert answers.language == ("zh-CN" if short == "zh" else "en")  # what the tool writes back
    assert run_assessment(content, answers).language == short


def test_an_unknown_language_in_the_answers_file_is_a_located_problem(tmp_path: Path, content: Content) -> None:
    with pytest.raises(AnswersError) as caught:
        load_answers(_answers_file(tmp_path, language="fr"), content)
    assert "language" in str(caught.value) and "not a supported language" in str(caught.value)


@pytest.mark.parametrize(("code", "short"), list(ALIASES.items()))
def test_the_command_line_accepts_every_code(code: str, short: str) -> None:
    result = runner.invoke(app, ["score", str(example_answers("small_plant")), "--lang", code], env=ENV)
    assert result.exit_code == 0, result.output
    assert ("作答完整度" if short == "zh" else "Completeness") in result.output


def test_the_command_line_refuses_an_unknown_language() -> None:
    result = runner.invoke(app, ["score", str(example_answers("small_plant")), "--lang", "fr"], env=ENV)
    assert result.exit_code == 2 and "not a supported language" in result.output


@pytest.mark.parametrize("code", ["zh", "zh_CN", "zh-CN"])
def test_a_new_interview_writes_zh_cn(content: Content, code: str) -> None:
    assert Interview.start(content, short_code(code)).data["language"] == "zh-CN"


# --- numbers --------------------------------------------------------------------------------

NUMBERS = {
    "1200": 1200,
    "1,200": 1200,
    "1，200": 1200,
    "\uff11\uff12\uff10\uff10": 1200,  # full-width digits
    "\uff18\uff10": 80,
    "2.5": 2.5,
    "60万": 600_000,
    "1.2万": 12_000,
    "3千": 3000,
    "3亿": 300_000_000,
    "2千万": 20_000_000,
    "35%": 35,
    "\uff13\uff15\uff05": 35,
    "约80%": 80,
    "大约 80 %": 80,
    "80左右": 80,
    "百分之八十": 80,
    "百分之35": 35,
    "八十": 80,
    "十二": 12,
    "一百零五": 105,
    "三千二百": 3200,
    "三百五": 350,
    "两万": 20_000,
    "一万二": 12_000,
    "一万零五": 10_005,
    "十万": 100_000,
    "三亿五千万": 350_000_000,
}
NOT_NUMBERS = ["很多", "", "%", "万", "八八", "十百", "1,2", "1.2.3", "1e5", "六十多", "nan", "inf", "1_000", "3万块"]


@pytest.mark.parametrize(("typed", "number"), list(NUMBERS.items()))
def test_numbers_typed_the_chinese_way(typed: str, number: float) -> None:
    read = parse_number(typed)
    assert read == number and type(read) is type(number)


@pytest.mark.parametrize("typed", NOT_NUMBERS)
def test_what_is_not_a_number_stays_refused(typed: str) -> None:
    assert parse_number(typed) is None


def test_a_unit_word_of_the_question_may_follow_the_number() -> None:
    assert parse_number("12个月", ("个月",)) == 12
    assert parse_number("1.2万条", ("条",)) == 12_000
    assert parse_number("12个月") is None


def _question(content: Content, question_id: str) -> Question:
    return content.questionnaire.question_index()[question_id]


@pytest.mark.parametrize(
    ("question_id", "typed", "value"),
    [
        ("models.labelled_examples", "1.2万", 12_000),
        ("models.labelled_examples", "1，200条", 1200),
        ("diagnosis.it_staff", "八", 8),
        ("diagnosis.it_staff", "\uff15人", 5),
        ("diagnosis.mes_coverage", "约80%", 80),
        ("diagnosis.mes_coverage", "35%", 35),
        ("diagnosis.mes_coverage", "八十", 80),
        ("diagnosis.mes_coverage", "百分之三十五", 35),
    ],
)
def test_the_interview_reads_chinese_numbers(content: Content, question_id: str, typed: str, value: int) -> None:
    assert parse_answer(_question(content, question_id), typed, "zh") == value


def test_the_interview_still_explains_a_word_that_is_no_number(content: Content) -> None:
    with pytest.raises(ValueError, match="“很多”不是数字"):
        parse_answer(_question(content, "diagnosis.it_staff"), "很多", "zh")
    with pytest.raises(ValueError, match="不能大于100"):
        parse_answer(_question(content, "diagnosis.mes_coverage"), "百分之一百二十", "zh")


def test_the_answers_file_reads_chinese_numbers(tmp_path: Path, content: Content) -> None:
    path = _answers_file(
        tmp_path,
        **{
            "enterprise__sites": "两",
            "answers__diagnosis.it_staff": "\uff13人",
            "answers__diagnosis.mes_coverage": "约80%",
        },
    )
    answers = load_answers(path, content)
    assert answers.value("profile.sites") == 2
    assert answers.value("diagnosis.it_staff") == 3
    assert answers.value("diagnosis.mes_coverage") == 80


def test_the_answers_file_still_names_text_that_is_no_number(tmp_path: Path, content: Content) -> None:
    with pytest.raises(AnswersError) as caught:
        load_answers(_answers_file(tmp_path, **{"answers__diagnosis.it_staff": "很多"}), content)
    assert "diagnosis.it_staff (Full-time IT and data staff): expected a number, got '很多'" in str(caught.value)


# --- answers and warnings in words ----------------------------------------------------------


def test_multi_select_answers_are_joined_with_a_full_width_semicolon(content: Content) -> None:
    question = next(
        q
        for step in content.questionnaire.steps
        for q in step.questions
        if q.type == "multi" and any("、" in o.label.zh for o in q.options)
    )
    chosen = [o.id for o in question.options if not o.exclusive][:2]
    assert answer_text(question, chosen, "zh") == "；".join(o.label.zh for o in question.options if o.id in chosen)
    assert "; " in answer_text(question, chosen, "en")


def test_warnings_name_steps_and_questions_in_words(content: Content) -> None:
    full = load_answers(example_answers("small_plant"), content)
    index = content.questionnaire.question_index()
    skipped = "diagnosis.it_staff"
    answers = Answers.model_validate(
        {**full.model_dump(), "enterprise": {**full.enterprise, "name": ""},
         "answers": {k: v for k, v in full.answers.items() if k != skipped}}
    )  # fmt: skip
    label = (index[skipped].short or index[skipped].text).zh
    assessment = run_assessment(content, answers)
    zh = warning_texts(content, assessment, "zh")
    assert "未填写企业名称" in zh
    assert any(w.startswith("第1步“诊断”：1个问题未作答（按0分计）") and f"“{label}”" in w for w in zh), zh
    en = warning_texts(content, assessment, "en")
    assert any(w.startswith("Step 1 “Diagnosis”: 1 question(s) not answered") for w in en), en
    assert not [w for w in zh + en if QUESTION_ID.search(w)]


def test_chinese_content_text_has_no_spaces_from_folded_lines(content: Content) -> None:
    import re

    description = content.questionnaire.description.zh
    assert not re.search(r"[\u4e00-\u9fff，、。] +[\u4e00-\u9fff]", description), description
