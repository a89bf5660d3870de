"""The interview's logic, apart from the terminal: question order, visibility, input parsing, answers.

The terminal side (cli/assess_command.py) asks and prints; everything it decides goes through here,
so the rules for what is a valid answer are the loader's and are tested without a terminal.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from . import rules
from .catalogue import text
from .languages import file_tag
from .loader import answer_problem, parse_number, question_units
from .model import NOT_APPLICABLE, PROFILE_STEP, STEP_IDS, UNKNOWN, Answers, Content, Option, Question, Section, Step
from .scoring import make_facts

COMMANDS = {"?": "help", "u": "unknown", "n": "not_applicable", "b": "back", "s": "save", "+": "note"}


@dataclass(frozen=True)
class Slot:
    """One question in interview order, with where it sits."""

    index: int
    step: Step
    section: Section
    question: Question


@dataclass(frozen=True)
class Command:
    name: str  # a value of COMMANDS


@dataclass
class Interview:
    content: Content
    data: dict[str, Any]  # the answers file as plain data, exactly what is saved
    # A re-assessment: the earlier assessment's answers, offered as each question's default.
    earlier: dict[str, Any] = field(default_factory=dict)
    slots: list[Slot] = field(init=False)

    def __post_init__(self) -> None:
        self.slots = [
            Slot(i, step, section, question)
            for i, (step, section, question) in enumerate(
                (step, section, question)
                for step in self.content.questionnaire.steps
                for section in step.sections
                for question in section.questions
            )
        ]
        for key, default in (("enterprise", {}), ("respondents", []), ("answers", {}), ("notes", {})):
            if not isinstance(self.data.get(key), type(default)):
                self.data[key] = default

    @classmethod
    def start(cls, content: Content, lang: str) -> Interview:
        q = content.questionnaire
        data = {
            "questionnaire": q.id,
            "questionnaire_version": q.version,
            "language": file_tag(lang),
            "assessment": {"date": datetime.date.today().isoformat()},
            "enterprise": {},
            "respondents": [],
            "answers": {},
            "notes": {},
        }
        return cls(content, data)

    @classmethod
    def resume(cls, content: Content, answers: Answers) -> Interview:
        return cls(content, answers.model_dump(mode="json"))

    @classmethod
    def reassess(cls, content: Content, earlier: Answers, lang: str, today: datetime.date | None = None) -> Interview:
        """A new assessment of the enterprise of `earlier`: dated today, with the earlier record's
        assessor, engagement, enterprise id, park and contact, and no answer of its own yet; each
        question offers the earlier answer as its default."""
        interview = cls.start(content, lang)
        record = earlier.assessment.model_dump(mode="json", exclude={"date"})
        date = (today or datetime.date.today()).isoformat()
        interview.data["assessment"] = {"date": date, **{k: v for k, v in record.items() if v}}
        interview.offer(earlier)
        return interview

    def offer(self, earlier: Answers) -> None:
        """Offer `earlier`'s answers as defaults (for a re-assessment, also when it is resumed)."""
        self.earlier = {f"{PROFILE_STEP}.{k}": v for k, v in earlier.enterprise.items()} | dict(earlier.answers)

    def default(self, slot: Slot) -> Any:
        """The earlier answer to this question if it is still a valid answer and still offered, else None."""
        value = self.earlier.get(slot.question.id)
        if value is None or answer_problem(slot.question, value) is not None:
            return None
        if slot.question.options_from and value not in {o.id for o in self.choices(slot.question)}:
            return None
        return value

    # --- answers ----------------------------------------------------------------------------

    def _section(self, question_id: str) -> tuple[dict[str, Any], str]:
        step, _, key = question_id.partition(".")
        if step == PROFILE_STEP:
            return self.data["enterprise"], key
        return self.data["answers"], question_id

    def value(self, question_id: str) -> Any:
        where, key = self._section(question_id)
        return where.get(key)

    def set(self, question_id: str, value: Any) -> None:
        where, key = self._section(question_id)
        where[key] = value

    def note(self, question_id: str, text: str) -> None:
        if text.strip():
            self.data["notes"][question_id] = text.strip()
        else:
            self.data["notes"].pop(question_id, None)

    def facts(self) -> rules.Facts:
        return make_facts(self.content, self.value)

    def choices(self, question: Question) -> list[Option]:
        """The options offered: for a question that picks from the scenario catalogue, the scenarios
        of the enterprise's industries and value-chain stages answered so far."""
        if question.options_from != "scenarios":
            return question.options
        from .scenarios import relevant_scenarios

        offered = {s.id for _, s in relevant_scenarios(self.content.rubric, self.data["enterprise"])}
        return [o for o in question.options if o.id in offered] or question.options

    def visible(self, slot: Slot, facts: rules.Facts | None = None) -> bool:
        """Whether the question is asked, given the answers so far (`facts`: worked out once by a caller
        that asks about many questions)."""
        show_if = slot.question.show_if
        return show_if is None or rules.evaluate(show_if, self.facts() if facts is None else facts)

    def shown(self, steps: Collection[str] | None = None) -> list[Slot]:
        """The questions asked now (of `steps` only, if given), in interview order."""
        facts = self.facts()
        return [s for s in self.slots if (steps is None or s.step.id in steps) and self.visible(s, facts)]

    # --- order and progress -----------------------------------------------------------------

    def next_open(self, steps: Collection[str] | None = None) -> Slot | None:
        """The first visible question without an answer (in `steps` only, if given: a respondent's part)."""
        facts = self.facts()
        for slot in self.slots:
            wanted = steps is None or slot.step.id in steps
            if wanted and self.value(slot.question.id) is None and self.visible(slot, facts):
                return slot
        return None

    def progress(self, slot: Slot, steps: Collection[str] | None = None) -> tuple[int, int, float]:
        """(this question's number, visible questions, share answered) among visible questions (of `steps`)."""
        shown = self.shown(steps)
        number = next((i for i, s in enumerate(shown, start=1) if s.index == slot.index), len(shown))
        done = sum(1 for s in shown if self.value(s.question.id) is not None)
        return number, len(shown), done / len(shown) if shown else 1.0

    def step_slots(self, step_id: str) -> list[Slot]:
        return [s for s in self.slots if s.step.id == step_id]

    def step_number(self, step_id: str) -> int:
        """1-6 along the playbook; 0 for the unscored profile and industry module."""
        return STEP_IDS.index(step_id) + 1 if step_id in STEP_IDS else 0


