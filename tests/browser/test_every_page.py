"""Every page, as each of the four people sees it, in headless Chromium.

One journey per role (administrator, plan author, leader, focal officer) over a province's
plan that has lived a while: reminders and warnings sent, a report, a pending extension, an
output sent back. Every page is checked at 1366 px and 375 px, in Vietnamese and then in
English, and a screenshot of each is saved under ``TRACKER_TEST_ARTIFACTS`` (default
``test-artifacts/``) for a person to look at. The checks on every page:

- nothing wider than a phone, and no word broken inside a table cell (``fits_phone``);
- times in Vietnam's time zone: a report made at 05:13 on 15/06 (22:13 UTC the day
  before) reads 05:13, and no page says "UTC";
- no internal code reaches a person (``FORBIDDEN``);
- in English, no Vietnamese except what comes from the plans and the directory (``DATA``).
"""

from __future__ import annotations

import os
import re
import unicodedata
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tracker.accounts.manage import create_account, find_committee
from tracker.extensions import db
from tracker.jobs import run
from tracker.models import (
    Account,
    Agency,
    AgencyGroup,
    Assignment,
    Deadline,
    ExtensionRequest,
    FocalOfficer,
    Occurrence,
    OutboxMessage,
    Plan,
    Section,
    StatusChange,
    Task,
)
from tracker.plans import extension_requests as extensions
from tracker.plans import progress

from ..conftest import PASSWORD, ROOT, SEEDS, STP_OFFICER
from .test_journeys import _import_seed, fits_phone, smtp  # noqa: F401  (the mail catcher fixture)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DESKTOP = {"width": 1366, "height": 900}
ARTIFACTS = Path(os.environ.get("TRACKER_TEST_ARTIFACTS") or ROOT / "test-artifacts") / "pages"
ADMIN, AUTHOR, LEADER = "quantri@soctrang.example", "soanthao@soctrang.example", "lanhdao@soctrang.example"
REPORTED_AT = datetime(2017, 6, 15, 5, 13, tzinfo=TZ)       # 22:13 UTC on 14/06

# Words that are the code's, not the people's: step keys, message kinds, column and
# library names, untranslated placeholders.
FORBIDDEN = re.compile(r"escalation_|overdue-\d|before-\d|checkin-\d|signin_link|extension_request|"
                       r"output_returned|“owners”|\brow_owners\b|\(committee\)|thư viện holidays|\bNone\b(?![.:])|"
                       r"%\(|\{\{|\bUTC\b|in_progress|not_started")
# Letters only Vietnamese uses (with its tone marks): English text has none.
_VIETNAMESE = re.compile("[ăâđêôơưĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
                         "ÀÁẢÃẠẰẮẲẴẶẦẤẨẪẬÈÉẺẼẸỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌỒỐỔỖỘỜỚỞỠỢÙÚỦŨỤỪỨỬỮỰỲÝỶỸỴ]")


@pytest.fixture
def province(web_app, web_directory, smtp):
    """Sóc Trăng's plan on 04/07/2017, three weeks after its second-quarter deadlines."""
    committee = find_committee(db.session, "UBND tỉnh Sóc Trăng")
    create_account(db.session, ADMIN, "Quản trị hệ thống", "admin", None, PASSWORD)
    create_account(db.session, AUTHOR, "Chuyên viên VP", "author", committee, PASSWORD)
    create_account(db.session, LEADER, "Phó Chủ tịch", "leader", committee, PASSWORD)
    create_account(db.session, STP_OFFICER, "Kim Minh Thành", "officer", None, PASSWORD)
    db.session.commit()
    plan = _import_seed()
    for day in (date(2017, 6, 23), date(2017, 6, 29), date(2017, 7, 4)):
        at = datetime.combine(day, time(7, 30), TZ)
        for job in ("reminders", "overdue", "escalation", "checkins", "send"):
            run(job, at)

    stp = db.session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))
    mine = db.session.scalars(select(Assignment).where(Assignment.agency_id == stp.id)).all()
    reported = next(a for a in mine if a.deadline.due == date(2017, 6, 30) and not a.occurrences)
    returned = next(a for a in mine if a.deadline.due is not None and not a.occurrences
                    and a is not reported and a.deadline.due != date(2017, 1, 31))
    late = next(a for a in mine if a.deadline.due == date(2017, 1, 31))
    web_app.config["TRACKER_NOW"] = REPORTED_AT
    progress.report(db.session, reported, "in_progress", by=STP_OFFICER, progress=60,
                    comment="Đã dự thảo quyết định")
    progress.report(db.session, returned, "done", by=STP_OFFICER, progress=100)
    progress.return_output(db.session, returned, AUTHOR, "Thiếu phụ lục kèm theo")
    extensions.request_extension(db.session, late, None, date(2017, 7, 31), "Chờ hướng dẫn", STP_OFFICER)
    db.session.commit()
    web_app.config["TRACKER_NOW"] = datetime(2017, 7, 4, 9, 0, tzinfo=TZ)
    return {"plan": plan, "reported": reported, "late": late}


