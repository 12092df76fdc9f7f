"""The operators' command line tells the truth: ids they can act on, names rather than keys,
local times, real URLs' schemes, real changes, no "None", and usage errors in both languages."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import func, select

from tracker.models import Assignment, OutboxMessage, Plan, SentStep

from .conftest import SEEDS

CAM_XUYEN = SEEDS / "cam-xuyen-2020-kiem-soat-tthc-mot-cua.txt"
SOC_TRANG = SEEDS / "soc-trang-2017-kiem-soat-tthc.txt"


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# 1. tasks list: the ids set-status needs, and sub-rows told apart

def test_tasks_list_shows_assignment_ids_rows_and_roles(runner, seeded):
    result = runner.invoke(args=["tasks", "list", "--today", "2017-07-15", "--agency", "Sở Tư pháp"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # Task IV.1 of the Sóc Trăng plan has two sub-rows, both led by Sở Tư pháp.
    iv1 = [ln for ln in lines if ":IV.1 " in ln]
    assert len(iv1) == 2, result.output
    ids = [int(re.search(r"#(\d+)", ln).group(1)) for ln in iv1]
    rows = {a.id: a for a in seeded.scalars(select(Assignment).where(Assignment.id.in_(ids)))}
    assert set(rows) == set(ids) and len(set(ids)) == 2
    for ln, assignment_id in zip(iv1, ids):
        a = rows[assignment_id]
        assert a.task.ref == "IV.1" and a.agency.name in ln
        assert f" {a.row + 1}/2 " in ln
        assert "chủ trì" in ln
    assert {f" {rows[i].row + 1}/2 " for i in ids} == {" 1/2 ", " 2/2 "}
    assert "flask tasks set-status" in result.output

    # An id from the list is what set-status takes.
    done = runner.invoke(args=["tasks", "set-status", str(ids[0]), "done"])
    assert done.exit_code == 0, done.output
    seeded.expire_all()
    assert seeded.get(Assignment, ids[0]).status == "done"


def test_tasks_list_names_coordinating_agencies(runner, directory):
    runner.invoke(args=["plans", "import", str(CAM_XUYEN)])
    result = runner.invoke(args=["tasks", "list", "--today", "2020-07-15"])
    assert result.exit_code == 0, result.output
    coordinating = directory.scalar(select(Assignment).where(Assignment.role == "coordinate",
                                                              Assignment.agency_id.is_not(None))
                                    .order_by(Assignment.id).limit(1))
    line = next(ln for ln in result.output.splitlines() if f"#{coordinating.id} " in ln)
    assert "phối hợp" in line and coordinating.agency.name[:45] in line


# 2. jobs run: real mail, and a dry run that writes nothing

def test_jobs_run_dry_run_writes_nothing_and_says_what_it_would_queue(runner, seeded):
    before = (_count(seeded, OutboxMessage), _count(seeded, SentStep))
    dry = runner.invoke(args=["jobs", "run", "overdue", "--at", "2017-07-17T08:00", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    seeded.expire_all()
    assert (_count(seeded, OutboxMessage), _count(seeded, SentStep)) == before == (0, 0)
    would = int(re.search(r"sẽ xếp (\d+) thư", dry.output).group(1))
    assert would > 0 and f"overdue: {would}" in dry.output
    assert "không ghi gì" in dry.output and "nothing was written" in dry.output

    real = runner.invoke(args=["jobs", "run", "overdue", "--at", "2017-07-17T08:00"])
    assert real.exit_code == 0, real.output
    assert _count(seeded, OutboxMessage) == would          # the dry run told the truth
    lines = real.output.splitlines()
    vi = next(i for i, ln in enumerate(lines) if "thư thật" in ln and "bộ gửi sẽ gửi" in ln)
    assert "real messages were queued" in lines[vi + 1] and "deliver" in lines[vi + 1]

    # The sender's dry run counts what it would deliver, and delivers nothing.
    send = runner.invoke(args=["jobs", "run", "send", "--dry-run"])
    assert send.exit_code == 0, send.output
    assert f"sẽ gửi {would} thư" in send.output and "nothing was sent" in send.output
    seeded.expire_all()
    assert _count(seeded, OutboxMessage) == would
    assert not seeded.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.state == "sent"))


def test_jobs_run_help_says_the_mail_is_real(runner):
    result = runner.invoke(args=["jobs", "run", "--help"])
    assert "thư thật" in result.output and "real messages" in result.output and "--dry-run" in result.output


# 3. feeds list: names, not keys

def test_feeds_list_names_what_each_feed_follows(runner, seeded):
    assert runner.invoke(args=["feeds", "create", "--agency", "Sở Tư pháp tỉnh Sóc Trăng"]).exit_code == 0
    assert runner.invoke(args=["feeds", "create", "--officer", "tthc.stp@soctrang.example"]).exit_code == 0
    assert runner.invoke(args=["feeds", "create", "--leadership", "UBND tỉnh Sóc Trăng"]).exit_code == 0
    plan_id = seeded.scalar(select(Plan.id))
    plan = runner.invoke(args=["feeds", "create", "--plan", str(plan_id)])
    assert plan.exit_code == 0, plan.output
    listed = runner.invoke(args=["feeds", "list"]).output.splitlines()
    assert len(listed) == 4
    assert "cơ quan: Sở Tư pháp tỉnh Sóc Trăng" in listed[0]
    assert "cán bộ: tthc.stp@soctrang.example (Sở Tư pháp tỉnh Sóc Trăng)" in listed[1]
    assert "lãnh đạo: Ủy ban nhân dân tỉnh Sóc Trăng" in listed[2]
    assert "kế hoạch: Kế hoạch (không số) — Kiểm soát thủ tục hành chính năm 2017 trên địa bàn tỉnh Sóc Trăng" \
        in listed[3]
    assert not any(re.search(r"\b(agency|plan|leadership|officer):", ln) for ln in listed)


# 4. outbox list: local time, and says when it stopped at its limit

def test_outbox_list_local_times_and_its_limit(runner, seeded, app):
    runner.invoke(args=["jobs", "run", "overdue", "--at", "2017-07-17T08:00"])
    total = _count(seeded, OutboxMessage)
    assert total > 3
    row = seeded.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1))
    row.next_attempt_at = datetime(2017, 7, 17, 1, 30, tzinfo=UTC)    # 08:30 in Hà Nội
    seeded.commit()

    few = runner.invoke(args=["outbox", "list", "--limit", "2"])
    assert few.exit_code == 0, few.output
    lines = few.output.splitlines()
    assert len(lines) == 3
    assert "17/07/2017 08:30" in lines[0] and "2017-07-17 01:30" not in few.output
    assert "chỉ hiện 2 thư mới nhất; dùng --limit để xem thêm" in lines[2] and "--limit" in lines[2]

    everything = runner.invoke(args=["outbox", "list", "--limit", str(total)])
    assert len(everything.output.splitlines()) == total and "chỉ hiện" not in everything.output

    app.config["TRACKER_TIMEZONE"] = "UTC"
    utc = runner.invoke(args=["outbox", "list", "--limit", "1"])
    assert "17/07/2017 01:30" in utc.output

    helped = runner.invoke(args=["outbox", "list", "--help"])
    assert re.search(r"--limit\s+INTEGER RANGE\s+Số thư mới nhất", helped.output), helped.output


# 5. feeds create: an http address is not labelled https

def test_feeds_create_labels_urls_by_their_real_scheme(runner, seeded, app):
    app.config["TRACKER_BASE_URL"] = "http://tracker.soctrang.example"
    plain = runner.invoke(args=["feeds", "create", "--agency", "Sở Tư pháp tỉnh Sóc Trăng"])
    assert plain.exit_code == 0, plain.output
    assert not re.search(r"^https:", plain.output, re.M) and "https://tracker" not in plain.output
    assert re.search(r"^http:\s+http://tracker\.soctrang\.example/feeds/\S+\.ics$", plain.output, re.M)
    assert "không mã hóa" in plain.output and "unencrypted" in plain.output

    app.config["TRACKER_BASE_URL"] = "https://tracker.soctrang.example"
    secure = runner.invoke(args=["feeds", "create", "--agency", "Sở Tư pháp tỉnh Sóc Trăng"])
    assert re.search(r"^https:\s+https://tracker\.soctrang\.example/feeds/\S+\.ics$", secure.output, re.M)
    assert "không mã hóa" not in secure.output

    app.config["TRACKER_BASE_URL"] = "http://tracker.soctrang.example"
    rotated = runner.invoke(args=["feeds", "rotate", "2"])
    assert rotated.exit_code == 0, rotated.output
    assert not re.search(r"^https:", rotated.output, re.M) and re.search(r"^http:\s+http://", rotated.output, re.M)


# 6. seed: a second run changes nothing and says so

def test_second_seed_reports_no_updates(runner, session):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0, second.output
    directories = [ln for ln in second.output.splitlines() if ln.startswith("Danh mục")]
    assert len(directories) == 2
    assert all("không thay đổi" in ln for ln in directories), second.output
    assert "cập nhật" not in second.output


def test_directory_import_counts_only_real_updates(runner, session, tmp_path):
    path = tmp_path / "dir.yaml"
    text = ("agencies:\n"
            "  - {name: Ủy ban nhân dân tỉnh Bến Tre, type: ubnd_tinh, level: province}\n"
            "  - {name: Sở Tư pháp tỉnh Bến Tre, type: so, level: province, parent: Ủy ban nhân dân tỉnh Bến Tre,\n"
            "     head: {name: Nguyễn Văn A}}\n")
    path.write_text(text, "utf-8")
    assert "cơ quan: +2" in runner.invoke(args=["agencies", "import", str(path)]).output
    assert "không thay đổi" in runner.invoke(args=["agencies", "import", str(path)]).output
    path.write_text(text.replace("Nguyễn Văn A", "Trần Thị B"), "utf-8")
    changed = runner.invoke(args=["agencies", "import", str(path)])
    assert "cơ quan: +0 (cập nhật 1)" in changed.output, changed.output


# 7. plans parse: no "None" for what the plan does not say

def test_parse_never_prints_none(runner, directory):
    result = runner.invoke(args=["plans", "parse", str(SOC_TRANG)])
    assert result.exit_code == 0, result.output
    assert not re.search(r"\bNone\b", result.output)
    # The Sóc Trăng plan has no issue date: it is shown as a dash.
    assert "ngày: —; năm: 2017" in result.output.splitlines()[1]
    # A prose proposal without a date says so, without "None".
    assert re.search(r"\(văn xuôi, cần xác nhận\).*\n.*thời hạn: —$", result.output, re.M)


# 8. click's usage errors in both languages

def test_usage_errors_come_in_both_languages(runner):
    missing = runner.invoke(args=["tasks", "set-status"])
    assert missing.exit_code == 2
    lines = missing.output.splitlines()
    vi = next(i for i, ln in enumerate(lines) if ln.startswith("Lỗi: "))
    assert "thiếu đối số" in lines[vi] and "ASSIGNMENT_ID" in lines[vi]
    assert lines[vi + 1] == "Error: Missing argument 'ASSIGNMENT_ID'."
    assert "Usage: " in missing.output and "--help" in missing.output

    option = runner.invoke(args=["outbox", "list", "--nope"])
    assert option.exit_code == 2
    assert "Lỗi: không có tùy chọn “--nope”." in option.output and "Error: No such option '--nope'" in option.output

    value = runner.invoke(args=["tasks", "set-status", "abc", "done"])
    assert "Lỗi: giá trị không hợp lệ" in value.output and "Error: Invalid value" in value.output

    command = runner.invoke(args=["jobs", "nothing"])
    assert "Lỗi: không có lệnh “nothing”." in command.output and "Error: No such command" in command.output

    seed = runner.invoke(args=["seed", "--nope"])
    assert "Lỗi: không có tùy chọn" in seed.output and "Error: No such option" in seed.output


def test_a_group_without_a_command_still_shows_its_help(runner):
    result = runner.invoke(args=["tasks"])
    assert "set-status" in result.output and "Lỗi" not in result.output and "Error" not in result.output
