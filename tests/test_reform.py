"""The 2025 reform (docs/domain.md, The 2025 reform): merged agencies point to their
successor, plans issued after a merger that name the old body are offered the successor,
and from 1/7/2025 local government has two tiers (no district rules for new plans)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tracker.directory.edit import AgencyFields, DirectoryEditError, merge_agency, update_agency
from tracker.directory.resolve import DirectoryEntry, DirectoryIndex
from tracker.directory.store import load_index
from tracker.models import Agency
from tracker.reading.deadlines import read_deadline
from tracker.reading.header import TWO_TIER_FROM, context_of, level_of, read_header
from tracker.reading.reporting import ReportingCalendar
from tracker.reading.result import (
    AssignmentReading,
    DeadlineReading,
    OwnerMention,
    PlanContext,
    PlanHeader,
    PlanReading,
    TaskReading,
)

TTTT = "Sở Thông tin và Truyền thông tỉnh Sóc Trăng"
KHCN = "Sở Khoa học và Công nghệ tỉnh Sóc Trăng"


def _agency(session, name: str) -> Agency:
    return session.scalar(select(Agency).where(Agency.name == name))


# -- merging ---------------------------------------------------------------------------------

def test_merge_points_the_old_agency_to_its_successor(directory):
    old, new = _agency(directory, TTTT), _agency(directory, KHCN)
    merge_agency(directory, old, new, date(2025, 3, 1))
    assert old.successor is new
    assert old.valid_to == date(2025, 2, 28) and old.merged_on == date(2025, 3, 1)
    assert new.merged_on is None


def test_merge_into_itself_or_back_is_refused(directory):
    old, new = _agency(directory, TTTT), _agency(directory, KHCN)
    with pytest.raises(DirectoryEditError, match="chính nó"):
        merge_agency(directory, old, old)
    merge_agency(directory, old, new, date(2025, 3, 1))
    with pytest.raises(DirectoryEditError) as refused:
        merge_agency(directory, new, old, date(2025, 7, 1))
    assert "cannot go back" in refused.value.message_en
    assert new.successor is None


def test_a_longer_cycle_is_refused_too(directory):
    a, b = _agency(directory, TTTT), _agency(directory, KHCN)
    c = _agency(directory, "Sở Nội vụ tỉnh Sóc Trăng")
    merge_agency(directory, a, b, date(2025, 3, 1))
    merge_agency(directory, b, c, date(2025, 7, 1))
    with pytest.raises(DirectoryEditError):
        merge_agency(directory, c, a, date(2025, 8, 1))


def test_merging_into_an_agency_already_gone_is_refused(directory):
    old, new = _agency(directory, TTTT), _agency(directory, KHCN)
    new.valid_to = date(2025, 2, 28)
    with pytest.raises(DirectoryEditError, match="không còn hoạt động"):
        merge_agency(directory, old, new, date(2025, 3, 1))


def test_the_admin_form_refuses_a_cycle_and_a_successor_without_an_end_date(directory):
    old, new = _agency(directory, TTTT), _agency(directory, KHCN)
    merge_agency(directory, old, new, date(2025, 3, 1))

    def fields(agency, **changes):
        data = AgencyFields(name=agency.name, type=agency.type, level=agency.level,
                            aliases=[a.alias for a in agency.aliases], valid_to=agency.valid_to,
                            successor_id=agency.successor_id)
        for key, value in changes.items():
            setattr(data, key, value)
        return data
    with pytest.raises(DirectoryEditError) as refused:
        update_agency(directory, new, fields(new, successor_id=old.id, valid_to=date(2025, 6, 30)))
    assert "successor_id" in refused.value.errors_vi
    with pytest.raises(DirectoryEditError) as refused:
        update_agency(directory, old, fields(old, valid_to=None))
    assert "valid_to" in refused.value.errors_vi


# -- resolution ------------------------------------------------------------------------------

def _index() -> DirectoryIndex:
    province = DirectoryEntry(1, "Ủy ban nhân dân tỉnh Sóc Trăng", ("Ủy ban nhân dân tỉnh Sóc Trăng",
                              "UBND tỉnh Sóc Trăng"), "ubnd_tinh", "province", None)
    tttt = DirectoryEntry(2, TTTT, (TTTT, "Sở TT&TT"), "so", "province", 1, (1,),
                          valid_to=date(2025, 2, 28), successor_id=3)
    khcn = DirectoryEntry(3, KHCN, (KHCN, "Sở KH&CN"), "so", "province", 1, (1,),
                          valid_to=date(2025, 6, 30), successor_id=4)
    merged = DirectoryEntry(4, "Sở Khoa học và Công nghệ thành phố Cần Thơ",
                            ("Sở Khoa học và Công nghệ thành phố Cần Thơ",), "so", "province", 1, (1,),
                            valid_from=date(2025, 7, 1))
    justice = DirectoryEntry(5, "Sở Tư pháp tỉnh Sóc Trăng", ("Sở Tư pháp tỉnh Sóc Trăng", "Sở Tư pháp"),
                             "so", "province", 1, (1,))
    return DirectoryIndex([province, tttt, khcn, merged, justice], [])


def _plan(owner: str, issued: date | None, year: int | None = None) -> PlanReading:
    assignment = AssignmentReading(lead=[OwnerMention(owner)], coordinate=[OwnerMention("Sở Tư pháp")],
                                   output="Báo cáo", deadline=DeadlineReading("Thường xuyên", "continuous"),
                                   line=1)
    task = TaskReading(ref="1", section=None, number="1", content="Việc", position=1, line=1,
                       assignments=[assignment])
    header = PlanHeader(issuer="UBND tỉnh Sóc Trăng", issued_date=issued,
                        year=year or (issued.year if issued else None))
    return PlanReading(header=header, sections=[], tasks=[task])


def _owner(reading: PlanReading) -> tuple[str | None, list[str]]:
    assignment = reading.tasks[0].assignments[0]
    return assignment.lead[0].agency, [w.code for w in assignment.warnings]


def test_a_plan_issued_before_the_merger_keeps_the_old_agency():
    reading = _plan("Sở TT&TT", date(2024, 12, 20))
    _index().resolve_plan(reading)
    assert _owner(reading) == (TTTT, [])


def test_a_plan_issued_after_the_merger_is_offered_the_successor_with_a_warning():
    reading = _plan("Sở Thông tin và Truyền thông", date(2025, 4, 2))
    _index().resolve_plan(reading)
    agency, codes = _owner(reading)
    assert agency == KHCN and codes == ["owner_merged"]
    warning = reading.tasks[0].assignments[0].warnings[0]
    assert f"đã hợp nhất vào {KHCN}" in warning.message and f"đề xuất giao cho {KHCN}" in warning.message
    assert "01/03/2025" in warning.message and "was merged into" in warning.message_en
    assert warning.suggestion == KHCN
    # The other owners of the row are not touched.
    assert reading.tasks[0].assignments[0].coordinate[0].agency == "Sở Tư pháp tỉnh Sóc Trăng"


def test_the_chain_of_successors_is_followed_as_far_as_the_plan_date():
    reading = _plan("Sở TT&TT", date(2025, 9, 1))
    _index().resolve_plan(reading)
    agency, codes = _owner(reading)
    assert agency == "Sở Khoa học và Công nghệ thành phố Cần Thơ" and codes == ["owner_merged"]
    warning = reading.tasks[0].assignments[0].warnings[0]
    assert f"đã hợp nhất vào {KHCN}" in warning.message          # the direct successor
    assert "đề xuất giao cho Sở Khoa học và Công nghệ thành phố Cần Thơ" in warning.message


def test_a_plan_dated_only_by_its_year_uses_the_first_day_of_the_year():
    later = _plan("Sở TT&TT", None, year=2026)
    _index().resolve_plan(later)
    assert _owner(later)[0] == "Sở Khoa học và Công nghệ thành phố Cần Thơ"
    earlier = _plan("Sở TT&TT", None, year=2025)
    _index().resolve_plan(earlier)
    assert _owner(earlier) == (TTTT, [])


def test_the_successor_is_proposed_with_the_directory(directory):
    """End to end: the command-line merger changes what the reader proposes, by date."""
    merge_agency(directory, _agency(directory, TTTT), _agency(directory, KHCN), date(2025, 3, 1))
    directory.commit()
    index = load_index(directory)
    for issued, expected in ((date(2025, 2, 1), TTTT), (date(2025, 3, 1), KHCN)):
        reading = _plan("Sở TT&TT", issued)
        index.resolve_plan(reading)
        assert _owner(reading)[0] == expected


# -- two tiers -------------------------------------------------------------------------------

@pytest.mark.parametrize("issuer, on, level", [
    ("UBND huyện Cẩm Xuyên", date(2020, 1, 31), "district"),      # older plans keep theirs
    ("UBND huyện Cẩm Xuyên", date(2025, 6, 30), "district"),
    ("UBND huyện Cẩm Xuyên", TWO_TIER_FROM, "province"),           # no districts any more
    ("UBND thị xã Vĩnh Châu", date(2025, 9, 1), "province"),
    ("UBND huyện Cẩm Xuyên", None, "district"),                    # the name alone
    ("UBND tỉnh Hà Tĩnh", date(2025, 9, 1), "province"),
    ("UBND xã Cẩm Bình", date(2025, 9, 1), "commune"),
    ("UBND phường Sóc Trăng", date(2025, 9, 1), "commune"),
    ("UBND đặc khu Phú Quốc", date(2025, 9, 1), "commune"),
])
def test_the_level_of_an_issuer_has_two_tiers_after_the_reform(issuer, on, level):
    assert level_of(issuer, on) == level


def _header(issuer_line: str, day: str) -> str:
    return (f"ỦY BAN NHÂN DÂN\n{issuer_line}\nSố: 12/KH-UBND\nCẩm Xuyên, ngày {day}\n"
            f"KẾ HOẠCH\nKiểm soát thủ tục hành chính năm {day[-4:]}\nCăn cứ ...\n")


def test_a_district_named_after_the_reform_is_warned_and_reports_follow_the_province():
    header, warnings = read_header(_header("HUYỆN CẨM XUYÊN", "05 tháng 01 năm 2026"))
    assert header.issuer == "UBND huyện Cẩm Xuyên"
    warning = next(w for w in warnings if w.code == "district_after_reform")
    assert "không còn cấp huyện" in warning.message and "no longer exist" in warning.message_en
    calendar = ReportingCalendar()
    context = context_of(header, calendar)
    assert context.level == "province"
    reading = read_deadline("Định kỳ 6 tháng, năm", context)
    assert [o.due for o in reading.occurrences] == [date(2026, 6, 20), date(2026, 12, 20)]


def test_an_older_district_plan_keeps_its_district_day_and_no_warning():
    header, warnings = read_header(_header("HUYỆN CẨM XUYÊN", "31 tháng 01 năm 2020"))
    assert not any(w.code == "district_after_reform" for w in warnings)
    context = context_of(header, ReportingCalendar())
    assert context.level == "district"
    reading = read_deadline("Định kỳ 6 tháng, năm", context)
    assert [o.due for o in reading.occurrences] == [date(2020, 6, 17), date(2020, 12, 17)]


def test_province_and_commune_plans_after_the_reform_have_no_warning():
    for line, level in (("TỈNH HÀ TĨNH", "province"), ("XÃ CẨM BÌNH", "commune")):
        header, warnings = read_header(_header(line, "05 tháng 01 năm 2026"))
        assert not any(w.code == "district_after_reform" for w in warnings)
        assert context_of(header).level == level
        reading = read_deadline("Định kỳ 6 tháng, năm", PlanContext(year=2026, level=context_of(header).level))
        assert all(o.due.day == {"province": 20, "commune": 15}[level] for o in reading.occurrences)


# -- the command line ------------------------------------------------------------------------

def test_cli_merge(directory, runner):
    result = runner.invoke(args=["agencies", "merge", TTTT, "--into", KHCN, "--on", "2025-03-01"])
    assert result.exit_code == 0, result.output
    assert "Đã hợp nhất" in result.output
    directory.expire_all()
    old = _agency(directory, TTTT)
    assert old.successor.name == KHCN and old.merged_on == date(2025, 3, 1)


def test_cli_merge_defaults_to_the_reform_day_and_refuses_a_cycle(directory, runner):
    result = runner.invoke(args=["agencies", "merge", TTTT, "--into", KHCN])
    assert result.exit_code == 0, result.output
    directory.expire_all()
    assert _agency(directory, TTTT).merged_on == TWO_TIER_FROM
    back = runner.invoke(args=["agencies", "merge", KHCN, "--into", TTTT])
    assert back.exit_code == 2
    assert "Lỗi:" in back.output and "cannot go back" in back.output


def test_cli_merge_refuses_an_unknown_agency(directory, runner):
    result = runner.invoke(args=["agencies", "merge", "Sở Không Có", "--into", KHCN])
    assert result.exit_code == 2 and "no agency named" in result.output


# -- the administrators' agency page ---------------------------------------------------------

def test_the_agency_form_sets_a_successor_with_its_day_and_the_page_shows_it(app, session, seeded, people):
    from .test_admin import ADMIN, client_for, errors_next_to, post
    admin = client_for(app, ADMIN)
    old, new = _agency(session, TTTT), _agency(session, KHCN)
    page = f"/admin/agencies/{old.id}"
    form = {"name": old.name, "aliases": "\n".join(a.alias for a in old.aliases), "type": old.type,
            "level": old.level, "office_id": "0", "successor_id": str(new.id)}
    refused = post(admin, page, form)
    assert refused.status_code == 422
    assert errors_next_to(refused.text, "valid_to") == [
        "Nhập ngày ngừng hoạt động: cơ quan kế thừa nhận nhiệm vụ từ ngày hôm sau."]
    saved = post(admin, page, {**form, "valid_to": "28/02/2025"})
    assert saved.status_code == 302, saved.text
    session.expire_all()
    assert _agency(session, TTTT).merged_on == date(2025, 3, 1)
    shown = admin.get(page).text
    assert "Đã hợp nhất vào cơ quan kế thừa từ ngày 01/03/2025" in shown and KHCN in shown
    # The successor cannot be given the old agency back as its own successor.
    back = post(admin, f"/admin/agencies/{new.id}", {
        "name": new.name, "aliases": "\n".join(a.alias for a in new.aliases), "type": new.type,
        "level": new.level, "office_id": "0", "successor_id": str(old.id), "valid_to": "30/06/2025"})
    assert back.status_code == 422
    assert errors_next_to(back.text, "successor_id") == [
        "Cơ quan kế thừa không thể là cơ quan đã hợp nhất vào cơ quan này."]


def test_a_real_plan_after_the_merger_is_offered_the_successor_and_an_older_one_is_not(directory):
    from tracker.reading.plan import read_plan

    from .conftest import SEEDS
    seed = SEEDS / "soc-trang-2017-kiem-soat-tthc.txt"
    merge_agency(directory, _agency(directory, TTTT), _agency(directory, KHCN), date(2025, 1, 1))
    directory.commit()
    index = load_index(directory)
    found = {}
    for year in ("2017", "2025"):
        text = seed.read_text(encoding="utf-8").replace("hành chính năm 2017", f"hành chính năm {year}")
        reading = read_plan(text.encode(), seed.name)
        assert reading.header.year == int(year)
        index.resolve_plan(reading)
        task = next(t for t in reading.tasks if t.ref == "III.4")
        row = next(a for a in task.assignments if a.lead[0].text.startswith("Sở Thông tin"))
        found[year] = (row.lead[0].agency, [w.code for w in row.warnings])
    assert found == {"2017": (TTTT, []), "2025": (KHCN, ["owner_merged"])}
