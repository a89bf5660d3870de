"""Who answers what in `readiness serve`: the respondents' seats, their answers files and their keys.

One seat is one respondent with one answers file (the same format as `readiness assess`), saved
atomically after every answer. Alone there is one seat answering every step; in a workshop the
facilitator names the respondents and the steps each answers, and all seats share one enterprise
profile, so that questions shown only for some industries or stages appear alike for everyone and
the files merge without conflicting profiles.
"""

from __future__ import annotations

import copy
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..catalogue import SHIPPED, text
from ..errors import ContentError, Issue
from ..interview import Interview, Slot
from ..languages import LANGUAGES, file_tag
from ..model import Answers, Content

# The default steps of the usual respondents of an on-site workshop, by role.
ROLES: dict[str, tuple[str, ...]] = {
    "manager": ("profile", "diagnosis", "infrastructure"),
    "it": ("data", "compute", "security"),
    "quality": ("industry", "models"),
}
ROLE_WORDS = {"manager": "serve.role_manager", "it": "serve.role_it", "quality": "serve.role_quality"}
_SPLIT_STEPS = re.compile(r"[,，、\s]+")


def _key() -> str:
    return secrets.token_urlsafe(24)


@dataclass
class Key:
    """What lets one person in: the link's token (exchanged once per device for a cookie), the
    cookie's own value, and the CSRF token every form of theirs carries."""

    link: str = field(default_factory=_key)
    session: str = field(default_factory=_key)
    csrf: str = field(default_factory=_key)


@dataclass
class Seat:
    number: int  # 1, 2, ... in the order the facilitator named them
    interview: Interview
    path: Path
    steps: tuple[str, ...]  # the steps this respondent answers, in questionnaire order
    key: Key = field(default_factory=Key)
    saved_at: float = 0.0  # time.time() of the last save
    report: bytes | None = None  # the last PDF written for this seat (alone only)
    lock: threading.Lock = field(default_factory=threading.Lock)  # one save of this file at a time, in order

    @property
    def name(self) -> str:
        people = self.interview.data["respondents"]
        return str(people[0].get("name", "")) if people else ""

    @property
    def role(self) -> str:
        people = self.interview.data["respondents"]
        return str(people[0].get("role", "")) if people else ""

    def save(self, data: dict[str, Any] | None = None) -> None:
        """Write the answers file (`data`: a copy of the answers taken earlier; default: as they are)."""
        from ..loader import write_answers

        write_answers(self.path, self.interview.data if data is None else data)
        self.saved_at = time.time()

    def slots(self) -> list[Slot]:
        """This respondent's questions that are shown now, in interview order."""
        return self.interview.shown(self.steps)

    def answered(self) -> tuple[int, int]:
        shown = self.slots()
        return sum(1 for s in shown if self.interview.value(s.question.id) is not None), len(shown)

    def answers(self) -> Answers:
        return Answers.model_validate(self.interview.data)


@dataclass(frozen=True)
class Plan:
    """One respondent as the facilitator named them on the command line."""

    name: str
    role: str
    steps: tuple[str, ...]


def parse_respondent(spec: str, content: Content, lang: str) -> Plan:
    """`NAME[=ROLE][:STEP,STEP,...]`, e.g. `王厂长=manager`, `李工:data,compute`, `Ms Chen=quality:models`.

    ROLE is manager, it or quality (or their names in either language: 厂长, Plant manager, ...),
    which also gives the default steps, or any other word for the role, which then needs the steps
    (without them: every step). The full-width equals sign and colon are read like = and :."""
    steps_of = [s.id for s in content.questionnaire.steps]
    head, _, listed = spec.replace("：", ":").partition(":")
    name, _, role = head.replace("\uff1d", "=").partition("=")
    name, role = name.strip(), role.strip()
    if not name:
        raise ContentError([Issue("--respondent", text(lang, "serve.bad_respondent", spec=spec))], what="options")
    preset = _preset(role)
    steps = tuple(s for s in _SPLIT_STEPS.split(listed.strip()) if s)
    unknown = [s for s in steps if s not in steps_of]
    if unknown:
        raise ContentError(
            [Issue("--respondent", text(lang, "cli.unknown_step", step=repr(unknown[0]), steps=", ".join(steps_of)))],
            what="options",
        )
    chosen = set(steps or (ROLES[preset] if preset else steps_of))
    label = text(lang, ROLE_WORDS[preset]) if preset else role
    return Plan(name[:200], label[:200], tuple(s for s in steps_of if s in chosen))


def default_plans(lang: str) -> list[Plan]:
    """A workshop nobody was named for: the plant manager, the IT lead and the quality lead."""
    return [Plan(text(lang, ROLE_WORDS[role]), text(lang, ROLE_WORDS[role]), steps) for role, steps in ROLES.items()]


def _preset(role: str) -> str | None:
    wanted = role.casefold()
    for preset, key in ROLE_WORDS.items():
        if wanted == preset or any(wanted == SHIPPED.words(lang)[key].casefold() for lang in LANGUAGES):
            return preset
    return None


