"""The only YAML reader: safe parsing, line/column errors, cross-reference checks.

Every problem is collected and reported at once, each with its file, line, column and the path
inside the document, so a content author fixes a file in one pass.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from . import rules
from .errors import AnswersError, ContentError, Issue
from .model import (
    INDUSTRIES,
    INDUSTRY_STEP,
    NOT_APPLICABLE,
    PROFILE_STEP,
    STEP_IDS,
    UNKNOWN,
    UNSCORED_STEPS,
    Action,
    Answers,
    Benchmarks,
    Condition,
    Content,
    Cost,
    Decision,
    Factor,
    Gain,
    Gate,
    Leaf,
    Level,
    Money,
    Question,
    Questionnaire,
    RoadmapRules,
    Rubric,
    Scenario,
    Step,
    Text,
)
from .resources import DEFAULT_QUESTIONNAIRE

MAX_CONTENT_BYTES = 2_000_000
MAX_ANSWERS_BYTES = 1_000_000
DECISION_CHOICES = {
    "model_strategy": {"prompt_engineering", "fine_tuning", "hybrid"},
    "deployment": {"cloud", "edge", "cloud_edge"},
}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CJK = re.compile(r"[\u3400-\u9fff]")
M = TypeVar("M", bound=BaseModel)
Path_ = tuple[str, ...]


# --- reading one YAML file ----------------------------------------------------------------


@dataclass
class Document:
    """A parsed YAML file; where each node starts is worked out only when a problem needs it."""

    file: str
    data: Any
    text: str = ""
    problems: list[Issue] = field(default_factory=list)  # found while reading it (a workbook's cells)
    sha256: str = ""  # of the bytes read (a YAML file's)

    @cached_property
    def marks(self) -> dict[Path_, tuple[int, int]]:
        marks: dict[Path_, tuple[int, int]] = {}
        loader = _Loader(self.text)
        try:
            root = loader.get_single_node()
            if root is not None:
                _map_nodes(root, (), marks, set())
        finally:
            loader.dispose()
        return marks

    def issue(self, path: Iterable[Any], message: str, severity: str = "error") -> Issue:
        """An issue located at the deepest part of `path` that exists in the file."""
        located: Path_ = ()
        shown: list[str] = []
        items = [str(p) for p in path]
        for i, item in enumerate(items):
            if (*located, item) in self.marks:
                located = (*located, item)
                shown.append(item)
            elif i == len(items) - 1 or not _is_tag(item):
                shown.append(item)
        line, column = self.marks.get(located, (None, None))
        return Issue(self.file, message, line, column, ".".join(shown), severity)


def _is_tag(item: str) -> bool:
    """Names pydantic adds to a location that are not in the document (union branches)."""
    return item in {"all", "any", "not", "leaf", "list[str]", "str", "int", "float", "bool"}


def read_yaml(path: Path, *, max_bytes: int, allow_aliases: bool = False) -> Document:
    """Parse one YAML file safely. Raises ContentError with the file and line on any problem.

    Only regular files are read (never pipes, FIFOs or devices; /dev/stdin only when a file is
    redirected to it), and at most `max_bytes`.
    Anchors and aliases, repeated keys and numbers that are not plain decimals (YAML 1.1 reads
    010 as 8 and 1:10 as 70; .nan and .inf are not numbers one can score) are refused.
    """
    name = str(path)
    raw = _read_bytes(path, name, max_bytes)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError([Issue.said(name, "not_utf8", line, byte=f"0x{raw[exc.start]:02x}")]) from None
    if not text.strip():
        raise ContentError([Issue.said(name, "empty")])
    loader = _Loader(text)
    try:
        if not allow_aliases and _MAYBE_ANCHOR.search(text):
            _refuse_aliases(text, name)
        data = _construct(loader, name, shared=allow_aliases and "*" in text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problem = str(exc.problem or exc.context)
        kind = _TAG_KIND.search(problem)
        said = Issue.said(name, _yaml_problem(problem), *where, problem=problem, kind=kind[1] if kind else "")
        raise ContentError([said]) from None
    except yaml.YAMLError as exc:
        raise ContentError([Issue.said(name, "yaml_other", problem=str(exc))]) from None
    finally:
        loader.dispose()
    if data is None:
        raise ContentError([Issue.said(name, "no_data")])
    return Document(name, data, text, sha256=hashlib.sha256(raw).hexdigest())


def _read_bytes(path: Path, name: str, max_bytes: int) -> bytes:
    """At most `max_bytes` of a regular file; anything else (a FIFO, a device, a pipe) is refused unread."""
    fd, size = _open_regular(path, name, max_bytes)
    chunks: list[bytes] = []
    left = max_bytes + 1  # one byte more than allowed tells a file that grew (or a /proc file) from one that fits
    try:
        while left > 0:
            chunk = os.read(fd, min(left, max(size + 1, 65_536)))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise ContentError([Issue.said(name, "cannot_read", reason=exc.strerror)]) from None
    finally:
        os.close(fd)
    if left <= 0:
        raise ContentError([Issue.said(name, "grew_too_large", limit=max_bytes)])
    return b"".join(chunks)


def _open_regular(path: Path, name: str, max_bytes: int) -> tuple[int, int]:
    """An open descriptor of a regular file no larger than `max_bytes`, and its size."""
    if name == "-":
        raise ContentError([Issue.said(name, "stdin")])
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; the open file is checked before any read.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ContentError([Issue.said(name, "no_such_file")]) from None
    except OSError as exc:
        raise ContentError([Issue.said(name, "cannot_read", reason=exc.strerror)]) from None
    info = os.fstat(fd)
    problem = None
    if stat.S_ISDIR(info.st_mode):
        problem = Issue.said(name, "folder")
    elif not stat.S_ISREG(info.st_mode):
        key = "not_regular_pipe" if stat.S_ISFIFO(info.st_mode) else "not_regular_device"
        problem = Issue.said(name, "not_regular_socket" if stat.S_ISSOCK(info.st_mode) else key)
    elif info.st_size > max_bytes:
        problem = Issue.said(name, "too_large", size=info.st_size, limit=max_bytes)
    if problem:
        os.close(fd)
        raise ContentError([problem])
    return fd, info.st_size


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_INT, _FLOAT = "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"
_NUMBERS = (_INT, _FLOAT)
_MERGE_OR_STR = (_STR, "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")
_Scalar, _Mapping, _Sequence = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode  # looked up once per node
_PLAIN_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
# An anchor (&) or alias (*) starts a token, so it never follows a letter or digit ("R&D", "Q&A").
_MAYBE_ANCHOR = re.compile(r"[&*](?<!\w[&*])")
_MAX_SHOWN = 50  # problems listed from one file
Said = tuple[str, dict[str, object]]  # a problem as its catalogue key (`file.<key>`) and the key's fields


def _yaml_problem(problem: str) -> str:
    """The catalogue key that explains PyYAML's problem in plain words (its own words are English)."""
    for fragment, key in _YAML_PROBLEMS:
        if fragment in problem:
            return key
    return "yaml_other"


