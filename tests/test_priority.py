"""Priority (issue 15, part 3): a key task ("trọng tâm"), its urgency (Thường, Khẩn, Thượng
khẩn, Hỏa tốc) and its directing leader, set by the plan's author; a key or urgent task is
reminded more tightly; the plan page filters and marks them, the report's appendix marks them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select, update

from tracker.directory.store import load_index
from tracker.extensions import db
from tracker.models import Assignment, Task
from tracker.plans.editing import EditError, Priority, edit_task
from tracker.plans.importer import import_plan
from tracker.plans.statistics import CountedItem
from tracker.reading.plan import read_plan
from tracker.reading.result import PlanContext
from tracker.reminders.rules import DEFAULT_POLICY, Item, ReminderPolicy, schedule, tightened, tightness
from tracker.reports.document import priority_mark
from tracker.scheduling.workdays import WorkingCalendar
from tracker.vocabulary import Urgency

from .conftest import csrf_of, sign_in
from .test_amendments import HEADER, ROW1, ROW1_SUB, ROW2, ROW3

MARCH_2017 = datetime(2017, 3, 1, 2, 0, tzinfo=UTC)
CONTEXT = PlanContext(year=2017)
AUTHOR = "soanthao@soctrang.example"


@pytest.fixture
def plan(app, directory):
    app.config["TRACKER_NOW"] = MARCH_2017
    result = import_plan(directory, read_plan((HEADER + ROW1 + ROW1_SUB + ROW2 + ROW3).encode(), "plan.txt"),
                         load_index(directory))
    directory.commit()
    return result.plan


def _task(session, plan, ref: str) -> Task:
    return session.scalar(select(Task).where(Task.plan_id == plan.id, Task.ref == ref))


# --- setting the fields ---------------------------------------------------------------------


def test_a_new_task_is_ordinary(plan, directory):
    task = _task(directory, plan, "2")
    assert (task.key_task, task.urgency, task.directing_leader) == (False, "normal", None)


def test_the_author_sets_the_priority_and_the_history_says_so(plan, directory):
    task = _task(directory, plan, "2")
    changes = edit_task(directory, task, AUTHOR, CONTEXT, None, priority=Priority(
        key_task=True, urgency="very_urgent", directing_leader="  Phó Chủ tịch  UBND tỉnh Lê Văn Hiểu "))
    directory.commit()
    assert (task.key_task, task.urgency, task.directing_leader) == (
        True, "very_urgent", "Phó Chủ tịch UBND tỉnh Lê Văn Hiểu")
    assert [c.vi for c in changes] == ["Nhiệm vụ trọng tâm: không → có", "Độ khẩn: Thường → Thượng khẩn",
                                       "Lãnh đạo chỉ đạo: “—” → “Phó Chủ tịch UBND tỉnh Lê Văn Hiểu”"]
    assert [c.en for c in changes][:2] == ["Key task: no → yes", "Urgency: normal → very urgent"]
    entry = task.assignments[0].history[-1]
    assert (entry.kind, entry.changed_by, entry.comment) == ("edit", AUTHOR, "Lãnh đạo chỉ đạo: “—” → "
                                                             "“Phó Chủ tịch UBND tỉnh Lê Văn Hiểu”")
    # The same values again change nothing; an empty leader clears it.
    assert edit_task(directory, task, AUTHOR, CONTEXT, None, priority=Priority(
        key_task=True, urgency="very_urgent", directing_leader="Phó Chủ tịch UBND tỉnh Lê Văn Hiểu")) == []
    edit_task(directory, task, AUTHOR, CONTEXT, None, priority=Priority(directing_leader=" "))
    assert task.directing_leader is None and task.key_task


def test_a_bad_priority_is_refused(plan, directory):
    task = _task(directory, plan, "2")
    with pytest.raises(EditError) as refused:
        edit_task(directory, task, AUTHOR, CONTEXT, None, priority=Priority(urgency="asap"))
    assert refused.value.args[0].startswith("Độ khẩn không hợp lệ")
    with pytest.raises(EditError):
        edit_task(directory, task, AUTHOR, CONTEXT, None, priority=Priority(directing_leader="x" * 201))
    directory.rollback()
    assert _task(directory, plan, "2").urgency == "normal"


def test_the_author_sets_it_on_the_page_and_others_may_not(app, plan, people):
    task = _task(db.session, plan, "2")
    author = app.test_client()
    sign_in(author, AUTHOR)
    form = author.get(f"/plans/{plan.id}/tasks/{task.id}/edit")
    assert form.status_code == 200 and "Hỏa tốc" in form.text and 'name="key_task"' in form.text
    done = author.post(f"/plans/{plan.id}/tasks/{task.id}/edit", follow_redirects=True, data={
        "csrf_token": csrf_of(form), "content": task.content, "key_task": "1", "urgency": "flash",
        "directing_leader": "Chủ tịch UBND tỉnh"})
    assert "Đã lưu 3 thay đổi" in done.text
    db.session.expire_all()
    task = _task(db.session, plan, "2")
    assert (task.key_task, task.urgency, task.directing_leader) == (True, "flash", "Chủ tịch UBND tỉnh")
    # A post without the priority fields (an older form) leaves the priority as it is.
    author.post(f"/plans/{plan.id}/tasks/{task.id}/edit", data={"csrf_token": csrf_of(form), "content": task.content})
    db.session.expire_all()
    assert _task(db.session, plan, "2").key_task
    # Unticking the box on the form takes the mark off.
    author.post(f"/plans/{plan.id}/tasks/{task.id}/edit", data={
        "csrf_token": csrf_of(form), "urgency": "flash", "directing_leader": "Chủ tịch UBND tỉnh"})
    db.session.expire_all()
    assert not _task(db.session, plan, "2").key_task
    for email in ("tthc.stp@soctrang.example", "lanhdao@soctrang.example"):
        other = app.test_client()
        sign_in(other, email)
        assert other.get(f"/plans/{plan.id}/tasks/{task.id}/edit").status_code == 403
        assert other.post(f"/plans/{plan.id}/tasks/{task.id}/edit", data={
            "csrf_token": csrf_of(form), "urgency": "normal"}).status_code in (400, 403)
    db.session.expire_all()
    assert _task(db.session, plan, "2").urgency == "flash"


# --- the tighter policy ---------------------------------------------------------------------


def test_tightness_of_each_kind_of_task():
    assert tightness(False, "normal") == 0
    assert tightness(True, "normal") == tightness(False, "urgent") == tightness(True, "urgent") == 1
    assert tightness(False, "very_urgent") == 2 and tightness(True, "flash") == 3
    assert tightened(DEFAULT_POLICY, False, "normal") is DEFAULT_POLICY


def test_a_key_task_is_reminded_earlier_and_more_often():
    calendar = WorkingCalendar()
    item = Item(due=date(2017, 5, 31), status="not_started")
    until = date(2017, 6, 30)

    def days(policy: ReminderPolicy, track: str) -> list[date]:
        return [s.scheduled for s in schedule(item, policy, calendar, until) if s.track == track]

    ordinary = DEFAULT_POLICY
    key = tightened(DEFAULT_POLICY, True, "normal")
    assert key.before_offsets == (14, 7, 3, 1, 0) and key.overdue_every == 2
    # Before the due date: one more reminder, 14 working days before; the others unchanged.
    assert days(key, "before") == [date(2017, 5, 11), *days(ordinary, "before")]
    # Overdue: every second working day instead of every third.
    assert days(ordinary, "overdue")[:3] == [date(2017, 6, 5), date(2017, 6, 8), date(2017, 6, 13)]
    assert days(key, "overdue")[:3] == [date(2017, 6, 2), date(2017, 6, 6), date(2017, 6, 8)]
    # Escalations keep their days.
    for track in ("escalation_head", "escalation_committee"):
        assert days(key, track) == days(ordinary, track)
    # Flash: a notice every working day; a plan's own looser policy is tightened the same way.
    assert tightened(DEFAULT_POLICY, False, "flash").overdue_every == 1
    plan_policy = DEFAULT_POLICY.merged({"overdue_every": 10, "before_offsets": [5, 0]})
    tight = tightened(plan_policy, False, "urgent")
    assert (tight.before_offsets, tight.overdue_every) == ((10, 5, 0), 5)
    # A policy with no reminder before the due date gets none added.
    assert tightened(DEFAULT_POLICY.merged({"before_offsets": []}), True, "normal").before_offsets == ()


def test_the_planner_uses_the_tighter_policy_for_the_key_task_only(app, plan, directory):
    """Sent as the planner decides: on 11/05/2017 (14 working days before 31/05) only the
    key task's owners are reminded."""
    from tracker.models import SentStep
    from tracker.reminders.planner import plan_messages
    from tracker.reminders.rules import BEFORE

    key = _task(directory, plan, "2")
    edit_task(directory, key, AUTHOR, CONTEXT, None, priority=Priority(key_task=True))
    directory.commit()
    due = {a.deadline.due for a in key.assignments}
    assert due == {date(2017, 5, 31)}
    plan_messages(directory, date(2017, 5, 11), (BEFORE,))
    directory.commit()
    sent = directory.scalars(select(SentStep.item_key).where(SentStep.step_key == "before-14")).all()
    assert sorted(sent) == sorted(f"a{a.id}" for a in key.assignments)


