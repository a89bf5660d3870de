"""The web application of `readiness serve`: one question per page, plain HTML forms, no JavaScript.

Every page but the token links and the stylesheet needs a cookie that a token link set; every POST
carries the CSRF token of the person it comes from; a respondent's cookie reaches only their own
seat. Nothing from a request names a file: answers files and reports are the ones the command line
chose. The pages are the catalogue's `serve:` words around the content's own text, escaped by Jinja.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..catalogue import namespace
from ..interview import Command, Slot, parse_answer, parse_form
from ..model import NOT_APPLICABLE, UNKNOWN
from ..template_cache import TemplateCache
from .seats import Seat, Workshop

HERE = Path(__file__).resolve().parent
SEAT_COOKIE = "readiness_seat"
LEAD_COOKIE = "readiness_lead"
MAX_BODY = 64 * 1024  # bytes of one request: a long note is a few kilobytes
SELECT_ABOVE = 12  # a single choice with more options than this is a drop-down list
SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


def create_app(workshop: Workshop) -> Starlette:
    pages = Pages(workshop)
    routes = [
        Route("/style.css", pages.stylesheet),
        Route("/t/{token}", pages.enter),
        Route("/", pages.welcome),
        Route("/who", pages.who, methods=["POST"]),
        Route("/next", pages.next_question),
        Route("/q/{index:int}", pages.question, methods=["GET", "POST"]),
        Route("/review", pages.review),
        Route("/result", pages.result),
        Route("/report", pages.write_report, methods=["POST"]),
        Route("/report.pdf", pages.download_report),
        Route("/lead/t/{token}", pages.enter_lead),
        Route("/lead", pages.lead),
        Route("/lead/merge", pages.merge, methods=["POST"]),
        Route("/lead/report.pdf", pages.download_merged),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: pages.refused, Exception: pages.failed})
    app.add_middleware(Guard)
    return app


class Guard:
    """Security headers on every response, and a cap on the size of every request body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > MAX_BODY:
            await _plain(send, 413, b"request too large")
            return
        received = 0

        async def capped() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_BODY:  # a body longer than it said, or sent in chunks
                raise HTTPException(413)
            return message

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, capped, secured)


