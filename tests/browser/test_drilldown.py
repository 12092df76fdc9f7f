"""The leader drills down from the dashboard in headless Chromium: a number opens its list,
the escalations switch to one line per task, the plans list shows progress; every page fits
a phone's width."""

from __future__ import annotations

from datetime import datetime

from playwright.sync_api import Page, expect

from tracker.jobs import run

from .test_journeys import TZ, _import_seed, fits_phone, people, sign_in  # noqa: F401 (fixture)


def test_the_leader_opens_a_number_then_the_escalations_by_task_then_the_plans(page: Page, live_url, people,
                                                                              web_app):
    _import_seed()
    run("overdue", datetime(2017, 6, 27, 8, tzinfo=TZ))
    run("escalation", datetime(2017, 6, 28, 8, tzinfo=TZ))
    web_app.config["TRACKER_NOW"] = datetime(2017, 7, 5, 9, tzinfo=TZ)
    sign_in(page, live_url, "lanhdao@soctrang.example")
    page.goto(f"{live_url}/dashboard/")
    fits_phone(page)

    row = page.locator("#dashboard-table tbody tr", has_text="Sở Tư pháp tỉnh Sóc Trăng")
    number = row.locator('td[data-col="overdue"] a')
    shown = number.inner_text()
    number.click()
    expect(page.locator("h1")).to_contain_text("Quá hạn chưa hoàn thành: Sở Tư pháp tỉnh Sóc Trăng")
    expect(page.locator("#items-count")).to_have_attribute("data-total", shown)
    assert page.locator("#items-table tbody tr").count() == min(int(shown), 50)
    fits_phone(page)
    page.get_by_role("link", name="Hạn", exact=True).click()
    expect(page.locator("#items-table th[aria-sort]")).to_contain_text("Hạn")
    page.get_by_role("link", name="← Bảng điều hành").click()

    page.locator("#escalation-grouping").get_by_role("link", name="Nhiệm vụ").click()
    expect(page.locator("#escalations-table")).to_have_attribute("data-grouping", "task")
    fits_phone(page)
    page.locator("#escalations-table tbody tr").first.locator("td.num a").click()
    expect(page.locator("h1")).to_contain_text("Đã cảnh báo, vẫn quá hạn")
    fits_phone(page)

    page.goto(f"{live_url}/plans")
    expect(page.locator("td.plan-progress").first).to_contain_text("quá hạn")
    fits_phone(page)