# --- invalidation ---------------------------------------------------------------------------


def test_a_change_of_priority_sends_the_assignments_back_to_the_planner(plan, directory):
    task = _task(directory, plan, "2")
    ids = [a.id for a in task.assignments]
    other = [a.id for a in _task(directory, plan, "3").assignments]

    def stored() -> dict[int, date | None]:
        directory.expire_all()
        return {a.id: a.next_step_on for a in directory.scalars(select(Assignment))}

    def park() -> None:
        # As the planner stores a day: with Core (an ORM change to an assignment clears it).
        directory.connection().execute(update(Assignment.__table__).values(next_step_on=date(2017, 5, 1)))
        directory.commit()

    park()
    task.directing_leader = "Chủ tịch UBND tỉnh"      # who directs it does not move a reminder
    directory.commit()
    assert all(day == date(2017, 5, 1) for day in stored().values())
    task = _task(directory, plan, "2")
    task.urgency = Urgency.URGENT
    directory.commit()
    days = stored()
    assert all(days[i] is None for i in ids) and all(days[i] == date(2017, 5, 1) for i in other)
    park()
    task = _task(directory, plan, "2")
    task.key_task = True
    directory.commit()
    days = stored()
    assert all(days[i] is None for i in ids) and all(days[i] == date(2017, 5, 1) for i in other)