_TAG_KIND = re.compile(r"cannot be read as a (\w+)")
_YAML_PROBLEMS = (  # fragments of PyYAML's messages (both its parsers) -> what to tell the person
    ("'\\t'", "yaml_tab"),
    ("tab character", "yaml_tab"),
    ("mapping values are not allowed", "yaml_colon"),
    ("could not find expected ':'", "yaml_missing_colon"),
    ("end of stream", "yaml_unclosed"),
    ("unknown escape character", "yaml_escape"),
    ("expected a comment or a line break", "yaml_after_quote"),
    ("expected <block end>", "yaml_indent"),
    ("did not find expected key", "yaml_indent"),
    ("did not find expected '-'", "yaml_indent"),
    ("expected ',' or ']'", "yaml_flow_list"),
    ("expected ',' or '}'", "yaml_flow_list"),
    ("cannot be read as a", "yaml_tagged_value"),
)


class _NotPlain(Exception):
    pass


class _Shared(Exception):
    """A node reached twice: an alias the anchor check did not see."""

    def __init__(self, node: yaml.Node) -> None:
        self.node = node


def _construct(loader: Any, name: str, shared: bool) -> Any:
    """What `loader.get_single_data()` returns, a third faster for documents without aliases.

    Mappings with text keys, lists and text are built directly from the parsed nodes; other scalars
    (numbers, booleans, dates) go to PyYAML's own constructor. Anything else (merge keys, other
    kinds of keys, explicit tags) and documents that may share nodes (`shared`: aliases allowed
    and used) are checked, then handed back to PyYAML whole. Repeated keys and numbers that are
    not plain decimals are refused, all at once.
    """
    node = loader.get_single_node()
    if node is None:
        return None
    problems: list[tuple[yaml.Node, Said]] = []
    data = None
    try:
        if shared:
            raise _NotPlain
        data = _plain(loader, node, problems, set())
    except _Shared as exc:
        mark = exc.node.start_mark
        raise ContentError([Issue.said(name, "aliases", mark.line + 1, mark.column + 1)]) from None
    except _NotPlain:
        problems.clear()
        _check_nodes(loader, node, problems, set())
        if not problems:
            data = loader.construct_document(node)
    if problems:
        raise ContentError(_located(name, node, problems))
    return data


def _plain(loader: Any, node: yaml.Node, problems: list[tuple[yaml.Node, Said]], seen: set[int]) -> Any:
    if isinstance(node, _Scalar):
        return node.value if node.tag == _STR else _scalar(loader, node, problems)
    if id(node) in seen:  # only an alias reaches a node twice; building it again could take gigabytes
        raise _Shared(node)
    seen.add(id(node))
    if isinstance(node, _Mapping) and node.tag == _MAP:
        data = {}
        for key, value in node.value:
            if key.tag != _STR or not isinstance(key, _Scalar):
                raise _NotPlain
            data[key.value] = _plain(loader, value, problems, seen)
        if len(data) < len(node.value):  # a key given twice
            _repeated_keys(node, problems)
        return data
    if isinstance(node, _Sequence) and node.tag == _SEQ:
        return [_plain(loader, item, problems, seen) for item in node.value]
    raise _NotPlain


def _check_nodes(loader: Any, node: yaml.Node, problems: list[tuple[yaml.Node, Said]], seen: set[int]) -> None:
    """The checks `_plain` makes, for documents PyYAML builds itself."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        if node.tag not in _MERGE_OR_STR:
            _scalar(loader, node, problems)  # built now and kept: PyYAML builds each node once
    elif isinstance(node, yaml.MappingNode):
        _repeated_keys(node, problems)
        for key, value in node.value:
            _check_nodes(loader, key, problems, seen)
            _check_nodes(loader, value, problems, seen)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_nodes(loader, item, problems, seen)


def _repeated_keys(node: yaml.MappingNode, problems: list[tuple[yaml.Node, Said]]) -> None:
    """A key given twice in one mapping, naming both lines (YAML itself silently keeps the last)."""
    firsts: dict[tuple[str, Any], yaml.Node] = {}
    for key, _ in node.value:
        if isinstance(key, yaml.ScalarNode):
            first = firsts.setdefault((key.tag, key.value), key)
            if first is not key:
                lines = {"first": first.start_mark.line + 1, "second": key.start_mark.line + 1}
                problems.append((key, ("repeated_key", {"name": key.value, **lines})))


# What PyYAML's constructors raise, besides ConstructorError, for a value that does not fit its
# explicit tag (`!!timestamp abc`, `!!bool x`, `!!int ²`).
_VALUE_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError)


def _scalar(loader: Any, node: yaml.ScalarNode, problems: list[tuple[yaml.Node, Said]]) -> Any:
    """A number, boolean, date or null, as PyYAML builds it; None for a number that is refused."""
    if node.tag in _NUMBERS and not _small_decimal(node.value) and _bad_number(loader, node, problems):
        return None
    try:
        return loader.construct_object(node)
    except _VALUE_ERRORS:
        kind = node.tag.rsplit(":", 1)[-1]
        message = f"{node.value[:40]!r} cannot be read as a {kind}"
        raise yaml.constructor.ConstructorError(None, None, message, node.start_mark) from None


def _bad_number(loader: Any, node: yaml.ScalarNode, problems: list[tuple[yaml.Node, Said]]) -> bool:
    problem = _number_problem(loader, node)
    if problem:
        problems.append((node, problem))
    return problem is not None


def _small_decimal(text: str) -> bool:
    """The common case, checked quickly: a whole number such as 0, 12 or 2026."""
    return text.isascii() and text.isdigit() and len(text) < 20 and (text[0] != "0" or len(text) == 1)


def _number_problem(loader: Any, node: yaml.ScalarNode) -> Said | None:
    """Why a number in the file is not a plain, finite decimal number, or None when it is."""
    text = node.value
    plain = (_PLAIN_INT if node.tag == _INT else _PLAIN_FLOAT).fullmatch(text)
    shown = text if len(text) <= 40 else text[:40] + "…"
    if plain:
        return None if math.isfinite(float(text)) else ("number_too_large", {"text": shown})
    try:
        value = loader.construct_object(node) if len(text) <= 40 else None
    except Exception:  # PyYAML's int() and float() raise ValueError on odd explicit tags
        value = None
    if isinstance(value, float) and not math.isfinite(value):  # .nan, .inf, -.inf
        return ("number_not_finite", {"text": shown})
    read: str | None
    if isinstance(value, float):
        read = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    else:
        read = str(value) if isinstance(value, int) and len(text) <= 40 else None
    if read is None:
        return ("number_not_plain", {"text": shown})
    if ":" in text:
        return ("number_base60", {"text": text, "read": read})
    digits = text.lstrip("+-")
    if node.tag == _INT and len(digits) > 1 and digits.startswith("0") and digits.replace("_", "").isdigit():
        decimal = text[: len(text) - len(digits)] + (digits.replace("_", "").lstrip("0") or "0")
        return ("number_octal", {"text": text, "read": read, "decimal": decimal})
    return ("number_read_as", {"text": text, "read": read})


def _located(name: str, root: yaml.Node, problems: list[tuple[yaml.Node, Said]]) -> list[Issue]:
    """Issues for problem nodes, each with its line, column and path in the document."""
    wanted = {id(node) for node, _ in problems[:_MAX_SHOWN]}
    paths: dict[int, Path_] = {}
    stack: list[tuple[yaml.Node, Path_]] = [(root, ())]
    seen: set[int] = set()
    while stack and len(paths) < len(wanted):
        node, path = stack.pop()
        if id(node) in wanted:
            paths.setdefault(id(node), path)
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                inner = (*path, str(key.value))
                stack += [(key, inner), (value, inner)]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(item, (*path, str(i))) for i, item in enumerate(node.value)]
    issues = [
        dataclasses.replace(
            Issue.said(name, key, node.start_mark.line + 1, node.start_mark.column + 1, **params),
            path=".".join(paths.get(id(node), ())),
        )
        for node, (key, params) in problems[:_MAX_SHOWN]
    ]
    if len(problems) > _MAX_SHOWN:
        issues.append(Issue.said(name, "more_problems", count=len(problems) - _MAX_SHOWN))
    return issues


def _refuse_aliases(text: str, name: str) -> None:
    """Anchors and aliases let a few bytes expand into gigabytes ("billion laughs"): refuse them."""
    for token in yaml.scan(text, Loader=_Loader):
        if isinstance(token, yaml.AnchorToken | yaml.AliasToken):
            mark = token.start_mark
            raise ContentError([Issue.said(name, "aliases", mark.line + 1, mark.column + 1)])


def _map_nodes(node: yaml.Node, path: Path_, marks: dict[Path_, tuple[int, int]], seen: set[int]) -> None:
    if id(node) in seen:  # an alias reuses a node already mapped
        return
    seen.add(id(node))
    marks.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            _map_nodes(value, (*path, str(key.value)), marks, seen)
            marks[(*path, str(key.value))] = (key.start_mark.line + 1, key.start_mark.column + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _map_nodes(item, (*path, str(index)), marks, seen)


def validate(model: type[M], doc: Document, data: Any, base: tuple[str | int, ...], issues: list[Issue]) -> M | None:
    """Validate one part of a document; turn each pydantic error into a located issue."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            message = error["msg"]
            if error["type"] in ("literal_error", "enum") or "expected" in error.get("ctx", {}):
                message = f"{message} (got {error['input']!r})"
            issues.append(doc.issue((*base, *error["loc"]), message))
        return None