def parse_answer(question: Question, text: str, lang: str, options: list[Option] | None = None) -> Any:
    """Turn what the user typed into an answer value, a Command, or raise ValueError with a reason.

    `options`: the options offered, numbered from 1 (all of the question's by default)."""
    offered = question.options if options is None else options
    typed = text.strip()
    if typed in COMMANDS:
        name = COMMANDS[typed]
        if name == "unknown":
            return _checked(question, UNKNOWN, lang)
        if name == "not_applicable":
            return _checked(question, NOT_APPLICABLE, lang)
        return Command(name)
    if not typed:
        raise ValueError(_say(lang, "type_answer"))
    if question.type == "single":
        return _checked(question, _option(question, offered, typed, lang), lang)
    if question.type == "multi":
        if typed in ("0", "-"):  # none of the options
            exclusive = [o.id for o in question.options if o.exclusive]
            return _checked(question, exclusive[:1], lang)
        parts = [p for p in re.split(r"[,\s，、]+", typed) if p]
        return _checked(question, [_option(question, offered, p, lang) for p in parts], lang)
    if question.type in ("number", "percent"):
        return _checked(question, _number(typed, question_units(question), lang), lang)
    if question.type == "yes_no":
        lowered = typed.lower()
        if lowered in ("1", "y", "yes", "是", "有"):
            return True
        if lowered in ("2", "no", "否", "没有", "无"):
            return False
        raise ValueError(_say(lang, "type_yes_no"))
    if len(typed) > 2000:
        raise ValueError(_say(lang, "text_too_long"))
    return typed