async def _plain(send: Send, status: int, body: bytes) -> None:
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        *((k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Pages:
    def __init__(self, workshop: Workshop) -> None:
        self.workshop = workshop
        self.lang = workshop.lang
        self.words = dict(namespace(self.lang, "serve"))
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # the templates ship with the package
            bytecode_cache=TemplateCache("serve"),
        )
        self.css = (HERE / "static" / "style.css").read_bytes()

    # --- the frame ------------------------------------------------------------------------

    def page(self, template: str, status: int = 200, **variables: Any) -> HTMLResponse:
        q = self.workshop.content.questionnaire
        html = self.env.get_template(template).render(
            w=self.words, lang=self.lang, html_lang="zh-CN" if self.lang == "zh" else "en",
            title=q.title.get(self.lang), **variables,
        )  # fmt: skip
        return HTMLResponse(html, status_code=status)

    async def refused(self, request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        key = {403: "denied", 404: "not_found", 413: "too_large"}.get(status, "denied")
        return self.page("refused.html", status=status, message=self.words[key], seat=None)

    async def failed(self, request: Request, exc: Exception) -> Response:
        """A bug: one line in the terminal naming the crash log with the traceback, and a page saying
        that the answers saved so far are safe (they are: each was saved before its reply)."""
        from ..cli.common import err, escape, say, write_crash_log

        log = write_crash_log(exc)
        what = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        where = say("crash_log", what=what, log=log) if log else say("no_crash_log", what=what)
        err.print(f"[bold red]{say('internal_error')}[/]{escape(where)}")
        response = self.page("refused.html", status=500, message=self.words["failed"], seat=None)
        response.headers.update(SECURITY_HEADERS)  # this reply goes out around the Guard
        return response

    async def stylesheet(self, request: Request) -> Response:
        return Response(self.css, media_type="text/css", headers={"cache-control": "max-age=3600"})

    def seat(self, request: Request) -> Seat:
        seat = self.workshop.seat_by_session(request.cookies.get(SEAT_COOKIE, ""))
        if seat is None:
            raise HTTPException(403)
        return seat

    def require_lead(self, request: Request) -> None:
        if not self.workshop.is_lead_session(request.cookies.get(LEAD_COOKIE, "")):
            raise HTTPException(403)

    async def change(self, seat: Seat, change: Callable[[], None]) -> None:
        """Change a seat's answers and save its file before the reply goes out, so that a reply
        means saved (in a worker thread: the save waits for the disk)."""
        await run_in_threadpool(self.workshop.change, seat, change)

    async def form(self, request: Request, csrf: str) -> FormData:
        """The posted form, refused unless it carries `csrf` (the poster's own CSRF token)."""
        form = await request.form(max_files=0, max_fields=300, max_part_size=MAX_BODY)
        sent = form.get("csrf")
        if not isinstance(sent, str) or not secrets.compare_digest(sent.encode(), csrf.encode()):
            raise HTTPException(403)
        return form

    # --- entering ---------------------------------------------------------------------------

    async def enter(self, request: Request) -> Response:
        """A respondent's link: its token becomes a cookie, and the address loses the token."""
        seat = self.workshop.seat_by_link(request.path_params["token"])
        if seat is None:
            raise HTTPException(403)
        return _with_cookie(RedirectResponse("/", 303), SEAT_COOKIE, seat.key.session)

    async def enter_lead(self, request: Request) -> Response:
        if not self.workshop.is_lead_link(request.path_params["token"]) or self.workshop.lead is None:
            raise HTTPException(403)
        return _with_cookie(RedirectResponse("/lead", 303), LEAD_COOKIE, self.workshop.lead.session)

    # --- the respondent's pages -------------------------------------------------------------

    async def welcome(self, request: Request) -> Response:
        seat = self.seat(request)
        q = self.workshop.content.questionnaire
        steps = [s for s in q.steps if s.id in seat.steps]
        answered, shown = seat.answered()
        return self.page(
            "welcome.html",
            seat=seat,
            description=q.description.get(self.lang).strip(),
            steps=[(self.workshop_step_number(s.id), s.title.get(self.lang)) for s in steps],
            minutes=q.minutes,
            answered=answered,
            shown=shown,
            path=seat.path.name if self.workshop.alone else "",
            alone=self.workshop.alone,
        )

    def workshop_step_number(self, step_id: str) -> int:
        return self.workshop.seats[0].interview.step_number(step_id)

    async def who(self, request: Request) -> Response:
        seat = self.seat(request)
        form = await self.form(request, seat.key.csrf)
        name, role = str(form.get("name", "")).strip()[:200], str(form.get("role", "")).strip()[:200]
        if not name:
            return RedirectResponse("/", 303)

        def named() -> None:
            seat.interview.data["respondents"] = [{"name": name, "role": role}]

        await self.change(seat, named)
        return RedirectResponse("/next", 303)

    async def next_question(self, request: Request) -> Response:
        seat = self.seat(request)
        if not seat.interview.data["respondents"]:
            return RedirectResponse("/", 303)
        slot = seat.interview.next_open(seat.steps)
        return RedirectResponse(f"/q/{slot.index}" if slot else "/review?done=1", 303)

    async def question(self, request: Request) -> Response:
        seat = self.seat(request)
        index = request.path_params["index"]
        interview = seat.interview
        if not 0 <= index < len(interview.slots) or interview.slots[index].step.id not in seat.steps:
            raise HTTPException(404)
        slot = interview.slots[index]
        if not interview.visible(slot):
            return RedirectResponse("/next", 303)
        if request.method == "GET":
            return self.ask(seat, slot, from_review=request.query_params.get("from") == "review")
        form = await self.form(request, seat.key.csrf)
        return await self.answer(seat, slot, form)

    async def answer(self, seat: Seat, slot: Slot, form: FormData) -> Response:
        interview = seat.interview
        question = slot.question
        action = str(form.get("action", "answer"))
        values = [str(v) for v in form.getlist("value")]
        note = str(form.get("note", ""))[:4000]
        from_review = form.get("from") == "review"
        if action == "back":
            await self.change(seat, lambda: interview.note(question.id, note))
            earlier = [s for s in seat.slots() if s.index < slot.index]
            return RedirectResponse(f"/q/{earlier[-1].index}" if earlier else f"/q/{slot.index}", 303)
        try:
            typed = {"unknown": "u", "not_applicable": "n"}.get(action)
            if typed:
                value = parse_answer(question, typed, self.lang)
            else:
                value = parse_form(question, values, self.lang, interview.choices(question))
        except ValueError as problem:
            return self.ask(seat, slot, from_review, error=str(problem), typed=values, note=note, status=422)
        if isinstance(value, Command):  # parse_answer gives answers for u and n; nothing else reaches here
            raise HTTPException(400)

        def answered() -> None:
            interview.set(question.id, value)
            interview.note(question.id, note)

        await self.change(seat, answered)
        if from_review:
            return RedirectResponse(f"/review#q{slot.index}", 303)
        following = interview.next_open(seat.steps)  # straight there: one round trip less
        return RedirectResponse(f"/q/{following.index}" if following else "/review?done=1", 303)

    def ask(
        self,
        seat: Seat,
        slot: Slot,
        from_review: bool,
        error: str = "",
        typed: list[str] | None = None,
        note: str | None = None,
        status: int = 200,
    ) -> HTMLResponse:
        from ..report.context import answer_text, help_text

        interview = seat.interview
        question = slot.question
        current = interview.value(question.id)
        shown = seat.slots()
        position = next((i for i, s in enumerate(shown) if s.index == slot.index), 0)
        if typed is None:
            typed = _form_values(question.type, current)
        choices = interview.choices(question)
        if question.type == "yes_no":
            options = [("yes", self.words["yes"]), ("no", self.words["no"])]
        else:
            options = [(o.id, o.label.get(self.lang)) for o in choices]
        first_of_step = position == 0 or shown[position - 1].step.id != slot.step.id
        more = help_text(question, self.lang, more=True) if question.more_help else ""
        return self.page(
            "question.html",
            status=status,
            seat=seat,
            slot=slot,
            index=slot.index,
            step_number=interview.step_number(slot.step.id),
            step_title=slot.step.title.get(self.lang),
            step_intro=slot.step.intro.get(self.lang).strip() if first_of_step else "",
            section_title=slot.section.title.get(self.lang),
            text=question.text.get(self.lang),
            help=help_text(question, self.lang),
            more=more,
            kind=question.type,
            widget="select" if question.type == "single" and len(options) > SELECT_ABOVE else question.type,
            options=options,
            typed=typed,
            unit=question.unit.get(self.lang) if question.unit else "",
            current=answer_text(question, current, self.lang) if current in (UNKNOWN, NOT_APPLICABLE) else "",
            note=interview.data["notes"].get(question.id, "") if note is None else note,
            error=error,
            allow_unknown=question.allow_unknown,
            allow_na=question.allow_not_applicable,
            can_back=position > 0,
            from_review=from_review,
            number=position + 1,
            total=len(shown),
            share=sum(1 for s in shown if interview.value(s.question.id) is not None) / len(shown) if shown else 1.0,
            progress=self.step_progress(seat, shown, slot.step.id),
        )

    def step_progress(self, seat: Seat, shown: list[Slot], current: str = "") -> list[dict[str, Any]]:
        """Per step of the seat: its number and title, answered and `shown` questions, and whether it
        is the current one."""
        interview = seat.interview
        rows = []
        for step in interview.content.questionnaire.steps:
            if step.id not in seat.steps:
                continue
            mine = [s for s in shown if s.step.id == step.id]
            done = sum(1 for s in mine if interview.value(s.question.id) is not None)
            rows.append(
                {
                    "number": interview.step_number(step.id),
                    "title": step.title.get(self.lang),
                    "done": done,
                    "total": len(mine),
                    "current": step.id == current,
                }
            )
        return rows

    async def review(self, request: Request) -> Response:
        from ..report.context import answer_text

        seat = self.seat(request)
        interview = seat.interview
        groups: list[dict[str, Any]] = []
        for slot in seat.slots():
            if not groups or groups[-1]["id"] != slot.step.id:
                number = interview.step_number(slot.step.id)
                groups.append(
                    {"id": slot.step.id, "number": number, "title": slot.step.title.get(self.lang), "rows": []}
                )
            value = interview.value(slot.question.id)
            groups[-1]["rows"].append(
                {
                    "index": slot.index,
                    "text": slot.question.text.get(self.lang),
                    "answer": answer_text(slot.question, value, self.lang) if value is not None else "",
                    "note": interview.data["notes"].get(slot.question.id, ""),
                }
            )
        answered, shown = seat.answered()
        return self.page(
            "review.html",
            seat=seat,
            groups=groups,
            answered=answered,
            shown=shown,
            done=answered == shown,
            alone=self.workshop.alone,
        )

    async def result(self, request: Request) -> Response:
        seat = self.seat(request)
        if not self.workshop.alone:
            raise HTTPException(403)  # in a workshop, the facilitator merges and reports
        return self.page(
            "result.html",
            seat=seat,
            r=self.context(seat.answers()),
            csrf=seat.key.csrf,
            action="/report",
            download="/report.pdf" if seat.report else "",
            written=seat.path.with_suffix(".pdf").name if seat.report else "",
        )

    def context(self, answers: Any) -> Any:
        from ..assess import run_assessment
        from ..report.context import build_context

        content = self.workshop.content
        return build_context(run_assessment(content, answers), content, answers, lang=self.lang)

    async def write_report(self, request: Request) -> Response:
        from ..files import write_atomically
        from ..report.documents import render_report

        seat = self.seat(request)
        await self.form(request, seat.key.csrf)
        if not self.workshop.alone:
            raise HTTPException(403)
        target = seat.path.with_suffix(".pdf")
        answers = seat.answers()
        document = await run_in_threadpool(render_report, self.workshop.content, answers, "pdf", lang=self.lang)
        await run_in_threadpool(write_atomically, target, document.data, inputs=[seat.path])
        seat.report = document.data
        return RedirectResponse("/result#report", 303)

    async def download_report(self, request: Request) -> Response:
        seat = self.seat(request)
        if seat.report is None:
            raise HTTPException(404)
        return _pdf(seat.report, seat.path.with_suffix(".pdf").name)

    # --- the facilitator's pages ------------------------------------------------------------

    async def lead(self, request: Request) -> Response:
        from ..report.context import answer_text
        from ..report.wording import question_name

        self.require_lead(request)
        index = self.workshop.content.questionnaire.question_index()
        merged = self.merged_answers()
        disagreements = []
        for item in merged.disagreements:
            question = index[item.question]
            disagreements.append(
                {
                    "question": question_name(question, self.lang),
                    "said": [(who, answer_text(question, value, self.lang)) for who, value in item.answers.items()],
                    "kept": answer_text(question, item.kept, self.lang),
                }
            )
        people = []
        for seat in self.workshop.seats:
            answered, shown = seat.answered()
            steps = self.step_progress(seat, seat.slots())
            link = f"{self.workshop.base}/t/{seat.key.link}" if self.workshop.base else ""
            people.append(
                {"seat": seat, "answered": answered, "shown": shown, "steps": steps, "link": link, "qr": _qr(link)}
            )
        assert self.workshop.lead is not None
        return self.page(
            "lead.html",
            seat=None,
            people=people,
            disagreements=disagreements,
            csrf=self.workshop.lead.csrf,
            merged=self.workshop.merged is not None,
            r=self.context(merged) if self.workshop.merged is not None else None,
        )

    def merged_answers(self) -> Any:
        from ..merge import merge_answers

        seats = self.workshop.seats
        sources = [(seat.path.name, seat.answers()) for seat in seats]
        merged = merge_answers(sources, self.workshop.content)
        return merged.model_copy(update={"assessment": sources[0][1].assessment})

    async def merge(self, request: Request) -> Response:
        from ..files import write_atomically
        from ..loader import write_answers
        from ..report.documents import render_report

        self.require_lead(request)
        assert self.workshop.lead is not None and self.workshop.folder is not None
        await self.form(request, self.workshop.lead.csrf)
        with self.workshop.lock:
            merged = self.merged_answers()
        folder = self.workshop.folder
        await run_in_threadpool(write_answers, folder / "merged.yaml", merged.model_dump(mode="json"))
        document = await run_in_threadpool(render_report, self.workshop.content, merged, "pdf", lang=self.lang)
        await run_in_threadpool(write_atomically, folder / "report.pdf", document.data)
        self.workshop.merged = document.data
        return RedirectResponse("/lead#report", 303)

    async def download_merged(self, request: Request) -> Response:
        self.require_lead(request)
        if self.workshop.merged is None:
            raise HTTPException(404)
        return _pdf(self.workshop.merged, "report.pdf")


def _qr(link: str) -> Markup:
    """The link as a QR code in SVG, for phones to scan from the facilitator's screen."""
    if not link:
        return Markup("")
    import segno

    return Markup(segno.make(link, error="m").svg_inline(scale=5, border=2, omitsize=True))


def _form_values(kind: str, current: Any) -> list[str]:
    """An answer as the values its form fields hold."""
    if current is None or current in (UNKNOWN, NOT_APPLICABLE):
        return []
    if kind == "yes_no":
        return ["yes" if current else "no"]
    if isinstance(current, list):
        return [str(v) for v in current]
    if isinstance(current, float) and current.is_integer():
        return [str(int(current))]
    return [str(current)]


def _with_cookie(response: Response, name: str, value: str) -> Response:
    response.set_cookie(name, value, httponly=True, samesite="strict", path="/")
    return response


def _pdf(data: bytes, name: str) -> Response:
    from urllib.parse import quote

    disposition = f"attachment; filename=\"report.pdf\"; filename*=UTF-8''{quote(name)}"
    return Response(data, media_type="application/pdf", headers={"content-disposition": disposition})
