"""The peers' dataset: the shape Kanboard and Redmine were measured on, for side-by-side figures.

One active plan issued by a provincial People's Committee; ``agencies`` agencies (5 by
default) with one focal officer each; ``tasks`` tasks (10,000 by default), each with one
lead assignment, spread evenly over the agencies (2,000 each); due dates step evenly
from ``today - 182`` to ``today + 182`` days, so about half of the items are overdue.
Inserted with SQLAlchemy Core in chunks (seconds, not minutes); the caller commits.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tracker.models import Agency, Assignment, Deadline, FocalOfficer, Plan, Task
from tracker.reading.text import fold

AGENCIES, TASKS, SPAN_DAYS = 5, 10_000, 182
CHUNK = 10_000


def _insert(session: Session, table, rows: list[dict]) -> None:
    for i in range(0, len(rows), CHUNK):
        session.execute(sa.insert(table), rows[i:i + CHUNK])


def seed(session: Session, today: date, agencies: int = AGENCIES, tasks: int = TASKS) -> dict:
    """Insert the dataset; returns the ids a benchmark needs (plan, agencies, officers' e-mails)."""
    now = datetime.now(UTC)
    first = (session.scalar(sa.select(sa.func.max(Agency.id))) or 0) + 1
    committee_id = first
    committee = "UBND tỉnh Bến Thử"
    _insert(session, Agency.__table__, [dict(
        id=committee_id, name=committee, name_folded=fold(committee), type="ubnd_tinh", level="province",
        head_name="Chủ tịch UBND tỉnh", head_email="chutich@ubnd.example")])
    agency_ids = list(range(first + 1, first + 1 + agencies))
    rows, officers = [], []
    for n, agency_id in enumerate(agency_ids, 1):
        name = f"Sở Chuyên môn số {n} tỉnh Bến Thử"
        rows.append(dict(id=agency_id, name=name, name_folded=fold(name), type="so", level="province",
                         parent_id=committee_id, head_name=f"Giám đốc Nguyễn Văn {n}", head_title="Giám đốc",
                         head_email=f"giamdoc{n}@so{n}.example"))
        officers.append(dict(agency_id=agency_id, name=f"Cán bộ đầu mối Phạm Thị {n}",
                             email=f"daumoi{n}@so{n}.example", language="vi", active=True))
    _insert(session, Agency.__table__, rows)
    _insert(session, FocalOfficer.__table__, officers)
    plan_id = session.execute(sa.insert(Plan.__table__).values(
        identity=f"bench-peers:{today.year}", number="998/KH-UBND", kind="Kế hoạch",
        title=f"Kế hoạch thử tải theo bộ dữ liệu so sánh năm {today.year}", issuer_name=committee,
        issuer_id=committee_id, issued_date=today - timedelta(days=SPAN_DAYS), place="Bến Thử",
        year=today.year, source_name="bench", source_sha256="0" * 64, status="active", warnings=[],
        reminder_policy=None, created_at=now, updated_at=now)).inserted_primary_key[0]
    first_deadline = (session.scalar(sa.select(sa.func.max(Deadline.id))) or 0) + 1
    first_task = (session.scalar(sa.select(sa.func.max(Task.id))) or 0) + 1
    deadlines, task_rows, assignments = [], [], []
    for t in range(tasks):
        due = today + timedelta(days=-SPAN_DAYS + (t * 2 * SPAN_DAYS) // max(1, tasks - 1))
        deadlines.append(dict(id=first_deadline + t, text=f"Trước ngày {due:%d/%m/%Y}", kind="date", start=None,
                              due=due, periods=[], also_event=False, offset_days=None, flags=[]))
        task_rows.append(dict(id=first_task + t, plan_id=plan_id, section_id=None, ref=str(t + 1),
                              content=f"Nhiệm vụ số {t + 1}: rà soát, đơn giản hóa thủ tục hành chính "
                                      "và báo cáo kết quả thực hiện về UBND tỉnh",
                              position=t, source_line=t + 1, raw_cells=[], warnings=[], updated_at=now))
        assignments.append(dict(task_id=first_task + t, row=0, role="lead", agency_id=agency_ids[t % agencies],
                                owner_text="", group_key=None, output="Báo cáo kết quả",
                                deadline_id=first_deadline + t, status="not_started", progress=0,
                                completed_at=None, warnings=[], sequence=0, created_at=now, updated_at=now))
    _insert(session, Deadline.__table__, deadlines)
    _insert(session, Task.__table__, task_rows)
    _insert(session, Assignment.__table__, assignments)
    return {"plan_id": plan_id, "committee_id": committee_id, "agency_ids": agency_ids,
            "officers": [o["email"] for o in officers], "tasks": tasks}