def parse_form(question: Question, values: list[str], lang: str, options: list[Option] | None = None) -> Any:
    """What was picked or typed in a form (the browser): option ids, "yes"/"no", or the text typed.

    The same answer values and the same checks as parse_answer, without the typed commands: a form
    has buttons for don't know, not relevant and back. Raises ValueError with a reason."""
    offered = {o.id for o in (question.options if options is None else options)}
    picked = [v for v in values if v]
    if question.type == "multi" and not picked and not any(o.exclusive for o in question.options):
        return _checked(question, [], lang)  # none of them, as 0 in the terminal
    if question.type in ("single", "multi"):
        if not picked:
            raise ValueError(_say(lang, "choose_answer"))
        if any(v not in offered for v in picked) or (question.type == "single" and len(picked) > 1):
            raise ValueError(_say(lang, "choose_shown"))
        if question.type == "single":
            return _checked(question, picked[0], lang)
        return _checked(question, [o.id for o in question.options if o.id in picked], lang)
    if question.type == "yes_no":
        if picked in (["yes"], ["no"]):
            return picked == ["yes"]
        raise ValueError(_say(lang, "choose_yes_no"))
    typed = picked[0].strip() if len(picked) == 1 else ""
    if not typed:
        raise ValueError(_say(lang, "fill_answer"))
    if question.type in ("number", "percent"):
        return _checked(question, _number(typed, question_units(question), lang), lang)
    if len(typed) > 2000:
        raise ValueError(_say(lang, "text_too_long"))
    return _checked(question, typed, lang)


def _option(question: Question, offered: list[Option], typed: str, lang: str) -> str:
    if typed.isdigit():
        number = int(typed)
        if 1 <= number <= len(offered):
            return offered[number - 1].id
        raise ValueError(_say(lang, "choose_number", n=len(offered)))
    if question.option(typed):
        return typed
    raise ValueError(_say(lang, "not_an_option", typed=typed))


def _number(typed: str, units: tuple[str, ...], lang: str) -> float | int:
    """1200, 1,200, 1，200, full-width digits, 60万, 1.2万, 约80%, 八十 (see loader.parse_number)."""
    number = parse_number(typed, units)
    if number is None:
        raise ValueError(_say(lang, "not_a_number", typed=typed))
    if not _finite(number):  # hundreds of digits
        raise ValueError(_say(lang, "number_too_large"))
    return number


def _finite(number: float | int) -> bool:
    try:
        return math.isfinite(number)
    except OverflowError:  # an integer too large for a float
        return False


def _checked(question: Question, value: Any, lang: str) -> Any:
    problem = answer_problem(question, value, lang)  # worded in the interview's language
    if problem is None:
        return value
    if value == NOT_APPLICABLE:
        raise ValueError(_say(lang, "always_applies"))
    if value == UNKNOWN:
        raise ValueError(_say(lang, "needs_answer"))
    if isinstance(value, int | float) and not isinstance(value, bool):
        low, high = question.lower_bound, question.upper_bound
        if low is not None and value < low:
            return _raise(lang, "below_minimum", low=low)
        if high is not None and value > high:
            return _raise(lang, "above_maximum", high=high)
    if isinstance(value, list) and any(o.exclusive for o in question.options if o.id in value):
        return _raise(lang, "exclusive")
    raise ValueError(problem)


def _raise(lang: str, key: str, **params: object) -> Any:
    raise ValueError(_say(lang, key, **params))


def _say(lang: str, key: str, **params: object) -> str:
    """Why a typed answer is refused (`interview.input.<key>` in the catalogue)."""
    return text(lang, f"interview.input.{key}", **params)