ENDONYMS = {"Tiếng Việt"}            # a language is offered by its own name
LOANWORDS = re.compile(r"\bTết\b")     # English has no other word for it
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|‘[^’]*’")


def _data_strings() -> list[str]:
    """What the plans and the directory say in their own words (Vietnamese in any interface)."""
    columns = [Plan.title, Plan.kind, Plan.number, Plan.issuer_name, Task.content, Section.title,
               Section.numbering, Task.ref, Assignment.owner_text, Assignment.output, Deadline.text,
               Occurrence.label, Agency.name, AgencyGroup.name, Agency.head_name, Agency.head_title,
               FocalOfficer.name, Account.name, StatusChange.comment, ExtensionRequest.reason,
               OutboxMessage.subject, OutboxMessage.recipient_name]
    found: set[str] = set()
    for column in columns:
        found.update(v for v in db.session.scalars(select(column).distinct()) if v)
    for task in db.session.scalars(select(Task)):
        found.update(str(t) for t in task.targets or [])
    return sorted(found, key=len, reverse=True)


_TEXT_NODES = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!parent || parent.closest("script, style, [lang=vi], .skip")) continue;
    if (!parent.closest("option") && !parent.offsetParent && !parent.closest("details")) continue;
    const text = node.textContent.trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll("[placeholder], [aria-label], [title], input[type=submit]")) {
    for (const name of ["placeholder", "aria-label", "title", "value"]) {
      if (el.hasAttribute(name) && !(name === "value" && el.type !== "submit")) out.push(el.getAttribute(name));
    }
  }
  return out;
}"""


def _not_english(texts: list[str], data: list[str], blob: str) -> list[str]:
    """Texts with Vietnamese left once the plans' and directory's own words are taken out."""
    left = []
    for text in texts:
        text = unicodedata.normalize("NFC", text)
        if not _VIETNAMESE.search(text) or text in ENDONYMS or text.rstrip(".…") in blob:   # whole, or cut short
            continue
        rest = LOANWORDS.sub(" ", _QUOTED.sub(" ", text))     # a warning quoting the plan's own words
        for words in data:
            if words in rest:
                rest = rest.replace(words, " ")
        if _VIETNAMESE.search(rest):
            left.append(text[:120])
    return left


def _check(page: Page, name: str, language: str, data: list[str], blob: str) -> None:
    """One page at both widths: layout, time zone, no codes, one language; screenshots saved."""
    expect(page.locator("main")).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    fits_phone(page)                                  # 375 px, then desktop
    page.screenshot(path=str(ARTIFACTS / f"{name}-{language}-375.png"))
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{language}-1366.png"))
    # Dates are typed day first in every browser (an <input type=date> follows the browser's locale).
    assert page.locator("input[type=date]").count() == 0, f"{name}: a date input in the browser's format"
    assert page.locator("header nav a[aria-current=page]").count() <= 1
    # One button style: no submit control left in the browser's grey.
    grey = page.evaluate("""() => [...document.querySelectorAll(
            "main button:not(.link):not(.chip), main input[type=submit]")]
        .filter((b) => b.offsetParent && ["rgb(239, 239, 239)", "rgb(240, 240, 240)", "rgba(0, 0, 0, 0)"]
                   .includes(getComputedStyle(b).backgroundColor) && !b.classList.contains("secondary"))
        .map((b) => b.value || b.textContent.trim())""")
    assert not grey, f"{name}: unstyled buttons {grey}"
    text = page.locator("body").inner_text()
    codes = sorted({text[max(0, m.start() - 60):m.end() + 20] for m in FORBIDDEN.finditer(text)})
    assert not codes, f"{name} ({language}) shows internal codes: {codes}"
    if language == "en":
        left = _not_english(page.evaluate(_TEXT_NODES), data, blob)
        assert not left, f"{name} (English) still shows Vietnamese: {left[:8]}"


def _sign_in(page: Page, url: str, email: str) -> None:
    page.goto(f"{url}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    expect(page.locator("main")).to_be_visible()


def _switch_language(page: Page) -> None:
    page.locator("header .account form button[lang]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _tour(page: Page, url: str, role: str, pages: list[tuple[str, str]], files: tuple[Path, ...] = ()) -> None:
    """Each page in Vietnamese, then each in English. ``files``: uploaded plans whose words a
    draft's preview shows before they are in the database."""
    data = _data_strings()
    blob = "\n".join(data + [" ".join(f.read_text("utf-8").split()) for f in files])
    for language in ("vi", "en"):
        if language == "en":
            page.goto(url + pages[0][1])
            _switch_language(page)
        for name, path in pages:
            response = page.goto(url + path)
            assert response.status == 200, f"{path}: {response.status}"
            _check(page, f"{role}-{name}", language, data, blob)