# --- the plan page and the report -----------------------------------------------------------


def test_the_plan_page_marks_and_filters_key_and_urgent_tasks(app, plan, people):
    key, urgent = _task(db.session, plan, "2"), _task(db.session, plan, "3")
    key.key_task, key.directing_leader = True, "Phó Chủ tịch UBND tỉnh"
    urgent.urgency = Urgency.FLASH
    db.session.commit()
    author = app.test_client()
    sign_in(author, AUTHOR)
    page = author.get(f"/plans/{plan.id}").text
    assert "★" in page and "Hỏa tốc" in page
    assert 'Lãnh đạo chỉ đạo: <span lang="vi">Phó Chủ tịch UBND tỉnh</span>' in page
    assert 'id="task-1"' in page
    only_key = author.get(f"/plans/{plan.id}?priority=key").text
    assert 'id="task-2"' in only_key and 'id="task-1"' not in only_key and 'id="task-3"' not in only_key
    flash = author.get(f"/plans/{plan.id}?priority=flash").text
    assert 'id="task-3"' in flash and 'id="task-2"' not in flash
    none = author.get(f"/plans/{plan.id}?priority=very_urgent").text
    assert "Không có nhiệm vụ nào khớp bộ lọc." in none
    # An unknown value is no filter.
    assert 'id="task-1"' in author.get(f"/plans/{plan.id}?priority=bogus").text


def _counted(**kwargs) -> CountedItem:
    values = dict(assignment_id=1, occurrence_id=None, agency_id=1, agency_name="Sở Tư pháp", owner_text="Sở Tư pháp",
                  role="lead", plan_id=1, plan_label="KH 77", task_id=1, task_ref="2", task_content="Công khai TTHC",
                  task_position=1, row=0, deadline_text="Trong tháng 5/2017", status="not_started",
                  category="overdue", days_late=3, due=date(2017, 5, 31), plan_due=date(2017, 5, 31),
                  extended=False)
    return CountedItem(**{**values, **kwargs})      # type: ignore[arg-type]


