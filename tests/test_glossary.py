"""The Chinese glossary of the shipped content: one term per concept, no banned variants.

Every {en, zh} pair in the questionnaire and rubric YAML is read with yaml.safe_load; the zh text
must not contain a variant the glossary replaced (see the Chinese review, pattern 4):

- the priority use case is 优先场景 (not 重点场景, 重点任务, 目标任务, 优先任务);
- labelled samples are 经核对的标注样本 (no 高质量 for samples nobody has checked);
- the regulation's term is 数据分类分级 (never 分级 alone);
- a public chatbot is a 公共AI对话工具; retrieval is 检索增强生成（RAG）; the historian is
  实时数据库（时序数据库）; a maintenance system is 设备管理系统（CMMS/EAM）;
- the six diagnostic steps are 步骤, not 环节 (环节 is kept for the value-chain 业务环节);
- under a second is 1秒以内（亚秒级）; 秒级 is the interactive tier only;
- help texts carry no "为什么问：" heading (the interface adds it) and do not explain the
  questionnaire's branching ("……后才问此题");
- the respondent is 企业/本企业, never 贵企业, 贵单位, 我们, 我方, 您 or 你;
- Chinese typography: no ASCII space next to a Chinese character, no half-width punctuation
  next to one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from readiness.resources import content_dir

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
FULL_WIDTH = "，。、；：？！（）“”《》—…"

# (name, pattern, what to write instead)
BANNED: list[tuple[str, str, str]] = [
    ("priority-use-case", r"重点场景|重点任务|目标任务|优先任务", "优先场景"),
    ("high-quality-samples", r"高质量(?:的)?(?:标注)?样本", "经核对的标注样本"),
    ("labelled-sample-variants", r"整理好的标注样本|核对过的(?:标注)?样本|经过复核的样本", "经核对的标注样本"),
    (
        "grading-without-classification",
        r"(?<!分类)分级(?!管控)",
        "数据分类分级 (风险分级管控 is the one fixed term allowed)",
    ),
    ("sensitivity-grading", r"按敏感程度分级", "按《工业和信息化领域数据安全管理办法（试行）》开展数据分类分级"),
    ("under-a-second", r"秒级以内|秒级内", "1秒以内（亚秒级）"),
    ("existence-stutter", r"存在在", "a rewording without 存在"),
    ("public-chatbot", r"公共AI工具|公共对话工具|通用对话工具|AI聊天工具|聊天机器人", "公共AI对话工具"),
    ("retrieval", r"检索增强(?!生成)|知识检索|检索式问答|基于检索的", "检索增强生成（RAG）"),
    ("historian", r"实时/时序数据库|(?<!（)时序数据库", "实时数据库（时序数据库）"),
    ("maintenance-system", r"(?<![（/])CMMS", "设备管理系统（CMMS/EAM）"),
    ("step-not-link", r"本环节|各环节|六个环节|安全环节", "本步骤 / 各步骤 / 第X步"),
    ("six-step-method", r"六步法", "《“人工智能+制造”专项行动实施意见》附件2所列企业应用步骤"),
    ("transformation-guidance", r"国家重点行业转型指引|国家的行业转型指引", "附件1重点行业应用场景"),
    ("compute-programme", r"算力普惠行动", "a pointer to what the local authority has published"),
    ("cdo-obligation", r"要求企业建立首席数据官", "提出推动建立企业首席数据官制度"),
    ("sla", r"服务等级承诺", "服务等级协议（SLA）"),
    ("security-level-3", r"安全防护达到\d级|(?<!第)\d\s*级及以上", "安全步骤达到集成级（第3级）"),
    ("branching-logic", r"才问此题|时才问|才会问|只对这类线路提问", "no branching logic in help texts"),
    ("form-of-address", r"贵企业|贵单位|我们|我方|您|你", "企业 / 本企业"),
    ("help-heading", r"为什么问[：:]|为什么重要[：:]", "no heading in the text: the interface adds it"),
    ("space-between-cjk", rf"[{CJK}] +[{CJK}]", "no space between Chinese characters (a folded YAML line?)"),
    (
        "space-cjk-latin",
        rf"[{CJK}{FULL_WIDTH}] +[A-Za-z0-9%]|[A-Za-z0-9%] +[{CJK}{FULL_WIDTH}]",
        "no space between Chinese and Latin or digits",
    ),
    ("half-width-punctuation", rf"[{CJK}][,;:?!()]|[,;:?!(][{CJK}]", "full-width punctuation next to Chinese"),
    ("pronoun-it", r"它", "repeat or omit the noun"),
]
EN_BANNED: list[tuple[str, str, str]] = [
    ("help-heading", r"^Why this matters\s*:", "no heading in the text: the interface adds it"),
    ("branching-logic", r"\bAsked (?:once|only|where|for)\b", "no branching logic in help texts"),
]


def _content_files() -> list[Path]:
    root = content_dir()
    files = sorted((root / "questionnaires").rglob("*.yaml")) + sorted((root / "rubrics").rglob("*.yaml"))
    assert files, root
    return files


def _pairs(node: Any, where: str) -> Iterator[tuple[str, str, str]]:
    """(where, en, zh) for every {en, zh} mapping below node."""
    if isinstance(node, dict):
        if isinstance(node.get("zh"), str):
            yield where, str(node.get("en") or ""), node["zh"]
        for key, value in node.items():
            yield from _pairs(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            label = value.get("id", index) if isinstance(value, dict) else index
            yield from _pairs(value, f"{where}[{label}]")


def _all_pairs() -> list[tuple[str, str, str]]:
    root = content_dir()
    found: list[tuple[str, str, str]] = []
    for path in _content_files():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        found.extend(_pairs(data, str(path.relative_to(root))))
    return found


PAIRS = _all_pairs()


def test_the_content_has_chinese_to_check() -> None:
    assert len(PAIRS) > 1000


@pytest.mark.parametrize(("pattern", "instead"), [b[1:] for b in BANNED], ids=[b[0] for b in BANNED])
def test_no_banned_variant_in_chinese(pattern: str, instead: str) -> None:
    banned = re.compile(pattern)
    found = [f"{where}: {zh}" for where, _, zh in PAIRS if banned.search(zh)]
    assert not found, f"write {instead} instead:\n" + "\n".join(found)


@pytest.mark.parametrize(("pattern", "instead"), [b[1:] for b in EN_BANNED], ids=[b[0] for b in EN_BANNED])
def test_no_banned_variant_in_english_help(pattern: str, instead: str) -> None:
    banned = re.compile(pattern)
    found = [f"{where}: {en}" for where, en, _ in PAIRS if where.endswith(".help") and banned.search(en)]
    assert not found, f"{instead}:\n" + "\n".join(found)


def test_acronyms_are_glossed_once_per_file() -> None:
    """The first Chinese use of each acronym in a file carries its Chinese name: 设备综合效率（OEE）."""
    acronyms = ["OEE", "SPC", "APS", "CMMS", "QMS", "LIMS", "RAG", "POC", "LoRA", "SLA"]
    first: dict[tuple[str, str], str] = {}
    for where, _, zh in PAIRS:
        file = where.split(".yaml")[0]
        for acronym in acronyms:
            if (file, acronym) not in first and acronym in zh:
                first[(file, acronym)] = zh
    unglossed = []
    for (file, acronym), zh in first.items():
        at = zh.index(acronym)
        before, after = zh[max(0, at - 20) : at], zh[at + len(acronym) : at + len(acronym) + 25]
        glossed = re.search(rf"[{CJK}]（[A-Za-z/]*$", before) or re.match(
            rf"(/[A-Za-z]+)*（[{CJK}]|(/[A-Za-z]+)*：[{CJK}]", after
        )
        if not glossed:
            unglossed.append(f"{file}: {acronym}: {zh}")
    assert not unglossed, "gloss the first use in each file:\n" + "\n".join(unglossed)