# --- content ------------------------------------------------------------------------------


def load_content(root: Path, questionnaire_id: str = DEFAULT_QUESTIONNAIRE) -> tuple[Content, list[Issue]]:
    """Load and cross-check a questionnaire and its rubric. Returns the content and any warnings.

    Content that loaded before, unchanged, comes from the cache (content_cache.py); content with
    errors is never cached, so its errors are reported every time."""
    from .content_cache import cached

    q_dir = root / "questionnaires" / questionnaire_id
    r_dir = root / "rubrics" / questionnaire_id
    for folder in (q_dir, r_dir):
        if not folder.is_dir():
            raise ContentError([Issue.said(str(folder), "no_content_folder")])
    return cached([q_dir, r_dir], str(root), lambda: _read_content(root, q_dir, r_dir))


def _read_content(root: Path, q_dir: Path, r_dir: Path) -> tuple[Content, list[Issue]]:
    issues: list[Issue] = []
    for folder in (q_dir, r_dir):
        for twin in sorted(folder.rglob("*.yml")):
            issues.append(Issue.said(str(twin), "yml_suffix"))

    questionnaire, q_docs = _load_questionnaire(q_dir, issues)
    rubric, r_docs = _load_rubric(r_dir, issues)
    if questionnaire and rubric:
        _check_content(questionnaire, rubric, q_docs, r_docs, issues)
    errors = [i for i in issues if i.severity == "error"]
    if errors or not questionnaire or not rubric:
        raise ContentError(errors)
    content = Content(questionnaire=_with_scenario_options(questionnaire, rubric), rubric=rubric, source=str(root))
    return content, [i for i in issues if i.severity == "warning"]


def _with_scenario_options(questionnaire: Questionnaire, rubric: Rubric) -> Questionnaire:
    """Questions that pick from the scenario catalogue get its scenarios as their options."""
    if not any(q.options_from for step in questionnaire.steps for q in step.questions):
        return questionnaire
    options = [{"id": s.id, "label": s.title.model_dump()} for s in rubric.scenarios]
    data = questionnaire.model_dump(by_alias=True, exclude_none=True)
    for step in data["steps"]:
        for section in step["sections"]:
            for question in section["questions"]:
                if question.get("options_from") == "scenarios":
                    question["options"] = options
    return Questionnaire.model_validate(data)


def _read_parts(folder: Path, issues: list[Issue], names: Iterable[str]) -> dict[str, Document]:
    docs: dict[str, Document] = {}
    for name in names:
        try:
            docs[name] = read_yaml(folder / f"{name}.yaml", max_bytes=MAX_CONTENT_BYTES)
        except ContentError as exc:
            issues.extend(exc.issues)
        else:
            _tidy_chinese(docs[name].data)
    return docs


# Chinese characters and full-width punctuation: text has no spaces between them.
_CJK_SPACE = re.compile(
    r"(?<=[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u201c\u201d\u2018\u2019\u2026])"
    r"[ \t\r\n]+"
    r"(?=[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u201c\u201d\u2018\u2019\u2026])"
)


def _tidy_chinese(data: Any) -> None:
    """Drop the spaces between Chinese characters in every `zh` text, in place.

    Folded YAML (`>-`) joins lines with a space, which Chinese does not have: 直接使用 供应商模型.
    Spaces between Chinese and Latin letters or digits are the author's and stay.
    """
    if isinstance(data, dict):
        if isinstance(data.get("zh"), str) and "en" in data:
            data["zh"] = _CJK_SPACE.sub("", data["zh"])
        for value in data.values():
            _tidy_chinese(value)
    elif isinstance(data, list):
        for item in data:
            _tidy_chinese(item)


def _expect_mapping(doc: Document, issues: list[Issue]) -> dict[str, Any]:
    if isinstance(doc.data, dict):
        return doc.data
    issues.append(doc.issue((), "expected a mapping of keys to values at the top of the file"))
    return {}


def _load_questionnaire(folder: Path, issues: list[Issue]) -> tuple[Questionnaire | None, dict[str, Document]]:
    head = _read_parts(folder, issues, ["questionnaire"]).get("questionnaire")
    if head is None:
        return None, {}
    meta = dict(_expect_mapping(head, issues))
    step_ids = meta.get("steps")
    expected = [PROFILE_STEP, INDUSTRY_STEP, *STEP_IDS]
    if step_ids != expected:
        issues.append(head.issue(("steps",), f"steps must be listed in playbook order: {expected}"))
        return None, {}
    docs = _read_parts(folder, issues, expected)
    steps = []
    for step_id, doc in docs.items():
        step = validate(Step, doc, _expect_mapping(doc, issues), (), issues)
        if step and step.id != step_id:
            issues.append(doc.issue(("id",), f"the step id must be {step_id!r}, as the file name says"))
        steps.append(step)
    if len(steps) != len(expected) or None in steps:
        return None, {}
    meta["steps"] = steps
    questionnaire = validate(Questionnaire, head, meta, (), issues)
    return questionnaire, {"questionnaire": head, **docs}


