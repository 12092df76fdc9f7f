"""Việc của tôi in headless Chromium: every section, the complete list unfolded, at a
phone's width and a desktop's (tables scroll in their own box, no word broken in a cell)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tracker.accounts.manage import create_account
from tracker.extensions import db
from tracker.models import Agency, Assignment
from tracker.plans import extension_requests as extensions
from tracker.plans import progress

from ..conftest import PASSWORD, STP_OFFICER
from .test_journeys import PHONE, _import_seed, fits_phone, sign_in

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def officer_with_work(web_app, web_directory):
    """Sở Tư pháp's officer on 15/06/2017 with a returned output, a report with progress and
    a pending extension request."""
    create_account(db.session, STP_OFFICER, "Kim Minh Thành", "officer", None, PASSWORD)
    db.session.commit()
    _import_seed()
    web_app.config["TRACKER_NOW"] = datetime.combine(date(2017, 6, 15), time(9), TZ)
    stp = db.session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))
    mine = db.session.scalars(select(Assignment).where(Assignment.agency_id == stp.id)).all()
    q2 = next(a for a in mine if a.deadline.due == date(2017, 6, 30))
    late = next(a for a in mine if a.deadline.due == date(2017, 1, 31))
    progress.report(db.session, q2, "done", by=STP_OFFICER, progress=100)
    progress.return_output(db.session, q2, "soanthao@soctrang.example", "Thiếu phụ lục kèm theo quyết định")
    progress.report(db.session, late, "in_progress", by=STP_OFFICER, progress=40)
    extensions.request_extension(db.session, late, None, date(2017, 7, 31), "Chờ hướng dẫn", STP_OFFICER)
    db.session.commit()


def test_my_work_reads_on_a_phone(page: Page, live_url, officer_with_work):
    sign_in(page, live_url, STP_OFFICER)
    page.goto(f"{live_url}/my/")
    expect(page.locator("h1")).to_have_text("Việc của tôi")
    expect(page.locator("#returned")).to_contain_text("Kết quả bị trả lại")
    expect(page.locator("main")).to_contain_text("Đang đề nghị gia hạn đến 31/07/2017")
    expect(page.locator("main")).to_contain_text("Đang thực hiện · 40%")
    everything = page.locator("details.all-open")
    expect(everything.locator("table")).not_to_be_visible()          # folded: there is work above it
    fits_phone(page)
    page.set_viewport_size(PHONE)
    everything.locator("summary").click()
    expect(everything.locator("table")).to_be_visible()
    expect(everything).to_contain_text("Thường xuyên")
    fits_phone(page)
    # Unfolded, the complete list is as wide as the page, not shrunk to its summary.
    page.set_viewport_size(PHONE)
    widths = page.evaluate("""() => [document.querySelector('details.all-open .table-wrap').clientWidth,
                                     document.querySelector('main').clientWidth]""")
    assert widths[0] >= widths[1] - 40, widths
