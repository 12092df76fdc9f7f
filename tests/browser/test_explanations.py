"""Explanations (giải trình) end to end in headless Chromium (issue 15, part 4): a leader asks
the agency to explain an overdue item, the officer answers from the e-mail's link with a
reason, a date and a file, and the quarter's report downloaded from the dashboard lists the
explanation in its appendix. Every page visited is checked at a phone's width."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

from docx import Document
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tracker.extensions import db
from tracker.jobs import run
from tracker.models import Agency, Assignment, ExplanationRequest

from ..conftest import STP_OFFICER
from .test_journeys import TZ, _import_seed, fits_phone, people, sign_in, smtp  # noqa: F401 (fixtures)

JUSTICE = "Sở Tư pháp tỉnh Sóc Trăng"
TODAY = datetime(2017, 2, 20, 9, 0, tzinfo=TZ)       # a Monday; the January items are three weeks late


def test_a_leader_asks_the_officer_explains_from_the_email_and_the_quarters_report_lists_it(
        page: Page, browser, live_url, people, smtp, web_app, tmp_path):
    _import_seed()
    stp = db.session.scalar(select(Agency).where(Agency.name == JUSTICE))
    item = next(a for a in db.session.scalars(select(Assignment).where(Assignment.agency_id == stp.id)
                                              .order_by(Assignment.id))
                if a.deadline.due == date(2017, 1, 31) and not a.occurrences)
    ref = item.task.ref
    web_app.config["TRACKER_NOW"] = TODAY

    # The leader finds the item from the dashboard's overdue number and asks.
    sign_in(page, live_url, "lanhdao@soctrang.example")
    page.goto(f"{live_url}/dashboard/")
    page.locator("#dashboard-table tbody tr", has_text=JUSTICE).locator('td[data-col="overdue"] a').click()
    page.locator(f'tr[data-assignment="{item.id}"] td').first.get_by_role("link", name=ref).click()
    expect(page.get_by_role("heading", name="Giải trình")).to_be_visible()
    page.get_by_text("Yêu cầu giải trình", exact=True).click()          # opens the form
    page.get_by_label("Nội dung cần giải trình").fill("Đề nghị nêu rõ lý do chưa trình kế hoạch rà soát.")
    fits_phone(page)
    page.get_by_role("button", name="Gửi yêu cầu giải trình").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã gửi yêu cầu giải trình")
    card = page.locator(".explanation-open")
    expect(card).to_contain_text("Chờ giải trình")
    expect(card).to_contain_text("Phó Chủ tịch")
    fits_phone(page)

    # The officer opens the e-mail's link (it signs them in) and answers with a reason, a date
    # and a file.
    run("send", TODAY)
    mail = next(m for rcpt, m in smtp.messages if STP_OFFICER in rcpt)
    assert mail["Subject"].startswith(f"[Yêu cầu giải trình] Nhiệm vụ {ref}")
    link = re.search(re.escape(live_url) + r"/login/link/\S+", mail.get_body(("plain",)).get_content()).group(0)
    officer = browser.new_context(locale="vi-VN").new_page()
    officer.goto(link)
    expect(officer.get_by_role("button", name="Gửi giải trình")).to_be_visible()
    assert officer.url.endswith(f"/a/{item.id}#explanation")
    fits_phone(officer)
    request_id = db.session.scalar(select(ExplanationRequest.id))
    evidence = tmp_path / "cong-van-xin-y-kien.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    officer.get_by_label("Lý do chậm thực hiện", exact=True).fill("Chờ ý kiến thẩm định của Bộ Tư pháp.")
    officer.get_by_label("Ngày dự kiến hoàn thành", exact=True).fill("15/03/2017")
    officer.locator(f"#files-{request_id}").set_input_files(str(evidence))
    officer.get_by_role("button", name="Gửi giải trình").click()
    expect(officer.locator(".flash-success")).to_contain_text("Đã gửi giải trình")
    answered = officer.locator(".explanation-answered")
    expect(answered).to_contain_text("Chờ ý kiến thẩm định của Bộ Tư pháp.")
    expect(answered).to_contain_text("15/03/2017")
    expect(answered.get_by_role("link", name="cong-van-xin-y-kien.pdf")).to_be_visible()
    expect(officer.locator("tr.history-explanation").first).to_contain_text("Giải trình")
    fits_phone(officer)

    # The leader sees the answer on the item, the quarter's count on the dashboard, and the
    # explanation in the appendix of the quarter's report.
    page.reload()
    expect(page.locator(".explanation-answered")).to_contain_text("Chờ ý kiến thẩm định của Bộ Tư pháp.")
    page.goto(f"{live_url}/dashboard/")
    page.get_by_label("Hạn trong").select_option(label="Quý I")
    page.get_by_role("button", name="Xem", exact=True).click()
    expect(page.locator("#fig-explanations-answered a")).to_have_text("1")
    expect(page.locator("#fig-explanations-open a")).to_have_text("0")
    fits_phone(page)
    with page.expect_download() as download:
        page.locator("#report-link").click()
    doc = Document(io.BytesIO(download.value.path().read_bytes()))
    appendix = next(t for t in doc.tables if t.rows[0].cells[-1].text == "Giải trình của cơ quan")
    row = next(r for r in appendix.rows if r.cells[1].text.startswith(f"{ref}. "))
    said = row.cells[-1].text
    assert "Chờ ý kiến thẩm định của Bộ Tư pháp." in said and "Dự kiến hoàn thành: 15/03/2017" in said, said
    assert "Quý I" in "\n".join(p.text for p in doc.paragraphs)
