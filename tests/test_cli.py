"""The operator commands, run as a person would run them (through the Flask CLI)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tracker.models import Agency, Assignment, Plan, Task

from .conftest import FIXTURES, SEEDS

CAM_XUYEN = SEEDS / "cam-xuyen-2020-kiem-soat-tthc-mot-cua.txt"
SOC_TRANG = SEEDS / "soc-trang-2017-kiem-soat-tthc.txt"


def _rows(session) -> tuple[int, int, int]:
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Plan, Task, Assignment))


def test_parse_json_is_a_dry_run_matching_the_key(runner, directory):
    result = runner.invoke(args=["plans", "parse", str(CAM_XUYEN), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    key = json.loads((FIXTURES / "cam-xuyen-2020-kiem-soat-tthc-mot-cua.json").read_text("utf-8"))
    assert data["plan"]["number"] == "181/KH-UBND"
    assert data["plan"]["issued_date"] == "2020-01-31"
    assert [t["ref"] for t in data["tasks"]] == [t["ref"] for t in key["tasks"]]
    first = data["tasks"][0]["assignments"][0]
    assert first["deadline"]["flags"] == ["deadline_before_issue"]
    assert any("2020-02-29" in (w["suggestion"] or "") for w in first["warnings"])
    communes = next(o for o in first["lead"] if o["collective"])
    assert communes["collective"]["group"] == "communes" and len(communes["collective"]["members"]) > 10
    assert _rows(directory) == (0, 0, 0)


def test_parse_without_a_database_still_reads(runner):
    """A dry run needs nothing but the file: owners stay unresolved, with warnings."""
    result = runner.invoke(args=["plans", "parse", str(SOC_TRANG), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["tasks"]) == 22
    assert any(w["code"] == "unresolved_issuer" for w in data["warnings"])


def test_parse_human_readable(runner, directory):
    result = runner.invoke(args=["plans", "parse", str(SOC_TRANG)])
    assert result.exit_code == 0
    assert "[VIII.1]" in result.output and "Báo Sóc Trăng" in result.output


def test_import_twice_then_list(runner, directory):
    first = runner.invoke(args=["plans", "import", str(SOC_TRANG)])
    assert first.exit_code == 0, first.output
    assert "Đã tạo" in first.output
    rows = _rows(directory)
    assert "[1/2]" not in first.stdout and "[1/2]" not in first.stderr     # not a terminal
    second = runner.invoke(args=["plans", "import", "--progress", str(SOC_TRANG)])
    assert "Không thay đổi" in second.stdout
    steps = second.stderr.splitlines()       # the steps, on standard error, for an operator
    assert steps[0].startswith("[1/2] Đọc tệp") and steps[1].startswith("[2/2] So sánh và ghi")
    assert steps[2].startswith("[xong / done]") and steps[2].endswith(" s")
    assert _rows(directory) == rows
    listed = runner.invoke(args=["plans", "list"])
    assert "UBND tỉnh Sóc Trăng" in listed.output and "22 nhiệm vụ" in listed.output


def test_import_reports_what_an_amendment_changed(runner, directory, tmp_path):
    runner.invoke(args=["plans", "import", str(CAM_XUYEN)])
    amended = tmp_path / "181-amended.txt"
    text = CAM_XUYEN.read_text("utf-8").replace("Tháng 8 năm 2020", "Tháng 9 năm 2020")
    amended.write_text(text, "utf-8")
    result = runner.invoke(args=["plans", "import", str(amended)])
    assert result.exit_code == 0, result.output
    assert "Đã cập nhật" in result.output and "Sửa (1): PL1.I.3" in result.output


BAD_INPUTS = {
    "empty.txt": (b"", "empty_file", "rỗng"),
    "blank.txt": (b"  \n\t\n", "empty_file", "rỗng"),
    "binary.bin": (bytes(range(256)) * 8, "binary_file", ""),
    "plan.docx": (b"PK\x03\x04" + b"\x00" * 30 + b"word/document.xml" + b"\x00" * 100, "binary_file", "Word"),
    "plan.pdf": (b"%PDF-1.7\n" + b"\x00\x01" * 200, "binary_file", "PDF"),
    "prose.txt": ("KẾ HOẠCH\nCải cách hành chính năm 2021\n\nI. MỤC ĐÍCH\n- Làm tốt.\n".encode(),
                  "no_table", "bảng"),
    "latin1.txt": ("Le comité a décidé de la réunion générale, très élevé.".encode("cp1252") * 20,
                   "unknown_encoding", ""),
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gets_one_clear_message_and_changes_nothing(runner, directory, tmp_path, name):
    data, _code, word = BAD_INPUTS[name]
    path = tmp_path / name
    path.write_bytes(data)
    before = _rows(directory)
    result = runner.invoke(args=["plans", "import", str(path)])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [ln for ln in result.output.strip().split("\n") if ln]
    assert lines[0].startswith("Lỗi: ") and lines[1].startswith("Error: ")
    assert "Traceback" not in result.output
    assert word.lower() in lines[0].lower()
    assert _rows(directory) == before


def test_missing_file(runner):
    result = runner.invoke(args=["plans", "parse", "/nonexistent/plan.txt"])
    assert result.exit_code == 2 and "Lỗi" in result.output


def test_legacy_windows_1258_file_is_converted(runner, directory, tmp_path):
    from .test_encoding import to_cp1258_form
    path = tmp_path / "cp1258.txt"
    path.write_bytes(to_cp1258_form(SOC_TRANG.read_text("utf-8")).encode("cp1258"))
    result = runner.invoke(args=["plans", "parse", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["tasks"]) == 22
    assert data["warnings"][0]["code"] == "converted_cp1258"


def test_tasks_list_filters(runner, directory):
    runner.invoke(args=["plans", "import", str(SOC_TRANG)])
    everything = runner.invoke(args=["tasks", "list", "--today", "2017-07-15"])
    assert everything.exit_code == 0, everything.output
    overdue = runner.invoke(args=["tasks", "list", "--overdue", "--today", "2017-07-15",
                                  "--agency", "Sở Tư pháp"])
    assert overdue.exit_code == 0, overdue.output
    lines = [ln for ln in overdue.output.splitlines() if "Sở Tư pháp" in ln]
    # Due in January (IV.1) and the first half-year report: both overdue by mid-July.
    assert lines and all("Quá hạn chưa hoàn thành" in ln for ln in lines)
    assert any("2017-01-31" in ln for ln in lines)
    assert not any("2017-09-30" in ln for ln in lines)
    before = runner.invoke(args=["tasks", "list", "--due-before", "2017-03-31", "--today", "2017-01-10"])
    dates = [ln[:10] for ln in before.output.splitlines() if ln[:2] == "20"]
    assert dates and all(d <= "2017-03-31" for d in dates)
    unknown = runner.invoke(args=["tasks", "list", "--agency", "Bộ Ngoại giao"])
    assert unknown.exit_code == 2


def test_agencies_import_is_idempotent_and_rejects_bad_files(runner, session, tmp_path):
    path = SEEDS / "directory-cam-xuyen.yaml"
    assert runner.invoke(args=["agencies", "import", str(path)]).exit_code == 0
    count = session.scalar(select(func.count()).select_from(Agency))
    assert runner.invoke(args=["agencies", "import", str(path)]).exit_code == 0
    assert session.scalar(select(func.count()).select_from(Agency)) == count

    bad = tmp_path / "bad.yaml"
    bad.write_text("agencies:\n  - name: Sở A\n    parent: Không có\n", "utf-8")
    result = runner.invoke(args=["agencies", "import", str(bad)])
    assert result.exit_code == 2 and "Không có" in result.output
    assert session.scalar(select(func.count()).select_from(Agency)) == count


def test_agencies_import_csv(runner, session, tmp_path):
    path = tmp_path / "dir.csv"
    path.write_text(
        "name,aliases,type,level,parent,member_of,officer_name,officer_email\n"
        "Ủy ban nhân dân tỉnh Bến Tre,UBND tỉnh Bến Tre,ubnd_tinh,province,,,,\n"
        "Sở Tư pháp tỉnh Bến Tre,Sở Tư pháp;STP,so,province,UBND tỉnh Bến Tre,provincial_departments,"
        "Nguyễn Văn A,a@bentre.example\n", "utf-8")
    result = runner.invoke(args=["agencies", "import", str(path)])
    assert result.exit_code == 0, result.output
    justice = session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Bến Tre"))
    assert justice.parent.name == "Ủy ban nhân dân tỉnh Bến Tre"
    assert [g.key for g in justice.groups] == ["provincial_departments"]
    assert justice.officers[0].email == "a@bentre.example"


def test_seed_is_idempotent(runner, session):
    assert runner.invoke(args=["seed"]).exit_code == 0
    rows = _rows(session)
    assert rows[0] == 2
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0 and "Bỏ qua ca-mau" in result.output
    assert _rows(session) == rows


def test_prose_tasks_are_imported_only_when_asked(runner, directory):
    plain = runner.invoke(args=["plans", "import", str(SOC_TRANG)])
    assert "1 nhiệm vụ đề xuất từ văn bản có độ tin cậy cao chưa được nhập" in plain.output
    assert directory.scalar(select(func.count()).select_from(Task)) == 22
    with_prose = runner.invoke(args=["plans", "import", str(SOC_TRANG), "--include-prose"])
    assert with_prose.exit_code == 0 and "Thêm (1): TCTH." in with_prose.output
    task = directory.scalar(select(Task).where(Task.ref.startswith("TCTH.")))
    assert task.assignments and task.assignments[0].deadline.due.isoformat() == "2017-01-30"


def test_calendar_exceptions_and_policy_commands(runner, session):
    from datetime import date

    from tracker.reminders.policy import global_policy
    from tracker.scheduling.office_calendar import working_calendar
    assert runner.invoke(args=["calendar", "set", "2026-01-02", "--off",
                               "--note", "Nghỉ bù Tết Dương lịch"]).exit_code == 0
    assert runner.invoke(args=["calendar", "set", "2026-01-10", "--working"]).exit_code == 0
    calendar = working_calendar(session)
    assert not calendar.is_working_day(date(2026, 1, 2)) and calendar.is_working_day(date(2026, 1, 10))
    shown = runner.invoke(args=["calendar", "show", "2026"])
    assert "Nghỉ bù Tết Dương lịch" in shown.output and "10/01/2026" in shown.output
    assert runner.invoke(args=["calendar", "unset", "2026-01-10"]).exit_code == 0
    assert not working_calendar(session).is_working_day(date(2026, 1, 10))
    assert runner.invoke(args=["calendar", "set", "2026-01-03"]).exit_code == 2

    result = runner.invoke(args=["policy", "set", "overdue_every=5", "before_offsets=5,2,0", "send_at=08:00"])
    assert result.exit_code == 0, result.output
    policy = global_policy(session)
    assert policy.overdue_every == 5 and policy.before_offsets == (5, 2, 0)
    bad = runner.invoke(args=["policy", "set", "escalate_head_after=20"])
    assert bad.exit_code == 2 and global_policy(session).escalate_head_after == 3
    assert runner.invoke(args=["policy", "set", "nonsense=1"]).exit_code == 2
    garbled = runner.invoke(args=["policy", "set", "before_offsets=a,b"])
    assert garbled.exit_code == 2 and "Traceback" not in garbled.output and "before_offsets" in garbled.output
