"""`readiness assess`: the guided interview in the terminal, saved after every answer."""

import contextlib
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import EXIT_INTERRUPTED, ContentError, Issue
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
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """The guided interview: the profile and the six steps, saved after every answer."""
    from ..interview import Interview
    from ..languages import file_tag, short_code
    from ..loader import load_answers
    from .interview_screen import SaveAndQuit, Session

    with user_errors(lang), contextlib.ExitStack() as held:
        if answers_file is None and not sys.stdin.isatty():
            raise ContentError(
                [Issue("stdin", say("needs_terminal"))],
                what="input",
            )
        path = answers_file or Path("answers.yaml")
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
        if path.exists():
            interview = Interview.resume(content, load_answers(path, content))
            chosen = lang.value if lang else short_code(str(interview.data.get("language", "en")))
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
        session = Session(interview, path, chosen)
        try:
            if review:
                session.review(review)
            else:
                session.run()
        except (KeyboardInterrupt, EOFError) as stop:
            words = session.words
            what = words["interrupted"] if isinstance(stop, KeyboardInterrupt) else words["ended"]
            stopped = words["stopped"].format(what=what, saved=words["saved"].format(path=path))
            err.print(plain(f"\n{stopped}\n{words['resume'].format(path=path)}"))
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except SaveAndQuit:
            out.print(plain(f"{session.words['saved'].format(path=path)}\n{session.words['resume'].format(path=path)}"))


def register(app: typer.Typer) -> None:
    add_command(app, assess)