def _load_rubric(folder: Path, issues: list[Issue]) -> tuple[Rubric | None, dict[str, Document]]:
    docs = _read_parts(folder, issues, ["rubric", "factors", "decisions"])
    step_docs = _read_parts(folder / "steps", issues, STEP_IDS)
    scenario_names = sorted(p.stem for p in (folder / "scenarios").glob("*.yaml"))
    scenario_docs = _read_parts(folder / "scenarios", issues, scenario_names)
    if len(docs) < 3 or len(step_docs) < len(STEP_IDS):
        return None, {}
    head = dict(_expect_mapping(docs["rubric"], issues))
    ok = True
    levels = [validate(Level, docs["rubric"], d, ("levels", i), issues) for i, d in enumerate(head.get("levels", []))]
    gates = [validate(Gate, docs["rubric"], d, ("gates", i), issues) for i, d in enumerate(head.get("gates", []))]
    factors = _validate_list(Factor, docs["factors"], "factors", issues)
    decisions = _validate_list(Decision, docs["decisions"], "decisions", issues)
    step_levels: dict[str, dict[int, Text]] = {}
    actions: list[Action | None] = []
    for step_id, doc in step_docs.items():
        body = _expect_mapping(doc, issues)
        unknown = set(body) - {"levels", "actions"}
        for key in sorted(unknown):
            issues.append(doc.issue((key,), "unknown key; a rubric step file holds `levels` and `actions`"))
        described = body.get("levels") or {}
        if sorted(described) != [1, 2, 3, 4, 5]:
            issues.append(doc.issue(("levels",), "describe each level 1 to 5 of this step"))
            ok = False
        step_levels[step_id] = {}
        for number, text in described.items() if isinstance(described, dict) else []:
            parsed = validate(Text, doc, text, ("levels", number), issues)
            if parsed:
                step_levels[step_id][number] = parsed
        for i, raw in enumerate(body.get("actions") or []):
            action = validate(Action, doc, raw, ("actions", i), issues)
            if action and action.step != step_id:
                issues.append(doc.issue(("actions", i, "step"), f"this file holds the actions of step {step_id!r}"))
            actions.append(action)
    scenarios = [s for doc in scenario_docs.values() for s in _validate_list(Scenario, doc, "scenarios", issues)]
    # Optional parts: the bases of the cost and value ranges, and the published peer figures.
    optional: dict[str, type[BaseModel]] = {"money": Money, "benchmarks": Benchmarks}
    extra_docs = _read_parts(folder, issues, [name for name in optional if (folder / f"{name}.yaml").is_file()])
    extras = {name: validate(optional[name], doc, doc.data, (), issues) for name, doc in extra_docs.items()}
    parts = [*levels, *gates, *factors, *decisions, *actions, *scenarios, *extras.values()]
    if not ok or any(p is None for p in parts):
        return None, {}
    head.update(
        levels=levels,
        gates=gates,
        factors=factors,
        decisions=decisions,
        actions=actions,
        step_levels=step_levels,
        scenarios=scenarios,
        **extras,
    )
    rubric = validate(Rubric, docs["rubric"], head, (), issues)
    return rubric, {
        **docs,
        **extra_docs,
        **{f"steps/{k}": v for k, v in step_docs.items()},
        **{f"scenarios/{k}": v for k, v in scenario_docs.items()},
    }


def _validate_list(model: type[M], doc: Document, key: str, issues: list[Issue]) -> list[M | None]:
    body = _expect_mapping(doc, issues)
    items = body.get(key)
    if not isinstance(items, list):
        issues.append(doc.issue((key,), f"expected `{key}:` with a list"))
        return [None]
    for extra in sorted(set(body) - {key}):
        issues.append(doc.issue((extra,), f"unknown key; this file holds `{key}`"))
    return [validate(model, doc, item, (key, i), issues) for i, item in enumerate(items)]


# --- cross-reference checks ----------------------------------------------------------------


@dataclass
class _Refs:
    """What a condition may refer to in a given place."""

    questions: dict[str, Question]
    factors: dict[str, Factor]
    kinds: frozenset[str]
    decisions: dict[str, frozenset[str]] | None = None  # decision id -> its choices, where decisions may be tested


def _check_condition(cond: Condition, refs: _Refs, doc: Document, path: Path_, issues: list[Issue]) -> None:
    for leaf in rules.leaves(cond):
        issues.extend(doc.issue(path, message) for message in _leaf_problems(leaf, refs))


def _leaf_problems(leaf: Leaf, refs: _Refs) -> list[str]:
    if leaf.op not in rules.ALL_OPERATORS:
        return [f"unknown operator {leaf.op!r}; use one of {sorted(rules.ALL_OPERATORS)}"]
    if leaf.kind not in refs.kinds:
        return [f"a condition here may test {sorted(refs.kinds)}, not {leaf.kind!r}"]
    if leaf.kind in ("question", "points"):
        question = refs.questions.get(leaf.subject)
        if question is None:
            return [f"unknown question {leaf.subject!r}"]
        problems = _option_problems(leaf, question)
    elif leaf.kind == "factor":
        factor = refs.factors.get(leaf.subject)
        if factor is None:
            return [f"unknown factor {leaf.subject!r}"]
        problems = []
        _check_factor_value(factor, leaf.value, problems.append)
    elif leaf.kind == "decision":
        choices = (refs.decisions or {}).get(leaf.subject)
        if choices is None:
            return [f"unknown decision {leaf.subject!r}"]
        wrong = [v for v in rules.as_list(leaf.value) if v not in choices]
        problems = [f"{wrong[0]!r} is not a choice of {leaf.subject}; choices: {sorted(choices)}"] if wrong else []
    else:
        known = leaf.subject in (*STEP_IDS, "overall")
        problems = [] if known else [f"unknown step {leaf.subject!r}; use one of {[*STEP_IDS, 'overall']}"]
    if leaf.op in rules.ORDERED_OPERATORS and leaf.kind != "factor" and not isinstance(leaf.value, int | float):
        problems.append(f"operator {leaf.op!r} compares numbers; got {leaf.value!r}")
    return problems


def _option_problems(leaf: Leaf, question: Question) -> list[str]:
    """A test of a raw answer against option ids must name options the question has."""
    if leaf.kind != "question" or leaf.op not in ("eq", "ne", "in", "not_in", "includes", "includes_any"):
        return []
    valid: set[Any] = {True, False} if question.type == "yes_no" else {o.id for o in question.options}
    if valid and any(v not in valid for v in rules.as_list(leaf.value)):
        return [f"{leaf.value!r} is not an option of {question.id}; options: {sorted(map(str, valid))}"]
    return []


def _factor_values(factor: Factor) -> list[Any]:
    return [1, 2, 3, 4, 5] if factor.level_of else [v.id for v in factor.values]


def _check_factor_value(factor: Factor, value: Any, report: Any) -> None:
    allowed = _factor_values(factor)
    for v in value if isinstance(value, list) else [value]:
        if v not in allowed:
            report(f"{v!r} is not a value of factor {factor.id}; values: {allowed}")


def _check_content(
    questionnaire: Questionnaire,
    rubric: Rubric,
    q_docs: dict[str, Document],
    r_docs: dict[str, Document],
    issues: list[Issue],
) -> None:
    """Cross-check the questionnaire and the rubric; each part is one small check below."""
    questions = _check_questions(questionnaire, q_docs, issues)
    factors = {f.id: f for f in rubric.factors}
    all_refs = _Refs(questions, factors, frozenset({"question", "points", "factor", "score", "level"}))
    answer_refs = _Refs(questions, factors, frozenset({"question", "points", "score", "level"}))
    head = r_docs["rubric"]
    _check_levels_and_gates(questionnaire, rubric, head, answer_refs, issues)
    _check_factors(rubric, questions, r_docs["factors"], all_refs, issues)
    _check_decisions(rubric, factors, r_docs["decisions"], issues)
    action_ids = _check_actions(rubric, r_docs, all_refs, head, issues)
    _check_scenarios(rubric, r_docs, all_refs, action_ids, issues)
    if rubric.roadmap:
        _check_roadmap_rules(rubric.roadmap, questions, answer_refs, head, issues)
    _check_money(rubric, questions, r_docs, issues)
    _check_unused_factors(rubric, r_docs["factors"], issues)
    _check_translations([*q_docs.values(), *r_docs.values()], issues)


