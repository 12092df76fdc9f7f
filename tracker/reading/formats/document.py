"""What a format front end hands to the reader core, and the errors all front ends share.

Every front end (DOCX, XLSX, CSV, PDF) turns its file into a ``Document``: the table rows as
``SourceRow`` (so that one core reads every format alike), the text the plan header is read
from, and the paragraph text for the prose reader. Nothing here knows about a format.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath

from ..result import NotAPlanError, PlanHeader, ReadingWarning
from ..table import DEADLINE, SourceRow, TableReading

# Format code → (Vietnamese name, English name), for messages.
FORMAT_NAMES: dict[str, tuple[str, str]] = {
    "docx": ("tài liệu Word (.docx)", "a Word document (.docx)"),
    "xlsx": ("bảng tính Excel (.xlsx)", "an Excel workbook (.xlsx)"),
    "csv": ("tệp CSV", "a CSV file"),
    "pdf": ("tài liệu PDF", "a PDF document"),
    "text": ("tệp văn bản", "a text file"),
}

# The columns a task table needs, as a person would name them (docs/domain.md, "Table columns").
EXPECTED_COLUMNS_VI = ("TT; Nội dung công việc (hoặc Nhiệm vụ); Cơ quan chủ trì; Cơ quan phối hợp; "
                       "Sản phẩm (hoặc Kết quả); Thời gian thực hiện (hoặc Thời hạn hoàn thành)")
EXPECTED_COLUMNS_EN = ("TT (number); Nội dung công việc or Nhiệm vụ (task); Cơ quan chủ trì (lead); "
                       "Cơ quan phối hợp (coordinating); Sản phẩm or Kết quả (output); Thời gian "
                       "thực hiện or Thời hạn hoàn thành (deadline)")

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


@dataclass
class Document:
    """A plan file as a front end read it, ready for ``plan.read_plan_parts``.

    ``header_text`` holds every paragraph and table cell in reading order (cells of a row
    separated by TAB, as ``read_header`` expects); ``prose_text`` holds the paragraphs only,
    one line each, for the prose reader.
    """

    format: str
    rows: list[SourceRow]
    header_text: str
    prose_text: str
    name: str = ""
    notices: list[ReadingWarning] = field(default_factory=list)
    #: a title to use when the header names none (a spreadsheet's title row)
    title: str | None = None
    #: spreadsheets have no header block: the year may come from the file name or deadlines
    infer_year: bool = False

    def explain(self, error: NotAPlanError) -> NotAPlanError:
        """The core's errors, worded for this format (the core speaks of tab-separated text)."""
        if error.code != "no_table":
            return error
        has_table = any(row.cells and sum(1 for c in row.cells if c.strip()) >= 3
                        for row in self.rows)
        return no_table_error(self.format, has_table)

    def complete_header(self, header: PlanHeader, table: TableReading) -> list[ReadingWarning]:
        """Fill what the header text could not give, saying where it came from."""
        warnings: list[ReadingWarning] = []
        if header.title is None and self.title:
            header.title = self.title
        if header.year is not None or not self.infer_year:
            return warnings
        stem = PurePath(self.name).stem
        years = _YEAR.findall(stem)
        if years:
            header.year = int(years[0])
            warnings.append(ReadingWarning(
                "year_from_name",
                f"Không thấy năm của kế hoạch trong phần đầu bảng tính; đã lấy năm {header.year} "
                f"từ tên tệp “{self.name}”. Cần kiểm tra.",
                f"No plan year in the sheet's heading; the year {header.year} was taken from "
                f"the file name “{self.name}”. Please check.",
                suggestion=str(header.year)))
            return warnings
        counts = Counter(int(y) for task in table.tasks for row in task.rows
                         for y in _YEAR.findall(row.cells.get(DEADLINE, "")))
        if counts:
            (year, _), *rest = counts.most_common()
            header.year = year
            warnings.append(ReadingWarning(
                "year_from_deadlines",
                f"Không thấy năm của kế hoạch trong phần đầu bảng tính hay tên tệp; đã lấy năm "
                f"{year}, năm gặp nhiều nhất trong cột thời hạn"
                + (f" (còn có: {', '.join(str(y) for y, _ in rest)})" if rest else "")
                + ". Cần kiểm tra.",
                f"No plan year in the sheet's heading or the file name; the year {year}, the "
                f"commonest in the deadline column, was used. Please check.",
                suggestion=str(year)))
        return warnings


def corrupt_error(fmt: str, detail_vi: str = "", detail_en: str = "") -> NotAPlanError:
    """The file has the form of ``fmt`` but cannot be opened: damaged, cut short, or not really one."""
    vi_name, en_name = FORMAT_NAMES[fmt]
    app_vi, app_en = {"docx": ("Word", "Word"), "xlsx": ("Excel", "Excel"),
                      "pdf": ("trình đọc PDF", "a PDF reader")}.get(fmt, ("chương trình tạo ra nó",
                                                                            "the program that made it"))
    return NotAPlanError(
        "corrupt_file",
        f"Tệp có dạng {vi_name} nhưng bị hỏng hoặc không đầy đủ (có thể tải lên bị ngắt giữa "
        f"chừng) nên không mở được{': ' + detail_vi if detail_vi else ''}. Hãy mở tệp bằng "
        f"{app_vi}, lưu lại rồi tải lên lần nữa.",
        f"The file looks like {en_name} but is damaged or incomplete (perhaps the upload was "
        f"cut short), so it cannot be opened{': ' + detail_en if detail_en else ''}. Open it in "
        f"{app_en}, save it again and upload it once more.")


def no_table_error(fmt: str, has_table: bool) -> NotAPlanError:
    """No task table: either a table whose columns are not named as a task table's, or
    neither a table nor a sentence that assigns work (the prose reader found nothing)."""
    vi_name, en_name = FORMAT_NAMES[fmt]
    extra_vi = (" Bảng trong PDF cần có đường kẻ ô để đọc được; nếu không, hãy tải lên bản Word "
                "(.docx) của kế hoạch." if fmt == "pdf" else "")
    extra_en = (" A table in a PDF needs ruled cell borders to be read; otherwise upload the "
                "plan's Word (.docx) version." if fmt == "pdf" else "")
    if has_table:
        return NotAPlanError(
            "no_table",
            f"{vi_name[0].upper() + vi_name[1:]} có bảng nhưng không bảng nào có hàng tiêu đề gọi "
            f"tên các cột của bảng nhiệm vụ, ví dụ: {EXPECTED_COLUMNS_VI}. Hãy thêm (hoặc sửa) hàng "
            "tiêu đề cột của bảng nhiệm vụ.",
            f"{en_name[0].upper() + en_name[1:]} has tables, but none has a header row naming a "
            f"task table's columns, e.g. {EXPECTED_COLUMNS_EN}. Add (or correct) the task table's "
            "header row.")
    return NotAPlanError(
        "no_table",
        f"Không tìm thấy bảng nhiệm vụ trong {vi_name}, cũng không tìm thấy câu nào giao việc hay "
        f"nêu thời hạn: cần một bảng có hàng tiêu đề gọi tên các cột, ví dụ: {EXPECTED_COLUMNS_VI}; "
        f"hoặc các câu như “Giao Sở ... chủ trì ..., hoàn thành trong tháng ...”.{extra_vi}",
        f"No task table found in {en_name}, and no sentence that assigns work or sets a "
        f"deadline: a table whose header row names the columns is needed, e.g. "
        f"{EXPECTED_COLUMNS_EN}; or sentences such as “Giao Sở ... chủ trì ..., hoàn thành trong "
        f"tháng ...”.{extra_en}")


