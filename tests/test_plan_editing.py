"""Authors correct a published plan: content, output, deadline and owners, each change in
the history, calendars and reminders following."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from tracker.directory.store import load_index
from tracker.extensions import db
from tracker.feeds import tokens
from tracker.jobs.feed_refresh import refresher
from tracker.models import Agency, Assignment, Plan, SentStep, StatusChange, Task
from tracker.plans.editing import EditError, RowEdit, edit_task
from tracker.plans.importer import import_plan
from tracker.reading.plan import read_plan
from tracker.reading.result import PlanContext

from .conftest import csrf_of, sign_in
from .test_amendments import HEADER, ROW1, ROW1_SUB, ROW2, ROW3

MARCH_2017 = datetime(2017, 3, 1, 2, 0, tzinfo=UTC)
CONTEXT = PlanContext(year=2017)


@pytest.fixture
def plan(app, directory):
    app.config["TRACKER_NOW"] = MARCH_2017
    result = import_plan(directory, read_plan((HEADER + ROW1 + ROW1_SUB + ROW2 + ROW3).encode(), "plan.txt"),
                         load_index(directory))
    directory.commit()
    return result.plan


def _task(session, plan, ref: str) -> Task:
    return session.scalar(select(Task).where(Task.plan_id == plan.id, Task.ref == ref))


def _agency(session, name: str) -> Agency:
    return session.scalar(select(Agency).where(Agency.name == name))


def test_a_corrected_deadline_is_recorded_and_reminders_start_again(app, plan, directory):
    task = _task(directory, plan, "2")
    assignment = task.assignments[0]
    directory.add(SentStep(item_key=f"a{assignment.id}", step_key="before-7"))
    directory.commit()
    sequence = assignment.sequence
    changes = edit_task(directory, task, "soanthao@soctrang.example", CONTEXT, None,
                        rows=[RowEdit(row=0, deadline_text="Trong tháng 9/2017")])
    directory.commit()
    assert [c.vi for c in changes] == ["Thời hạn: “Trong tháng 5/2017.” → “Trong tháng 9/2017”"
                                       " (hạn 30/09/2017)"]
    assert [c.en for c in changes] == ["Deadline: “Trong tháng 5/2017.” → “Trong tháng 9/2017”"
                                       " (due 30/09/2017)"]
    assert assignment.deadline.due == date(2017, 9, 30) and assignment.sequence > sequence
    edit = assignment.history[-1]
    assert (edit.kind, edit.changed_by) == ("edit", "soanthao@soctrang.example")
    assert "Trong tháng 5/2017." in edit.comment and "Trong tháng 9/2017" in edit.comment
    assert edit.comment_en.startswith("Deadline: ")       # the English page shows the system's words in English
    # The "7 days before" of the old date is forgotten: the new date gets its own.
    assert not directory.scalars(select(SentStep).where(SentStep.item_key == f"a{assignment.id}")).all()


def test_owners_are_added_replaced_and_removed_without_losing_history(plan, directory):
    task = _task(directory, plan, "1")
    home = _agency(directory, "Sở Nội vụ tỉnh Sóc Trăng")
    justice = next(a for a in task.assignments if a.row == 0)
    justice.history.append(StatusChange(changed_by="x", from_status="not_started", to_status="in_progress",
                                        comment="đang làm"))
    directory.commit()
    plan_id, justice_id = plan.id, justice.id
    edit_task(directory, task, "soanthao@soctrang.example", CONTEXT, None,
              rows=[RowEdit(row=0, add=[(home.id, "coordinate")], remove=[justice.id])])
    directory.commit()
    directory.expunge_all()
    task = directory.scalar(select(Task).where(Task.plan_id == plan_id, Task.ref == "1"))
    live = [(a.row, a.role, a.agency.name) for a in task.assignments]
    assert (0, "coordinate", "Sở Nội vụ tỉnh Sóc Trăng") in live
    assert not any(a.id == justice_id for a in task.assignments)
    kept = directory.scalar(select(Assignment).where(Assignment.id == justice_id)
                            .execution_options(include_removed=True))
    assert kept.removed_at is not None
    assert [h.comment for h in kept.history][0] == "đang làm"
    assert "Bỏ cơ quan “Sở Tư pháp tỉnh Sóc Trăng”" in kept.history[-1].comment
    added = next(a for a in task.assignments if a.agency.name == "Sở Nội vụ tỉnh Sóc Trăng" and a.row == 0)
    assert added.deadline.due == date(2017, 6, 30) and added.output == "Báo cáo rà soát."


def test_a_recurring_row_gives_a_new_owner_its_periods(plan, directory):
    task = _task(directory, plan, "3")
    home = _agency(directory, "Sở Nội vụ tỉnh Sóc Trăng")
    edit_task(directory, task, "a", CONTEXT, None, rows=[RowEdit(row=0, add=[(home.id, "lead")])])
    directory.commit()
    added = next(a for a in task.assignments if a.agency_id == home.id)
    assert [o.period for o in added.occurrences] == [o.period for o in task.assignments[0].occurrences]


def test_bad_edits_are_refused_and_change_nothing(plan, directory):
    task = _task(directory, plan, "2")
    only = task.assignments[0]
    hatinh = _agency(directory, "Ủy ban nhân dân tỉnh Hà Tĩnh")
    allowed = {a.id for a in load_index(directory).in_tree(load_index(directory).agencies[plan.issuer_id])}
    for kwargs, message in (
            ({"content": "   "}, "không được để trống"),
            ({"rows": [RowEdit(row=0, remove=[only.id])]}, "ít nhất một cơ quan"),
            ({"rows": [RowEdit(row=0, add=[(hatinh.id, "lead")])]}, "không thuộc địa phương"),
            ({"rows": [RowEdit(row=5)]}, "không có dòng 6"),
            ({"rows": [RowEdit(row=0, deadline_text="Trong quý " * 40)]}, "dài quá 300 ký tự"),
            ({"rows": [RowEdit(row=0, add=[(hatinh.id, "chủ trì")])]}, "Vai trò không hợp lệ")):
        with pytest.raises(EditError, match=message):
            edit_task(directory, task, "a", CONTEXT, allowed, **kwargs)
        directory.rollback()
    only_id = only.id
    directory.expunge_all()
    again = directory.get(Assignment, only_id)
    assert again.removed_at is None and not [h for h in again.history if h.kind == "edit"]


def test_the_author_edits_on_the_page_and_the_officers_feed_follows(app, plan, people):
    author = app.test_client()
    sign_in(author, "soanthao@soctrang.example")
    _, token = tokens.create(db.session, "agency", "test",
                             target_id=_agency(db.session, "Sở Thông tin và Truyền thông tỉnh Sóc Trăng").id)
    db.session.commit()
    feed = author.get(f"/feeds/{token}.ics")
    before = {str(c["UID"]): c for c in Calendar.from_ical(feed.data).walk("VEVENT")}
    task = _task(db.session, plan, "2")
    page = author.get(f"/plans/{plan.id}")
    assert f"/plans/{plan.id}/tasks/{task.id}/edit" in page.text
    form = author.get(f"/plans/{plan.id}/tasks/{task.id}/edit")
    assert form.status_code == 200 and "Trong tháng 5/2017." in form.text
    app.config["TRACKER_NOW"] = MARCH_2017 + timedelta(minutes=5)
    done = author.post(f"/plans/{plan.id}/tasks/{task.id}/edit", follow_redirects=True, data={
        "csrf_token": csrf_of(form), "content": "Công khai thủ tục hành chính trên Cổng dịch vụ công.",
        "output:0": "Thủ tục được đăng tải.", "deadline:0": "Trong tháng 7/2017"})
    assert "Đã lưu 2 thay đổi" in done.text
    # The edit marked the feed: the next poll asks for its rebuild, which the one after sees.
    author.get(f"/feeds/{token}.ics")
    assert refresher(app).drain() == 1
    after = {str(c["UID"]): c for c in Calendar.from_ical(author.get(f"/feeds/{token}.ics").data).walk("VEVENT")}
    moved = [uid for uid in after if uid in before]
    assert moved and all(after[u].decoded("DTSTART") == date(2017, 7, 31) for u in moved)
    assert all(int(after[u]["SEQUENCE"]) > int(before[u]["SEQUENCE"]) for u in moved)
    record = author.get(f"/a/{task.assignments[0].id}")
    assert re.search(r"Trong tháng 5/2017\.” → “Trong tháng 7/2017", record.text.replace("&#34;", '"'))
    officer = app.test_client()
    sign_in(officer, "tthc.stp@soctrang.example")
    assert officer.get(f"/plans/{plan.id}/tasks/{task.id}/edit").status_code == 403


def test_the_plans_number_title_and_issuer_are_corrected_and_recorded(app, plan, people):
    author = app.test_client()
    sign_in(author, "soanthao@soctrang.example")
    form = author.get(f"/plans/{plan.id}/edit")
    assert form.status_code == 200 and "77/KH-UBND" in form.text
    done = author.post(f"/plans/{plan.id}/edit", follow_redirects=True, data={
        "csrf_token": csrf_of(form), "number": "78/KH-UBND", "title": plan.title,
        "issuer_id": str(plan.issuer_id)})
    assert "Đã lưu 1 thay đổi" in done.text and "78/KH-UBND" in done.text
    assignment = db.session.scalar(select(Assignment))
    assert assignment.history[-1].kind == "edit"
    assert "“77/KH-UBND” → “78/KH-UBND”" in assignment.history[-1].comment
    # The corrected file matches this plan on its next import.
    again = import_plan(db.session, read_plan((HEADER.replace("77/KH", "78/KH") + ROW1 + ROW1_SUB + ROW2 + ROW3)
                                              .encode(), "plan.txt"), load_index(db.session))
    db.session.commit()
    assert again.plan.id == plan.id and again.unchanged
    # A number longer than the column is said, not a server error.
    long = author.post(f"/plans/{plan.id}/edit", follow_redirects=True, data={
        "csrf_token": csrf_of(form), "number": "9" * 101, "title": plan.title, "issuer_id": str(plan.issuer_id)})
    assert long.status_code == 200 and "Số, ký hiệu dài quá 100 ký tự." in long.text
    # Another committee's body cannot be made the issuer.
    hatinh = _agency(db.session, "Ủy ban nhân dân tỉnh Hà Tĩnh")
    refused = author.post(f"/plans/{plan.id}/edit", follow_redirects=True, data={
        "csrf_token": csrf_of(form), "number": "78/KH-UBND", "title": plan.title, "issuer_id": str(hatinh.id)})
    assert "không thuộc UBND mà tài khoản của bạn phụ trách" in refused.text
    db.session.expire_all()
    assert db.session.get(Plan, plan.id).issuer_id != hatinh.id