def _check_questions(
    questionnaire: Questionnaire, q_docs: dict[str, Document], issues: list[Issue]
) -> dict[str, Question]:
    """Ids, visibility conditions and scales of every question; returns them by id."""
    questions: dict[str, Question] = {}
    for step in questionnaire.steps:
        doc = q_docs[step.id]
        seen_sections: set[str] = set()
        for si, section in enumerate(step.sections):
            if section.id in seen_sections:
                issues.append(doc.issue(("sections", si, "id"), f"duplicate section id {section.id!r}"))
            seen_sections.add(section.id)
            for qi, question in enumerate(section.questions):
                path: Path_ = ("sections", str(si), "questions", str(qi))
                if not question.id.startswith(step.id + "."):
                    issues.append(doc.issue((*path, "id"), f"question ids in this step start with {step.id + '.'!r}"))
                if question.id in questions:
                    issues.append(doc.issue((*path, "id"), f"duplicate question id {question.id!r}"))
                if question.show_if is not None:
                    # Only questions already asked may decide visibility.
                    refs = _Refs(dict(questions), {}, frozenset({"question", "points"}))
                    _check_condition(question.show_if, refs, doc, (*path, "show_if"), issues)
                if step.id in UNSCORED_STEPS and question.weight:
                    issues.append(doc.issue((*path, "weight"), f"{step.id} questions are not scored: weight 0"))
                questions[question.id] = question
                _check_scale(question, doc, path, issues)
    return questions


def _check_levels_and_gates(
    questionnaire: Questionnaire, rubric: Rubric, head: Document, refs: _Refs, issues: list[Issue]
) -> None:
    if rubric.questionnaire != questionnaire.id:
        issues.append(head.issue(("questionnaire",), f"this rubric is for {questionnaire.id!r}"))
    numbers = [lvl.level for lvl in rubric.levels]
    thresholds = [lvl.min_score for lvl in rubric.levels]
    if numbers != [1, 2, 3, 4, 5]:
        issues.append(head.issue(("levels",), "list levels 1 to 5 in order"))
    if thresholds[0] != 0 or thresholds != sorted(thresholds) or len(set(thresholds)) != 5:
        issues.append(head.issue(("levels",), "min_score starts at 0 and rises strictly from level to level"))
    if sorted(rubric.step_weights) != sorted(STEP_IDS) or any(w <= 0 for w in rubric.step_weights.values()):
        issues.append(head.issue(("step_weights",), f"give a positive weight to each of {list(STEP_IDS)}"))
    for step in sorted(set(rubric.owners) - set(STEP_IDS)):
        issues.append(head.issue(("owners", step), f"unknown step; owners are given per step of {list(STEP_IDS)}"))
    estimate = rubric.sme_level_estimate
    if estimate and (set(estimate.steps) - set(STEP_IDS) or estimate.bands != sorted(set(estimate.bands))):
        message = f"list steps of {list(STEP_IDS)} and four rising band minimums"
        issues.append(head.issue(("sme_level_estimate",), message))
    for gi, gate in enumerate(rubric.gates):
        if gate.step not in (*STEP_IDS, "overall"):
            issues.append(head.issue(("gates", gi, "step"), f"unknown step {gate.step!r}"))
        _check_condition(gate.requires, refs, head, ("gates", str(gi), "requires"), issues)


def _check_factors(
    rubric: Rubric, questions: dict[str, Question], fdoc: Document, refs: _Refs, issues: list[Issue]
) -> None:
    if len({f.id for f in rubric.factors}) != len(rubric.factors):
        issues.append(fdoc.issue(("factors",), "factor ids must be unique"))
    approaches = {s.approach for s in rubric.scenarios}
    for fi, factor in enumerate(rubric.factors):
        if factor.level_of and factor.level_of not in STEP_IDS:
            issues.append(fdoc.issue(("factors", fi, "level_of"), f"unknown step {factor.level_of!r}"))
        if factor.approach_of:
            picker = questions.get(factor.approach_of)
            if picker is None or picker.options_from != "scenarios":
                message = f"{factor.approach_of!r} is not a question that picks from the scenario catalogue"
                issues.append(fdoc.issue(("factors", fi, "approach_of"), message))
            missing = sorted(approaches - set(_factor_values(factor)))
            if missing:
                issues.append(fdoc.issue(("factors", fi, "values"), f"list every scenario approach; missing {missing}"))
        for ci, case in enumerate(factor.cases):
            _check_condition(case.when, refs, fdoc, ("factors", str(fi), "cases", str(ci), "when"), issues)
    for cycle in _cycles({f.id: set(f.depends_on) for f in rubric.factors}):
        issues.append(fdoc.issue(("factors",), f"factors depend on each other in a cycle: {' -> '.join(cycle)}"))


def _check_decisions(rubric: Rubric, factors: dict[str, Factor], ddoc: Document, issues: list[Issue]) -> None:
    decided = {d.id: d for d in rubric.decisions}
    for name, choices in DECISION_CHOICES.items():
        if name not in decided:
            issues.append(ddoc.issue(("decisions",), f"the decision {name!r} is missing"))
        elif {c.id for c in decided[name].choices} != choices:
            issues.append(ddoc.issue(("decisions",), f"{name} chooses among {sorted(choices)}"))
    for di, decision in enumerate(rubric.decisions):
        for ci, choice in enumerate(decision.choices):
            for kind in ("requires", "supports"):
                for ri, req in enumerate(getattr(choice, kind)):
                    path = ("decisions", str(di), "choices", str(ci), kind, str(ri))
                    factor = factors.get(req.factor)
                    if factor is None:
                        issues.append(ddoc.issue((*path, "factor"), f"unknown factor {req.factor!r}"))
                    else:
                        _check_factor_value(factor, req.value, lambda m, p=path: issues.append(ddoc.issue(p, m)))


def _check_actions(
    rubric: Rubric, r_docs: dict[str, Document], refs: _Refs, head: Document, issues: list[Issue]
) -> set[str]:
    """Triggers, dependencies and the go-live/control pair of the action catalogue; returns its ids."""
    action_ids = {a.id for a in rubric.actions}
    positions = _action_positions(r_docs, issues)
    # Triggers may test the decisions too: the roadmap is built once they are made.
    decisions_made = {d.id: frozenset(c.id for c in d.choices) for d in rubric.decisions}
    trigger_refs = _Refs(refs.questions, refs.factors, refs.kinds | {"decision"}, decisions_made)
    for action in rubric.actions:
        doc, index = positions[action.id]
        path = ("actions", str(index))
        _check_condition(action.trigger, trigger_refs, doc, (*path, "trigger"), issues)
        for dep in action.depends_on:
            if dep not in action_ids:
                issues.append(doc.issue((*path, "depends_on"), f"unknown action {dep!r}"))
    for cycle in _cycles({a.id: set(a.depends_on) & action_ids for a in rubric.actions}):
        doc, index = positions[cycle[0]]
        issues.append(doc.issue(("actions", index), f"actions depend on each other in a cycle: {' -> '.join(cycle)}"))
    if not any(a.goes_live for a in rubric.actions) or not any(a.security_control for a in rubric.actions):
        issues.append(head.issue((), "the action catalogue needs go-live actions and security controls", "warning"))
    return action_ids


