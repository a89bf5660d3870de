"""Several respondents' files of one enterprise in a batch: found, and merged or refused.

Files belong to one enterprise when their assessment blocks give the same enterprise id, or, for
files without an id, when the enterprise's name (whatever its width, case or spacing) and industry
are the same. A file without an id joins the one enterprise with an id that has its name and
industry.

`merge` (the default, what a service team expects): the files are merged with the merge rules
(readiness/merge.py) into one row of the portfolio and one report, and the batch says which files
it merged and how many answers are left to confirm. `refuse`: none of the files is counted, and
each is listed as failed so that the team merges them first.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .catalogue import text
from .errors import ReadinessError
from .merge import Rule, merge_answers, name_key
from .model import Answers, Content, Disagreement
from .report.result import json_line

if TYPE_CHECKING:
    from .batch import Scored

Mode = Literal["merge", "refuse"]
MODES: tuple[Mode, ...] = ("merge", "refuse")


def fingerprint(text_: str) -> str:
    """A short digest: what identifies an enterprise is compared, never carried in clear."""
    return hashlib.sha256(text_.encode("utf-8", "surrogatepass")).hexdigest()[:20] if text_ else ""


def identity(answers: Answers) -> tuple[str, str]:
    """(enterprise id, name and industry) of an answers file, as digests; the id is "" when not given."""
    given = answers.assessment.enterprise_id.strip().casefold()
    name = name_key(answers.enterprise.get("name"))
    industry = str(answers.enterprise.get("industry") or "")
    return fingerprint(given), fingerprint(f"{name}|{industry}") if name else ""


def groups(identities: list[tuple[str, str]]) -> list[list[int]]:
    """Indexes of the files of each enterprise, in file order, from their `identity`.

    Files without a name or an id stay alone: nothing says they are the same enterprise.
    """
    by_id: dict[str, list[int]] = {}
    names_of_id: dict[str, set[str]] = {}
    for i, (given, name) in enumerate(identities):
        if given:
            by_id.setdefault(given, []).append(i)
            names_of_id.setdefault(name, set()).add(given)
    by_name: dict[str, list[int]] = {}
    found: list[list[int]] = []
    for i, (given, name) in enumerate(identities):
        if given:
            if by_id[given][0] == i:
                found.append(by_id[given])
            continue
        ids = names_of_id.get(name, set())
        if name and len(ids) == 1:
            by_id[next(iter(ids))].append(i)
        elif name and not ids:
            if name not in by_name:
                by_name[name] = []
                found.append(by_name[name])
            by_name[name].append(i)
        else:
            found.append([i])
    for members in found:
        members.sort()
    return sorted(found)


@dataclass
class Settled:
    """The batch's enterprises once several respondents' files are merged (or refused)."""

    scored: list[Scored]  # one per enterprise, in file order
    answers_files: dict[str, Path]  # source -> the merged answers file to render from
    replaced: list[str]  # sources whose own outputs are superseded (merged into another, or refused)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, why not counted)
    merged: list[tuple[str, list[str], int]] = field(default_factory=list)  # (name, files, answers to confirm)
    _folder: tempfile.TemporaryDirectory[str] | None = None

    def close(self) -> None:
        if self._folder is not None:
            self._folder.cleanup()


def settle(
    content: Content,
    scored: list[Scored],
    files: list[Path],
    *,
    mode: Mode,
    lang: str,
    score: Callable[[Answers, str], Scored],
    rule: Rule = "conservative",
    files_needed: bool = False,
) -> Settled:
    """One Scored per enterprise: the files of one enterprise merged (mode "merge") or left out
    (mode "refuse"). `score` assesses answers (merged ones, named by their first file) as the batch
    does; with `files_needed` the merged answers are also written to a temporary file each, for the
    reports to be rendered from (`answers_files`); `lang` words the messages."""
    from .loader import load_answers

    paths = {path.name: path for path in files}
    settled = Settled([], {}, [])
    found = groups([(s.entry.group_id, s.entry.group_name) for s in scored])
    for members in found:
        group = [scored[i] for i in members]
        if len(group) == 1:
            settled.scored.append(group[0])
            continue
        names = [s.source for s in group]
        listed = text(lang, "respondents.files_sep").join(names)
        if mode == "refuse":
            settled.replaced += names
            settled.failed += [(name, text(lang, "respondents.refused_group", files=listed)) for name in names]
            continue
        try:
            answers = [(name, load_answers(paths[name], content)) for name in names]
            merged = merge_answers(answers, content, rule)
        except ReadinessError as exc:
            problem = " ".join(str(exc).split("\n")[1:]).strip() or str(exc)
            settled.replaced += names
            settled.failed += [(name, text(lang, "respondents.failed_group", problem=problem)) for name in names]
            continue
        one = score(merged, names[0])
        merged_from = names if one.entry.source else [""] * len(names)  # anonymised: no file names
        result = json_line({**json.loads(one.result), "merged_from": [name for name in merged_from if name]})
        entry = dataclasses.replace(one.entry, merged_from=merged_from)
        settled.scored.append(dataclasses.replace(one, result=result, line=result, entry=entry))
        if files_needed:
            if settled._folder is None:
                settled._folder = tempfile.TemporaryDirectory(prefix="readiness-merged-")
            target = Path(settled._folder.name) / names[0]
            # JSON is YAML, and far quicker to write; the file lives only while the reports render.
            target.write_text(json.dumps(merged.model_dump(mode="json"), ensure_ascii=False), encoding="utf-8")
            settled.answers_files[names[0]] = target
        settled.replaced += names
        settled.merged.append((one.name, names, sum(1 for d in merged.disagreements if d.flagged)))
    return settled


def disagreement_lines(disagreements: list[Disagreement], content: Content, lang: str) -> list[str]:
    """Each disagreement in words: the question, who said what, what was kept, and why it is to confirm."""
    from .report.context import answer_text
    from .report.wording import question_name

    index = content.questionnaire.question_index()
    lines = []
    for d in disagreements:
        question = index.get(d.question)
        if question is None:
            continue

        who = text(lang, "respondents.said_sep").join(
            text(lang, "respondents.said", who=name, answer=answer_text(question, value, lang))
            for name, value in d.answers.items()
        )
        words = {"question": question_name(question, lang), "said": who, "kept": answer_text(question, d.kept, lang)}
        if d.flagged and d.reason:
            lines.append(text(lang, "respondents.kept_flagged", why=reason_text(d, lang), **words))
        else:
            lines.append(text(lang, "respondents.kept", **words))
    return lines


def reason_text(disagreement: Disagreement, lang: str) -> str:
    """Why a disagreement is left to the facilitator, in words."""
    reasons = {
        "same_band": "respondents.reason_same_band",
        "unknown": "respondents.reason_unknown",
        "not_applicable": "respondents.reason_not_applicable",
        "priority": "respondents.reason_priority",
        "profile": "respondents.reason_profile",
    }
    return text(lang, reasons[disagreement.reason]) if disagreement.reason else ""
