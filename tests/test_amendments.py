"""Amended plans: nothing an officer did is ever deleted by an import.

A task or assignment an amendment drops is marked removed ("đã bỏ khỏi kế hoạch"): it keeps
its history, reports and evidence, leaves every list, reminder, feed and statistic, and comes
back if a later version names it again. Matching survives reordered sub-rows and reworded
owners.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tracker.directory.store import load_index
from tracker.models import Assignment, Evidence, Occurrence, StatusChange, Task
from tracker.plans.importer import import_plan
from tracker.plans.queries import due_items
from tracker.plans.removal import RestoreError, restore
from tracker.plans.statistics import Period, agency_statistics
from tracker.reading.plan import read_plan
from tracker.reminders import rules
from tracker.reminders.planner import plan_messages

HEADER = """ỦY BAN NHÂN DÂN TỈNH SÓC TRĂNG
Số: 77/KH-UBND
Sóc Trăng, ngày 10 tháng 01 năm 2017

KẾ HOẠCH
Thử nghiệm sửa đổi kế hoạch năm 2017

Số TT\tNội dung công việc\tKết quả công việc\tPhân công thực hiện\tThời gian thực hiện
"""
ROW1 = "1\tRà soát thủ tục hành chính.\tBáo cáo rà soát.\tSở Tư pháp.\tTrong quý II/2017.\n"
ROW1_SUB = "\t\tDanh mục thủ tục.\tSở Nội vụ.\tTrong tháng 8/2017.\n"
ROW2 = "2\tCông khai thủ tục hành chính.\tThủ tục được đăng tải.\tSở Thông tin và Truyền thông.\tTrong tháng 5/2017.\n"
ROW3 = "3\tBáo cáo kết quả kiểm soát thủ tục.\tBáo cáo định kỳ.\tSở Tư pháp.\tĐịnh kỳ hằng quý.\n"
TZ = "Asia/Ho_Chi_Minh"


def _import(session, text: str):
    result = import_plan(session, read_plan(text.encode(), "plan.txt"), load_index(session))
    session.commit()
    return result


def _ids(session, plan_id: int) -> dict[tuple[str, str], int]:
    """(task content, agency name) → assignment id, for the live assignments."""
    rows = session.scalars(select(Assignment).join(Assignment.task).where(Task.plan_id == plan_id)).all()
    return {(a.task.content, a.agency.name): a.id for a in rows}


def _report(session, assignment: Assignment) -> StatusChange:
    change = StatusChange(changed_by="tthc.stp@soctrang.example", from_status="not_started",
                          to_status="in_progress", progress=40, comment="Đã rà soát 40 thủ tục")
    change.evidence.append(Evidence(filename="bien-ban.pdf", content_type="application/pdf", size=4,
                                    sha256="0" * 64, data=b"%PDF"))
    assignment.history.append(change)
    assignment.status, assignment.progress = "in_progress", 40
    session.commit()
    return change


def test_reordered_sub_rows_and_reworded_owners_keep_every_assignment(directory):
    first = _import(directory, HEADER + ROW1 + ROW1_SUB + ROW2 + ROW3)
    before = _ids(directory, first.plan.id)
    amended = (HEADER
               + "1\tRà soát thủ tục hành chính.\tDanh mục thủ tục.\tSở Nội vụ tỉnh Sóc Trăng.\tTrong tháng 8/2017.\n"
               + "\t\tBáo cáo rà soát.\tSở Tư pháp tỉnh Sóc Trăng.\tTrong quý II/2017.\n" + ROW2 + ROW3)
    second = _import(directory, amended)
    assert _ids(directory, first.plan.id) == before
    assert not second.removed and not second.removed_with_work
    # The moved sub-rows carry their own deadlines, not each other's.
    task = directory.scalar(select(Task).where(Task.plan_id == first.plan.id, Task.ref == "1"))
    dues = {a.agency.name: (a.row, a.deadline.due) for a in task.assignments}
    assert dues["Sở Nội vụ tỉnh Sóc Trăng"] == (0, date(2017, 8, 31))
    assert dues["Sở Tư pháp tỉnh Sóc Trăng"] == (1, date(2017, 6, 30))


def test_a_dropped_task_keeps_its_report_and_evidence_and_leaves_everything_else(app, directory):
    first = _import(directory, HEADER + ROW1 + ROW1_SUB + ROW2 + ROW3)
    plan_id = first.plan.id
    dropped = directory.scalar(select(Assignment).join(Assignment.task).where(
        Task.plan_id == plan_id, Task.ref == "2"))
    change_id = _report(directory, dropped).id
    dropped_id = dropped.id

    # Version 2 drops task 2 and renumbers task 3 to 2.
    second = _import(directory, HEADER + ROW1 + ROW1_SUB + ROW3.replace("3\t", "2\t", 1))
    assert second.removed == ["2"]
    assert [w.assignment_id for w in second.removed_with_work] == [dropped_id]
    assert second.removed_with_work[0].reports == 1 and second.removed_with_work[0].evidence == 1
    directory.expire_all()

    directory.expunge_all()      # what another request sees
    kept = directory.scalar(select(Assignment).where(Assignment.id == dropped_id)
                            .execution_options(include_removed=True))
    assert kept is not None and kept.removed_at is not None and kept.task.removed_at is not None
    assert [c.id for c in kept.history] == [change_id]
    assert directory.scalar(select(Evidence).where(Evidence.status_change_id == change_id)).data == b"%PDF"
    # Out of the work lists, the statistics and the reminders.
    assert dropped_id not in {i.assignment.id for i in due_items(directory, date(2017, 6, 1), TZ)}
    stats = agency_statistics(directory, date(2017, 12, 31), TZ, Period.year(2017), plan_ids=[plan_id])
    assert all("Thông tin" not in (row.name or "") for row in stats.rows)
    plan_messages(directory, date(2017, 5, 29), (rules.BEFORE, rules.OVERDUE))
    directory.flush()
    from tracker.models import SentStep
    assert not directory.scalars(select(SentStep).where(SentStep.item_key == f"a{dropped_id}")).all()
    # Version 3 names it again: it comes back with its history.
    third = _import(directory, HEADER + ROW1 + ROW1_SUB + ROW2 + ROW3)
    assert "2" in third.restored
    directory.expunge_all()
    back = directory.get(Assignment, dropped_id)
    assert back.removed_at is None and back.progress == 40 and [c.id for c in back.history] == [change_id]


def test_a_renumbered_plan_keeps_the_dropped_tasks_reference_for_the_record(directory):
    first = _import(directory, HEADER + ROW1 + ROW2 + ROW3)
    _import(directory, HEADER + ROW1 + ROW3.replace("3\t", "2\t", 1))
    tasks = directory.scalars(select(Task).where(Task.plan_id == first.plan.id)
                              .execution_options(include_removed=True).order_by(Task.id)).all()
    assert [(t.ref, t.removed_at is not None) for t in tasks] == [("1", False), ("2", True), ("2", False)]
    # Live listings see only the live ones.
    assert [t.ref for t in directory.scalars(select(Task).where(Task.plan_id == first.plan.id))] == ["1", "2"]
    assert directory.scalar(select(func.count(Task.id)).where(Task.plan_id == first.plan.id)) == 2
    # Its number now belongs to another task: it cannot simply come back.
    with pytest.raises(RestoreError, match="nay là của một nhiệm vụ khác"):
        restore(directory, tasks[1].assignments[0])


def test_a_period_the_new_deadline_drops_is_removed_with_its_report(directory):
    first = _import(directory, HEADER + ROW1 + ROW3)
    assignment = directory.scalar(select(Assignment).join(Assignment.task).where(
        Task.plan_id == first.plan.id, Task.ref == "3"))
    q1 = assignment.occurrences[0]
    report = StatusChange(changed_by="tthc.stp@soctrang.example", from_status="not_started", to_status="done",
                          progress=100, comment="Báo cáo quý I", occurrence=q1)
    assignment.history.append(report)
    directory.commit()
    q1_id, assignment_id, report_id = q1.id, assignment.id, report.id
    _import(directory, HEADER + ROW1 + ROW3.replace("Định kỳ hằng quý.", "Định kỳ 6 tháng."))
    directory.expunge_all()      # what the next request sees
    periods = directory.scalars(select(Occurrence).where(Occurrence.assignment_id == assignment_id)
                                .execution_options(include_removed=True)).all()
    removed = [o for o in periods if o.removed_at is not None]
    assert q1_id in {o.id for o in removed}
    assert {o.period for o in directory.get(Assignment, assignment_id).occurrences} == {"semiannual"}
    assert directory.get(StatusChange, report_id).comment == "Báo cáo quý I"


def test_the_command_line_says_what_an_amendment_removes_and_needs_yes_for_reported_work(
        directory, runner, tmp_path):
    original, amended = tmp_path / "v1.txt", tmp_path / "v2.txt"
    original.write_text(HEADER + ROW1 + ROW2 + ROW3, encoding="utf-8")
    amended.write_text(HEADER + ROW1 + ROW3, encoding="utf-8")
    assert runner.invoke(args=["plans", "import", str(original)]).exit_code == 0
    dropped = directory.scalar(select(Assignment).join(Assignment.task).where(Task.ref == "2"))
    _report(directory, dropped)
    dropped_id = dropped.id

    dry = runner.invoke(args=["plans", "import", str(amended), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "chạy thử" in dry.output and f"#{dropped_id}" in dry.output and "1 báo cáo" in dry.output
    refused = runner.invoke(args=["plans", "import", str(amended)])
    assert refused.exit_code == 2 and "--yes" in refused.output
    directory.expunge_all()
    assert directory.get(Assignment, dropped_id).removed_at is None      # nothing written either time

    done = runner.invoke(args=["plans", "import", str(amended), "--yes"])
    assert done.exit_code == 0 and "Bỏ khỏi kế hoạch (1): 2" in done.output
    history = runner.invoke(args=["tasks", "history", str(dropped_id)])
    assert history.exit_code == 0, history.output
    assert "ĐÃ BỎ KHỎI KẾ HOẠCH" in history.output and "Đã rà soát 40 thủ tục" in history.output
    assert "[1 tệp]" in history.output
    missing = runner.invoke(args=["tasks", "history", "99999"])
    assert missing.exit_code == 2 and "không có phân công #99999" in missing.output


def test_the_wizard_needs_a_confirmation_to_remove_reported_work_and_the_plan_page_restores_it(app, people):
    import io

    from tracker.extensions import db

    from .conftest import csrf_of, sign_in
    author = app.test_client()
    sign_in(author, "soanthao@soctrang.example")

    def publish(text: str, confirm: bool = False):
        page = author.get("/imports/new")
        response = author.post("/imports/new", data={"csrf_token": csrf_of(page),
                                                     "file": (io.BytesIO(text.encode()), "ke-hoach.txt")},
                               content_type="multipart/form-data")
        draft_url = response.headers["Location"]
        page = author.get(draft_url)
        data = {"csrf_token": csrf_of(page), "action": "publish"}
        if confirm:
            data["confirm_removal"] = "1"
        return page, author.post(draft_url, data=data, follow_redirects=True)

    publish(HEADER + ROW1 + ROW2 + ROW3)
    dropped = db.session.scalar(select(Assignment).join(Assignment.task).where(Task.ref == "2"))
    change = _report(db.session, dropped)
    dropped_id, evidence_id, plan_id = dropped.id, change.evidence[0].id, dropped.task.plan_id

    preview, refused = publish(HEADER + ROW1 + ROW3)
    assert 'id="removed-with-work"' in preview.text and "1 báo cáo" in preview.text
    assert "Tôi đồng ý bỏ các phân công này khỏi kế hoạch" in refused.text     # refused, said why
    db.session.expunge_all()
    assert db.session.get(Assignment, dropped_id).removed_at is None           # and nothing changed

    _, done = publish(HEADER + ROW1 + ROW3, confirm=True)
    assert done.status_code == 200
    db.session.expunge_all()
    assert db.session.get(Assignment, dropped_id) is None                      # out of every query
    live = author.get(f"/plans/{plan_id}")
    assert "Đã bỏ khỏi kế hoạch (1)" in live.text and "Sở Thông tin" not in live.text
    removed = author.get(f"/plans/{plan_id}?status=removed")
    assert "Sở Thông tin và Truyền thông" in removed.text and "Đưa lại vào kế hoạch" in removed.text
    record = author.get(f"/a/{dropped_id}")
    assert record.status_code == 200 and 'id="removed-banner"' in record.text
    assert "Đã rà soát 40 thủ tục" in record.text
    assert author.get(f"/evidence/{evidence_id}").data == b"%PDF"

    restored = author.post(f"/plans/{plan_id}/assignments/{dropped_id}/restore",
                           data={"csrf_token": csrf_of(removed)}, follow_redirects=True)
    assert "Đã đưa phân công trở lại kế hoạch." in restored.text
    db.session.expunge_all()
    back = db.session.get(Assignment, dropped_id)
    assert back is not None and back.task.removed_at is None and back.progress == 40
    assert "Sở Thông tin và Truyền thông" in author.get(f"/plans/{plan_id}").text


def test_a_plan_tracked_from_part_way_sends_first_notices_only_and_no_escalation_on_day_one(
        app, directory, smtp_server):
    """Adopted in March with January tasks: day one brings "lần 1" notices to the agencies,
    nothing about periods before tracking began, and nothing to heads or the committee."""
    from datetime import datetime
    from datetime import time as clock_time
    from zoneinfo import ZoneInfo

    from tracker.jobs import run
    from tracker.models import OutboxItem, SentStep
    text = (HEADER.replace("ngày 10 tháng 01", "ngày 15 tháng 3")
            + "1\tRà soát thủ tục hành chính.\tBáo cáo rà soát.\tSở Tư pháp.\tTrong tháng 01/2017.\n"
            + "2\tCông khai thủ tục hành chính.\tThủ tục được đăng tải.\tSở Nội vụ.\tTrong tháng 02/2017.\n"
            + "3\tBáo cáo kết quả kiểm soát thủ tục.\tBáo cáo định kỳ.\tSở Tư pháp.\tĐịnh kỳ hằng quý.\n")
    start = date(2017, 3, 20)                          # a Monday
    import_plan(directory, read_plan(text.encode(), "plan.txt"), load_index(directory), tracking_from=start)
    directory.commit()

    def day(d: date) -> None:
        moment = datetime.combine(d, clock_time(7, 30), ZoneInfo(TZ))
        for job in ("reminders", "overdue", "escalation", "checkins", "send"):
            run(job, moment)

    day(start)
    steps = {(s.item_key, s.step_key) for s in directory.scalars(select(SentStep))}
    tasks_1_2 = {a.id for a in directory.scalars(select(Assignment).join(Assignment.task)
                                                 .where(Task.ref.in_(("1", "2"))))}
    # The January and February tasks: one first overdue notice each, nothing more.
    assert {(item, key) for item, key in steps if item.startswith("a")} == {
        (f"a{i}", "overdue-1") for i in tasks_1_2}
    assert not any(key.startswith("escalation") for _, key in steps)
    # Reporting periods: only those due from the first day of tracking on are reminded.
    occurrences = {f"o{o.id}": o.due for o in directory.scalars(select(Occurrence))}
    assert all(occurrences[item] >= start for item, _ in steps if item.startswith("o"))
    bodies = [m.get_body(("plain",)).get_content() for _, m in smtp_server[0].messages]
    overdue_bodies = [b for b in bodies if "quá hạn" in b]
    assert overdue_bodies and all("lần 1)" in b and "lần 2" not in b for b in overdue_bodies)
    # Three working days later the heads hear of it, after their agencies did.
    day(date(2017, 3, 21))
    day(date(2017, 3, 22))
    day(date(2017, 3, 23))
    later = {s.step_key for s in directory.scalars(select(SentStep))}
    assert "escalation_head" in later and "escalation_committee" not in later
    assert directory.scalar(select(OutboxItem.id).where(OutboxItem.step_key == "escalation_head"))


@pytest.mark.parametrize("stem", ["soc-trang-2017-kiem-soat-tthc", "cam-xuyen-2020-kiem-soat-tthc-mot-cua"])
def test_the_same_plan_in_another_format_shows_no_changes(directory, stem):
    """The text and the Word file of one plan differ in lines, cells and full stops, not in
    anything an officer sees: the second import reports nothing and moves no calendar."""
    from .conftest import SEEDS
    first = import_plan(directory, read_plan((SEEDS / f"{stem}.txt").read_bytes(), f"{stem}.txt"),
                        load_index(directory))
    directory.commit()
    sequences = dict(directory.execute(select(Assignment.id, Assignment.sequence)).all())
    again = import_plan(directory, read_plan((SEEDS / f"{stem}.docx").read_bytes(), f"{stem}.docx"),
                        load_index(directory))
    directory.commit()
    assert again.plan.id == first.plan.id
    assert (again.added, again.changed, again.removed) == ([], [], [])
    assert dict(directory.execute(select(Assignment.id, Assignment.sequence)).all()) == sequences