def _check_money(
    rubric: Rubric, questions: dict[str, Question], r_docs: dict[str, Document], issues: list[Issue]
) -> None:
    """Every cost and value range names a basis of money.yaml; peer figures name real questions."""
    bases = sorted(b.id for b in rubric.money.bases) if rubric.money else []
    indicators = sorted(i.id for i in rubric.money.indicators) if rubric.money else []
    positions = _action_positions(r_docs, [])  # duplicates are reported by _check_actions
    places = [
        (doc, str(i))
        for name, doc in r_docs.items()
        if name.startswith("scenarios/")
        for i, _ in enumerate(doc.data["scenarios"])
    ]
    priced: list[tuple[Document, Path_, Cost | None, Gain | None]] = [
        (positions[a.id][0], ("actions", positions[a.id][1]), a.cost, None) for a in rubric.actions
    ]
    priced += [(doc, ("scenarios", i), s.cost, s.gain) for s, (doc, i) in zip(rubric.scenarios, places, strict=True)]
    for doc, path, cost, gain in priced:
        checks = [("cost", "basis", cost and cost.basis, bases), ("gain", "basis", gain and gain.basis, bases)]
        checks.append(("gain", "kpi", gain and gain.kpi, indicators))
        for part, key, value, allowed in checks:
            if value and value not in allowed:
                issues.append(doc.issue((*path, part, key), f"unknown {key} {value!r}; money.yaml has {allowed}"))
    if rubric.benchmarks and "benchmarks" in r_docs:
        for i, figure in enumerate(rubric.benchmarks.national):
            if figure.question and figure.question not in questions:
                where = ("national", i, "question")
                issues.append(r_docs["benchmarks"].issue(where, f"unknown question {figure.question!r}"))


def _check_unused_factors(rubric: Rubric, fdoc: Document, issues: list[Issue]) -> None:
    used = {
        leaf.subject for f in rubric.factors for c in f.cases for leaf in rules.leaves(c.when) if leaf.kind == "factor"
    }
    used |= {r.factor for d in rubric.decisions for c in d.choices for r in (*c.requires, *c.supports)}
    used |= {leaf.subject for a in rubric.actions for leaf in rules.leaves(a.trigger) if leaf.kind == "factor"}
    for fi, factor in enumerate(rubric.factors):
        if factor.id not in used:
            issues.append(fdoc.issue(("factors", fi), f"factor {factor.id!r} is never used", "warning"))


def _check_translations(docs: list[Document], issues: list[Issue]) -> None:
    for doc in docs:
        for path, zh in _texts(doc.data, ()):
            if not _CJK.search(zh) and len(zh.split()) > 2:  # units like "Mbit/s" read the same
                issues.append(doc.issue(path, "the Chinese text has no Chinese characters (untranslated?)", "warning"))


def _check_roadmap_rules(
    roadmap: RoadmapRules, questions: dict[str, Question], refs: _Refs, doc: Document, issues: list[Issue]
) -> None:
    size = questions.get(f"{PROFILE_STEP}.size")
    sizes = set(size.option_ids) if size else set()
    for band, caps in roadmap.capacity.items():
        if band not in sizes:
            issues.append(doc.issue(("roadmap", "capacity", band), f"{band!r} is not a size; sizes: {sorted(sizes)}"))
        if len(caps) != 3 or any(c < 1 for c in caps):
            issues.append(doc.issue(("roadmap", "capacity", band), "give three positive caps, one per phase"))
    if roadmap.default_size not in roadmap.capacity:
        issues.append(doc.issue(("roadmap", "default_size"), "the default size needs caps of its own"))
    for i, change in enumerate(roadmap.adjust):
        _check_condition(change.when, refs, doc, ("roadmap", "adjust", str(i), "when"), issues)


def _check_scenarios(
    rubric: Rubric, r_docs: dict[str, Document], refs: _Refs, actions: set[str], issues: list[Issue]
) -> None:
    # rubric.scenarios holds the files' scenarios in file order: pair each with where it stands.
    places = [
        (doc, str(i))
        for name, doc in r_docs.items()
        if name.startswith("scenarios/")
        for i, _ in enumerate(doc.data.get("scenarios") or [])
    ]
    seen: set[str] = set()
    for scenario, (doc, si) in zip(rubric.scenarios, places, strict=True):
        path: Path_ = ("scenarios", si)
        if scenario.id in seen:
            issues.append(doc.issue((*path, "id"), f"duplicate scenario id {scenario.id!r}"))
        seen.add(scenario.id)
        unknown = [i for i in scenario.industries if i not in (*INDUSTRIES, "all")]
        if unknown:
            issues.append(
                doc.issue((*path, "industries"), f"unknown industries {unknown}; use {list(INDUSTRIES)} or all")
            )
        for ni, need in enumerate(scenario.requires):
            need_path = (*path, "requires", str(ni))
            _check_condition(need.when, refs, doc, (*need_path, "when"), issues)
            for action in need.unblocked_by:
                if action not in actions:
                    issues.append(doc.issue((*need_path, "unblocked_by"), f"unknown action {action!r}"))
            asks = any(leaf.kind in ("question", "points") for leaf in rules.leaves(need.when))
            if not asks and not need.unblocked_by:
                message = "a prerequisite must name a question or an action that meets it"
                issues.append(doc.issue(need_path, message))
        if scenario.agent and not any(
            leaf.kind == "level" and leaf.subject == "security"
            for n in scenario.requires
            for leaf in rules.leaves(n.when)
        ):
            issues.append(doc.issue((*path, "requires"), "an agent scenario needs a security level prerequisite"))


def _check_scale(question: Question, doc: Document, path: Path_, issues: list[Issue]) -> None:
    """Band points must not fall as values rise, or a better answer could lower a score."""
    if question.type in ("number", "percent"):
        points = [b.points for b in question.bands]
        if points != sorted(points) and points != sorted(points, reverse=True):
            issues.append(doc.issue((*path, "bands"), "band points must rise (or fall) steadily"))
        low = question.lower_bound
        if question.bands and low is not None and question.bands[0].min > low:
            issues.append(doc.issue((*path, "bands"), f"the first band must start at the lower bound {low:g}"))


def _texts(data: Any, path: Path_) -> Iterator[tuple[Path_, str]]:
    """Every {en, zh} pair in a document, with its path."""
    if isinstance(data, dict):
        if set(data) == {"en", "zh"} and isinstance(data["zh"], str):
            yield path, data["zh"]
            return
        for key, value in data.items():
            yield from _texts(value, (*path, str(key)))
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _texts(item, (*path, str(i)))