def test_the_report_appendix_marks_key_and_urgent_tasks():
    assert priority_mark(_counted()) == ""
    assert priority_mark(_counted(key_task=True)) == " (★ trọng tâm)"
    assert priority_mark(_counted(key_task=True, urgency="flash")) == " (★ trọng tâm; Hỏa tốc)"
    assert priority_mark(_counted(urgency="urgent")) == " (Khẩn)"


# --- provenance: the directive's kind, number, date and signer --------------------------------


def test_a_directive_is_read_with_its_kind_number_date_and_signer():
    from tracker.reading.header import read_header
    text = "\n".join(["ỦY BAN NHÂN DÂN", "TỈNH HÀ GIANG", "", "Số: 05/CT-UBND", "",
                      "Hà Giang, ngày 02 tháng 4 năm 2024", "", "CHỈ THỊ", "Về tăng cường quản lý rừng", "",
                      "Chủ tịch UBND tỉnh yêu cầu:", "1. Sở Nông nghiệp tuần tra rừng.", "",
                      "Nơi nhận:", "- Như trên;", "", "**KT. CHỦ TỊCH**", "PHÓ CHỦ TỊCH", "(Đã ký)", "",
                      "**Trần Chí Hùng**"])
    header, _ = read_header(text)
    assert (header.kind, header.number, header.issued_date, header.signer) == (
        "Chỉ thị", "05/CT-UBND", date(2024, 4, 2), "Trần Chí Hùng")
    conclusion, _ = read_header("\n".join(["VĂN PHÒNG CHÍNH PHỦ", "Số: 655/TB-VPCP",
                                           "Hà Nội, ngày 20 tháng 11 năm 2025", "", "THÔNG BÁO",
                                           "Kết luận của Phó Thủ tướng tại buổi làm việc", "", "I. ĐÁNH GIÁ CHUNG"]))
    assert conclusion.kind == "Thông báo kết luận" and conclusion.signer is None
    # No heading: the number's type code says the kind; a symbol with none is a letter.
    letter, _ = read_header("\n".join(["ỦY BAN NHÂN DÂN", "TỈNH SÓC TRĂNG", "Số: 1234/UBND-VP",
                                       "Sóc Trăng, ngày 5 tháng 3 năm 2024", "V/v triển khai nhiệm vụ"]))
    assert letter.kind == "Công văn"


def test_the_signer_and_date_are_stored_shown_and_corrected(app, plan, people):
    plan = db.session.get(type(plan), plan.id)
    assert plan.signer is None           # the test plan has no signature block
    author = app.test_client()
    sign_in(author, AUTHOR)
    form = author.get(f"/plans/{plan.id}/edit")
    assert 'name="signer"' in form.text and 'name="issued_date"' in form.text
    data = {"csrf_token": csrf_of(form), "number": plan.number, "title": plan.title,
            "issuer_id": str(plan.issuer_id), "signer": "Lê Văn Hiểu", "issued_date": "15/02/2017"}
    done = author.post(f"/plans/{plan.id}/edit", follow_redirects=True, data=data)
    assert "Đã lưu 2 thay đổi" in done.text and 'người ký: <span lang="vi">Lê Văn Hiểu</span>' in done.text
    db.session.expire_all()
    plan = db.session.get(type(plan), plan.id)
    assert (plan.signer, plan.issued_date) == ("Lê Văn Hiểu", date(2017, 2, 15))
    assignment = db.session.scalar(select(Assignment))
    assert "Người ký: “—” → “Lê Văn Hiểu”" in assignment.history[-1].comment
    bad = author.post(f"/plans/{plan.id}/edit", follow_redirects=True, data={**data, "issued_date": "31/02/2017"})
    assert "Ngày không hợp lệ" in bad.text
    officer = app.test_client()
    sign_in(officer, "tthc.stp@soctrang.example")
    assert officer.get(f"/plans/{plan.id}/edit").status_code == 403
