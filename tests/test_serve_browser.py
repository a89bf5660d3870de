"""`readiness serve` in a real browser: Playwright driving the system's Chromium.

Chromium comes from the system's packages (the Makefile installs it); Playwright's own browser
download is not used. Screenshots go to $READINESS_SCREENSHOTS when it is set (to look at them),
else into the test's temporary folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from readiness.interview import Interview
from readiness.loader import load_answers
from readiness.model import NOT_APPLICABLE, UNKNOWN, Answers, Content
from readiness.resources import example_answers
from tests.test_serve import Running

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium (make setup installs the chromium package)"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("READINESS_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def example(content: Content) -> Answers:
    return load_answers(example_answers("example"), content)


def slot_of(page: Any, interview: Interview) -> Any:
    found = re.search(r"/q/(\d+)", page.url)
    return interview.slots[int(found.group(1))] if found else None


def press(page: Any, selector: str) -> None:
    """Click a button or link that loads a page, and wait for that page (the next question must not be
    mistaken for the one just answered)."""
    with page.expect_navigation():
        page.click(selector)


def give(page: Any, question: Any, value: Any) -> None:
    """Fill in the form as a person would, and press the main button (or don't know, not relevant)."""
    if value in (UNKNOWN, NOT_APPLICABLE):
        press(page, f'button[value="{"unknown" if value == UNKNOWN else "not_applicable"}"]')
    elif question.type == "yes_no":
        page.check(f'input[name="value"][value="{"yes" if value else "no"}"]')
    elif question.type == "multi":
        for box in page.locator('input[name="value"]').all():
            box.set_checked(box.get_attribute("value") in value)
    elif question.type == "single":
        if page.locator('select[name="value"]').count():
            page.select_option('select[name="value"]', value)
        else:
            page.check(f'input[name="value"][value="{value}"]')
    elif question.type == "text":
        page.fill('textarea[name="value"]', str(value))
    else:
        page.fill('input[name="value"]', f"{value:g}" if isinstance(value, float) else str(value))
    if value not in (UNKNOWN, NOT_APPLICABLE):
        press(page, 'button[value="answer"]')


def test_a_whole_interview_in_chinese_on_a_phone(
    browser: Any, tmp_path: Path, content: Content, example: Answers, shots: Path
) -> None:
    path = tmp_path / "answers.yaml"
    server = Running(str(path))
    try:
        page = browser.new_page(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        refused: list[str] = []
        page.on("console", lambda message: refused.append(message.text) if "Content Security" in message.text else None)
        page.goto(server.links[0])
        assert page.url == f"{server.base}/"  # the token is gone from the address
        page.screenshot(path=str(shots / "phone-zh-welcome.png"), full_page=True)
        page.fill('input[name="name"]', "王建国")
        page.fill('input[name="role"]', "副总经理")
        press(page, "button.primary")
        interview = Interview.start(content, "zh")
        used: dict[str, str] = {}
        count = 0
        shot_kinds: set[str] = set()
        while (slot := slot_of(page, interview)) is not None:
            question = slot.question
            assert page.inner_text("h1") == question.text.get("zh")
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
            if question.type not in shot_kinds and count > 2:
                shot_kinds.add(question.type)
                page.screenshot(path=str(shots / f"phone-zh-{question.type}.png"), full_page=True)
            count += 1
            if count == 4:
                page.click("details.note summary")
                page.fill('textarea[name="note"]', "数据来自2024年年报")
                used["note"] = question.id
            if count == 9 and "back" not in used:
                press(page, 'button[value="back"]')
                earlier = slot_of(page, interview)
                assert earlier is not None and earlier.index < slot.index
                assert "当前答案" in page.content() or page.locator("input:checked, input[value]").count()
                used["back"] = earlier.question.id
                continue
            if count == 20:
                before = page.url
                page.reload()  # a locked phone, a reload: the same question again
                assert page.url == before and page.inner_text("h1") == question.text.get("zh")
            if "unknown" not in used and question.allow_unknown and question.id.startswith(("diagnosis", "data")):
                press(page, 'button[value="unknown"]')
                used["unknown"] = question.id
                continue
            if "na" not in used and question.allow_not_applicable:
                page.screenshot(path=str(shots / "phone-zh-not-applicable.png"), full_page=True)
                press(page, 'button[value="not_applicable"]')
                used["na"] = question.id
                continue
            give(page, question, example.value(question.id))
            error = page.locator(".error")
            assert not error.count(), f"{question.id}: {error.inner_text() if error.count() else ''}"
        assert {"note", "back", "unknown", "na"} <= set(used), used
        assert count > 40
        page.screenshot(path=str(shots / "phone-zh-review.png"), full_page=True)
        assert "全部问题已答完" in page.inner_text("main")
        press(page, "text=查看评估结果")
        page.screenshot(path=str(shots / "phone-zh-result.png"), full_page=True)
        assert "模型路线" in page.inner_text("main") and "部署方式" in page.inner_text("main")
        press(page, "text=生成PDF报告")
        with page.expect_download() as download:
            page.click("text=下载PDF报告")
        pdf = Path(download.value.path())
        assert pdf.read_bytes().startswith(b"%PDF")
        assert path.with_suffix(".pdf").read_bytes() == pdf.read_bytes()
        saved = load_answers(path, content)
        assert saved.value(used["unknown"]) == UNKNOWN
        assert saved.value(used["na"]) == NOT_APPLICABLE
        assert saved.notes[used["note"]] == "数据来自2024年年报"
        assert saved.respondents[0].name == "王建国"
        assert refused == []  # the strict Content-Security-Policy blocks nothing of the page's own
    finally:
        assert server.stop() == 0


def test_two_respondents_at_once_and_the_facilitators_disagreements(
    browser: Any, tmp_path: Path, content: Content, example: Answers, shots: Path
) -> None:
    folder = tmp_path / "workshop"
    server = Running(
        str(folder), "--workshop", "-r", "王厂长=manager:profile,infrastructure", "-r", "李工=it:infrastructure,data"
    )
    try:
        phones = [browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True) for _ in range(2)]
        manager, it = (context.new_page() for context in phones)
        manager.goto(server.links[0])
        it.goto(server.links[1])
        assert "王厂长" in manager.inner_text("header") and "李工" in it.inner_text("header")
        manager.screenshot(path=str(shots / "phone-zh-workshop-welcome.png"), full_page=True)
        interview = Interview.start(content, "zh")
        for page in (manager, it):
            press(page, "a.button.primary")
        # both answer at the same time, question by question; on infrastructure they disagree
        disagreed = []
        for _ in range(60):
            moved = False
            for page, contrary in ((manager, False), (it, True)):
                slot = slot_of(page, interview)
                if slot is None:
                    continue
                moved = True
                question = slot.question
                value = example.value(question.id)
                if contrary and question.type == "single" and slot.step.id == "infrastructure" and len(disagreed) < 2:
                    value = next(o.id for o in question.options if o.id != value)
                    disagreed.append(question.id)
                give(page, question, value)
            if not moved:
                break
        assert len(disagreed) == 2
        assert "谢谢" in manager.inner_text("main") and "谢谢" in it.inner_text("main")
        lead = browser.new_page(viewport=DESKTOP)
        refused: list[str] = []
        lead.on("console", lambda message: refused.append(message.text) if "Content Security" in message.text else None)
        lead.goto(server.links[2])
        assert lead.url == f"{server.base}/lead"
        listed = lead.inner_text("#disagreements")
        index = content.questionnaire.question_index()
        from readiness.report.wording import question_name

        for key in disagreed:
            assert question_name(index[key], "zh") in listed
        assert "王厂长" in listed and "李工" in listed and "合并后保留" in listed
        lead.screenshot(path=str(shots / "desktop-zh-facilitator.png"), full_page=True)
        lead.click("details.links summary")
        assert lead.locator(".codes svg").count() == 2
        lead.screenshot(path=str(shots / "desktop-zh-facilitator-codes.png"), full_page=True)
        assert refused == []  # the strict Content-Security-Policy blocks nothing of the page's own
        phone_lead = browser.new_page(viewport=PHONE, is_mobile=True)
        phone_lead.goto(server.links[2])
        phone_lead.screenshot(path=str(shots / "phone-zh-facilitator.png"), full_page=True)
        # the respondent's cookie does not open the facilitator's page
        assert manager.goto(f"{server.base}/lead").status == 403
        press(lead, "text=合并答案并生成报告")
        assert "答案已合并" in lead.inner_text("#report")
        with lead.expect_download() as download:
            lead.click("text=下载PDF报告")
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
        lead.screenshot(path=str(shots / "desktop-zh-facilitator-merged.png"), full_page=True)
        merged = load_answers(folder / "merged.yaml", content)
        assert {d.question for d in merged.disagreements} == set(disagreed)
    finally:
        assert server.stop() == 0


def test_english_pages_at_desktop_and_phone_width(
    browser: Any, tmp_path: Path, content: Content, example: Answers, shots: Path
) -> None:
    path = tmp_path / "answers.yaml"
    server = Running(str(path), lang="en")
    try:
        for name, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page = browser.new_page(viewport=size)
            page.goto(server.links[0])
            if name == "desktop":
                page.screenshot(path=str(shots / f"{name}-en-welcome.png"), full_page=True)
                page.fill('input[name="name"]', "Li Wei")
                press(page, "button.primary")
            else:
                page.goto(f"{server.base}/next")
            interview = Interview.start(content, "en")
            for _ in range(3 if name == "desktop" else 24):
                slot = slot_of(page, interview)
                assert slot is not None
                give(page, slot.question, example.value(slot.question.id))
            page.screenshot(path=str(shots / f"{name}-en-question.png"), full_page=True)
            text = page.inner_text("main")
            assert not re.search(r"[\u4e00-\u9fff]", text), text  # nothing Chinese on an English page
        page.goto(f"{server.base}/review")
        page.screenshot(path=str(shots / "phone-en-review.png"), full_page=True)
    finally:
        assert server.stop() == 0
