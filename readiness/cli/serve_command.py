"""`readiness serve`: the interview in a browser, alone or as an on-site workshop of phones."""

import contextlib
from pathlib import Path
from typing import Annotated, Any

import typer

from ..errors import ContentError, Issue
from .common import (
    ContentDirOption,
    Lang,
    LangOption,
    add_command,
    h,
    load,
    out,
    plain,
    say,
    system_lang,
    use_lang,
    user_errors,
)


def serve(
    answers_file: Annotated[
        Path | None, typer.Argument(help=h("serve.answers_file"), metavar="ANSWERS_FILE", show_default=False)
    ] = None,
    lang: Annotated[Lang | None, LangOption] = None,
    workshop: Annotated[bool, typer.Option("--workshop", help=h("serve.workshop"))] = False,
    respondent: Annotated[
        list[str] | None, typer.Option("--respondent", "-r", metavar="NAME[=ROLE][:STEPS]", help=h("serve.respondent"))
    ] = None,
    lan: Annotated[bool, typer.Option("--lan", help=h("serve.lan"))] = False,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, show_default=False, help=h("serve.port"))] = 0,
    no_browser: Annotated[bool, typer.Option("--no-browser", help=h("serve.no_browser"))] = False,
    content_dir: Annotated[Path | None, ContentDirOption] = None,
) -> None:
    """The interview in a browser: alone, or a workshop where several people answer on their phones."""
    import signal

    from ..catalogue import namespace
    from ..files import hold_lock
    from ..web import seats

    # Ctrl-C is how the server stops, as it says: even when started with Ctrl-C ignored (in the
    # background of a script, which ignores it for what it starts).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with user_errors(lang), contextlib.ExitStack() as held:
        chosen = lang.value if lang else system_lang()
        use_lang(chosen)
        words = namespace(chosen, "serve")
        if respondent and not workshop:
            workshop = True  # naming respondents means a workshop
        content, _ = load(content_dir)
        if workshop:
            folder = answers_file or Path("workshop")
            if folder.exists() and not folder.is_dir():
                raise ContentError([Issue(str(folder), say("folder_is_file", folder=folder))], what="options")
            plans = [seats.parse_respondent(spec, content, chosen) for spec in respondent or []]
            plans = plans or seats.default_plans(chosen)
            folder.mkdir(parents=True, exist_ok=True)
            for number, plan in enumerate(plans, start=1):
                held.enter_context(hold_lock(folder / seats.file_name(number, plan.name)))
            room = seats.open_workshop(content, folder, plans, chosen)
        else:
            path = answers_file or Path("answers.yaml")
            # One interview per answers file, as with `readiness assess`: a second one refuses at once.
            held.enter_context(hold_lock(path))
            if lang is None and path.exists():
                from ..loader import load_answers

                chosen = load_answers(path, content).lang
                use_lang(chosen)
                words = namespace(chosen, "serve")
            room = seats.open_alone(content, path, chosen)
        host = "0.0.0.0" if lan else "127.0.0.1"
        sock = _listen(host, port)
        shown_host = _lan_address(words) if lan else "127.0.0.1"
        base = f"http://{shown_host}:{sock.getsockname()[1]}"
        room.base = base
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how it stops; every answer is saved
            _announce(room, base, words, lan, open_browser=not no_browser)
            _run(room, sock)
        where = room.folder if room.folder is not None else room.seats[0].path
        out.print(plain(words["stopped"].format(path=where)))


def _listen(host: str, port: int) -> Any:
    import socket

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Connections inherit it: a page's headers and body go out at once, not 40 ms apart (Nagle
    # waiting for the phone's delayed acknowledgement).
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise ContentError([Issue(f"--port {port}", exc.strerror or str(exc))], what="options") from None
    sock.listen(128)
    return sock


def _lan_address(words: Any) -> str:
    """This computer's address on the local network: the one a packet to a private address would
    leave from (nothing is sent)."""
    import socket

    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        address = str(probe.getsockname()[0])
    except OSError:
        address = ""
    finally:
        probe.close()
    if not address or address.startswith("127."):
        raise ContentError([Issue("--lan", words["no_lan"])], what="options")
    return address


def _announce(room: Any, base: str, words: Any, lan: bool, open_browser: bool) -> None:
    content = room.content
    titles = {s.id: s.title.get(room.lang) for s in content.questionnaire.steps}
    sep = words["list_sep"]
    if room.alone:
        url = f"{base}/t/{room.seats[0].key.link}"
        out.print(plain(words["open_browser"]))
        out.print(plain(f"  {url}", style="bold cyan"))
    else:
        out.print(plain(words["folder"].format(folder=room.folder)))
        out.print(plain(words["respondents"], style="bold"))
        for seat in room.seats:
            steps = sep.join(titles[s] for s in seat.steps)
            line = words["respondent_line"].format(number=seat.number, name=seat.name, role=seat.role, steps=steps)
            url = f"{base}/t/{seat.key.link}"
            out.print()
            out.print(plain(line, style="bold"))
            out.print(plain(f"  {url}", style="cyan"))
            _qr(url)
        covered = {s for seat in room.seats for s in seat.steps}
        missing = [titles[s.id] for s in content.questionnaire.steps if s.id not in covered]
        if missing:
            out.print(plain(words["nobody"].format(steps=sep.join(missing)), style="yellow"))
        url = f"{base}/lead/t/{room.lead.link}"
        out.print()
        out.print(plain(words["lead_line"], style="bold"))
        out.print(plain(f"  {url}", style="bold cyan"))
    if not lan:
        out.print(plain(words["loopback_note"], style="dim"))
    out.print(plain(words["stop"], style="dim"))
    if open_browser:
        import webbrowser

        webbrowser.open(url)


def _qr(url: str) -> None:
    """The link as a QR code drawn in the terminal, for a phone's camera."""
    import io

    import segno

    drawn = io.StringIO()
    segno.make(url, error="m").terminal(out=drawn, compact=True, border=2)
    out.file.write(drawn.getvalue())
    out.file.flush()


def _run(room: Any, sock: Any) -> None:
    """Serve until Ctrl-C; every answer is saved as it comes, so stopping loses nothing."""
    import signal

    import uvicorn

    from ..web.app import create_app

    # Errors are the application's to report (one line and a crash log), not tracebacks on the terminal.
    config = uvicorn.Config(create_app(room), log_level="critical", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    # A Ctrl-C while the server starts, before uvicorn takes the signal over, must stop it too: left
    # to asyncio's own handler, it could cancel the start-up and be lost, and the server run on.
    previous = signal.signal(signal.SIGINT, lambda *_: setattr(server, "should_exit", True))
    try:
        server.run(sockets=[sock])  # on Ctrl-C it stops cleanly; every answer is saved already
    finally:
        signal.signal(signal.SIGINT, previous)


def register(app: typer.Typer) -> None:
    add_command(app, serve)
