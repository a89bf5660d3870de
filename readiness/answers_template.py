"""`readiness init`: an answers file with every question explained in comments, ready to fill by hand."""

from __future__ import annotations

import json
from typing import Any

from .model import INDUSTRY_STEP, STEP_IDS, Content, Question

_WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "head": "Answers file for: {title} (version {version})",
        "how": [
            "Write each answer after its colon. Leave an answer empty to skip it for now.",
            "Everywhere: `unknown` = don't know (scores 0 and lowers confidence).",
            "Where marked: `not_applicable` = does not apply (leaves the score).",
            "Check the file with:  readiness validate FILE   and score it with:  readiness score FILE",
        ],
        "step": "Step",
        "industry_only": "answer only the section of your industry",
        "why": "Why it matters",
        "one_of": "One of",
        "any_of": "A list of any of, e.g. [{first}]",
        "number": "A number",
        "percent": "A percentage, 0-100",
        "yes_no": "yes or no",
        "text": "Free text",
        "na": "not_applicable allowed",
        "only_if": "Only asked when: {cond}",
        "respondents": "Who answered: name and role, e.g.  - {name: Li Wei, role: Plant manager}",
        "notes": "Optional notes per question id, shown in the report appendix",
    },
    "zh": {
        "head": "答卷文件：{title}（第 {version} 版）",
        "how": [
            "请在每个冒号后填写答案；暂时不答的可以留空。",
            "所有问题都可填 `unknown` 表示“不清楚”（计 0 分，并降低置信度）。",
            "标注允许的问题可填 `not_applicable` 表示“不适用”（不计入得分）。",
            "检查文件：readiness validate 文件名；计算得分：readiness score 文件名",
        ],
        "step": "环节",
        "industry_only": "只需回答本企业所属行业的部分",
        "why": "为什么重要",
        "one_of": "单选，可选值",
        "any_of": "多选，填写列表，例如 [{first}]，可选值",
        "number": "填写数字",
        "percent": "填写百分比，0-100",
        "yes_no": "填写 yes（是）或 no（否）",
        "text": "自由填写文字",
        "na": "允许填写 not_applicable",
        "only_if": "仅在以下条件成立时需要回答：{cond}",
        "respondents": "答卷人：姓名与岗位，例如  - {name: 李伟, role: 厂长}",
        "notes": "可选：按问题编号填写备注，将出现在报告附录中",
    },
}


def answers_template(content: Content, lang: str) -> str:
    words = _WORDS[lang]
    questionnaire = content.questionnaire
    lines = [f"# {words['head'].format(title=questionnaire.title.get(lang), version=questionnaire.version)}", "#"]
    lines += [f"# {line}" for line in words["how"]]
    lines += [
        "",
        f"questionnaire: {questionnaire.id}",
        f"questionnaire_version: {questionnaire.version}",
        f"language: {'zh-CN' if lang == 'zh' else 'en'}",
        "",
    ]
    lines.append("enterprise:")
    for question in questionnaire.steps[0].questions:
        lines += [f"  # {line}" for line in _describe(question, lang)]
        lines.append(f"  {question.id.split('.', 1)[1]}:")
    lines += ["", f"# {words['respondents']}", "respondents: []", "", "answers:"]
    for step in questionnaire.steps[1:]:
        if step.id in STEP_IDS:
            heading = f"{words['step']} {STEP_IDS.index(step.id) + 1} · {step.title.get(lang)}"
        else:
            heading = f"{step.title.get(lang)} · {words['industry_only']}"
        lines += ["", f"  # ===== {heading} ====="]
        for section in step.sections:
            if step.id == INDUSTRY_STEP:
                lines += ["", f"  # --- {section.title.get(lang)} ---"]
            for question in section.questions:
                lines += [f"  # {line}" for line in _describe(question, lang)]
                lines.append(f"  {question.id}:")
    lines += ["", f"# {words['notes']}", "notes: {}", ""]
    return "\n".join(lines)


def _describe(question: Question, lang: str) -> list[str]:
    words = _WORDS[lang]
    out = [question.text.get(lang), f"  {words['why']}: {question.help.get(lang)}"]
    if question.type in ("single", "multi"):
        head = words["one_of"] if question.type == "single" else words["any_of"].format(first=question.options[0].id)
        out.append(f"  {head}:")
        out += [f"    {o.id:<24} {o.label.get(lang)}" for o in question.options]
    else:
        kind = words[question.type]
        if question.unit:
            kind += f" ({question.unit.get(lang)})"
        out.append(f"  {kind}")
    if question.allow_not_applicable:
        out.append(f"  ({words['na']})")
    if question.show_if is not None:
        cond = json.dumps(question.show_if.model_dump(exclude_none=True, by_alias=True), ensure_ascii=False)
        out.append(f"  {words['only_if'].format(cond=cond)}")
    return [line.replace("\n", " ") for line in out]
