"""Every common layout of a real plan, each as a small invented example (written for these
tests, not copied): the reader proposes each duty once, with its owner and deadline."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.reading.formats.crawled import tables_as_rows
from tracker.reading.outline import paragraphs, split_fields
from tracker.reading.plan import read_plan_text

HEAD = ["ỦY BAN NHÂN DÂN", "TỈNH HÀ GIANG", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "", "Số: 52/KH-UBND", "", "Hà Giang, ngày 10 tháng 3 năm 2024", "",
        "KẾ HOẠCH", "Triển khai chuyển đổi số năm 2024", ""]
TAIL = ["", "Nơi nhận:", "- Như trên;", "- Lưu: VT.", "", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "",
        "Nguyễn Văn A"]


def tasks_of(lines: list[str]):
    reading = read_plan_text("\n".join(HEAD + lines + TAIL), "kh.txt")
    return reading, list(reading.tasks) + list(reading.prose_tasks)


def find(tasks, words: str):
    found = [t for t in tasks if words in t.content]
    assert len(found) == 1, (words, [t.content[:60] for t in tasks])
    return found[0]


def leads(task) -> list[str]:
    return [m.text for a in task.assignments for m in a.lead]


def coordinators(task) -> list[str]:
    return [m.text for a in task.assignments for m in a.coordinate]


def deadline(task):
    return task.assignments[0].deadline


# ---- 1. structured blocks: an item, then labelled lines ----------------------------------------

def test_labelled_lines_give_each_item_its_owner_time_and_output():
    _reading, tasks = tasks_of([
        "I. NHIỆM VỤ",
        "1. Xây dựng cơ sở dữ liệu cán bộ, công chức của tỉnh.",
        "- Cơ quan chủ trì: Sở Nội vụ.",
        "- Cơ quan phối hợp: Sở Khoa học và Công nghệ; UBND các xã, phường.",
        "- Thời gian hoàn thành: Quý III/2024.",
        "- Sản phẩm: Cơ sở dữ liệu được đưa vào vận hành.",
        "2. Tập huấn kỹ năng số cho công chức cấp xã.",
        "- Đơn vị thực hiện: Sở Thông tin và Truyền thông.",
        "- Thời gian thực hiện: Thường xuyên.",
    ])
    database = find(tasks, "cơ sở dữ liệu cán bộ")
    assert leads(database) == ["Sở Nội vụ"]
    assert coordinators(database) == ["Sở Khoa học và Công nghệ", "UBND các xã, phường"]
    assert deadline(database).due == date(2024, 9, 30)
    assert database.assignments[0].output.startswith("Cơ sở dữ liệu được đưa vào vận hành")
    assert database.confidence >= 0.85
    training = find(tasks, "Tập huấn kỹ năng số")
    assert leads(training) == ["Sở Thông tin và Truyền thông"] and deadline(training).kind == "continuous"
    assert not any("Cơ quan chủ trì" in t.content or "Thời gian" in t.content for t in tasks)


def test_one_block_of_labels_serves_the_items_above_it():
    _reading, tasks = tasks_of([
        "II. NHIỆM VỤ, GIẢI PHÁP",
        "1. Hoàn thiện thể chế",
        "a) Rà soát các quy định về thủ tục hành chính trong lĩnh vực đất đai.",
        "b) Đề xuất bãi bỏ các thủ tục hành chính không còn phù hợp.",
        "Cơ quan chủ trì: Sở Tư pháp; thời gian thực hiện: trước ngày 30/6/2024.",
    ])
    review, repeal = find(tasks, "Rà soát các quy định"), find(tasks, "Đề xuất bãi bỏ")
    for task in (review, repeal):
        assert leads(task) == ["Sở Tư pháp"] and deadline(task).due == date(2024, 6, 30)


def test_labels_inside_the_item():
    (_text, fields) = split_fields("Số hóa hồ sơ lưu trữ (Cơ quan chủ trì: Sở Nội vụ; Thời gian: Quý IV/2024)")
    assert fields.lead == "Sở Nội vụ" and fields.time == "Quý IV/2024"


# ---- 2. organised by agency ------------------------------------------------------------------

def test_duties_grouped_under_an_agency_heading_are_led_by_it():
    _reading, tasks = tasks_of([
        "III. TỔ CHỨC THỰC HIỆN",
        "1. Sở Nội vụ:",
        "a) Hướng dẫn các cơ quan, đơn vị rà soát vị trí việc làm, hoàn thành trong tháng 6/2024.",
        "b) Phối hợp với Sở Tài chính tham mưu bố trí biên chế cho các xã.",
        "2. Công an tỉnh chủ trì, phối hợp với các cơ quan liên quan:",
        "- Bảo đảm an ninh mạng cho hệ thống thông tin của tỉnh.",
    ])
    jobs = find(tasks, "vị trí việc làm")
    assert leads(jobs) == ["Sở Nội vụ"] and deadline(jobs).due == date(2024, 6, 30)
    staffing = find(tasks, "bố trí biên chế")
    assert leads(staffing) == ["Sở Nội vụ"]
    security = find(tasks, "an ninh mạng")
    assert leads(security) == ["Công an tỉnh"]


def test_an_item_naming_its_own_agency_is_more_precise_than_its_heading():
    _reading, tasks = tasks_of([
        "II. NHIỆM VỤ",
        "1. Các sở quản lý ngành (gồm các Sở: Xây dựng, Công Thương):",
        "+ Sở Xây dựng: hướng dẫn kiểm kê tài sản kết cấu hạ tầng giao thông.",
        "+ Sở Công Thương: hướng dẫn kiểm kê tài sản kết cấu hạ tầng chợ.",
    ])
    assert leads(find(tasks, "hạ tầng giao thông")) == ["Sở Xây dựng"]
    assert leads(find(tasks, "hạ tầng chợ")) == ["Sở Công Thương"]


# ---- 3. directives ------------------------------------------------------------------------------

def test_a_directive_keeps_undated_duties_and_a_yearly_date():
    lines = ["ỦY BAN NHÂN DÂN", "TỈNH HÀ GIANG", "", "Số: 05/CT-UBND", "",
             "Hà Giang, ngày 02 tháng 4 năm 2024", "", "CHỈ THỊ", "Về tăng cường quản lý rừng", "",
             "Chủ tịch UBND tỉnh yêu cầu:",
             "1. Sở Nông nghiệp và Phát triển nông thôn:",
             "- Tiếp tục chỉ đạo lực lượng kiểm lâm tuần tra, kiểm soát rừng.",
             "- Tổng hợp kết quả, báo cáo UBND tỉnh trước ngày 15/12 hằng năm.",
             "2. Giao Ủy ban nhân dân các xã:",
             "- Tiếp tục rà soát, xử lý dứt điểm các trường hợp lấn chiếm đất rừng."] + TAIL
    reading = read_plan_text("\n".join(lines), "ct.txt")
    tasks = reading.prose_tasks
    patrol = find(tasks, "tuần tra, kiểm soát rừng")
    assert leads(patrol) == ["Sở Nông nghiệp và Phát triển nông thôn"] and deadline(patrol).kind == "unknown"
    report = find(tasks, "Tổng hợp kết quả")
    assert deadline(report).kind == "recurring" and deadline(report).periods == ("annual",)
    communes = find(tasks, "lấn chiếm đất rừng")
    assert leads(communes) == ["Ủy ban nhân dân các xã"]


def test_a_letters_lead_in_after_its_background_leads_the_slash_numbered_items_below_it():
    # The background ends in a dashed list; the lead-in paragraph after it is not part of the
    # last dash, and "1/ …" numbers items as "1." does. A scan's "Noi nhận" still closes the body.
    lines = ["BỘ TÀI CHÍNH", "TỔNG CỤC THUẾ", "", "Số: 120/TCT-TTr", "", "Hà Nội, ngày 17 tháng 10 năm 2016", "",
             "Kính gửi: Cục Thuế các tỉnh, thành phố trực thuộc Trung ương.", "",
             "Chín tháng qua, công tác kiểm tra còn một số hạn chế:",
             "- Một số đơn vị có tỷ lệ hoàn thành thấp.",
             "- Dữ liệu trên ứng dụng còn chưa đầy đủ.", "",
             "Để hoàn thành nhiệm vụ, Tổng cục Thuế yêu cầu Cục Thuế các tỉnh, thành phố thực hiện các giải pháp sau:",
             "", "1/ Rà soát lại kế hoạch kiểm tra để bổ sung các doanh nghiệp có rủi ro cao.", "",
             "2/ Tăng cường công tác kiểm tra sau hoàn thuế, hoàn thành trước ngày 31/12/2016.", "",
             "Noi nhận:", "- Như trên;", "- Lưu: VT.", "", "KT. TỔNG CỤC TRƯỞNG"]
    reading = read_plan_text("\n".join(lines), "cv.txt")
    tasks = reading.prose_tasks
    review = find(tasks, "Rà soát lại kế hoạch kiểm tra")
    refunds = find(tasks, "kiểm tra sau hoàn thuế")
    assert leads(review) == leads(refunds) == ["Cục Thuế các tỉnh, thành phố"]
    assert deadline(refunds).due == date(2016, 12, 31)
    assert not any("Như trên" in t.content or "Lưu" in t.content for t in tasks)
    assert not any("tỷ lệ hoàn thành thấp" in t.content for t in tasks)


def test_whom_a_letter_asks_is_handed_its_numbered_items_even_undated():
    lines = ["SỞ NỘI VỤ", "", "Số: 88/SNV-LĐ", "", "Hà Giang, ngày 5 tháng 5 năm 2025", "",
             "Kính gửi: Các doanh nghiệp cho thuê lại lao động.", "",
             "Sở Nội vụ đề nghị các doanh nghiệp cho thuê lại lao động tự kiểm tra việc thực hiện pháp luật, "
             "nội dung cụ thể như sau:", "",
             "1. Thường xuyên rà soát hợp đồng cho thuê lại lao động theo quy định.", "",
             "2. Niêm yết công khai bản sao giấy phép tại trụ sở doanh nghiệp.", "",
             "3. Báo cáo tình hình hoạt động trước ngày 20 tháng 6.", "",
             "Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    reading = read_plan_text("\n".join(lines), "cv.txt")
    for words in ("rà soát hợp đồng", "Niêm yết công khai", "Báo cáo tình hình"):
        task = find(reading.prose_tasks, words)
        assert leads(task) == ["các doanh nghiệp cho thuê lại lao động"], leads(task)


def test_a_conclusion_notices_ownerless_duties_belong_to_whom_it_is_for():
    lines = ["VĂN PHÒNG CHÍNH PHỦ", "", "Số: 655/TB-VPCP", "", "Hà Nội, ngày 20 tháng 11 năm 2025", "",
             "THÔNG BÁO", "Kết luận của Phó Thủ tướng tại buổi làm việc với tỉnh Hà Giang", "",
             "I. ĐÁNH GIÁ CHUNG", "",
             "Trong 10 tháng đầu năm 2025, tỉnh đã thực hiện quyết liệt các nhiệm vụ, giải pháp đề ra.", "",
             "II. NHIỆM VỤ THỜI GIAN TỚI", "",
             "1. Tỉnh cần tập trung chỉ đạo để hoàn thành cao nhất các chỉ tiêu năm 2025.", "",
             "2. Rà soát, xây dựng kế hoạch đầu tư công trung hạn giai đoạn 2026 - 2030.", "",
             "3. Bộ Tài chính hướng dẫn tỉnh hoàn thiện thủ tục đầu tư dự án.", "",
             "Văn phòng Chính phủ thông báo để Ủy ban nhân dân tỉnh Hà Giang và các Bộ, cơ quan liên quan biết, "
             "thực hiện./.", "", "Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    reading = read_plan_text("\n".join(lines), "tb.txt")
    tasks = reading.prose_tasks
    for words in ("hoàn thành cao nhất các chỉ tiêu", "kế hoạch đầu tư công trung hạn"):
        assert leads(find(tasks, words)) == ["Ủy ban nhân dân tỉnh Hà Giang"]
    assert leads(find(tasks, "hướng dẫn tỉnh hoàn thiện")) == ["Bộ Tài chính"]
    assert not any("10 tháng đầu năm" in t.content for t in tasks)


def test_a_topic_heading_about_the_environment_is_not_an_owner():
    # "Môi trường" (environment) folds like "mọi trường" (every school), a collective owner.
    _reading, tasks = tasks_of(["I. NỘI DUNG", "1. Quan trắc môi trường nuôi trồng thủy sản",
                                "a) Môi trường ao nuôi tôm",
                                "- Điểm quan trắc: thực hiện quan trắc tại các vùng nuôi, cụ thể như sau:",
                                "+ Xã Tân Tiến: lấy mẫu 01 vị trí vùng nuôi tôm Nga Tân.",
                                "+ Xã Nga Sơn: lấy mẫu 01 vị trí vùng nuôi tôm Nga Thủy.",
                                "2. Sở Nông nghiệp và Môi trường tổng hợp kết quả quan trắc, báo cáo UBND tỉnh "
                                "trước ngày 15/12/2024."])
    assert leads(find(tasks, "tổng hợp kết quả quan trắc")) == ["Sở Nông nghiệp và Môi trường"]
    assert not any("Môi trường ao nuôi tôm" in lead for t in tasks for lead in leads(t))


def test_an_item_that_spells_out_its_own_duty_in_dashes_is_one_task():
    _reading, tasks = tasks_of(["I. NHIỆM VỤ", "Sở Nội vụ đề nghị các doanh nghiệp thực hiện các nội dung sau:",
                                "1. Thường xuyên rà soát hợp đồng cho thuê lại lao động theo đúng quy định "
                                "của Bộ luật Lao động, cụ thể:",
                                "- Loại công việc cho thuê lại theo danh mục tại Phụ lục II.",
                                "- Hợp đồng phải ký kết bằng văn bản.",
                                "2. Báo cáo tình hình hoạt động trước ngày 20 tháng 6 năm 2024."])
    review = find(tasks, "rà soát hợp đồng")
    assert leads(review) == ["các doanh nghiệp"]
    assert not any("Loại công việc" in t.content or "ký kết bằng văn bản" in t.content for t in tasks)
    assert deadline(find(tasks, "Báo cáo tình hình")).due == date(2024, 6, 20)


def test_a_duty_that_ends_on_the_plans_tasks_is_a_duty_not_who_leads_a_part():
    _reading, tasks = tasks_of(["I. NHIỆM VỤ", "1. Rà soát văn bản quy phạm pháp luật, hoàn thành trong quý II/2024.",
                                "II. TỔ CHỨC THỰC HIỆN",
                                "1. Sở Tài chính chủ trì, phối hợp với các Sở, ban, ngành và UBND cấp xã "
                                "bố trí kinh phí trong dự toán hằng năm để triển khai các nhiệm vụ, giải pháp "
                                "của Kế hoạch này.",
                                "2. Sở Tư pháp chủ trì các nhiệm vụ về rà soát văn bản."])
    funds = find(tasks, "bố trí kinh phí")
    assert leads(funds) == ["Sở Tài chính"] and coordinators(funds)
    assert not any("chủ trì các nhiệm vụ về rà soát" in t.content for t in tasks)


# ---- 4. deadlines inside sentences -----------------------------------------------------------------

@pytest.mark.parametrize("sentence, kind, due", [
    ("Sở Tư pháp hoàn thành việc rà soát trước ngày 30/6/2024.", "date", date(2024, 6, 30)),
    ("Sở Xây dựng xong việc kiểm tra trong tháng 12/2024.", "date", date(2024, 12, 31)),
    ("Sở Y tế tổ chức tiêm chủng từ tháng 4 đến tháng 9 năm 2024.", "range", date(2024, 9, 30)),
    ("Sở Nội vụ tổng hợp, báo cáo định kỳ 6 tháng.", "recurring", None),
    ("Sở Nội vụ báo cáo kết quả trước ngày 01/6 và 15/11 hằng năm.", "recurring", None),
    ("Sở Văn hóa tổ chức tuyên truyền từ ngày 15/3 đến 30/4/2024.", "range", date(2024, 4, 30)),
    ("Sở Văn hóa tổ chức biểu diễn theo kế hoạch hằng năm và dài hạn của ngành.", "unknown", None),
])
def test_a_deadline_written_in_the_sentence(sentence, kind, due):
    _reading, tasks = tasks_of(["I. NHIỆM VỤ", f"- {sentence}"])
    (task,) = tasks
    assert deadline(task).kind == kind and deadline(task).due == due


@pytest.mark.parametrize("sentence, kind", [
    ("Sở Xây dựng thu dọn vật tư ở các công trình ven sông trước khi có lũ tràn về.", "event"),
    ("Sở Tư pháp tổ chức phổ biến quy định mới ngay sau khi Kế hoạch được phê duyệt.", "event"),
    ("Sở Y tế cử cán bộ tham gia đoàn kiểm tra khi có yêu cầu.", "event"),
    ("Sau khi kiểm tra, Sở Xây dựng xử lý nghiêm các vi phạm.", "unknown"),
    ("Ban Công tác Mặt trận các thôn báo cáo ngay khi phát sinh vụ việc phức tạp.", "event"),
    ("Sở Tư pháp đôn đốc các cơ quan giải quyết đơn thư đúng thời hạn luật định.", "external"),
])
def test_a_duty_timed_by_an_event(sentence, kind):
    _reading, tasks = tasks_of(["I. NHIỆM VỤ", f"- {sentence}"])
    (task,) = tasks
    assert deadline(task).kind == kind


def test_an_items_time_written_in_its_later_sentence_is_the_items():
    _reading, tasks = tasks_of(["I. NHIỆM VỤ", "1. Sở Xây dựng:",
                                "- Chỉ đạo các chủ đầu tư rà soát toàn bộ công trường đang thi công. "
                                "Bố trí đủ nhân lực, hoàn thành các hạng mục dở dang trước khi có lũ tràn về."])
    (task,) = tasks
    assert leads(task) == ["Sở Xây dựng"] and deadline(task).kind == "event"


# ---- 5. no owner named ------------------------------------------------------------------------------

def test_a_duty_whose_owner_is_named_nowhere_is_flagged():
    _reading, tasks = tasks_of(["I. NHIỆM VỤ", "- Tổ chức hội nghị sơ kết trong quý II/2024."])
    (task,) = tasks
    assert leads(task) == [] and "missing_owner" in {w.code for w in task.assignments[0].warnings}


# ---- 6. data tables that are not task tables ------------------------------------------------------

def test_data_tables_fall_back_to_the_prose_with_a_notice():
    reading, tasks = tasks_of([
        "I. ĐIỂM QUAN TRẮC",
        "\t".join(["STT", "Vị trí", "Tần suất", "Số mẫu"]),
        "\t".join(["1", "Ao nuôi tôm xã A", "02 lần/tháng", "24"]),
        "\t".join(["2", "Cửa sông B", "01 lần/tháng", "12"]),
        "II. TỔ CHỨC THỰC HIỆN",
        "1. Sở Nông nghiệp và Môi trường chủ trì tổ chức quan trắc, báo cáo kết quả trước ngày 15/12/2024.",
    ])
    assert "not_task_tables" in {w.code for w in reading.warnings}
    survey = find(tasks, "tổ chức quan trắc")
    assert leads(survey) == ["Sở Nông nghiệp và Môi trường"] and deadline(survey).due == date(2024, 12, 15)


def test_task_rows_without_a_header_are_proposed_with_their_columns_guessed():
    reading, tasks = tasks_of([
        "\t".join(["1", "Rà soát thủ tục hành chính nội bộ", "Sở Tư pháp", "Các sở, ngành", "Quý II/2024"]),
        "\t".join(["2", "Báo cáo kết quả", "Văn phòng UBND tỉnh", "Trước ngày 15/12/2024", "Báo cáo"]),
    ])
    review, report = tasks
    assert (review.content, leads(review), coordinators(review)) == (
        "Rà soát thủ tục hành chính nội bộ", ["Sở Tư pháp"], ["Các sở, ngành"])
    assert deadline(review).due == date(2024, 6, 30) and deadline(report).due == date(2024, 12, 15)
    assert report.assignments[0].output == "Báo cáo" and report.content == "Báo cáo kết quả"
    assert all(t.confidence < 0.6 for t in tasks)        # proposed, not ticked: the columns were guessed
    notice = next(w for w in reading.warnings if w.code == "headerless_table")
    assert "tiêu đề cột" in notice.message and "header row" in notice.message_en


def test_a_headerless_row_whose_task_starts_like_an_agency_keeps_it_as_the_task():
    _reading, tasks = tasks_of(["\t".join(["1", "Ban hành quy chế phối hợp liên ngành", "Sở Nội vụ", "Quý III/2024"])])
    (task,) = tasks
    assert task.content == "Ban hành quy chế phối hợp liên ngành" and leads(task) == ["Sở Nội vụ"]


# ---- 7. wider task tables --------------------------------------------------------------------------

def test_a_seven_column_table_with_merged_cells_and_range_deadlines():
    reading, _tasks = tasks_of([
        "II. NHIỆM VỤ CỤ THỂ",
        "\t".join(["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện",
                   "Kết quả dự kiến", "Nguồn kinh phí"]),
        "\t".join(["I", "HẠ TẦNG SỐ", "", "", "", "", ""]),
        "\t".join(["1", "Nâng cấp trung tâm dữ liệu tỉnh", "Sở Thông tin và Truyền thông", "Sở Tài chính",
                   "Năm 2024 - 2025", "Trung tâm dữ liệu đạt chuẩn", "Ngân sách tỉnh"]),
        "\t".join(["2", "Phủ sóng di động các thôn vùng lõm", "", "Các doanh nghiệp viễn thông",
                   "Hằng năm.", "100% thôn có sóng", "Xã hội hóa"]),
        "\t".join(["3", "Xử lý sự cố mất an toàn thông tin", "Công an tỉnh", "", "Khi có phát sinh.", "", ""]),
    ])
    center, coverage, incident = reading.tasks
    assert leads(center) == ["Sở Thông tin và Truyền thông"] and coordinators(center) == ["Sở Tài chính"]
    assert deadline(center).kind == "range" and deadline(center).due == date(2025, 12, 31)
    assert center.section and center.section.numbering == "I"
    # An empty lead cell in a row of its own is flagged, never guessed from the row above.
    assert leads(coverage) == [] and "missing_lead" in {w.code for w in coverage.assignments[0].warnings}
    assert deadline(coverage).kind == "recurring"
    assert deadline(incident).kind == "event"


# ---- 8. text as crawled or converted ----------------------------------------------------------------

def test_hard_wrapped_markdown_is_read_as_paragraphs():
    crawled = [
        "**I. NHIỆM VỤ**", "",
        "**1. **Rà soát, kiện toàn đội ngũ công chức làm công", "tác pháp chế tại các sở, ngành trong giai đoạn 2024",
        "- 2025 và những năm tiếp theo, bảo đảm đủ số lượng,", "tiêu chuẩn theo quy định.", "",
        "*Đơn vị chủ trì thực hiện: *Sở", "Nội vụ.", "",
        "*Thời gian thực hiện: *Quý", "IV/2024.", "",
    ]
    texts = [p.text for p in paragraphs("\n".join(crawled))]
    assert "1. Rà soát, kiện toàn đội ngũ công chức làm công tác pháp chế tại các sở, ngành trong giai đoạn " \
           "2024 - 2025 và những năm tiếp theo, bảo đảm đủ số lượng, tiêu chuẩn theo quy định." in texts
    _reading, tasks = tasks_of(crawled)
    task = find(tasks, "kiện toàn đội ngũ công chức")
    assert leads(task) == ["Sở Nội vụ"] and deadline(task).due == date(2024, 12, 31)


def test_page_numbers_and_breaks_of_a_converted_pdf_do_not_cut_a_duty():
    converted = [
        "I. NHIỆM VỤ", "",
        "1. Bộ Tài chính", "",
        "- Trình Chính phủ ban hành Nghị định về gia hạn nộp thuế và tiền thuê", "",
        "đất cho các doanh nghiệp bị ảnh hưởng, báo cáo Thủ tướng", "",
        "3", "", "--- PAGE BREAK ---", "",
        "Chính phủ trong tháng 5 năm 2024.", "",
        "- Rà soát các khoản phí, lệ phí có thể miễn, giảm, trình cấp có thẩm quyền trong tháng 6 năm 2024.", "",
        "- 4 -", "",
    ]
    texts = [p.text for p in paragraphs("\n".join(converted))]
    assert "- Trình Chính phủ ban hành Nghị định về gia hạn nộp thuế và tiền thuê đất cho các doanh nghiệp bị " \
           "ảnh hưởng, báo cáo Thủ tướng Chính phủ trong tháng 5 năm 2024." in texts
    assert not any(t in ("3", "- 4 -") or "PAGE BREAK" in t for t in texts)
    _reading, tasks = tasks_of(converted)
    task = find(tasks, "gia hạn nộp thuế")
    assert leads(task) == ["Bộ Tài chính"] and deadline(task).due == date(2024, 5, 31)
    assert not [t for t in tasks if t.content.startswith(("đất cho", "Chính phủ trong"))]


def test_a_named_body_an_owner_directs_leads_with_it_its_own_units_do_not():
    _reading, tasks = tasks_of([
        "I. TỔ CHỨC THỰC HIỆN", "",
        "1. Sở Nông nghiệp và Môi trường chỉ đạo Chi cục Thủy lợi thực hiện các nội dung sau:", "",
        "- Rà soát hiện trạng các công trình thủy lợi xuống cấp, báo cáo UBND tỉnh trước ngày 30/6/2024.", "",
        "2. Giao Công an tỉnh: (i) Chỉ đạo Phòng Cảnh sát giao thông chủ trì tuần tra, kiểm soát các tuyến "
        "đường ven biển trong mùa mưa bão. (ii) Chỉ đạo các đơn vị trực thuộc tăng cường nắm tình hình "
        "an ninh trật tự tại cơ sở.", "",
        "3. Sở Xây dựng chỉ đạo các đơn vị quản lý đường bộ kiểm tra cầu yếu, hoàn thành trong quý III/2024.", "",
    ])
    assert leads(find(tasks, "công trình thủy lợi")) == ["Sở Nông nghiệp và Môi trường", "Chi cục Thủy lợi"]
    assert leads(find(tasks, "tuần tra, kiểm soát")) == ["Công an tỉnh", "Phòng Cảnh sát giao thông"]
    assert leads(find(tasks, "nắm tình hình")) == ["Công an tỉnh"]
    assert leads(find(tasks, "kiểm tra cầu yếu")) == ["Sở Xây dựng"]


def test_a_list_of_violations_and_fines_is_not_a_list_of_duties():
    _reading, tasks = tasks_of([
        "Sở Nội vụ đề nghị Ban Quản lý các khu công nghiệp thực hiện các nội dung sau:", "",
        "1. Kiểm tra việc chấp hành pháp luật lao động tại các doanh nghiệp trong khu công nghiệp, "
        "hoàn thành trước ngày 30/9/2024.", "",
        "2. Lưu ý về xử lý vi phạm:", "",
        "Các hành vi vi phạm quy định về lao động thì bị xử phạt vi phạm hành chính theo Nghị định "
        "số 12/2022/NĐ-CP như:", "",
        "- Không báo cáo tình hình sử dụng lao động theo quy định trước ngày 30/6 hằng năm.", "",
        "- Không niêm yết công khai nội quy lao động tại nơi làm việc.", "",
    ])
    assert find(tasks, "chấp hành pháp luật lao động")
    assert not [t for t in tasks if "báo cáo tình hình sử dụng" in t.content or "niêm yết" in t.content]


def test_the_addressees_of_a_dispatch_are_not_duties_nor_its_sender_an_owner():
    text = "\n".join([
        "BỘ CÔNG THƯƠNG", "", "Số: 12/CĐ-BCT", "", "Hà Nội, ngày 5 tháng 8 năm 2024", "",
        "CÔNG ĐIỆN", "Về việc bảo đảm cung ứng điện mùa khô", "",
        "BỘ TRƯỞNG BỘ CÔNG THƯƠNG điện:", "",
        "- Tập đoàn Điện lực Việt Nam;", "- Sở Công Thương các tỉnh, thành phố trực thuộc Trung ương.", "",
        "Để bảo đảm cung ứng điện trong mùa khô, Bộ trưởng yêu cầu:", "",
        "1. Các Tập đoàn, Tổng công ty nhà nước: rà soát kế hoạch bảo dưỡng các nhà máy điện, "
        "hoàn thành trước ngày 31/8/2024.", "",
        "2. Giao các Thứ trưởng theo lĩnh vực được phân công kiểm tra, đôn đốc việc thực hiện Công điện này.", "",
        "", "Nơi nhận:", "- Như trên;", "- Lưu: VT.", "", "BỘ TRƯỞNG", "", "Nguyễn Văn B",
    ])
    reading = read_plan_text(text, "cd.txt")
    tasks = list(reading.tasks) + list(reading.prose_tasks)
    assert not [t for t in tasks if t.content.startswith(("Tập đoàn Điện lực", "Sở Công Thương các tỉnh"))]
    assert leads(find(tasks, "bảo dưỡng các nhà máy")) == ["Các Tập đoàn", "Tổng công ty nhà nước"]
    assert leads(find(tasks, "kiểm tra, đôn đốc việc thực hiện")) == ["các Thứ trưởng theo lĩnh vực được phân công"]
    assert not any("điện" in m for t in tasks for m in leads(t))


def test_an_agency_heading_whose_name_holds_a_verb_after_a_dash_leads_its_duties():
    # Hard-wrapped, no blank lines, the heading shorter than the wrapped lines around it.
    _reading, tasks = tasks_of([
        "I. NHIỆM VỤ",
        "1. Trung tâm Phát triển quỹ đất - Đầu tư xây dựng",
        "- Chỉ đạo các tổ công tác kiểm tra hiện trạng các công trình đang thi công trong",
        "mùa mưa lũ, hoàn thành trước ngày 15/10/2024.",
        "- Rà soát, bổ sung phương án bảo đảm an toàn cho người và phương tiện tại các công",
        "trường, báo cáo trước ngày 30/10/2024.",
    ])
    assert leads(find(tasks, "kiểm tra hiện trạng")) == ["Trung tâm Phát triển quỹ đất - Đầu tư xây dựng"]
    assert leads(find(tasks, "phương án bảo đảm an toàn")) == ["Trung tâm Phát triển quỹ đất - Đầu tư xây dựng"]
    assert not [t for t in tasks if t.content.startswith("Trung tâm Phát triển")]


def test_cells_flattened_one_per_line_become_table_rows():
    flattened = ["|", "**TT**", "|", "**Nội dung**", "|", "**Cơ quan chủ trì**", "|", "**Thời hạn hoàn**",
                 "**thành**", "|", "|", "1", "|", "Xây dựng kho dữ liệu", "dùng chung của tỉnh", "|",
                 "Sở Khoa học và Công nghệ", "|", "Tháng 11/2024", "|", "|"]
    rows = [line for line in tables_as_rows("\n".join(flattened)).split("\n") if line]
    assert rows == ["TT\tNội dung\tCơ quan chủ trì\tThời hạn hoàn thành",
                    "1\tXây dựng kho dữ liệu dùng chung của tỉnh\tSở Khoa học và Công nghệ\tTháng 11/2024"]
    reading, _tasks = tasks_of(["I. NHIỆM VỤ"] + flattened)
    (task,) = reading.tasks
    assert leads(task) == ["Sở Khoa học và Công nghệ"] and deadline(task).due == date(2024, 11, 30)
    assert task.line == len(HEAD) + 2 + flattened.index("1")      # where its row starts


def test_a_plan_attached_to_a_decision_is_read_after_the_decision_signature():
    lines = ["ỦY BAN NHÂN DÂN", "TỈNH HÀ GIANG", "", "Số: 120/QĐ-UBND", "", "Hà Giang, ngày 5 tháng 2 năm 2024", "",
             "QUYẾT ĐỊNH", "Ban hành Kế hoạch kiểm kê tài sản công", "",
             "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch kiểm kê tài sản công.", "",
             "Nơi nhận:", "- Như Điều 3;", "", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "",
             "KẾ HOẠCH", "Kiểm kê tài sản công năm 2024", "",
             "I. NHIỆM VỤ",
             "1. Sở Tài chính chủ trì hướng dẫn các đơn vị kiểm kê, hoàn thành trước ngày 31/3/2024."]
    reading = read_plan_text("\n".join(lines), "qd.txt")
    task = find(reading.prose_tasks, "hướng dẫn các đơn vị kiểm kê")
    assert leads(task) == ["Sở Tài chính"] and deadline(task).due == date(2024, 3, 31)


def test_a_flattened_appendix_table_with_group_rows():
    lines = ["I. NHIỆM VỤ", "Chi tiết tại Phụ lục kèm theo.", "", "Nơi nhận:", "- Như trên;", "",
             "TM. ỦY BAN NHÂN DÂN", "", "PHỤ LỤC", "DANH MỤC NHIỆM VỤ"]
    rows = [["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành", "Sản phẩm"],
            ["A", "HẠ TẦNG SỐ"], ["I", "Mạng lưới"],
            ["1", "Nâng cấp mạng truyền số liệu chuyên dùng", "Sở Khoa học và Công nghệ", "Các sở, ngành",
             "Quý II/2024", "Mạng được nâng cấp"],
            ["B", "DỮ LIỆU SỐ"],
            ["1", "Xây dựng kho dữ liệu dùng chung", "Sở Khoa học và Công nghệ", "(không)", "Tháng 12/2024",
             "Kho dữ liệu"]]
    # (An empty cell would be "|" right after "|", which is also how a row ends: a row is read
    # up to it, as merged cells leave rows shorter than the header.)
    flattened = ["|"]
    for row in rows:
        for cell in row:
            flattened += [cell, "|"]
        flattened.append("|")
    reading = read_plan_text("\n".join(HEAD[:-2] + lines + flattened), "kh.txt")
    network, data = reading.tasks
    assert network.ref.endswith("A.I.1") and deadline(network).due == date(2024, 6, 30)
    assert data.ref.endswith("B.1") and data.content == "Xây dựng kho dữ liệu dùng chung"
    assert leads(data) == ["Sở Khoa học và Công nghệ"]
    assert deadline(data).due == date(2024, 12, 31) and data.assignments[0].output == "Kho dữ liệu"


def _flatten(rows: list[list[str]]) -> list[str]:
    """A web table copied as text: each cell then "|"; an empty cell is nothing at all."""
    lines = ["|"]
    for row in rows:
        for cell in row:
            lines += ([cell] if cell else []) + ["|"]
        lines.append("|")
    return lines


FLAT_HEADER = ["TT", "Nội dung nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian hoàn thành",
               "Sản phẩm"]


def test_an_empty_cell_inside_a_flattened_row_does_not_cut_the_row():
    rows = [FLAT_HEADER, ["I", "HOÀN THIỆN THỂ CHẾ", "", "", "", ""],
            ["1", "Xây dựng quy chế quản lý dữ liệu", "Sở Khoa học và Công nghệ", "", "Quý II/2024", "Quyết định"],
            ["2", "Rà soát thủ tục hành chính", "Văn phòng UBND tỉnh", "Sở Tư pháp", "Tháng 9/2024", ""],
            ["3", "Phủ sóng 4G các thôn, bản", "Các doanh nghiệp viễn thông", "", "", "Báo cáo"]]
    reading, _tasks = tasks_of(["I. NHIỆM VỤ"] + _flatten(rows))
    rules, review, coverage = reading.tasks
    assert leads(rules) == ["Sở Khoa học và Công nghệ"] and coordinators(rules) == []
    assert deadline(rules).due == date(2024, 6, 30) and rules.assignments[0].output == "Quyết định"
    assert coordinators(review) == ["Sở Tư pháp"] and deadline(review).due == date(2024, 9, 30)
    assert deadline(coverage).kind == "unknown" and coverage.assignments[0].output == "Báo cáo"


def test_a_cell_merged_over_rows_is_taken_from_the_row_above_and_flagged():
    # Web tables print a merged cell in its first row only: row 2 has no lead cell.
    rows = [FLAT_HEADER,
            ["1", "Xây dựng quy chế quản lý dữ liệu", "Sở Khoa học và Công nghệ", "Các sở, ngành", "Quý II/2024",
             "Quyết định"],
            ["2", "Xây dựng kho dữ liệu dùng chung", "Các sở, ngành", "Quý III/2024", "Kho dữ liệu"],
            ["3", "Rà soát thủ tục hành chính", "Văn phòng UBND tỉnh", "Sở Tư pháp", "Tháng 9/2024", "Báo cáo"]]
    reading, _tasks = tasks_of(["I. NHIỆM VỤ"] + _flatten(rows))
    _rules, store, review = reading.tasks
    assert leads(store) == ["Sở Khoa học và Công nghệ"] and coordinators(store) == ["Các sở, ngành"]
    assert deadline(store).due == date(2024, 9, 30) and store.assignments[0].output == "Kho dữ liệu"
    assert "merged_cell" in {w.code for w in store.warnings}
    assert leads(review) == ["Văn phòng UBND tỉnh"]          # a full row is read as it is


def test_an_unnumbered_row_with_its_own_owner_is_a_task_of_its_own():
    table = ["| TT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian | Sản phẩm |",
             "|---|---|---|---|---|---|",
             "| 1 | Rà soát thủ tục hành chính | Văn phòng UBND tỉnh | Sở Tư pháp | Tháng 9/2024 | Báo cáo |",
             "| | Tổ chức tập huấn cho cán bộ cấp xã | Sở Nội vụ | UBND cấp xã | Tháng 10/2024 | |",
             "| | thuộc diện sắp xếp | | | | |",
             "| 2 | Nâng cấp Trung tâm dữ liệu | Sở Khoa học và Công nghệ | | Quý IV/2024 | |"]
    reading, _tasks = tasks_of(["I. NHIỆM VỤ"] + table)
    review, training, upgrade = reading.tasks
    assert review.content == "Rà soát thủ tục hành chính" and leads(review) == ["Văn phòng UBND tỉnh"]
    assert training.content == "Tổ chức tập huấn cho cán bộ cấp xã thuộc diện sắp xếp"
    assert leads(training) == ["Sở Nội vụ"] and deadline(training).due == date(2024, 10, 31)
    assert "unnumbered_task" in {w.code for w in training.warnings}
    assert leads(upgrade) == ["Sở Khoa học và Công nghệ"]


def test_a_table_plans_sub_group_rows_end_the_row_above_and_a_collective_heading_leads_its_duties():
    rows = [FLAT_HEADER, ["I", "NỀN TẢNG SỐ", "", "", "", ""], ["I.1", "Nhóm nền tảng dùng chung", "", "", "", ""],
            ["1", "Xây dựng kho dữ liệu dùng chung", "Sở Khoa học và Công nghệ", "Các sở, ngành", "Báo cáo",
             "Năm 2024-2025"][:4] + ["Năm 2024-2025", "Kho dữ liệu"],
            ["I.2", "Nhóm nền tảng chuyên ngành", "", "", "", ""],
            ["2", "Xây dựng nền tảng quản lý đất đai", "Sở Nông nghiệp và Môi trường", "", "Quý IV/2024", ""]]
    lines = ["III. TỔ CHỨC THỰC HIỆN",
             "1. Sở Khoa học và Công nghệ:",
             "- Chủ trì theo dõi việc thực hiện; định kỳ hằng năm báo cáo UBND tỉnh.",
             "2. Các sở, ban, ngành, UBND cấp xã có trách nhiệm:",
             "- Xây dựng kế hoạch của đơn vị trước ngày 31 tháng 5 năm 2024.",
             "- Rà soát, đơn giản hóa quy trình nội bộ.",
             "", "Nơi nhận:", "- Như trên;", "", "TM. ỦY BAN NHÂN DÂN", "", "PHỤ LỤC", "DANH MỤC NHIỆM VỤ"]
    reading = read_plan_text("\n".join(HEAD[:-2] + lines + _flatten(rows)), "kh.txt")
    store, land = reading.tasks
    assert leads(store) == ["Sở Khoa học và Công nghệ"] and coordinators(store) == ["Các sở, ngành"]
    assert deadline(store).kind == "range" and store.assignments[0].output == "Kho dữ liệu"
    assert store.section.numbering.endswith("I.1") and land.section.numbering.endswith("I.2")
    follow = find(reading.prose_tasks, "Chủ trì theo dõi")
    assert deadline(follow).kind == "recurring" and deadline(follow).periods == ("annual",)
    plan = find(reading.prose_tasks, "Xây dựng kế hoạch của đơn vị")
    assert leads(plan) == ["Các sở, ban, ngành", "UBND cấp xã"] and deadline(plan).due == date(2024, 5, 31)
    assert leads(find(reading.prose_tasks, "đơn giản hóa quy trình nội bộ")) == leads(plan)


def test_a_calendar_appended_after_the_signature_box_with_cells_merged_down():
    # The signature box and the caption run into the table in the crawl; the task column has
    # no usual name; a column-label row "A B 1 2 …" sits under the header; rows 2 and 3 print
    # neither their time nor their unit (merged with row 1's).
    lines = ["Điều 2. Các đơn vị chịu trách nhiệm thi hành Quyết định này./.", "|", "Nơi nhận:", "- Như Điều 2;",
             "|", "KT. BỘ TRƯỞNG", "THỨ TRƯỞNG", "|", "** **", "**LỊCH PHỔ BIẾN THÔNG TIN NĂM 2026**",
             "*(Ban hành kèm theo Quyết định số 12/QĐ-BNV)*"]
    rows = [["STT", "Tên thông tin thống kê", "Thời gian phổ biến", "Hình thức phổ biến", "Đơn vị chịu trách nhiệm"],
            ["A", "B", "1", "2", "3"],
            ["1", "Số đơn vị hành chính", "Tháng 6/2026", "Cổng thông tin điện tử", "Vụ Chính quyền địa phương"],
            ["2", "Số đại biểu Hội đồng nhân dân"],
            ["3", "Số cán bộ, công chức cấp xã"],
            ["4", "Số phong trào thi đua", "Tháng 5/2026", "Cổng thông tin điện tử", "Ban Thi đua - Khen thưởng"]]
    flat = _flatten(rows)
    reading = read_plan_text("\n".join(HEAD[:-2] + ["QUYẾT ĐỊNH"] + lines + flat), "qd.txt")
    units, delegates, officials, emulation = reading.tasks
    assert units.content == "Số đơn vị hành chính" and leads(units) == ["Vụ Chính quyền địa phương"]
    for merged in (delegates, officials):
        assert leads(merged) == ["Vụ Chính quyền địa phương"] and deadline(merged).due == date(2026, 6, 30)
        assert "merged_cell" in {w.code for w in merged.warnings}
    assert leads(emulation) == ["Ban Thi đua - Khen thưởng"] and deadline(emulation).due == date(2026, 5, 31)


def test_a_letter_with_an_appendix_table_hands_out_duties_in_its_own_items_too():
    # Hard-wrapped as crawled: a heading runs into "1.1.", a list of ministries wraps after ";".
    letter = [
        "Kính gửi: Các", "đồng chí Bộ trưởng, Thủ trưởng cơ quan ngang Bộ",
        "Thực hiện Kết luận số 12-KL/TW ngày 05/9/2025 của Bộ Chính trị, Ban Chỉ đạo yêu cầu các đồng chí",
        "Bộ trưởng, Thủ trưởng cơ quan ngang Bộ khẩn trương chỉ đạo thực hiện các nội dung sau:",
        "1. Về phân cấp, phân quyền khi vận hành chính quyền địa phương",
        "1.1. Đối với các nhiệm vụ cần ban hành văn bản hướng dẫn, các Bộ, cơ quan ngang Bộ khẩn",
        "trương rà soát, ban hành văn bản hướng dẫn theo thẩm quyền. Thời hạn hoàn thành chậm nhất",
        "ngày 25/12/2025.",
        "1.2. Đối với các nhiệm vụ cần điều chỉnh thẩm quyền, yêu cầu các Bộ: Tài chính; Xây dựng;",
        "Khoa học và Công nghệ xây dựng phương án điều chỉnh, báo cáo Ban Chỉ đạo trước ngày 15/12/2025.",
        "", "Nơi nhận:", "- Như trên;", "- Lưu: VT.", "", "TRƯỞNG BAN", "", "Nguyễn Văn C", "",
        "PHỤ LỤC", "KIẾN NGHỊ CỦA CÁC ĐỊA PHƯƠNG",
        "TT\tNội dung kiến nghị\tCơ quan chủ trì\tThời hạn",
        "1\tHướng dẫn thủ tục đất đai cấp xã\tBộ Nông nghiệp và Môi trường\tTháng 12/2025",
    ]
    reading = read_plan_text("\n".join(letter), "cv.txt")
    assert [t.content for t in reading.tasks] == ["Hướng dẫn thủ tục đất đai cấp xã"]
    proposals = reading.prose_tasks
    guidance = find(proposals, "ban hành văn bản hướng dẫn theo thẩm quyền")
    assert deadline(guidance).due == date(2025, 12, 25)
    adjust = find(proposals, "xây dựng phương án điều chỉnh")
    assert "Khoa học và Công nghệ xây dựng phương án" in adjust.content
    assert deadline(adjust).due == date(2025, 12, 15)
    assert not [t for t in proposals if t.content.startswith(("Khoa học", "Về phân cấp", "Kính gửi"))]


def test_undated_duties_under_a_collective_heading_are_proposed_unticked_not_those_of_a_sentence():
    _reading, tasks = tasks_of([
        "I. NHIỆM VỤ", "",
        "1. Các cơ quan, đơn vị, địa phương:", "",
        "- Rà soát, cắt giảm thủ tục hành chính nội bộ trong phạm vi quản lý.", "",
        "2. Nội dung khắc phục", "",
        "Các cơ quan, đơn vị tập trung khắc phục các nội dung sau:", "",
        "- Đẩy mạnh tuyên truyền về cải cách hành chính trong cán bộ, công chức.", "",
        "", "PHỤ LỤC", "DANH MỤC TỔNG HỢP", "",
        "Tổng hợp các chỉ tiêu theo từng lĩnh vực quản lý của các cơ quan, đơn vị.",
    ])
    duty = find(tasks, "cắt giảm thủ tục hành chính nội bộ")
    assert leads(duty) == ["Các cơ quan, đơn vị, địa phương"] and duty.confidence < 0.6
    assert not [t for t in tasks if "Đẩy mạnh tuyên truyền" in t.content or "Tổng hợp các chỉ tiêu" in t.content]


def test_a_decisions_closing_articles_are_not_duties_and_a_duty_may_open_with_can_cu():
    _reading, tasks = tasks_of([
        "I. TỔ CHỨC THỰC HIỆN", "",
        "1. Ủy ban nhân dân các xã, phường", "",
        "a) Căn cứ mục tiêu, nội dung của Kế hoạch, xây dựng kế hoạch chuyển đổi số của địa phương.", "",
        "b) Căn cứ Nghị định số 47/2024/NĐ-CP ngày 09/5/2024 của Chính phủ.", "",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký ban hành.", "",
        "Điều 3. Chánh Văn phòng UBND tỉnh, Giám đốc các sở và Chủ tịch UBND các xã, phường chịu "
        "trách nhiệm thi hành Quyết định này.", "",
    ])
    assert find(tasks, "xây dựng kế hoạch chuyển đổi số của địa phương")
    assert not [t for t in tasks if t.content.startswith(("Căn cứ Nghị định", "Điều", "Quyết định này"))
                or "thi hành Quyết định này" in t.content]


def test_a_table_plans_reporting_section_after_tchuc_thuc_hien_is_read_like_it():
    lines = HEAD + [
        "I. NHIỆM VỤ",
        "TT\tNội dung\tCơ quan chủ trì\tThời gian hoàn thành",
        "1\tXây dựng cơ sở dữ liệu doanh nghiệp công nghệ\tSở Khoa học và Công nghệ\tQuý IV/2024", "",
        "II. TỔ CHỨC THỰC HIỆN", "",
        "1. Sở Tài chính bố trí kinh phí thực hiện Kế hoạch trước ngày 31/7/2024.", "",
        "III. TỔ CHỨC THEO DÕI, KIỂM TRA VÀ CHẾ ĐỘ BÁO CÁO", "",
        "- Sở Khoa học và Công nghệ tổng hợp, báo cáo Ủy ban nhân dân tỉnh trước ngày 30/11/2024.", "",
    ] + TAIL
    reading = read_plan_text("\n".join(lines), "kh.txt")
    assert [t.content for t in reading.tasks] == ["Xây dựng cơ sở dữ liệu doanh nghiệp công nghệ"]
    report = find(reading.prose_tasks, "tổng hợp, báo cáo Ủy ban nhân dân tỉnh")
    assert leads(report) == ["Sở Khoa học và Công nghệ"] and deadline(report).due == date(2024, 11, 30)
    assert find(reading.prose_tasks, "bố trí kinh phí").ref.startswith("TCTH.")


def test_a_ministrys_departments_and_working_groups_head_their_duties():
    # Crawled with each dash alone on its line and the heading short.
    _reading, tasks = tasks_of([
        "I. TỔ CHỨC THỰC HIỆN",
        "1. Tiểu ban giúp việc Ban Chỉ đạo",
        "- Thực",
        "hiện phân công nhiệm vụ kịp thời cho các cơ quan, đơn vị và thành viên Tiểu ban.",
        "2. Vụ Tổ chức cán bộ",
        "-",
        "Hướng dẫn các cơ quan, đơn vị đưa kết quả thực hiện nhiệm vụ chuyển đổi số vào công tác thi đua,",
        "khen thưởng.",
    ])
    assert leads(find(tasks, "phân công nhiệm vụ kịp thời")) == ["Tiểu ban giúp việc Ban Chỉ đạo"]
    guide = find(tasks, "đưa kết quả thực hiện nhiệm vụ chuyển đổi số")
    assert leads(guide) == ["Vụ Tổ chức cán bộ"] and guide.content.startswith("Hướng dẫn")


def test_the_agencies_to_work_with_are_not_the_owner_of_a_duty_under_an_agency_heading():
    _reading, tasks = tasks_of([
        "I. TỔ CHỨC THỰC HIỆN", "",
        "1. Sở Tài chính", "",
        "- Trên cơ sở chức năng nhiệm vụ, chủ trì, phối hợp với các cơ quan, đơn vị có liên quan tham mưu "
        "Ủy ban nhân dân tỉnh bố trí kinh phí bảo vệ rừng cho các địa phương.", "",
    ])
    assert leads(find(tasks, "bố trí kinh phí bảo vệ rừng")) == ["Sở Tài chính"]


def test_the_sentence_after_kinh_gui_is_the_letters_own_whatever_its_first_word():
    letter = [
        "Kính gửi: Các sở, ban, ngành tỉnh và", "Ủy ban nhân dân các xã, phường",
        "Trước diễn biến phức tạp của mưa lũ, Ủy ban nhân dân tỉnh yêu cầu các sở, ban,",
        "ngành tỉnh thực hiện các việc sau, hoàn thành trước ngày",
        "15/10/2024:",
        "- Rà soát phương án sơ tán dân tại các khu vực có nguy",
        "cơ sạt lở đất, lũ quét ở vùng núi.",
        "- Kiểm tra an toàn các hồ chứa thủy lợi trên địa bàn,",
        "nhất là các hồ xung yếu.",
        "", "Nơi nhận:", "- Như trên;", "- Lưu: VT.", "", "TM. ỦY BAN NHÂN DÂN", "", "Nguyễn Văn D",
    ]
    reading = read_plan_text("\n".join(HEAD[:-2] + ["CÔNG VĂN", "Về việc ứng phó mưa lũ", ""] + letter), "cv.txt")
    tasks = list(reading.prose_tasks)
    for words in ("phương án sơ tán dân", "an toàn các hồ chứa"):
        task = find(tasks, words)
        assert deadline(task).due == date(2024, 10, 15)
    assert not [t for t in tasks if t.content.startswith(("Kính gửi", "Ủy ban nhân dân các xã, phường"))]


def test_a_heading_asking_associations_to_take_part_leads_its_items():
    _reading, tasks = tasks_of([
        "I. TỔ CHỨC THỰC HIỆN", "",
        # hard-wrapped, as crawled
        "1. Đề nghị: Hiệp hội", "Doanh nghiệp tỉnh, Liên minh Hợp tác xã tỉnh", "",
        "a) Tuyên truyền, vận động hội", "viên tham gia các hoạt động chuyển đổi số; phối hợp giới thiệu",
        "mô hình tiêu biểu, hỗ trợ chia sẻ kinh nghiệm giữa các", "đơn vị.", "",
        "b) Tiếp nhận các kiến nghị,", "phản ánh của các doanh nghiệp trong quá trình thực hiện Kế", "hoạch.", "",
    ])
    assert leads(find(tasks, "vận động hội viên")) == ["Hiệp hội Doanh nghiệp tỉnh", "Liên minh Hợp tác xã tỉnh"]
    assert not [t for t in tasks if t.content.startswith("Doanh nghiệp tỉnh")]


def test_web_tables_two_row_time_headings_line_breaks_in_cells_and_owner_cells_merged_down():
    reading, _tasks = tasks_of([
        "I. NHIỆM VỤ", "",
        "| STT | Nội dung | Cơ quan thực hiện | Thời gian thực hiện | | Sản phẩm |",
        "|---|---|---|---|---|---|",
        "| | | | Bắt đầu | Hoàn thành | |",
        "| 1 | Xây dựng kho dữ liệu<br>dùng chung | Chủ trì: Sở Khoa học và Công nghệ<br/>Phối hợp: Các sở, ngành "
        "| 2024 | Quý II/2025 | Kho dữ liệu |",
        "| 2 | Chuẩn hóa dữ liệu danh mục dùng chung | | 2024 | Quý IV/2025 | Bộ danh mục |",
        "",
    ])
    store, catalogue = reading.tasks
    assert store.content == "Xây dựng kho dữ liệu dùng chung"
    assert (leads(store), coordinators(store)) == (["Sở Khoa học và Công nghệ"], ["Các sở, ngành"])
    assert deadline(store).due == date(2025, 6, 30)             # when it ends, not when it starts
    assert leads(catalogue) == ["Sở Khoa học và Công nghệ"]     # the owner cell merged down
    assert "merged_owner" in {w.code for a in catalogue.assignments for w in a.warnings}
    assert deadline(catalogue).due == date(2025, 12, 31)


def test_a_day_each_year_is_a_deadline_a_bare_hang_nam_is_not_enough():
    lines = HEAD + [
        "I. NHIỆM VỤ",
        "TT\tNội dung\tCơ quan chủ trì\tThời gian hoàn thành",
        "1\tXây dựng cơ sở dữ liệu doanh nghiệp công nghệ\tSở Khoa học và Công nghệ\tQuý IV/2024", "",
        "II. TỔ CHỨC THỰC HIỆN", "",
        "1. Sở Khoa học và Công nghệ tổng hợp, báo cáo Ủy ban nhân dân tỉnh trước ngày 30/11 hằng năm.", "",
    ] + TAIL
    reading = read_plan_text("\n".join(lines), "kh.txt")
    report = find(reading.prose_tasks, "tổng hợp, báo cáo")
    assert deadline(report).kind == "recurring" and deadline(report).periods == ("annual",)


def test_ministries_listed_after_their_kind_a_form_of_address_and_a_weekday_before_a_date():
    letter = [
        "Kính gửi: Các đồng chí Bộ trưởng, Thủ trưởng cơ quan ngang Bộ",
        "Ban Chỉ đạo yêu cầu các đồng chí Bộ trưởng, Thủ trưởng cơ quan ngang Bộ khẩn trương chỉ đạo thực hiện "
        "các nội dung sau:",
        "1. Đối với các nhiệm vụ cần điều chỉnh thẩm quyền, yêu cầu các Bộ: Tài chính; Xây dựng; Khoa học và "
        "Công nghệ xây dựng phương án điều chỉnh, báo cáo trước ngày 15/12/2025.",
        "2. Khẩn trương giải quyết các kiến nghị của địa phương, báo cáo kết quả trước Thứ Tư ngày 03/12/2025.",
        "", "Nơi nhận:", "- Như trên;", "", "TRƯỞNG BAN", "", "Nguyễn Văn E",
    ]
    reading = read_plan_text("\n".join(HEAD[:-2] + ["CÔNG VĂN", "Về việc tháo gỡ vướng mắc", ""] + letter), "cv.txt")
    tasks = list(reading.prose_tasks)
    adjust = find(tasks, "xây dựng phương án điều chỉnh")
    assert leads(adjust) == ["Bộ Tài chính", "Bộ Xây dựng", "Bộ Khoa học và Công nghệ"]
    requests = find(tasks, "giải quyết các kiến nghị")
    assert leads(requests) == ["Bộ trưởng", "Thủ trưởng cơ quan ngang Bộ"]
    assert deadline(requests).kind == "date" and deadline(requests).due == date(2025, 12, 3)


def test_a_heading_among_agency_headings_names_its_owners_even_when_not_an_agency():
    _reading, tasks = tasks_of([
        "1. Sở Nông nghiệp và Môi trường", "",
        "- Hướng dẫn các địa phương rà soát diện tích rừng bị lấn chiếm.", "",
        "2. Công an tỉnh", "",
        "- Điều tra, xử lý nghiêm các hành vi vi phạm về rừng.", "",
        "3. Các chủ rừng là tổ chức (các Ban quản lý rừng phòng hộ, các Công ty lâm nghiệp)", "",
        "- Tiếp tục kiểm tra, rà soát toàn bộ diện tích rừng được giao quản lý.", "",
    ])
    owners = leads(find(tasks, "diện tích rừng được giao quản lý"))
    assert owners == ["Các chủ rừng là tổ chức"]


def test_item_numbers_a_scan_misread_are_read_as_meant():
    _reading, tasks = tasks_of([
        "I. NHIỆM VỤ", "",
        "1. Các bộ, ngành", "",
        "©) Bộ Giao thông vận tải chủ trì tháo gỡ khó khăn cho ngành hàng không, báo cáo trong tháng 3 năm 2024.", "",
        "Il. TỔ CHỨC THỰC HIỆN", "",
        "1. Văn phòng Chính phủ theo dõi, đôn đốc việc thực hiện, báo cáo trước ngày 30/6/2024.", "",
    ])
    aviation = find(tasks, "ngành hàng không")
    assert aviation.content.startswith("Bộ Giao thông vận tải") and leads(aviation) == ["Bộ Giao thông vận tải"]
    follow_up = find(tasks, "theo dõi, đôn đốc")
    assert follow_up.ref.startswith("II.") and follow_up.section.title.startswith("II. TỔ CHỨC")


def test_a_standing_body_asked_with_others_and_an_adverb_before_the_verb():
    _reading, tasks = tasks_of(["I. NHIỆM VỤ",
                                "1. Đề nghị Thường trực HĐND, UBND, Ủy ban Kiểm tra Đảng ủy xã thường xuyên phối hợp "
                                "trao đổi thông tin về các đơn thư phức tạp."])
    (task,) = tasks
    assert leads(task) == ["Thường trực HĐND", "UBND", "Ủy ban Kiểm tra Đảng ủy xã"]


def test_headings_naming_whose_duties_follow_and_a_request_that_names_nobody():
    lines = ["ỦY BAN NHÂN DÂN", "TỈNH HÀ GIANG", "", "Số: 52/CT-UBND", "", "Hà Giang, ngày 10 tháng 3 năm 2024", "",
             "CHỈ THỊ", "Về bảo vệ tài nguyên nước", "", "Chủ tịch UBND tỉnh yêu cầu:", "",
             "1. Sở Nông nghiệp và Môi trường có trách nhiệm", "", "a) Kiểm tra việc khai thác nước dưới đất.", "",
             "b) Tổng hợp, báo cáo UBND tỉnh trước ngày 15/12/2024.", "",
             "2. Các đơn vị cấp nước sạch trên địa bàn tỉnh có trách nhiệm:", "",
             "a) Bảo đảm chất lượng nước cấp cho người dân.", "", "3. Trách nhiệm của UBND cấp xã", "",
             "a) Tuyên truyền người dân sử dụng nước tiết kiệm.", "", "4. Bộ Ngoại giao:", "",
             "a) Vận động các nước hỗ trợ công nghệ xử lý nước.", "", "Nơi nhận:", "- Như trên;"]
    tasks = read_plan_text("\n".join(lines), "ct.txt").prose_tasks
    assert leads(find(tasks, "Kiểm tra việc khai thác")) == ["Sở Nông nghiệp và Môi trường"]
    assert leads(find(tasks, "Tổng hợp, báo cáo")) == ["Sở Nông nghiệp và Môi trường"]
    assert leads(find(tasks, "chất lượng nước cấp")) == ["Các đơn vị cấp nước sạch trên địa bàn tỉnh"]
    assert leads(find(tasks, "sử dụng nước tiết kiệm")) == ["UBND cấp xã"]
    assert leads(find(tasks, "Vận động các nước")) == ["Bộ Ngoại giao"]
    assert not any(t.content.startswith("Sở Nông nghiệp và Môi trường có trách nhiệm") for t in tasks)


def test_a_shared_time_line_with_an_exception_and_an_owner_closing_the_item_in_brackets():
    _reading, tasks = tasks_of([
        "I. NHIỆM VỤ", "1. Cải cách thể chế",
        "a) Rà soát, đánh giá các văn bản quy phạm pháp luật do tỉnh ban hành.",
        "b) Xây dựng danh mục văn bản cần sửa đổi, bổ sung.",
        "- Cơ quan chủ trì: Sở Tư pháp.",
        "- Thời gian thực hiện: Thường xuyên; riêng việc xây dựng danh mục hoàn thành trong quý III/2024.",
        "2. Hiện đại hóa nền hành chính",
        "- Nâng cấp Cổng thông tin điện tử tỉnh (Sở Thông tin và Truyền thông chủ trì, hoàn thành trước "
        "ngày 30/9/2024)."])
    review, listing = find(tasks, "Rà soát, đánh giá"), find(tasks, "Xây dựng danh mục")
    assert deadline(review).kind == "continuous"
    assert deadline(listing).due == date(2024, 9, 30) and leads(listing) == ["Sở Tư pháp"]
    portal = find(tasks, "Nâng cấp Cổng thông tin")
    assert leads(portal) == ["Sở Thông tin và Truyền thông"] and deadline(portal).due == date(2024, 9, 30)


def test_a_directive_by_agency_with_partners_named_in_the_duties():
    lines = ["ỦY BAN NHÂN DÂN", "TỈNH LẠNG SƠN", "", "Số: 15/CT-UBND", "", "Lạng Sơn, ngày 02 tháng 4 năm 2024", "",
             "CHỈ THỊ", "Về tăng cường phòng, chống buôn lậu", "", "Chủ tịch UBND tỉnh chỉ thị:", "",
             "1. Công an tỉnh chủ trì, phối hợp với Bộ Chỉ huy Bộ đội Biên phòng tỉnh:",
             "a) Tiếp tục tăng cường tuần tra, kiểm soát trên các tuyến biên giới.",
             "b) Điều tra các đường dây buôn lậu; phối hợp với Viện Kiểm sát nhân dân tỉnh đưa ra xét xử.",
             "2. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh và các tổ chức chính trị - xã hội tỉnh tuyên truyền, "
             "vận động Nhân dân không tiếp tay cho buôn lậu.", "", "Nơi nhận:", "- Như trên;"]
    tasks = read_plan_text("\n".join(lines), "ct.txt").prose_tasks
    patrol, trials = find(tasks, "tuần tra"), find(tasks, "Điều tra các đường dây")
    assert leads(patrol) == leads(trials) == ["Công an tỉnh"]
    assert coordinators(trials) == ["Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "Viện Kiểm sát nhân dân tỉnh"]
    assert leads(find(tasks, "vận động Nhân dân")) == ["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh",
                                                        "các tổ chức chính trị - xã hội tỉnh"]