def file_name(number: int, name: str) -> str:
    """`01-王厂长.yaml`: letters and digits of the name kept, anything else (slashes, dots) dropped."""
    kept = "".join(c if c.isalnum() else "-" for c in name).strip("-")[:40]
    return f"{number:02d}-{kept or 'respondent'}.yaml"


class Workshop:
    """Everything one `readiness serve` holds: the content, the seats and the facilitator's key.

    Alone: one seat answering every step, no facilitator. Requests change answers under one lock:
    saving is quick, and one lock keeps the shared profile and every file consistent."""

    def __init__(self, content: Content, lang: str, seats: list[Seat], folder: Path | None = None) -> None:
        self.content = content
        self.lang = lang
        self.seats = seats
        self.folder = folder  # the workshop's folder; None when alone
        self.lead = Key() if folder is not None else None
        self.lock = threading.Lock()
        self.merged: bytes | None = None  # the last merged report (PDF)
        self.base = ""  # the address the links are printed with (http://host:port), once listening
        self._by_link = {s.key.link: s for s in seats}
        self._by_session = {s.key.session: s for s in seats}

    @property
    def alone(self) -> bool:
        return self.folder is None

    def seat_by_link(self, token: str) -> Seat | None:
        return _find(self._by_link, token)

    def seat_by_session(self, token: str) -> Seat | None:
        return _find(self._by_session, token)

    def is_lead_link(self, token: str) -> bool:
        return self.lead is not None and secrets.compare_digest(token.encode(), self.lead.link.encode())

    def is_lead_session(self, token: str) -> bool:
        return self.lead is not None and secrets.compare_digest(token.encode(), self.lead.session.encode())

    def change(self, seat: Seat, change: Callable[[], None]) -> None:
        """Change a seat's answers and save its file. The change and a copy of the answers are made
        under the workshop's lock (the profile is shared); the file is written under the seat's own
        lock only, so that respondents' saves wait for the disk side by side, each file's in order."""
        with seat.lock:
            with self.lock:
                change()
                data = copy.deepcopy(seat.interview.data)
            seat.save(data)


def _find(table: dict[str, Seat], token: str) -> Seat | None:
    """The seat of a token, compared in constant time so that timing reveals nothing of a key."""
    found = None
    for key, seat in table.items():
        if secrets.compare_digest(token.encode(), key.encode()):
            found = seat
    return found


def open_alone(content: Content, path: Path, lang: str) -> Workshop:
    """One respondent answering every step into `path` (resumed if it exists)."""
    interview = _open(content, path, lang)
    steps = tuple(s.id for s in content.questionnaire.steps)
    seat = Seat(1, interview, path, steps)
    seat.save()  # the file exists from the first moment, as with `readiness assess`
    return Workshop(content, lang, [seat])


KEYS_FILE = ".serve-keys.json"  # in the workshop's folder: the keys survive a restart of the server


def open_workshop(content: Content, folder: Path, plans: list[Plan], lang: str) -> Workshop:
    """One seat per plan, each with its file in `folder` (resumed where it exists). The keys are
    kept in the folder, so that after a restart (even after kill -9) the same links and the phones'
    cookies still work."""
    keys = _read_keys(folder / KEYS_FILE)
    seats = []
    enterprise: dict[str, Any] = {}
    for number, plan in enumerate(plans, start=1):
        path = folder / file_name(number, plan.name)
        interview = _open(content, path, lang)
        if not interview.data["respondents"]:
            interview.data["respondents"] = [{"name": plan.name, "role": plan.role}]
        for key, value in interview.data["enterprise"].items():
            enterprise.setdefault(key, value)
        seats.append(Seat(number, interview, path, plan.steps, key=keys.get(path.name) or Key()))
    for seat in seats:
        seat.interview.data["enterprise"] = enterprise  # one profile, shared (see the module's docstring)
        seat.save()
    workshop = Workshop(content, lang, seats, folder)
    workshop.lead = keys.get("") or workshop.lead
    _write_keys(folder / KEYS_FILE, {"": workshop.lead, **{s.path.name: s.key for s in seats}})
    return workshop


def _read_keys(path: Path) -> dict[str, Key]:
    """The keys of an earlier start; none when there is no such file or it is not one of ours."""
    import json

    try:
        found = json.loads(path.read_text(encoding="utf-8"))
        return {name: Key(**{k: str(v[k]) for k in ("link", "session", "csrf")}) for name, v in found.items()}
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def _write_keys(path: Path, keys: dict[str, Key | None]) -> None:
    import json

    from ..files import write_atomically

    path.touch(mode=0o600, exist_ok=True)  # created private; the writer keeps a file's permissions
    data = {name: vars(key) for name, key in keys.items() if key is not None}
    write_atomically(path, json.dumps(data, indent=1).encode("utf-8"), durable=True)


def _open(content: Content, path: Path, lang: str) -> Interview:
    from ..loader import load_answers

    if path.exists():
        interview = Interview.resume(content, load_answers(path, content))
    else:
        interview = Interview.start(content, lang)
    interview.data["language"] = file_tag(lang)
    return interview
