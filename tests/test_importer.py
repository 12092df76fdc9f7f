"""Importing plans: fan-out, idempotence, updates in place, all or nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tracker.directory.store import load_index
from tracker.models import DONE, Agency, Assignment, Occurrence, Plan, StatusChange, Task
from tracker.plans.importer import import_plan
from tracker.reading.plan import read_plan

from .conftest import SEEDS

CAM_XUYEN = SEEDS / "cam-xuyen-2020-kiem-soat-tthc-mot-cua.txt"
SOC_TRANG = SEEDS / "soc-trang-2017-kiem-soat-tthc.txt"


def _import(session, data: bytes, name: str = "plan.txt"):
    result = import_plan(session, read_plan(data, name), load_index(session))
    session.commit()
    return result


def _counts(session) -> tuple[int, ...]:
    return tuple(session.scalar(select(func.count()).select_from(m))
                 for m in (Plan, Task, Assignment, Occurrence))


def test_collective_owners_fan_out_one_assignment_per_member(directory):
    result = _import(directory, CAM_XUYEN.read_bytes(), CAM_XUYEN.name)
    task = directory.scalar(select(Task).where(Task.plan_id == result.plan.id, Task.ref == "PL1.I.1"))
    communes = directory.scalars(select(Agency).where(Agency.type == "ubnd_xa",
                                                      Agency.name.like("%Cẩm%"))).all()
    leads = [a for a in task.assignments if a.role == "lead"]
    commune_leads = [a for a in leads if a.group_key == "communes"]
    # Every commune of the district leads, each tracking its own status.
    assert len(commune_leads) == len({a.agency_id for a in commune_leads}) >= len(communes) > 0
    office = next(a for a in leads if a.group_key is None)
    assert office.agency.name == "Văn phòng HĐND và UBND huyện Cẩm Xuyên" or \
        "Văn phòng" in office.agency.name
    # The vague coordinator is kept as written, unresolved, with its warning.
    vague = [a for a in task.assignments if a.agency_id is None]
    assert [a.owner_text for a in vague] == ["Các phòng, ban, đơn vị có liên quan"]
    assert any(w["code"] == "vague_owner" for w in vague[0].warnings)


def test_an_agency_named_as_lead_and_coordinator_keeps_the_lead_role(directory):
    result = _import(directory, CAM_XUYEN.read_bytes(), CAM_XUYEN.name)
    task = directory.scalar(select(Task).where(Task.plan_id == result.plan.id, Task.ref == "PL1.II.1"))
    roles: dict[int, set[str]] = {}
    for a in task.assignments:
        if a.agency_id:
            roles.setdefault(a.agency_id, set()).add(a.role)
    assert all(len(r) == 1 for r in roles.values())
    communes = [a for a in task.assignments if a.group_key == "communes"]
    assert communes and all(a.role == "lead" for a in communes)


def test_recurring_deadlines_create_occurrences_per_assignment(directory):
    result = _import(directory, CAM_XUYEN.read_bytes(), CAM_XUYEN.name)
    task = directory.scalar(select(Task).where(Task.plan_id == result.plan.id, Task.ref == "PL1.VI.1"))
    for assignment in task.assignments:
        assert assignment.deadline.kind == "recurring"
        assert [o.period for o in assignment.occurrences] == ["quarterly"] * 3 + ["annual"]
        assert all(o.due.year == 2020 for o in assignment.occurrences)


def test_importing_the_same_plan_twice_changes_nothing(directory):
    first = _import(directory, SOC_TRANG.read_bytes(), SOC_TRANG.name)
    before = _counts(directory)
    updated_at = first.plan.updated_at
    ids = sorted(directory.scalars(select(Assignment.id)))
    second = _import(directory, SOC_TRANG.read_bytes(), SOC_TRANG.name)
    assert second.unchanged and not second.created
    assert _counts(directory) == before
    assert sorted(directory.scalars(select(Assignment.id))) == ids
    directory.refresh(second.plan)
    assert second.plan.updated_at == updated_at


def test_an_amended_plan_updates_in_place_and_keeps_progress(directory):
    original = CAM_XUYEN.read_text(encoding="utf-8")
    first = _import(directory, original.encode(), CAM_XUYEN.name)
    plan_id = first.plan.id
    # Someone reports progress on a task that the amendment leaves alone.
    kept = directory.scalar(select(Task).where(Task.plan_id == plan_id, Task.ref == "PL1.III.1"))
    kept_assignment = kept.assignments[0]
    kept_assignment.status = DONE
    kept_assignment.progress = 100
    kept_assignment.completed_at = datetime(2020, 5, 4, 3, 0, tzinfo=UTC)
    kept_assignment.history.append(StatusChange(changed_by="test", from_status="not_started",
                                                to_status=DONE, progress=100, comment="xong"))
    directory.commit()
    kept_id = kept_assignment.id

    lines = []
    for line in original.split("\n"):
        if line.startswith("5\tTriển khai thực hiện liên thông"):
            continue                                            # PL2.5 removed
        lines.append(line.replace("Tháng 2 năm 2019", "Tháng 2 năm 2020"))  # PL1.I.1 corrected
        if line.startswith("6\tTuyên truyền, phổ biến việc triển khai"):
            lines.append("7\tNhiệm vụ mới bổ sung.\tPhòng Tư pháp\tVăn phòng HĐND-UBND huyện."
                         "\tTài liệu hướng dẫn\tQuý II năm 2020")      # PL2.7 added
    second = _import(directory, "\n".join(lines).encode(), "amended.txt")

    assert second.plan.id == plan_id and not second.created
    assert "PL1.I.1" in second.changed
    assert any(line.startswith("Thời hạn: “Tháng 2 năm 2019") and line.endswith("“Tháng 2 năm 2020”")
               for line in second.details["PL1.I.1"]), second.details["PL1.I.1"]
    assert any(line.startswith("Deadline: “Tháng 2 năm 2019") for line in second.details_en["PL1.I.1"])
    assert second.removed == ["PL2.5"]
    assert "PL2.7" in second.added
    again = directory.get(Assignment, kept_id)
    assert again is not None and again.status == DONE and again.progress == 100
    assert [h.comment for h in again.history] == ["xong"]
    fixed = directory.scalar(select(Task).where(Task.plan_id == plan_id, Task.ref == "PL1.I.1"))
    assert fixed.assignments[0].deadline.due.isoformat() == "2020-02-29"
    assert "deadline_before_issue" not in fixed.assignments[0].deadline.flags


def test_a_failed_import_leaves_nothing_behind(directory, monkeypatch):
    before = _counts(directory)
    reading = read_plan(SOC_TRANG.read_bytes(), SOC_TRANG.name)
    index = load_index(directory)

    import tracker.plans.importer as importer
    calls = {"n": 0}
    real = importer._owner_rows

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 10:  # half-way through the plan: its tasks are written already
            raise RuntimeError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "_owner_rows", failing)
    with pytest.raises(RuntimeError):
        try:
            import_plan(directory, reading, index)
            directory.commit()
        except Exception:
            directory.rollback()
            raise
    assert _counts(directory) == before


def test_unresolved_owners_are_kept_as_written(session):
    """Without a directory nothing resolves, yet every owner becomes an assignment."""
    result = _import(session, SOC_TRANG.read_bytes(), SOC_TRANG.name)
    assignments = session.scalars(select(Assignment)).all()
    assert assignments and all(a.agency_id is None for a in assignments)
    assert result.unresolved == len(assignments)
    assert any(w["code"] == "unresolved_issuer" for w in result.plan.warnings)


def test_an_inserted_row_renumbers_without_moving_statuses(directory):
    """A task inserted at the top shifts every number: progress stays with its content."""
    original = SOC_TRANG.read_text(encoding="utf-8")
    first = _import(directory, original.encode(), SOC_TRANG.name)
    target = directory.scalar(select(Task).where(Task.plan_id == first.plan.id, Task.ref == "I.2"))
    content = target.content
    target.assignments[0].status = DONE
    directory.commit()
    inserted = original.replace(
        "1\tKiểm soát chặt chẽ việc ban hành mới",
        "1\tNhiệm vụ mới chèn vào đầu mục.\tBáo cáo.\tSở Nội vụ.\tQuý II/2017.\n"
        "2\tKiểm soát chặt chẽ việc ban hành mới").replace(
        "2\tTham gia ý kiến, thẩm định TTHC", "3\tTham gia ý kiến, thẩm định TTHC")
    second = _import(directory, inserted.encode(), SOC_TRANG.name)
    assert second.added == ["I.1"]
    moved = directory.scalar(select(Task).where(Task.plan_id == first.plan.id, Task.ref == "I.3"))
    assert moved.content == content and moved.assignments[0].status == DONE
    assert not second.removed


def test_another_provinces_committee_is_in_doubt_not_every_committee_of_this_one(directory):
    """The recovery of owner names a conversion shuffled must not read "Ủy ban nhân dân tỉnh
    Hà Tĩnh" in a Sóc Trăng plan as every "Ủy ban nhân dân …" of Sóc Trăng."""
    text = SOC_TRANG.read_text(encoding="utf-8").replace("Sở Tư pháp.\tThường xuyên.",
                                                         "UBND tỉnh Hà Tĩnh.\tThường xuyên.")
    reading = read_plan(text.encode(), SOC_TRANG.name)
    load_index(directory).resolve_plan(reading)
    task = next(t for t in reading.tasks if t.ref == "III.4")
    mentions = [m for a in task.assignments for m in a.lead if "Hà Tĩnh" in m.text]
    assert [(m.text, m.agency) for m in mentions] == [("UBND tỉnh Hà Tĩnh", None)]
    assert not any(w.code == "garbled_owner" for a in task.assignments for w in a.warnings)
