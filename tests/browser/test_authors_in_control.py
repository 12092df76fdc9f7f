"""Authors in control, in headless Chromium: correcting a published deadline (the officer's
calendar feed and the next reminder follow), and an amendment that drops a task an agency has
reported on (confirmed, the report and its evidence are still there, under "Đã bỏ khỏi kế
hoạch")."""

from __future__ import annotations

import time as pytime
from datetime import date, datetime, time

from icalendar import Calendar
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tracker.extensions import db
from tracker.feeds import tokens
from tracker.jobs import run
from tracker.models import Agency, Assignment, Plan, SentStep, Task
from tracker.plans.evidence import check
from tracker.plans.progress import report

from ..conftest import SEEDS, SOC_TRANG, STP_OFFICER
from .test_journeys import TZ, _import_seed, fits_phone, people, sign_in  # noqa: F401 (fixture)

JUSTICE = "Sở Tư pháp tỉnh Sóc Trăng"


def _justice_item() -> Assignment:
    stp = db.session.scalar(select(Agency).where(Agency.name == JUSTICE))
    return next(a for a in db.session.scalars(select(Assignment).where(Assignment.agency_id == stp.id)
                                              .order_by(Assignment.id))
                if a.deadline.due is not None and a.deadline.due < date(2017, 11, 1) and not a.occurrences)


def _feed_dates(page: Page, url: str) -> dict[str, date]:
    body = page.request.get(url).body()
    return {str(e["UID"]): e.decoded("DTSTART") for e in Calendar.from_ical(body).walk("VEVENT")}


def test_author_corrects_a_published_deadline_and_feed_and_reminders_follow(page: Page, live_url, people,
                                                                            web_app):
    plan = _import_seed()
    item = _justice_item()
    item_id, task_id, old_due, row = item.id, item.task_id, item.deadline.due, item.row
    sequence = item.sequence
    assert old_due < date(2017, 11, 1)
    web_app.config["TRACKER_NOW"] = datetime(2017, 1, 5, 9, 0, tzinfo=TZ)
    _row, token = tokens.create(db.session, "officer", "test", target_email=STP_OFFICER)
    db.session.commit()
    feed = f"{live_url}/feeds/{token}.ics"
    uid = next(u for u in _feed_dates(page, feed) if f"assignment-{item_id}@" in u)
    assert _feed_dates(page, feed)[uid] == old_due

    sign_in(page, live_url, "soanthao@soctrang.example")
    page.goto(f"{live_url}/plans/{plan.id}")
    page.locator(f'[id="task-{item.task.ref}"]').get_by_role("link", name="Sửa").click()
    expect(page.locator("h1")).to_contain_text("Sửa nhiệm vụ")
    fits_phone(page)
    page.locator(f"#deadline-{row}").fill("Trong tháng 11/2017")
    page.get_by_role("button", name="Lưu thay đổi").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu 1 thay đổi")

    # The officer's subscribed calendar moves the event (once the server has rebuilt the feed,
    # in the background: the polls meanwhile get the stored version at once)...
    waited = pytime.monotonic() + 15
    while _feed_dates(page, feed)[uid] != date(2017, 11, 30) and pytime.monotonic() < waited:
        pytime.sleep(0.1)
    assert _feed_dates(page, feed)[uid] == date(2017, 11, 30)
    # ... the history says who changed what ...
    page.goto(f"{live_url}/a/{item_id}")
    expect(page.locator("tr.history-edit")).to_contain_text("Trong tháng 11/2017")
    # ... and reminders follow the new date, not the old one.
    for day in (old_due, date(2017, 11, 30)):
        run("reminders", datetime.combine(day, time(7, 30), TZ))
    steps = {s.step_key for s in db.session.scalars(select(SentStep).where(SentStep.item_key == f"a{item_id}"))}
    assert steps == {"before-0"}, steps
    db.session.expire_all()
    assert db.session.get(Assignment, item_id).sequence > sequence         # calendars see a change
    assert db.session.get(Assignment, item_id).deadline.text == "Trong tháng 11/2017"
    assert db.session.get(Task, task_id).removed_at is None


