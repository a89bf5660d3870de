"""`readiness assess`: the guided interview in the terminal, saved after every answer."""

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import EXIT_INTERRUPTED, ContentError, Issue

if TYPE_CHECKING:
    import datetime
from .common import (
    ContentDirOption,
    Lang,
    LangOption,
    add_command,
    err,
    escape,
    h,
    load,
    out,
    plain,
    say,
    system_lang,
    use_lang,
    user_errors,
)


def assess(
    answers_file: Annotated[
        Path | None,
        typer.Option("--answers", "-a", help=h("assess.answers_file")),
    ] = None,
    lang: Annotated[Lang | None, LangOption] = None,
    review: Annotated[
        str | None,
        typer.Option(
            "--review",
            metavar="STEP",
            help=h("assess.review"),
        ),
    ] = None,
    earlier: Annotated[
        Path | None,
        typer.Option("--from", metavar="EARLIER.yaml", help=h("assess.from")),
    ] = None,
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """The guided interview: the profile and the six steps, saved after every answer."""
    from ..interview import Interview
    from ..languages import file_tag, short_code
    from ..loader import load_answers, load_answers_across_versions
    from .interview_screen import SaveAndQuit, Session

    with user_errors(lang), contextlib.ExitStack() as held:
        if answers_file is None and not sys.stdin.isatty():
            raise ContentError(
                [Issue("stdin", say("needs_terminal"))],
                what="input",
            )
        path = answers_file or (reassessment_path(earlier) if earlier else Path("answers.yaml"))
        if earlier is not None and _same_file(earlier, path):
            raise ContentError([Issue(str(path), _say("progress.from_is_target"))], what="options")
        from ..files import hold_lock
        from ..workbook import is_workbook

        if is_workbook(path):  # the interview saves YAML after every answer: never into a workbook
            yaml_file = path.with_suffix(".yaml")
            raise ContentError([Issue(str(path), say("assess_workbook", path=path, yaml=yaml_file))], what="input")

        # One interview per answers file: a second one refuses at once instead of silently
        # overwriting the first one's answers. Released on any exit, Ctrl-C and kill -9 included.
        if not held.enter_context(hold_lock(path)):
            err.print(f"[yellow]{say('warning')}[/]{escape(say('no_lock', path=path))}")
        content, _ = load(content_dir)
        last = load_answers_across_versions(earlier, content)[0] if earlier else None
        if path.exists():
            interview = Interview.resume(content, load_answers(path, content))
            chosen = lang.value if lang else short_code(str(interview.data.get("language", "en")))
            if last is not None:
                interview.offer(last)
        elif last is not None:
            chosen = lang.value if lang else last.lang
            interview = Interview.reassess(content, last, chosen)
        else:
            chosen = lang.value if lang else system_lang()
            interview = Interview.start(content, chosen)
        interview.data["language"] = file_tag(chosen)
        use_lang(chosen)
        steps = [s.id for s in content.questionnaire.steps]
        if review is not None and review not in steps:
            raise ContentError(
                [Issue("--review", say("unknown_step", step=repr(review), steps=", ".join(steps)))], what="options"
            )
        notice = ""
        if earlier is not None and last is not None:
            from ..catalogue import text

            when = last.assessment.date.isoformat() if last.assessment.date else text(chosen, "progress.no_date")
            name = str(last.enterprise.get("name", "")) or earlier.name
            notice = text(chosen, "progress.reassess", name=name, source=earlier, date=when, path=path)
        session = Session(interview, path, chosen, notice)
        if earlier is not None:
            from ..catalogue import text

            resume = text(chosen, "progress.resume", source=earlier, path=path)
        else:
            resume = session.words["resume"].format(path=path)
        try:
            if review:
                session.review(review)
            else:
                session.run()
        except (KeyboardInterrupt, EOFError) as stop:
            words = session.words
            what = words["interrupted"] if isinstance(stop, KeyboardInterrupt) else words["ended"]
            stopped = words["stopped"].format(what=what, saved=words["saved"].format(path=path))
            err.print(plain(f"\n{stopped}\n{resume}"))
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except SaveAndQuit:
            out.print(plain(f"{session.words['saved'].format(path=path)}\n{resume}"))


def reassessment_path(earlier: Path, today: "datetime.date | None" = None) -> Path:
    """Where a re-assessment of `earlier` goes by default: beside it, named after it and dated today
    (acme-2025.yaml or acme-2025-11-20.yaml -> acme-2026-12-01.yaml; acme.yaml -> acme-2026-12-01.yaml)."""
    import datetime
    import re

    stem = re.sub(r"[-_ ]?\d{4}(-\d{2}-\d{2})?$", "", earlier.stem) or earlier.stem
    return earlier.with_name(f"{stem}-{(today or datetime.date.today()).isoformat()}{earlier.suffix or '.yaml'}")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and a.samefile(b))
    except OSError:
        return False


def _say(key: str, **params: object) -> str:
    from ..catalogue import text
    from .common import cli_lang

    return text(cli_lang(), key, **params)


def register(app: typer.Typer) -> None:
    add_command(app, assess)