def test_the_officer_sees_every_page_right(page: Page, live_url, province):
    reported = province["reported"]
    _sign_in(page, live_url, STP_OFFICER)
    page.goto(f"{live_url}/a/{reported.id}")
    # 05:13 in Hồ Chí Minh City, not 22:13 of the day before.
    expect(page.locator("tr.history-report").first).to_contain_text("15/06/2017 05:13")
    _tour(page, live_url, "officer", [
        ("my-work", "/my/"), ("assignment", f"/a/{reported.id}"), ("plans", "/plans"),
        ("plan", f"/plans/{province['plan'].id}"), ("calendar", "/my/calendar"),
        ("password", "/account/password")])


def test_the_author_sees_every_page_right(page: Page, live_url, province):
    plan, late = province["plan"], province["late"]
    task = db.session.scalar(select(Task).where(Task.plan_id == plan.id).order_by(Task.id))
    _sign_in(page, live_url, AUTHOR)
    # A second upload of the same plan: the wizard's preview of an amendment.
    page.goto(f"{live_url}/imports/new")
    page.locator("input[type=file]").set_input_files(str(SEEDS / "soc-trang-2017-kiem-soat-tthc.txt"))
    page.locator("form input[type=submit], form button[type=submit]").last.click()
    expect(page.locator("main h1")).to_be_visible()
    preview = page.url.replace(live_url, "")
    # Refusing an extension asks first; dismissed, nothing is decided.
    page.goto(f"{live_url}/extensions")
    refuse = page.locator("input[name=refuse]").first
    expect(refuse).to_have_class(re.compile("secondary"))
    page.once("dialog", lambda dialog: dialog.dismiss())
    refuse.click()
    db.session.expire_all()
    assert db.session.scalar(select(ExtensionRequest.state)) == "pending"
    _tour(page, live_url, "author", [
        ("extensions", "/extensions"), ("preview", preview), ("import", "/imports/new"),
        ("plans", "/plans"), ("plan", f"/plans/{plan.id}"), ("edit-plan", f"/plans/{plan.id}/edit"),
        ("edit-task", f"/plans/{plan.id}/tasks/{task.id}/edit"), ("assignment", f"/a/{late.id}"),
        ("dashboard", "/dashboard/")], files=(SEEDS / "soc-trang-2017-kiem-soat-tthc.txt",))


def test_the_leader_sees_every_page_right(page: Page, live_url, province):
    plan = province["plan"]
    _sign_in(page, live_url, LEADER)
    page.goto(f"{live_url}/dashboard/")
    expect(page.locator("header nav a[aria-current=page]")).to_have_attribute("href", "/dashboard/")
    _tour(page, live_url, "leader", [
        ("dashboard", "/dashboard/"), ("dashboard-year", "/dashboard/?period=year&year=2017"),
        ("plans", "/plans"), ("plan", f"/plans/{plan.id}"), ("plan-overdue", f"/plans/{plan.id}?status=overdue")])


def test_the_administrator_sees_every_page_right(page: Page, live_url, province):
    stp = db.session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))
    officer = db.session.scalar(select(FocalOfficer).where(FocalOfficer.agency_id == stp.id))
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "escalation_head"))
    assert message is not None, "the fixture's warnings were not planned"
    account = db.session.scalar(select(Account).where(Account.email == AUTHOR))
    _sign_in(page, live_url, ADMIN)
    _tour(page, live_url, "admin", [
        ("admin", "/admin/"), ("agencies", "/admin/agencies"), ("agency", f"/admin/agencies/{stp.id}"),
        ("officer", f"/admin/officers/{officer.id}"), ("accounts", "/admin/accounts"),
        ("new-account", "/admin/accounts/new"), ("account-password", f"/admin/accounts/{account.id}/password"),
        ("policy", "/admin/policy"), ("plan-policy", f"/admin/plans/{province['plan'].id}/policy"),
        ("calendar", "/admin/calendar"), ("jobs", "/admin/jobs"), ("outbox", "/admin/outbox"),
        ("message", f"/admin/outbox/{message.id}")])
