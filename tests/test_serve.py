"""`readiness serve` through Starlette's TestClient: the interview's flow, saving, and who may see what."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient

from readiness.errors import ContentError
from readiness.interview import Interview
from readiness.loader import load_answers
from readiness.model import NOT_APPLICABLE, UNKNOWN, Answers, Content
from readiness.resources import example_answers
from readiness.web.app import MAX_BODY, create_app
from readiness.web.seats import Plan, Seat, Workshop, file_name, open_alone, open_workshop, parse_respondent

BASE = "http://127.0.0.1"


def client_of(room: Workshop) -> TestClient:
    return TestClient(create_app(room), base_url=BASE, follow_redirects=False)


def enter(client: TestClient, seat: Seat) -> None:
    reply = client.get(f"/t/{seat.key.link}")
    assert reply.status_code == 303 and reply.headers["location"] == "/"


def form_fields(seat: Seat, slot_index: int, value: Any) -> dict[str, Any]:
    """The form a person fills in to give `value` to the question at `slot_index`."""
    question = seat.interview.slots[slot_index].question
    fields: dict[str, Any] = {"csrf": seat.key.csrf, "note": seat.interview.data["notes"].get(question.id, "")}
    if value == UNKNOWN:
        return {**fields, "action": "unknown"}
    if value == NOT_APPLICABLE:
        return {**fields, "action": "not_applicable"}
    if question.type == "yes_no":
        shown: Any = "yes" if value else "no"
    elif isinstance(value, list):
        shown = value
    else:
        shown = str(value)
    return {**fields, "action": "answer", "value": shown}


def current_slot(client: TestClient) -> int | None:
    """The question /next leads to, or None once every question is answered."""
    reply = client.get("/next")
    assert reply.status_code == 303
    found = re.fullmatch(r"/q/(\d+)", reply.headers["location"])
    return int(found.group(1)) if found else None


def answer_everything(client: TestClient, seat: Seat, target: Answers, limit: int = 1000) -> int:
    """Answer through the forms, as `target` does, until done (or `limit` answers); returns how many."""
    count = 0
    while count < limit and (index := current_slot(client)) is not None:
        question = seat.interview.slots[index].question
        page = client.get(f"/q/{index}")
        assert page.status_code == 200, page.text
        reply = client.post(f"/q/{index}", data=form_fields(seat, index, target.value(question.id)))
        assert reply.status_code == 303, reply.text
        count += 1
    return count


@pytest.fixture
def example(content: Content) -> Answers:
    return load_answers(example_answers("example"), content)


@pytest.fixture
def alone(tmp_path: Path, content: Content) -> Workshop:
    return open_alone(content, tmp_path / "answers.yaml", "zh")


def saved(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


# --- the interview alone ------------------------------------------------------------------------


def test_a_whole_interview_through_the_forms_writes_the_same_answers_as_the_persona(
    alone: Workshop, example: Answers
) -> None:
    client = client_of(alone)
    seat = alone.seats[0]
    enter(client, seat)
    assert client.get("/next").headers["location"] == "/"  # the name comes first
    welcome = client.get("/")
    assert "答题人姓名" in welcome.text and seat.key.csrf in welcome.text
    assert client.post("/who", data={"csrf": seat.key.csrf, "name": "王建国", "role": "副总经理"}).status_code == 303
    answered = answer_everything(client, seat, example)
    assert answered > 40
    written = load_answers(seat.path, alone.content)
    assert written.respondents[0].name == "王建国"
    assert written.assessment.date is not None
    for slot in Interview(alone.content, written.model_dump(mode="json")).slots:
        value = written.value(slot.question.id)
        if value is not None:  # several choices are kept in the options' order
            wanted = example.value(slot.question.id)
            assert sorted(value) == sorted(wanted) if isinstance(value, list) else value == wanted, slot.question.id
    assert client.get("/next").headers["location"] == "/review?done=1"
    review = client.get("/review?done=1")
    assert "全部问题已答完" in review.text and "/result" in review.text
    result = client.get("/result")
    assert result.status_code == 200
    assert "评估结果" in result.text and "模型路线" in result.text and "部署方式" in result.text
    assert "生成PDF报告" in result.text


def test_unknown_not_applicable_back_and_a_note(alone: Workshop) -> None:
    client = client_of(alone)
    seat = alone.seats[0]
    enter(client, seat)
    client.post("/who", data={"csrf": seat.key.csrf, "name": "Li", "role": ""})
    interview = seat.interview
    opening = current_slot(client)
    assert opening is not None
    page = client.get(f"/q/{opening}").text
    assert "返回" not in page  # the first question has nothing to go back to
    assert "不清楚" not in page  # the enterprise's name is always known
    client.post(f"/q/{opening}", data={"csrf": seat.key.csrf, "action": "answer", "value": "恒锐机床"})
    first = current_slot(client)
    assert first is not None
    question = interview.slots[first].question
    assert "不清楚" in client.get(f"/q/{first}").text
    reply = client.post(f"/q/{first}", data={"csrf": seat.key.csrf, "action": "unknown", "note": "查过年报"})
    assert reply.status_code == 303
    data = saved(seat.path)
    assert data["enterprise"][question.id.split(".", 1)[1]] == UNKNOWN
    assert data["notes"][question.id] == "查过年报"
    second = current_slot(client)
    assert second is not None and second != first
    assert "返回" in client.get(f"/q/{second}").text
    back = client.post(f"/q/{second}", data={"csrf": seat.key.csrf, "action": "back", "note": ""})
    assert back.headers["location"] == f"/q/{first}"
    again = client.get(f"/q/{first}").text
    assert "当前答案：不清楚" in again and "查过年报" in again
    # not relevant, where a question allows it, and refused where it does not
    allowed = next(s for s in interview.slots if s.question.allow_not_applicable and interview.visible(s))
    refused = next(s for s in interview.slots if not s.question.allow_not_applicable and interview.visible(s))
    assert "不适用" in client.get(f"/q/{allowed.index}").text
    assert "不适用" not in client.get(f"/q/{refused.index}").text.split("<form", 1)[1]
    ok = client.post(f"/q/{allowed.index}", data={"csrf": seat.key.csrf, "action": "not_applicable"})
    assert ok.status_code == 303 and interview.value(allowed.question.id) == NOT_APPLICABLE
    forged = client.post(f"/q/{refused.index}", data={"csrf": seat.key.csrf, "action": "not_applicable"})
    assert forged.status_code == 422 and interview.value(refused.question.id) != NOT_APPLICABLE


def test_a_wrong_answer_is_asked_again_with_the_reason_and_what_was_typed(alone: Workshop) -> None:
    client = client_of(alone)
    seat = alone.seats[0]
    enter(client, seat)
    number = next(s for s in seat.interview.slots if s.question.type == "number" and seat.interview.visible(s))
    reply = client.post(f"/q/{number.index}", data={"csrf": seat.key.csrf, "action": "answer", "value": "很多"})
    assert reply.status_code == 422
    assert "不是数字" in reply.text and 'value="很多"' in reply.text
    assert seat.interview.value(number.question.id) is None
    good = client.post(f"/q/{number.index}", data={"csrf": seat.key.csrf, "action": "answer", "value": "1.2万"})
    assert good.status_code == 303 and seat.interview.value(number.question.id) == 12000
    single = next(s for s in seat.interview.slots if s.question.type == "single" and seat.interview.visible(s))
    bad = client.post(f"/q/{single.index}", data={"csrf": seat.key.csrf, "action": "answer", "value": "no_such"})
    assert bad.status_code == 422 and "请在列出的选项中选择" in bad.text
    empty = client.post(f"/q/{single.index}", data={"csrf": seat.key.csrf, "action": "answer"})
    assert empty.status_code == 422 and "请选择一项答案" in empty.text


def test_a_reload_or_a_new_server_resumes_at_the_right_question(
    tmp_path: Path, content: Content, example: Answers
) -> None:
    path = tmp_path / "answers.yaml"
    room = open_alone(content, path, "zh")
    client = client_of(room)
    enter(client, room.seats[0])
    client.post("/who", data={"csrf": room.seats[0].key.csrf, "name": "Li", "role": ""})
    answer_everything(client, room.seats[0], example, limit=12)
    where = current_slot(client)
    assert client.get(f"/q/{where}").status_code == 200  # a reload shows the same question
    assert current_slot(client) == where
    again = open_alone(content, path, "zh")  # the server stopped and started again
    client = client_of(again)
    enter(client, again.seats[0])
    assert current_slot(client) == where
    assert len(saved(path)["enterprise"]) == 12


def test_review_leads_back_to_the_review(alone: Workshop, example: Answers) -> None:
    client = client_of(alone)
    seat = alone.seats[0]
    enter(client, seat)
    client.post("/who", data={"csrf": seat.key.csrf, "name": "Li", "role": ""})
    answer_everything(client, seat, example, limit=3)
    first = seat.slots()[0]
    page = client.get(f"/q/{first.index}?from=review")
    assert 'name="from" value="review"' in page.text
    fields = {**form_fields(seat, first.index, example.value(first.question.id)), "from": "review"}
    assert client.post(f"/q/{first.index}", data=fields).headers["location"] == f"/review#q{first.index}"


@pytest.mark.slow
def test_the_report_button_writes_the_pdf_and_offers_it(alone: Workshop, example: Answers) -> None:
    client = client_of(alone)
    seat = alone.seats[0]
    enter(client, seat)
    client.post("/who", data={"csrf": seat.key.csrf, "name": "Li", "role": ""})
    answer_everything(client, seat, example)
    assert client.get("/report.pdf").status_code == 404  # nothing written yet
    assert client.post("/report", data={"csrf": seat.key.csrf}).headers["location"] == "/result#report"
    pdf = seat.path.with_suffix(".pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    download = client.get("/report.pdf")
    assert download.content == pdf.read_bytes()
    assert download.headers["content-type"] == "application/pdf"
    assert "attachment" in download.headers["content-disposition"]
    assert "answers.pdf" in client.get("/result").text


# --- security -----------------------------------------------------------------------------------


def unknowable(seat: Seat) -> int:
    """A question shown now that may be answered "don't know"."""
    return next(s.index for s in seat.slots() if s.question.allow_unknown)


PAGES = ["/", "/next", "/q/0", "/q/25", "/review", "/result", "/report.pdf", "/lead", "/lead/report.pdf"]


def test_without_a_token_every_page_is_refused_and_shows_nothing(alone: Workshop, example: Answers) -> None:
    seat = alone.seats[0]
    seat.interview.data["enterprise"]["name"] = "秘密机床厂"
    seat.save()
    client = client_of(alone)
    for page in PAGES:
        reply = client.get(page)
        assert reply.status_code == 403, page
        assert "秘密机床厂" not in reply.text and seat.key.csrf not in reply.text
    before = seat.path.read_bytes()
    target = unknowable(seat)
    for page in (f"/q/{target}", "/who", "/report", "/lead/merge"):
        assert client.post(page, data={"csrf": seat.key.csrf, "action": "unknown"}).status_code == 403
    assert seat.interview.value(seat.interview.slots[target].question.id) is None
    assert seat.path.read_bytes() == before
    # a wrong token, or a cookie made up, is refused alike and sets no cookie
    assert client.get("/t/not-the-token").status_code == 403 and not client.cookies
    client.cookies.set("readiness_seat", seat.key.link)  # the link's token is not the cookie's value
    assert client.get("/").status_code == 403


def test_the_token_becomes_a_strict_http_only_cookie_and_leaves_the_address(alone: Workshop) -> None:
    client = client_of(alone)
    reply = client.get(f"/t/{alone.seats[0].key.link}")
    assert reply.status_code == 303 and alone.seats[0].key.link not in reply.headers["location"]
    cookie = reply.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert alone.seats[0].key.link not in cookie
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_a_post_without_the_csrf_token_changes_nothing(alone: Workshop) -> None:
    client = client_of(alone)
    seat = alone.seats[0]
    enter(client, seat)
    before = seat.path.read_bytes()
    target = unknowable(seat)
    for data in ({"action": "unknown"}, {"action": "unknown", "csrf": "forged"}, {"action": "unknown", "csrf": ""}):
        assert client.post(f"/q/{target}", data=data).status_code == 403
        assert client.post("/who", data={**data, "name": "Mallory"}).status_code == 403
    assert client.post("/report", data={"csrf": "forged"}).status_code == 403
    assert seat.path.read_bytes() == before
    assert seat.interview.value(seat.interview.slots[target].question.id) is None
    # the same form with the token is taken: the refusal above was the token's doing
    assert client.post(f"/q/{target}", data={"action": "unknown", "csrf": seat.key.csrf}).status_code == 303
    assert seat.interview.value(seat.interview.slots[target].question.id) == UNKNOWN


def test_requests_over_the_size_cap_are_refused(alone: Workshop) -> None:
    client = client_of(alone)
    seat = alone.seats[0]
    enter(client, seat)
    before = seat.path.read_bytes()
    target = unknowable(seat)
    huge = {"csrf": seat.key.csrf, "action": "unknown", "note": "备" * MAX_BODY}
    assert client.post(f"/q/{target}", data=huge).status_code == 413
    chunks = (b"csrf=" + seat.key.csrf.encode() + b"&action=unknown&note=" + b"x" * 8192 for _ in range(20))
    streamed = client.post(
        f"/q/{target}", content=chunks, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert streamed.status_code == 413
    assert seat.path.read_bytes() == before


def test_what_people_write_is_escaped(alone: Workshop) -> None:
    client = client_of(alone)
    seat = alone.seats[0]
    enter(client, seat)
    client.post("/who", data={"csrf": seat.key.csrf, "name": "<script>alert(1)</script>", "role": ""})
    text_slot = next(s for s in seat.interview.slots if s.question.type == "text")
    seat.interview.note(text_slot.question.id, '"><img src=x onerror=alert(2)>')
    page = client.get(f"/q/{text_slot.index}").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_no_path_from_a_request_reaches_the_file_system(alone: Workshop) -> None:
    client = client_of(alone)
    enter(client, alone.seats[0])
    for page in ("/../answers.yaml", "/answers.yaml", "/style.css/../answers.yaml", "/q/..%2F..%2Fetc", "/static/"):
        reply = client.get(page)
        assert reply.status_code in (403, 404), page
        assert "questionnaire:" not in reply.text
    assert client.get("/q/99999").status_code == 404
    assert client.get("/style.css").headers["content-type"].startswith("text/css")


def test_a_bug_gives_a_page_and_a_crash_log_not_a_traceback(
    alone: Workshop, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("READINESS_CACHE_DIR", str(tmp_path / "cache"))
    client = TestClient(create_app(alone), base_url=BASE, follow_redirects=False, raise_server_exceptions=False)
    enter(client, alone.seats[0])

    def broken(*args: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(Seat, "answered", broken)
    reply = client.get("/")
    assert reply.status_code == 500 and "已保存的答案都在" in reply.text and "Traceback" not in reply.text
    assert "default-src 'self'" in reply.headers["content-security-policy"]
    assert "RuntimeError: a bug" in capsys.readouterr().err
    assert list((tmp_path / "cache").glob("crash-*.log"))


# --- the workshop -------------------------------------------------------------------------------


@pytest.fixture
def workshop(tmp_path: Path, content: Content) -> Workshop:
    plans = [
        parse_respondent("王厂长=manager", content, "zh"),
        parse_respondent("李工=it:infrastructure,data", content, "zh"),
    ]
    return open_workshop(content, tmp_path / "workshop", plans, "zh")


def test_respondents_are_named_with_roles_and_steps(content: Content) -> None:
    manager = parse_respondent("王厂长=manager", content, "zh")
    assert manager == Plan("王厂长", "厂长", ("profile", "diagnosis", "infrastructure"))
    assert parse_respondent("Li\uff1d质量负责人", content, "en").steps == ("industry", "models")
    assert parse_respondent("陈工：data，compute", content, "zh").steps == ("data", "compute")
    assert parse_respondent("Chen=QA lead:security", content, "en") == Plan("Chen", "QA lead", ("security",))
    everything = parse_respondent("Zhou", content, "en")
    assert everything.steps == tuple(s.id for s in content.questionnaire.steps) and everything.role == ""
    with pytest.raises(ContentError, match="datta"):
        parse_respondent("Li:datta", content, "en")
    with pytest.raises(ContentError, match="NAME=ROLE"):
        parse_respondent("=manager", content, "en")
    assert file_name(3, "王/../厂长") == "03-王----厂长.yaml"


def test_each_respondent_sees_and_changes_only_their_own_answers(workshop: Workshop) -> None:
    manager, it = workshop.seats
    a, b = client_of(workshop), client_of(workshop)
    enter(a, manager)
    enter(b, it)
    data_slot = next(s for s in it.slots() if s.step.id == "data")
    b.post(f"/q/{data_slot.index}", data={"csrf": it.key.csrf, "action": "answer", "value": "李工的秘密答案"})
    it.interview.note(data_slot.question.id, "李工的备注")
    it.save()
    before = it.path.read_bytes()
    # the manager does not answer the data step: its questions do not exist for them
    assert a.get(f"/q/{data_slot.index}").status_code == 404
    assert a.post(f"/q/{data_slot.index}", data=form_fields(manager, data_slot.index, UNKNOWN)).status_code == 404
    # the IT lead's CSRF token with the manager's cookie is refused
    shared = next(s for s in manager.slots() if s.step.id == "infrastructure")
    assert a.post(f"/q/{shared.index}", data=form_fields(it, shared.index, UNKNOWN)).status_code == 403
    for page in ("/", "/review", f"/q/{shared.index}"):
        assert "李工的备注" not in a.get(page).text
    assert it.path.read_bytes() == before
    assert manager.interview.value(shared.question.id) is None
    assert a.get("/lead").status_code == 403  # a respondent is not the facilitator
    assert a.get("/result").status_code == 403  # the facilitator merges and reports


def test_the_facilitator_sees_progress_and_disagreements(workshop: Workshop) -> None:
    manager, it = workshop.seats
    a, b, lead = client_of(workshop), client_of(workshop), client_of(workshop)
    enter(a, manager)
    enter(b, it)
    assert workshop.lead is not None
    assert lead.get(f"/lead/t/{manager.key.link}").status_code == 403
    assert lead.get(f"/lead/t/{workshop.lead.link}").headers["location"] == "/lead"
    page = lead.get("/lead").text
    assert "王厂长" in page and "李工" in page and "目前没有分歧" in page
    assert "<svg" not in page  # no address to show yet
    workshop.base = BASE
    page = lead.get("/lead").text
    assert page.count("<svg") == 2 and f"{BASE}/t/{it.key.link}" in page  # the QR codes, to show on a screen
    shared = next(s for s in manager.slots() if s.step.id == "infrastructure" and s.question.type == "single")
    first, second = shared.question.options[0], shared.question.options[-1]
    a.post(f"/q/{shared.index}", data=form_fields(manager, shared.index, first.id))
    b.post(f"/q/{shared.index}", data=form_fields(it, shared.index, second.id))
    page = lead.get("/lead").text
    assert first.label.get("zh") in page and second.label.get("zh") in page and "合并后保留" in page
    assert "已答1题" in page
    # the files: one per respondent, the same answers format, the profile shared
    assert saved(manager.path)["answers"][shared.question.id] == first.id
    assert saved(it.path)["respondents"] == [{"name": "李工", "role": "信息化负责人"}]


@pytest.mark.slow
def test_the_facilitator_merges_and_writes_the_report(workshop: Workshop, example: Answers) -> None:
    manager = workshop.seats[0]
    for seat in workshop.seats:
        client = client_of(workshop)
        enter(client, seat)
        answer_everything(client, seat, example)
    lead = client_of(workshop)
    assert workshop.lead is not None
    lead.get(f"/lead/t/{workshop.lead.link}")
    assert lead.post("/lead/merge", data={"csrf": manager.key.csrf}).status_code == 403
    assert lead.post("/lead/merge", data={"csrf": workshop.lead.csrf}).headers["location"] == "/lead#report"
    folder = workshop.folder
    assert folder is not None
    merged = load_answers(folder / "merged.yaml", workshop.content)
    assert {r.name for r in merged.respondents} == {"王厂长", "李工"}
    assert (folder / "report.pdf").read_bytes().startswith(b"%PDF")
    assert lead.get("/lead/report.pdf").content == (folder / "report.pdf").read_bytes()
    assert "评估结果" in lead.get("/lead").text


# --- the real server, as the command line starts it --------------------------------------------


class Running:
    """`readiness serve` in its own process; its links read from what it prints."""

    def __init__(self, *args: str, lang: str = "zh", sigint_ignored: bool = False) -> None:
        env = {**os.environ, "COLUMNS": "250", "NO_COLOR": "1"}
        command = [str(Path(sys.executable).parent / "readiness"), "serve", *args, "--no-browser", "--lang", lang]
        # As a script's background job starts it: with Ctrl-C ignored.
        ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint_ignored else None
        self.process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, preexec_fn=ignore
        )
        self.links: list[str] = []
        self.printed: list[str] = []
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.printed.append(line)
            found = re.search(r"http://\S+", line)
            if found:
                self.links.append(found.group(0))
            if "Ctrl-C" in line:
                break
        assert self.links, "".join(self.printed)
        self.base = re.sub(r"(http://[^/]+).*", r"\1", self.links[0])

    def stop(self, signal_number: int = signal.SIGINT) -> int:
        self.process.send_signal(signal_number)
        return self.process.wait(timeout=20)


def test_kill_9_during_a_workshop_loses_no_saved_answer(tmp_path: Path, content: Content, example: Answers) -> None:
    import httpx2

    folder = tmp_path / "workshop"
    server = Running(str(folder), "--workshop", "-r", "王厂长=manager", "-r", "李工=it")
    try:
        respondent = httpx2.Client(base_url=server.base, follow_redirects=False, timeout=10)
        respondent.get(server.links[0].removeprefix(server.base))
        first = respondent.get(respondent.get("/next").headers["location"]).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', first)
        assert csrf is not None
        interview = Interview.start(content, "zh")
        given = []
        for _ in range(15):
            where = respondent.get("/next").headers["location"]
            index = int(where.removeprefix("/q/"))
            question = interview.slots[index].question
            value = example.value(question.id)
            fields: dict[str, Any] = {"csrf": csrf.group(1), "action": "answer"}
            fields["value"] = ("yes" if value else "no") if question.type == "yes_no" else value
            if not isinstance(value, list):
                fields["value"] = str(fields["value"])
            assert respondent.post(where, data=fields).status_code == 303  # a reply means saved
            given.append(question.id)
    finally:
        server.process.kill()  # kill -9: no chance to save anything more
        server.process.wait()
    kept = load_answers(folder / "01-王厂长.yaml", content)
    assert [key for key in given if kept.value(key) is None] == []
    assert kept.respondents[0].name == "王厂长"
    assert load_answers(folder / "02-李工.yaml", content).respondents[0].role == "信息化负责人"
    # started again, it resumes: the same people, the same links, the phone's cookie still works,
    # at the next open question
    port = server.base.rsplit(":", 1)[1]
    again = Running(str(folder), "--workshop", "-r", "王厂长=manager", "-r", "李工=it", "--port", port)
    try:
        assert again.links == server.links
        where = respondent.get("/next").headers["location"]
        assert interview.slots[int(where.removeprefix("/q/"))].question.id not in given
    finally:
        assert again.stop() == 0
    assert (folder / ".serve-keys.json").stat().st_mode & 0o077 == 0  # the keys are the owner's only
    assert "已停止" in "".join(again.process.stdout or [])


def test_the_terminal_shows_a_link_and_a_qr_code_per_respondent_and_the_facilitators_link(tmp_path: Path) -> None:
    server = Running(str(tmp_path / "w"), "--workshop", "-r", "王厂长=manager:profile,diagnosis", "-r", "李工=it")
    try:
        printed = "".join(server.printed)
        assert len(server.links) == 3 and "/lead/t/" in server.links[2]
        assert "王厂长（厂长）：企业基本情况 · " in printed and "李工（信息化负责人）" in printed
        assert printed.count("█") > 200  # the QR codes, drawn with block characters
        assert "以下步骤没有人作答" in printed  # nobody answers infrastructure, industry or models
        assert server.base.startswith("http://127.0.0.1:")
    finally:
        assert server.stop() == 0


def test_a_second_server_on_the_same_answers_file_is_refused(tmp_path: Path) -> None:
    server = Running(str(tmp_path / "answers.yaml"))
    try:
        second = subprocess.run(
            [str(Path(sys.executable).parent / "readiness"), "serve", str(tmp_path / "answers.yaml"), "--no-browser"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode == 1 and "another interview" in second.stderr
    finally:
        assert server.stop() == 0


def test_wrong_options_are_refused_with_a_clear_message_and_create_nothing(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from readiness.cli import app

    runner = CliRunner()
    folder = tmp_path / "w"
    wrong = runner.invoke(app, ["serve", str(folder), "-r", "Li:datta", "--no-browser", "--lang", "en"])
    assert wrong.exit_code == 1 and "unknown step 'datta'" in wrong.output and "Traceback" not in wrong.output
    assert not folder.exists()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    not_a_folder = runner.invoke(app, ["serve", str(tmp_path / "file"), "--workshop", "--no-browser", "--lang", "zh"])
    assert not_a_folder.exit_code == 1 and "不是文件夹" in not_a_folder.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("questionnaire: ai_manufacturing\nanswers: [1]\n", encoding="utf-8")
    refused = runner.invoke(app, ["serve", str(broken), "--no-browser", "--lang", "en"])
    assert refused.exit_code == 1 and "broken.yaml" in refused.output
    assert broken.read_text(encoding="utf-8") == "questionnaire: ai_manufacturing\nanswers: [1]\n"


def test_the_listening_socket_sends_without_nagle_delay() -> None:
    """Pages are headers and body in two writes: without TCP_NODELAY the body waits for the
    client's delayed acknowledgement, 40 ms per page on Linux."""
    import socket

    from readiness.cli.serve_command import _listen

    sock = _listen("127.0.0.1", 0)
    try:
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        client = socket.create_connection(sock.getsockname())
        accepted, _ = sock.accept()
        assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1  # inherited
        accepted.close()
        client.close()
    finally:
        sock.close()


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")
def test_ctrl_c_stops_the_server_even_when_started_with_it_ignored(tmp_path: Path) -> None:
    for turn in range(3):  # the Ctrl-C comes at once, while the server is still starting
        server = Running(str(tmp_path / f"answers-{turn}.yaml"), sigint_ignored=True)
        try:
            assert server.stop() == 0
        finally:
            server.process.kill()
