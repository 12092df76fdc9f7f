"""Owner cells: roles, splitting, groups and vague owners, from the text alone."""

import pytest

from tracker.reading.owners import read_owners


def names(mentions):
    return [m.text for m in mentions]


@pytest.mark.parametrize("cell, lead, coordinate", [
    ("Sở Tư pháp phối hợp với các Sở, ban, ngành tỉnh; UBND cấp huyện, cấp xã.",
     ["Sở Tư pháp"], ["các Sở, ban, ngành tỉnh", "UBND cấp huyện", "UBND cấp xã"]),
    ("Sở Tư pháp chủ trì phối hợp với các đơn vị có liên quan.", ["Sở Tư pháp"], ["các đơn vị có liên quan"]),
    ("Sở Tài chính chủ trì, phối hợp với Sở Kế hoạch và Đầu tư", ["Sở Tài chính"], ["Sở Kế hoạch và Đầu tư"]),
    ("Sở Nội vụ chủ trì", ["Sở Nội vụ"], []),
    ("Sở Thông tin và Truyền thông.", ["Sở Thông tin và Truyền thông"], []),
    ("Văn phòng HĐND và UBND huyện; UBND các xã, thị trấn",
     ["Văn phòng HĐND và UBND huyện", "UBND các xã, thị trấn"], []),
    ("Văn phòng HĐND-UBND huyện, phòng Văn hóa- Thông tin",
     ["Văn phòng HĐND-UBND huyện", "phòng Văn hóa- Thông tin"], []),
    ("Văn phòng HĐND-UBND huyện ( Trung tâm HCC huyện)",
     ["Văn phòng HĐND-UBND huyện", "Trung tâm HCC huyện"], []),
    ("Các phòng, ngành: Tư pháp, LĐTBXH, Công an huyện, BHXH huyện; UBND cấp xã",
     ["Phòng Tư pháp", "Phòng LĐTBXH", "Công an huyện", "BHXH huyện", "UBND cấp xã"], []),
    ("Sở Tư pháp và các đơn vị liên quan (nếu có).", ["Sở Tư pháp", "các đơn vị liên quan (nếu có)"], []),
    ("Sở Tư pháp.  Các Sở, ban, ngành tỉnh; UBND cấp huyện.",
     ["Sở Tư pháp", "Các Sở, ban, ngành tỉnh", "UBND cấp huyện"], []),
    ("Các Sở, ban, ngành UBND huyện.", ["Các Sở, ban, ngành", "UBND huyện"], []),
    # Official names hold the list's own separators ("," and "và"): they stay whole.
    ("Các Bộ: Công Thương, Nông nghiệp và Môi trường, Ngoại giao",
     ["Bộ Công Thương", "Bộ Nông nghiệp và Môi trường", "Bộ Ngoại giao"], []),
    ("Các Sở: Tư pháp, Văn hóa, Thể thao và Du lịch, Lao động - Thương binh và Xã hội",
     ["Sở Tư pháp", "Sở Văn hóa, Thể thao và Du lịch", "Sở Lao động - Thương binh và Xã hội"], []),
    ("Các Bộ: Tài chính, Kế hoạch và Đầu tư", ["Bộ Tài chính", "Bộ Kế hoạch và Đầu tư"], []),
    ("Đài Truyền hình Việt Nam, Đài Tiếng nói Việt Nam, Thông tấn xã Việt Nam",
     ["Đài Truyền hình Việt Nam", "Đài Tiếng nói Việt Nam", "Thông tấn xã Việt Nam"], []),
])
def test_roles_and_splitting(cell, lead, coordinate):
    reading = read_owners(cell)
    assert names(reading.lead) == lead
    assert names(reading.coordinate) == coordinate


def test_six_column_form_reads_both_cells():
    reading = read_owners("Phòng Văn hóa- Thông tin",
                          "Các phòng, ban, ngành, cơ quan đơn vị cấp huyện, UBND cấp xã")
    assert names(reading.lead) == ["Phòng Văn hóa- Thông tin"]
    assert names(reading.coordinate) == ["Các phòng, ban, ngành, cơ quan đơn vị cấp huyện", "UBND cấp xã"]


@pytest.mark.parametrize("cell, group", [
    ("Các Sở, ban, ngành tỉnh", "provincial_departments"),
    ("Sở, ban, ngành tỉnh", "provincial_departments"),
    ("các sở, ngành tỉnh", "provincial_departments"),
    ("UBND cấp huyện", "district_committees"),
    ("UBND các huyện, thị xã, thành phố", "district_committees"),
    ("Ủy ban nhân dân cấp xã", "communes"),
    ("UBND các xã, phường, thị trấn", "communes"),
    ("Các phòng, ban, ngành cấp huyện", "district_offices"),
    ("CÁC PHÒNG, BAN, ĐƠN VỊ", "district_offices"),
])
def test_collective_groups(cell, group):
    [mention] = read_owners(cell).lead
    assert mention.group == group and not mention.vague


@pytest.mark.parametrize("cell", [
    "các đơn vị có liên quan", "Các phòng, ban, đơn vị có liên quan", "Các đơn vị được kiểm tra",
    "các cơ quan, đơn vị tiếp nhận và giải quyết TTHC",
    "Các Sở, ban, ngành được giao chủ trì soạn thảo văn bản QPPL có quy định về TTHC.",
])
def test_vague_owners(cell):
    [mention] = read_owners(cell).lead
    assert mention.vague and mention.group is None


def test_missing_separator_is_flagged():
    reading = read_owners("Các Sở, ban, ngành UBND huyện.")
    assert [w.code for w in reading.warnings] == ["missing_separator"]


def test_empty_and_nfd():
    import unicodedata
    assert read_owners("").lead == [] and read_owners(None).lead == []
    nfd = unicodedata.normalize("NFD", "Sở Tư pháp phối hợp với UBND cấp huyện")
    reading = read_owners(nfd)
    assert names(reading.lead) == ["Sở Tư pháp"] and reading.coordinate[0].group == "district_committees"