def _action_positions(r_docs: dict[str, Document], issues: list[Issue]) -> dict[str, tuple[Document, str]]:
    """Where each action is defined; an id defined twice is an issue at its second place."""
    positions: dict[str, tuple[Document, str]] = {}
    for name, doc in r_docs.items():
        if name.startswith("steps/") and isinstance(doc.data, dict):
            for i, raw in enumerate(doc.data.get("actions") or []):
                if isinstance(raw, dict) and "id" in raw:
                    if str(raw["id"]) in positions:
                        issues.append(doc.issue(("actions", i, "id"), f"duplicate action id {raw['id']!r}"))
                    positions.setdefault(str(raw["id"]), (doc, str(i)))
    return positions


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly tangled group, found by depth-first search."""
    state: dict[str, int] = {}
    found: list[list[str]] = []
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*stack[stack.index(nxt) :], nxt])
            elif nxt in graph and not state.get(nxt):
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if not state.get(node):
            visit(node)
    return found


# --- answers ------------------------------------------------------------------------------


def load_answers(path: Path, content: Content) -> Answers:
    """Read an answers file (YAML, or a filled Excel workbook) and check every answer against the questionnaire."""
    return check_answers(read_answers(path, content), content)


def read_answers(path: Path, content: Content) -> Document:
    """An answers file's data, not yet checked: a YAML file, or a workbook by its .xlsx extension."""
    from .workbook import is_workbook, read_workbook

    if is_workbook(path):
        return read_workbook(path, content)
    try:
        return read_yaml(path, max_bytes=MAX_ANSWERS_BYTES, allow_aliases=False)
    except ContentError as exc:
        raise AnswersError(exc.issues) from None


def load_answers_across_versions(path: Path, content: Content) -> tuple[Answers, list[str]]:
    """Read an answers file that may come from another questionnaire version (for comparisons).

    Answers to questions that no longer exist, or no longer fit them, are left out and listed.
    """
    dropped: list[str] = []
    return check_answers(read_answers(path, content), content, dropped), dropped


def check_answers(doc: Document, content: Content, dropped: list[str] | None = None) -> Answers:
    """Check answers against the questionnaire. With `dropped`, misfits are left out and listed there."""
    issues: list[Issue] = list(doc.problems)
    if not isinstance(doc.data, dict):
        raise AnswersError([doc.issue((), "expected an answers file: a mapping with `enterprise:` and `answers:`")])
    questionnaire = content.questionnaire
    answers = validate(Answers, doc, _with_numbers(_without_blanks(doc.data), questionnaire), (), issues)
    if answers is None:
        # A workbook's own problems are worded in its language: so is the head then.
        raise AnswersError(issues, lang=_language_of(doc.data) if doc.problems else None)
    if answers.questionnaire != questionnaire.id:
        issues.append(
            doc.issue(("questionnaire",), f"this file answers {answers.questionnaire!r}; expected {questionnaire.id!r}")
        )
    elif answers.questionnaire_version != questionnaire.version and dropped is None:
        issues.append(
            doc.issue(
                ("questionnaire_version",),
                f"written for version {answers.questionnaire_version}; this tool asks version "
                f"{questionnaire.version}. Start a new answers file with `readiness init`",
            )
        )
    _check_answer_values(answers, questionnaire, doc, issues)
    if dropped is not None and issues:
        misfits = {i.path.split(".", 1)[1]: i for i in issues if i.path.startswith(("answers.", "notes."))}
        if len(misfits) == len(issues):  # only answer-level problems: leave them out
            dropped.extend(sorted(misfits))
            return answers.model_copy(
                update={
                    "answers": {k: v for k, v in answers.answers.items() if k not in misfits},
                    "notes": {k: v for k, v in answers.notes.items() if k not in misfits},
                }
            )
    if issues:
        raise AnswersError(issues, lang=answers.lang)
    return answers


def _language_of(data: dict[str, Any]) -> str | None:
    """The language a file says it is in, when the rest of it could not be read."""
    from .languages import short_code

    try:
        return short_code(str(data.get("language", "en")))
    except ValueError:
        return None


def _without_blanks(data: dict[str, Any]) -> dict[str, Any]:
    """Blanks are answers not given yet (the `init` template is full of them): drop them."""
    for key in ("enterprise", "answers", "notes"):
        section = data.get(key)
        if section is None and key in data:
            data = {**data, key: {}}
        elif isinstance(section, dict):
            data = {**data, key: {k: v for k, v in section.items() if v is not None}}
    if data.get("respondents", []) is None:
        data = {**data, "respondents": []}
    return data


def _with_numbers(data: dict[str, Any], questionnaire: Questionnaire) -> dict[str, Any]:
    """Numbers written as text the way people type them (60万, 约35%, full-width digits) read as numbers.

    Only answers to number and percent questions are read; text that is not such a number stays
    as it is, so the usual "expected a number" problem names it.
    """
    index = questionnaire.question_index()
    for key, prefix in (("enterprise", PROFILE_STEP + "."), ("answers", "")):
        section = data.get(key)
        if not isinstance(section, dict):
            continue
        read = {}
        for name, value in section.items():
            question = index.get(prefix + str(name))
            if isinstance(value, str) and question is not None and question.type in ("number", "percent"):
                number = parse_number(value, question_units(question))
                if number is not None:
                    read[name] = number
        if read:
            data = {**data, key: {**section, **read}}
    return data


# --- numbers typed the Chinese way --------------------------------------------------------

_DIGITS = {
    "零": 0,
    "\u3007": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10**4, "亿": 10**8}
_APPROXIMATELY = ("大约", "大概", "约", "近")
_ARABIC = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def question_units(question: Question) -> tuple[str, ...]:
    """The unit words a respondent may type after a number to this question (人, 个月, examples)."""
    if not question.unit:
        return ()
    words = {question.unit.en, question.unit.zh, re.split(r"[（(]", question.unit.zh)[0]}
    return tuple(sorted((w.strip() for w in words if w.strip() and w.strip() != "%"), key=len, reverse=True))