def test_an_amendment_dropping_reported_work_needs_a_confirmation_and_keeps_the_evidence(
        page: Page, live_url, people, web_app, tmp_path):
    plan = _import_seed()
    dropped = db.session.scalar(select(Assignment).join(Task).where(Task.plan_id == plan.id, Task.ref == "I.2"))
    pdf = check("bien-ban.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", 10 ** 6)
    report(db.session, dropped, "in_progress", STP_OFFICER, progress=30, comment="Đã góp ý 3 dự thảo",
           evidence=[pdf])
    db.session.commit()
    dropped_id = dropped.id

    text = (SEEDS / SOC_TRANG).read_text("utf-8").split("\n")
    amended = tmp_path / "ke-hoach-sua-doi.txt"
    amended.write_text("\n".join(line for line in text if not line.startswith("2\tTham gia ý kiến, thẩm định")),
                       encoding="utf-8")
    sign_in(page, live_url, "soanthao@soctrang.example")
    page.get_by_role("link", name="Nhập kế hoạch", exact=True).click()
    page.get_by_label("Tệp kế hoạch").set_input_files(str(amended))
    page.get_by_role("button", name="Đọc kế hoạch").click()
    work = page.locator("#removed-with-work")
    expect(work).to_contain_text("I.2")
    expect(work).to_contain_text("1 báo cáo")
    fits_phone(page)

    page.get_by_role("button", name="Đưa vào theo dõi").click()        # not confirmed
    expect(page.locator(".flash-error")).to_contain_text("Tôi đồng ý bỏ các phân công này khỏi kế hoạch")
    db.session.expire_all()
    assert db.session.scalar(select(Assignment.removed_at).where(Assignment.id == dropped_id)) is None

    page.get_by_label("Tôi đồng ý bỏ các phân công này khỏi kế hoạch").check()
    page.get_by_role("button", name="Đưa vào theo dõi").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã đưa kế hoạch vào theo dõi")
    page.get_by_label("Trạng thái").select_option(label="Đã bỏ khỏi kế hoạch (1)")
    page.get_by_role("button", name="Lọc").click()
    expect(page.locator("#removed-note")).to_be_visible()
    removed_row = page.locator('[id="task-I.2"]')
    expect(removed_row).to_contain_text(JUSTICE)
    removed_row.get_by_role("link", name=JUSTICE).click()
    expect(page.locator("#removed-banner")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Đã góp ý 3 dự thảo")
    with page.expect_download() as download:
        page.get_by_role("link", name="bien-ban.pdf").click()
    assert download.value.suggested_filename == "bien-ban.pdf"
    assert db.session.scalar(select(Plan.id)) == plan.id


def test_author_publishes_a_prose_plan_with_proposals_given_owners_a_missed_task_and_a_spurious_one_out(
        page: Page, live_url, people):
    sign_in(page, live_url, "soanthao@soctrang.example")
    page.get_by_role("link", name="Nhập kế hoạch", exact=True).click()
    page.get_by_label("Tệp kế hoạch").set_input_files(str(SEEDS / "kien-giang-2017-khac-phuc-cai-cach-hanh-chinh.txt"))
    page.get_by_role("button", name="Đọc kế hoạch").click()
    expect(page.get_by_role("heading", name="Nhiệm vụ đề xuất từ văn bản")).to_be_visible()
    boxes = page.locator('input[name="prose"]')
    refs = [boxes.nth(i).get_attribute("value") for i in range(boxes.count())]
    checked = [r for r, i in zip(refs, range(len(refs))) if boxes.nth(i).is_checked()]
    assert len(refs) >= 3 and checked
    spurious = checked[0]
    chosen = [r for r in refs if r != spurious][:2]
    for i, ref in enumerate(refs):
        boxes.nth(i).set_checked(ref in chosen)
    for ref, month in zip(chosen, (9, 10)):
        page.get_by_label(f"Cơ quan chủ trì của đề xuất {ref}").select_option(label="Sở Nội vụ tỉnh Sóc Trăng")
        page.get_by_label(f"Thời hạn của đề xuất {ref}").first.fill(f"Trong tháng {month}/2017")
    page.get_by_label("Nội dung", exact=True).fill("Kiểm tra công vụ tại các sở, ngành.")
    page.locator("#new_owner").select_option(label="Sở Nội vụ tỉnh Sóc Trăng")
    page.locator("#new_deadline").fill("Trong quý IV/2017")
    page.get_by_role("button", name="Thêm nhiệm vụ").click()
    expect(page.locator("#task-BS1")).to_contain_text("Kiểm tra công vụ")
    fits_phone(page)
    page.get_by_role("button", name="Đưa vào theo dõi").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã đưa kế hoạch vào theo dõi")

    plan = db.session.scalar(select(Plan))
    tasks = {t.ref: t for t in db.session.scalars(select(Task).where(Task.plan_id == plan.id))}
    assert set(tasks) == set(chosen) | {"BS1"}
    assert spurious not in tasks
    for ref, month in zip(chosen, (9, 10)):
        assert [(a.agency.name, a.deadline.due.month) for a in tasks[ref].assignments] == [
            ("Sở Nội vụ tỉnh Sóc Trăng", month)]
    assert tasks["BS1"].assignments[0].deadline.due == date(2017, 12, 31)


def test_author_retypes_a_rows_owners_and_output_and_splits_a_row_in_two(page: Page, live_url, people):
    sign_in(page, live_url, "soanthao@soctrang.example")
    page.get_by_role("link", name="Nhập kế hoạch", exact=True).click()
    page.get_by_label("Tệp kế hoạch").set_input_files(str(SEEDS / SOC_TRANG))
    page.get_by_role("button", name="Đọc kế hoạch").click()
    row = page.locator('[id="task-I.2"]')
    row.get_by_text("sửa cơ quan, sản phẩm").click()
    page.get_by_label("Cơ quan chủ trì I.2", exact=True).fill("Sở Nội vụ")
    page.get_by_label("Cơ quan phối hợp I.2", exact=True).fill("Sở Tư pháp")
    page.get_by_label("Sản phẩm I.2", exact=True).fill("Báo cáo thẩm định")
    row.get_by_text("sửa nội dung, tách").click()
    row.locator('textarea[name="split:I.2"]').fill("thẩm định TTHC trong dự thảo văn bản QPPL quy định về TTHC.")
    page.get_by_role("button", name="Cập nhật xem trước").click()
    expect(page.locator('[id="task-I.2a"]')).to_contain_text("thẩm định TTHC")
    expect(page.locator('[id="task-I.2"]')).to_contain_text("Sở Nội vụ tỉnh Sóc Trăng")
    fits_phone(page)
    page.get_by_label("Thời hạn của nhiệm vụ I.2a", exact=True).fill("Trong quý III/2017")
    page.get_by_role("button", name="Đưa vào theo dõi").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã đưa kế hoạch vào theo dõi")

    tasks = {t.ref: t for t in db.session.scalars(select(Task).where(Task.ref.in_(["I.2", "I.2a"])))}
    assert tasks["I.2"].content == "Tham gia ý kiến"
    for ref in ("I.2", "I.2a"):
        assert sorted((a.role, a.agency.name, a.output) for a in tasks[ref].assignments) == [
            ("coordinate", JUSTICE, "Báo cáo thẩm định"), ("lead", "Sở Nội vụ tỉnh Sóc Trăng", "Báo cáo thẩm định")]
    assert {a.deadline.due for a in tasks["I.2a"].assignments} == {date(2017, 9, 30)}
