"""The interview on screen: asking, saving after each answer, step summaries (used by `readiness assess`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from ..catalogue import namespace
from ..interview import Interview, Slot
from ..model import STEP_IDS
from ..terminal import printable
from .common import out, plain


class SaveAndQuit(Exception):
    """The user typed `s`."""


class Session:
    """One sitting of the interview: asks, saves after each answer, shows summaries."""

    def __init__(self, interview: Interview, path: Path, lang: str, notice: str = "") -> None:
        self.interview = interview
        self.path = path
        self.lang = lang
        self.words = namespace(lang, "interview")
        self.notice = notice  # shown under the welcome (a re-assessment says where it started from)
        self.history: list[int] = []

    # --- the flow ---------------------------------------------------------------------------

    def run(self) -> None:
        self._welcome()
        if self.notice:
            out.print(plain(self.notice, style="yellow"))
        self._save()  # the file exists from the first moment, so "saved in ..." is always true
        if not self.interview.data["respondents"]:
            self._ask_respondent()
        slot = self.interview.next_open()
        shown_step = None
        while slot is not None:
            if slot.step.id != shown_step:
                self._step_intro(slot)
                shown_step = slot.step.id
            went_back = self._ask(slot, keep=False)
            if went_back is not None:
                slot = went_back
                continue
            nxt = self.interview.next_open()
            if slot.step.id != (nxt.step.id if nxt else None) and self._step_complete(slot.step.id):
                self._step_summary(slot.step.id, pause=nxt is not None)
            slot = nxt
        self._finish()

    def review(self, step_id: str) -> None:
        slots = list(self.interview.step_slots(step_id))
        position = 0
        while position < len(slots):
            slot = slots[position]
            if not self.interview.visible(slot):
                position += 1
                continue
            if position == 0 or slots[position - 1].step.id != slot.step.id:
                self._step_intro(slot)
            went_back = self._ask(slot, keep=True)
            if went_back is not None:
                position = next((i for i, s in enumerate(slots) if s.index == went_back.index), 0)
                continue
            position += 1
        title = slots[0].step.title.get(self.lang)
        out.print(plain(self.words["review_done"].format(title=title)))
        self._step_summary(step_id, pause=False)

    # --- asking -----------------------------------------------------------------------------

    def _ask(self, slot: Slot, keep: bool) -> Slot | None:
        """Ask until a valid answer is saved. Returns the slot to go back to, if the user asked."""
        from ..interview import Command, parse_answer

        question = slot.question
        current = self.interview.value(question.id)
        earlier = self.interview.default(slot) if current is None else None
        self._show_question(slot, current if keep or current is not None else None, earlier)
        while True:
            typed = out.input(plain(f"{self._prompt(question)} › ", style="bold cyan"))
            if not typed.strip() and current is not None:
                value: Any = current
            elif not typed.strip() and earlier is not None:
                value = earlier  # a re-assessment: Enter keeps the earlier answer
            else:
                try:
                    value = parse_answer(question, typed, self.lang, self.interview.choices(question))
                except ValueError as problem:
                    out.print(plain(f"  {problem}", style="red"))
                    continue
            if isinstance(value, Command):
                if value.name == "help":
                    self._more_help(slot)
                elif value.name == "save":
                    raise SaveAndQuit
                elif value.name == "note":
                    note = out.input(Text(f"{self.words['note_prompt']} › ", style="cyan"))
                    self.interview.note(question.id, note)
                    self._save()
                    out.print(Text(f"  {self.words['noted']}", style="green"))
                elif value.name == "back":
                    if self.history:
                        return self.interview.slots[self.history.pop()]
                    out.print(Text(f"  {self.words['first']}", style="yellow"))
                continue
            self.interview.set(question.id, value)
            self._save()
            self.history.append(slot.index)
            return None

    def _prompt(self, question: Any) -> str:
        w = self.words
        n = len(self.interview.choices(question))
        prompt = w[f"prompt_{question.type}"].format(n=n)
        if question.unit:
            prompt += w["unit"].format(unit=question.unit.get(self.lang))
        return prompt

    def _save(self) -> None:
        from ..loader import write_answers

        write_answers(self.path, self.interview.data)

    # --- showing ----------------------------------------------------------------------------

    def _welcome(self) -> None:
        q = self.interview.content.questionnaire
        lines = Text()
        lines.append(printable(q.description.get(self.lang).strip()) + "\n\n")
        lines.append(self.words["steps"] + "\n", style="bold")
        for number, step in enumerate(q.playbook_steps, start=1):
            lines.append(printable(f"  {number}. {step.title.get(self.lang)}") + "\n")
        lines.append("\n" + printable(self.words["time"].format(minutes=q.minutes, path=self.path)) + "\n")
        lines.append(self.words["keys"], style="dim")
        out.print(Panel(lines, title=plain(q.title.get(self.lang)), title_align="left", border_style="cyan"))

    def _ask_respondent(self) -> None:
        out.print(Text(self.words["who"], style="bold"))
        name = ""
        while not name.strip():
            name = out.input(Text(f"{self.words['your_name']} › ", style="bold cyan"))
        role = out.input(Text(f"{self.words['your_role']} › ", style="bold cyan"))
        self.interview.data["respondents"].append({"name": name.strip()[:200], "role": role.strip()[:200]})
        self._save()

    def _step_intro(self, slot: Slot) -> None:
        step = slot.step
        number = self.interview.step_number(step.id)
        heading = f"{self.words['step'].format(n=number)} · " if number else ""
        out.print()
        out.print(Rule(plain(f"{heading}{step.title.get(self.lang)}"), style="cyan"))
        out.print(plain(step.intro.get(self.lang).strip(), style="italic"))

    def _show_question(self, slot: Slot, current: Any, earlier: Any = None) -> None:
        from ..report.context import answer_text, help_text

        question = slot.question
        number, total, share = self.interview.progress(slot)
        step_no = self.interview.step_number(slot.step.id)
        where = f"{self.words['step'].format(n=step_no)} · " if step_no else ""
        head = Table.grid(expand=True, padding=(0, 2))
        head.add_column()
        head.add_column(justify="right")
        head.add_row(
            plain(f"{where}{slot.step.title.get(self.lang)} › {slot.section.title.get(self.lang)}", style="dim"),
            Text(self.words["question"].format(n=number, total=total, share=share), style="dim"),
        )
        body: list[Any] = [head, plain(question.text.get(self.lang), style="bold")]
        body.append(plain(f"{self.words['why']}{self.words['colon']}{help_text(question, self.lang)}", style="dim"))
        labels = [o.label.get(self.lang) for o in self.interview.choices(question)]
        if question.type == "yes_no":
            labels = [self.words["yes"], self.words["no"]]
        if labels:
            options = Table.grid(padding=(0, 2))
            options.add_column(justify="right", style="cyan")
            options.add_column()
            for i, label in enumerate(labels, start=1):
                options.add_row(str(i), plain(label))
            body.append(options)
        if current is not None:
            shown = answer_text(question, current, self.lang)
            body.append(plain(self.words["current"].format(answer=shown), style="yellow"))
        elif earlier is not None:
            shown = answer_text(question, earlier, self.lang)
            said = namespace(self.lang, "progress")["last_answer"]
            body.append(plain(said.format(answer=shown), style="yellow"))
        out.print()
        out.print(Group(*body))

    def _more_help(self, slot: Slot) -> None:
        from ..report.context import help_text

        question = slot.question
        extra = help_text(question, self.lang, more=True)
        allowed = [self.words["unknown"]] if question.allow_unknown else []
        if question.allow_not_applicable:
            allowed.append(self.words["na"])
        out.print(Panel(plain(extra.strip() + ("\n" + " · ".join(allowed) if allowed else "")), border_style="dim"))

    def _step_complete(self, step_id: str) -> bool:
        return all(
            self.interview.value(s.question.id) is not None or not self.interview.visible(s)
            for s in self.interview.step_slots(step_id)
        )

    def _assessment(self) -> tuple[Any, Any]:
        from ..assess import run_assessment
        from ..model import Answers

        answers = Answers.model_validate(self.interview.data)
        return run_assessment(self.interview.content, answers), answers

    def _step_summary(self, step_id: str, pause: bool) -> None:
        from ..report.context import build_context

        if step_id not in STEP_IDS:
            return  # the profile and the industry module are not scored
        assessment, answers = self._assessment()
        context = build_context(assessment, self.interview.content, answers, lang=self.lang)
        view = next(s for s in context.steps if s.id == step_id)
        headline = plain(
            self.words["summary"].format(
                score=view.score, level=view.level, name=view.level_name, conf=view.confidence
            ),
            style="bold",
        )
        parts: list[Any] = [headline, plain(view.level_text.strip())]
        parts += [plain(self.words["capped"].format(text=text), style="yellow") for text in view.capped_by]
        for heading, lines in ((self.words["strengths"], view.strengths), (self.words["gaps"], view.gaps)):
            if lines:
                listed = Table(box=None, show_header=False, padding=(0, 1), expand=True)
                listed.add_column(ratio=3, overflow="fold")
                listed.add_column(ratio=2, style="cyan", overflow="fold")
                for line in lines:
                    listed.add_row(plain(f"• {line.short}"), plain(line.answer))
                parts += [Text(heading, style="bold"), listed]
        out.print(Panel(Group(*parts), title=plain(view.title), title_align="left", border_style="green"))
        if pause:
            typed = out.input(Text(f"{self.words['continue']} › ", style="dim"))
            if typed.strip().lower() == "s":
                raise SaveAndQuit

    def _finish(self) -> None:
        from ..report.console import render_console

        assessment, _ = self._assessment()
        out.print()
        out.print(Rule(self.words["done"], style="green"))
        out.print(render_console(assessment, self.interview.content, self.lang))
        out.print(plain(self.words["saved"].format(path=self.path)))
        pdf = self.path.with_suffix(".pdf").name
        out.print(plain(self.words["report"].format(path=self.path, pdf=pdf, lang=self.lang), style="bold"))
