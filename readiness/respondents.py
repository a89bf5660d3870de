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

import hashlib
from typing import TYPE_CHECKING, Literal

from .catalogue import text
from .merge import name_key
from .model import Answers, Content, Disagreement

if TYPE_CHECKING:
    pass

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
