"""The three journeys end to end in headless Chromium, on a fresh database:
an author publishes a plan, an officer reports from an e-mailed link, a leader watches
the dashboard change. Every page visited is checked at a phone's width."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tracker.accounts.manage import create_account, find_committee
from tracker.config import reporting_calendar
from tracker.directory.store import load_index
from tracker.extensions import db
from tracker.jobs import run
from tracker.models import Agency, Assignment, Plan, Task
from tracker.plans.importer import import_plan
from tracker.reading.plan import read_plan

from ..conftest import PASSWORD, SEEDS, SOC_TRANG, STP_OFFICER, Catcher, free_port

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PHONE = {"width": 375, "height": 740}
MARKUP = '<img src=x onerror="window.__xss=1">'


@pytest.fixture
def people(web_app, web_directory):
    committee = find_committee(db.session, "UBND tỉnh Sóc Trăng")
    create_account(db.session, "soanthao@soctrang.example", "Chuyên viên VP", "author", committee, PASSWORD)
    create_account(db.session, "lanhdao@soctrang.example", "Phó Chủ tịch", "leader", committee, PASSWORD)
    db.session.commit()


def _import_seed(text_change: tuple[str, str] | None = None) -> Plan:
    data = (SEEDS / SOC_TRANG).read_text("utf-8")
    if text_change:
        assert text_change[0] in data
        data = data.replace(text_change[0], text_change[1])
    from flask import current_app
    reading = read_plan(data.encode(), SOC_TRANG, calendar=reporting_calendar(current_app.config))
    result = import_plan(db.session, reading, load_index(db.session))
    db.session.commit()
    return result.plan


# Table cells whose column is narrower than one of their words: the browser broke the word
# inside ("Sả n ph ẩ m"). Tokens longer than 16 characters (links, codes, markup) may break.
_SQUASHED_CELLS = """() => {
  const ctx = document.createElement("canvas").getContext("2d");
  const found = [];
  for (const cell of document.querySelectorAll("main table td, main table th")) {
    if (!cell.offsetParent) continue;
    const style = getComputedStyle(cell);
    const room = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    // Each word measured in its own element's font (a .muted label is smaller than the cell).
    let longest = 0;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const parent = walker.currentNode.parentElement;
      if (!parent || !parent.offsetParent) continue;
      const own = getComputedStyle(parent);
      ctx.font = `${own.fontStyle} ${own.fontWeight} ${own.fontSize} ${own.fontFamily}`;
      // (a hyphen or slash is a place a line may break: "59/KH-UBND"; so is an address's "@")
      const words = walker.currentNode.textContent.split(/[\\s\\/\\-–@]+/).filter((w) => w && w.length <= 16);
      longest = Math.max(longest, ...words.map((w) => ctx.measureText(w).width));
    }
    if (longest > room + 2) found.push(`${cell.innerText.slice(0, 40)} (${Math.round(room)}px)`);
  }
  return found;
}"""


def readable_tables(page: Page) -> None:
    """No table column narrower than a word in it."""
    squashed = page.evaluate(_SQUASHED_CELLS)
    assert not squashed, f"{page.url}: words broken inside table cells: {squashed[:5]}"


def fits_phone(page: Page) -> None:
    """Nothing wider than the screen: tables scroll inside their own box, and their columns
    keep whole words, on a phone and on a desktop."""
    page.set_viewport_size(PHONE)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    if overflow > 1:
        wide = page.evaluate("""() => [...document.querySelectorAll("body *")]
            .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .slice(-3).map((e) => `${e.tagName}.${e.className}: ${e.textContent.trim().slice(0, 50)}`)""")
        raise AssertionError(f"{page.url} is {overflow}px wider than a phone: {wide}")
    readable_tables(page)
    page.set_viewport_size({"width": 1366, "height": 900})
    readable_tables(page)


def sign_in(page: Page, url: str, email: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Thư điện tử").fill(email)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_author_uploads_resolves_an_owner_and_publishes(page: Page, live_url, people):
    page.goto(f"{live_url}/login")
    fits_phone(page)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator(".field-error").first).to_contain_text("Nhập địa chỉ thư điện tử")
    sign_in(page, live_url, "soanthao@soctrang.example")
    page.get_by_role("link", name="Nhập kế hoạch", exact=True).click()
    fits_phone(page)
    page.get_by_label("Tệp kế hoạch").set_input_files(str(SEEDS / SOC_TRANG))
    page.get_by_role("button", name="Đọc kế hoạch").click()

    expect(page.get_by_role("heading", name=re.compile("Cơ quan chưa xác định"))).to_be_visible()
    fits_phone(page)
    doubt = page.locator(".doubt-field", has_text="“các đơn vị có liên quan”")
    doubt.locator("select").select_option(label="Sở Nội vụ tỉnh Sóc Trăng")
    # A corrected deadline is read live, by the same reader as the import.
    deadline = page.get_by_label("Thời hạn của nhiệm vụ VI.2").first
    deadline.fill("Trong quý III/2017")
    expect(deadline.locator("xpath=following-sibling::div")).to_contain_text("30/09/2017")
    page.get_by_role("button", name="Cập nhật xem trước").click()
    expect(page.locator("#task-VI\\.2")).to_contain_text("Sở Nội vụ tỉnh Sóc Trăng")
    page.get_by_role("button", name="Đưa vào theo dõi").click()

    expect(page.locator(".flash-success")).to_contain_text("Đã đưa kế hoạch vào theo dõi")
    expect(page.locator("h1")).to_contain_text("Kế hoạch")
    row = page.locator("#task-VI\\.2")
    expect(row).to_contain_text("Sở Nội vụ tỉnh Sóc Trăng")
    fits_phone(page)
    plan = db.session.scalar(select(Plan))
    task = db.session.scalar(select(Task).where(Task.plan_id == plan.id, Task.ref == "VI.2"))
    chosen = [a for a in task.assignments if a.owner_text.lower() == "các đơn vị có liên quan"]
    assert chosen, [(a.owner_text, a.agency_id) for a in task.assignments]
    assert [a.agency.name for a in chosen] == ["Sở Nội vụ tỉnh Sóc Trăng"]
    assert {a.deadline.due.isoformat() for a in chosen} == {"2017-09-30"}


@pytest.fixture
def smtp(web_app):
    catcher = Catcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=free_port())
    controller.start()
    web_app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_SUPPRESS_SEND=False)
    mail = web_app.extensions["mail"]
    mail.server, mail.port, mail.suppress = "127.0.0.1", controller.port, False
    yield catcher
    controller.stop()


def test_officer_reports_from_an_emailed_link_and_the_leader_sees_it(page: Page, browser, live_url, people,
                                                                     smtp, web_app, tmp_path):
    _import_seed(("Thực hiện công khai TTHC.", f"Thực hiện công khai TTHC {MARKUP}."))
    stp = db.session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))
    item = next(a for a in db.session.scalars(select(Assignment).where(Assignment.agency_id == stp.id))
                if a.deadline.due is not None and not a.occurrences)
    due = item.deadline.due
    moment = datetime.combine(due - timedelta(days=1), time(7, 30), TZ)
    web_app.config["TRACKER_NOW"] = moment

    # The leader's dashboard before.
    leader = browser.new_context(locale="vi-VN").new_page()
    sign_in(leader, live_url, "lanhdao@soctrang.example")
    leader.goto(f"{live_url}/dashboard/")
    fits_phone(leader)
    before = leader.locator("tr", has_text="Sở Tư pháp tỉnh Sóc Trăng").first.inner_text()

    # A reminder goes out through a real SMTP server; its link signs the officer in.
    for offset in range(7, -1, -1):
        at = datetime.combine(due - timedelta(days=offset), time(7, 30), TZ)
        run("reminders", at)
        run("send", at)
    mail = next(m for rcpt, m in smtp.messages if STP_OFFICER in rcpt)
    body = mail.get_body(("plain",)).get_content()
    link = re.search(re.escape(live_url) + r"/login/link/\S+", body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", name="Báo cáo tiến độ")).to_be_visible()
    fits_phone(page)

    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("Trạng thái").select_option(label="Hoàn thành")
    page.get_by_label("Nội dung báo cáo").fill("Đã hoàn thành, gửi kèm biên bản.")
    page.get_by_label("Tệp minh chứng").set_input_files(str(evidence))
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã ghi nhận báo cáo")
    expect(page.locator("#current-status")).to_have_text("Hoàn thành")
    expect(page.get_by_role("link", name="bien-ban.pdf")).to_be_visible()

    # Việc của tôi and the calendar subscription are one click away.
    page.get_by_role("link", name="Việc của tôi").click()
    expect(page.locator("h1")).to_have_text("Việc của tôi")
    fits_phone(page)
    page.get_by_role("link", name="Lịch của tôi").click()
    expect(page.get_by_text("webcal://", exact=False).first).to_be_attached()

    # Another agency's item stays closed to this officer.
    other = db.session.scalar(select(Assignment).where(Assignment.agency_id != stp.id,
                                                       Assignment.agency_id.is_not(None)))
    response = page.goto(f"{live_url}/a/{other.id}")
    assert response.status == 404
    expect(page.locator("main")).to_contain_text("Không tìm thấy trang")

    # Markup in a task is shown as text, never run.
    task = db.session.scalar(select(Task).where(Task.content.contains("onerror")))
    page.goto(f"{live_url}/plans/{task.plan_id}")
    row = page.locator(f'[id="task-{task.ref}"]')
    expect(row).to_contain_text(MARKUP)
    assert page.evaluate("window.__xss") is None
    assert row.locator("img").count() == 0

    # The leader's numbers moved.
    leader.reload()
    after = leader.locator("tr", has_text="Sở Tư pháp tỉnh Sóc Trăng").first.inner_text()
    assert after != before