def parse_number(text: str, units: Iterable[str] = ()) -> int | float | None:
    """A number as people write it, or None when `text` is not one.

    Accepted: 1200, 1,200 and 1，200; full-width digits and signs; 60万, 1.2万, 3千, 3亿; a leading
    约/大约/大概/近 or a trailing 左右; a percent sign (35%, 约80%) or 百分之 (百分之三十五);
    Chinese numerals up to 亿 (八十, 一百零五, 三千二百, 一万二); and a unit word of the question
    after the number (12个月, 300 examples).
    """
    typed = unicodedata.normalize("NFKC", text).strip()  # full-width digits, commas and % become ASCII
    for unit in units:
        if typed.endswith(unit) and len(typed) > len(unit):
            typed = typed[: -len(unit)].rstrip()
            break
    typed = typed.removesuffix("左右").strip()
    for word in _APPROXIMATELY:
        if typed.startswith(word):
            typed = typed[len(word) :].lstrip()
            break
    typed = typed[3:] if typed.startswith("百分之") else typed.removesuffix("%").rstrip()
    if not typed:
        return None
    number = _arabic_with_units(typed)
    if number is None:
        number = _chinese_numeral(typed)
    if number is None:
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def _arabic_with_units(typed: str) -> Decimal | None:
    """1,200 or 1.2 followed by 千, 万 or 亿 (or several: 2千万)."""
    match = _ARABIC.match(typed)
    if match is None:
        return None
    rest = typed[match.end() :]
    if any(ch not in "千万亿" for ch in rest):
        return None
    try:
        number = Decimal(match.group().replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None
    for ch in rest:
        number *= {"千": 1000, **_LARGE_UNITS}[ch]
    return number if number.is_finite() else None


def _chinese_numeral(typed: str) -> Decimal | None:
    """八十, 十二, 一百零五, 三千二百, 两万, 一万二 (=12000), 三亿五千万; None if not a numeral."""
    if not typed or any(ch not in _DIGITS and ch not in _SMALL_UNITS and ch not in _LARGE_UNITS for ch in typed):
        return None
    total = 0
    for part, scale in _split_large(typed):
        value = _below_ten_thousand(part)
        if value is None:
            return None
        total += value * scale
    return Decimal(total)


def _split_large(typed: str) -> list[tuple[str, int]]:
    """三亿五千万 -> [("三", 10**8), ("五千", 10**4)]; a trailing part has scale 1."""
    parts: list[tuple[str, int]] = []
    current = ""
    for ch in typed:
        if ch in _LARGE_UNITS:
            parts.append((current, _LARGE_UNITS[ch]))
            current = ""
        else:
            current += ch
    # 一万二 is 12,000: a lone digit after a large unit counts in the next unit down.
    if len(current) == 1 and current in _DIGITS and parts and not typed.endswith("零" + current):
        parts.append((current + "千", 1))
    elif current:
        parts.append((current, 1))
    return parts


def _below_ten_thousand(part: str) -> int | None:
    """A numeral below 10,000: 八十, 十二, 一百零五, 三千二百, 三百五 (=350); None if malformed."""
    if not part:
        return None
    total, digit, last_unit = 0, None, 10_000
    for ch in part:
        if ch in _DIGITS:
            if digit is not None and _DIGITS[ch] != 0 and digit != 0:
                return None  # two digits in a row: 八八
            digit = _DIGITS[ch]
        else:
            unit = _SMALL_UNITS[ch]
            if unit >= last_unit:
                return None  # units must fall: 十百
            total += (1 if digit is None else digit) * unit
            digit, last_unit = None, unit
    if digit:
        # 三百五 is 350: a trailing digit right after a unit (no 零 between) counts in the next unit down.
        total += digit * (last_unit // 10 if last_unit < 10_000 and not part.endswith("零" + part[-1]) else 1)
    return total


def _check_answer_values(answers: Answers, questionnaire: Questionnaire, doc: Document, issues: list[Issue]) -> None:
    """Every profile field, answer and note names a question of this questionnaire and fits it.

    The problems are worded in the answers file's own language."""
    lang = answers.lang
    index = questionnaire.question_index()
    for key, value in answers.enterprise.items():
        question = index.get(f"{PROFILE_STEP}.{key}")
        if question is None:
            allowed = sorted(q.id.split(".", 1)[1] for q in questionnaire.steps[0].questions)
            issues.append(
                doc.issue(("enterprise", key), _said(lang, "unknown_profile_field", field=key, allowed=allowed))
            )
        else:
            _check_value(question, value, doc, ("enterprise", key), issues, lang)
    profile_prefix = PROFILE_STEP + "."
    for key, value in answers.answers.items():
        question = index.get(key)
        if question is None or key.startswith(profile_prefix):
            hint = _closest(key, [k for k in index if not k.startswith(PROFILE_STEP)], lang)
            issues.append(doc.issue(("answers", key), _said(lang, "unknown_question", id=key, hint=hint)))
        else:
            _check_value(question, value, doc, ("answers", key), issues, lang)
    for key in answers.notes:
        if key not in index:
            issues.append(doc.issue(("notes", key), _said(lang, "unknown_note", id=key)))


def _closest(key: str, candidates: list[str], lang: str = "en") -> str:
    import difflib

    match = difflib.get_close_matches(key, candidates, n=1)
    return _said(lang, "did_you_mean", match=match[0]) if match else ""


def _said(lang: str, message: str, /, **params: Any) -> str:
    """A validation message (`validate.<message>` in the interface catalogue) in `lang`."""
    from .catalogue import text

    return text(lang, f"validate.{message}", **params)


def _check_value(
    question: Question, value: Any, doc: Document, path: Path_, issues: list[Issue], lang: str = "en"
) -> None:
    problem = find_answer_problem(question, value)  # worded only when there is one
    if problem:
        issues.append(doc.issue(path, question_problem(question, problem.words(lang), lang)))


def question_problem(question: Question, problem: str, lang: str) -> str:
    """A problem with an answer, led by the question's id and (in words, where the language says so) its name."""
    from .report.wording import question_name

    return _said(lang, "question", id=question.id, name=question_name(question, lang), problem=problem)


class Problem(NamedTuple):
    """Why an answer does not fit its question: a `validate.*` catalogue key and its fields."""

    key: str
    params: dict[str, Any]

    def words(self, lang: str) -> str:
        return _said(lang, self.key, **self.params)


def answer_problem(question: Question, value: Any, lang: str = "en") -> str | None:
    """Why `value` is not an acceptable answer to `question`, in `lang`, or None when it is."""
    problem = find_answer_problem(question, value)
    return problem.words(lang) if problem else None


def find_answer_problem(question: Question, value: Any) -> Problem | None:
    """Why `value` is not an acceptable answer to `question`, or None when it is."""
    if value == NOT_APPLICABLE:
        return None if question.allow_not_applicable else Problem("not_applicable", {})
    if value == UNKNOWN:
        return None if question.allow_unknown else Problem("unknown", {})
    if question.type == "single":
        options = question.option_ids
        if not isinstance(value, str) or value not in options:
            return Problem("not_an_option", {"value": value, "allowed": ", ".join(options)})
        return None
    if question.type == "multi":
        return _choices_answer_problem(question, value)
    if question.type in ("number", "percent"):
        return _number_answer_problem(question, value)
    if question.type == "yes_no":
        return None if isinstance(value, bool) else Problem("yes_no_expected", {"value": value})
    if not isinstance(value, str):
        return Problem("text_expected", {"value": value})
    return Problem("text_too_long", {}) if len(value) > 2000 else None


def _choices_answer_problem(question: Question, value: Any) -> Problem | None:
    options = question.option_ids
    allowed = ", ".join(options)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return Problem("list_expected", {"example": options[0], "allowed": allowed})
    wrong = [v for v in value if v not in options]
    if wrong:
        return Problem("not_among_options", {"wrong": ", ".join(map(str, wrong)), "allowed": allowed})
    if len(set(value)) != len(value):
        return Problem("duplicate_option", {})
    exclusive = [o.id for o in question.options if o.exclusive and o.id in value]
    if exclusive and len(value) > 1:
        return Problem("exclusive_option", {"option": exclusive[0]})
    return None


def _number_answer_problem(question: Question, value: Any) -> Problem | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return Problem("number_expected", {"value": value})
    if not _finite(value):
        return Problem("not_finite", {"value": value})
    low, high = question.lower_bound, question.upper_bound
    if low is not None and value < low:
        return Problem("below_minimum", {"value": value, "low": low})
    if high is not None and value > high:
        return Problem("above_maximum", {"value": value, "high": high})
    return None


def _finite(value: float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def dump_yaml(data: Any) -> str:
    """Write data as readable YAML (the answers file written by the tool). LibYAML's emitter, where
    PyYAML has it, writes the same text eight times faster (the browser interview saves after every
    answer)."""
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100)


def write_answers(path: Path, data: dict[str, Any]) -> None:
    """Save an answers file atomically and durably: a crash mid-write leaves the previous file intact."""
    from .files import write_atomically

    text = "# readiness answers file: edit by hand or resume with `readiness assess --answers FILE`\n" + dump_yaml(data)
    write_atomically(path, text.encode("utf-8"), durable=True)
