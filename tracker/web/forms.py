"""Forms with Vietnamese labels and error messages (English through the catalogue)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional
from wtforms.widgets import TextInput

# Dates are typed and shown day first, as Vietnamese offices write them, whatever the
# browser's locale (an <input type=date> in an English browser shows mm/dd/yyyy); the ISO
# form is accepted too, so links and scripts keep working.
DAY_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
DAY_HINT = "dd/mm/yyyy"


def parse_day(raw: str) -> date:
    """A typed date, "31/12/2025" or "2025-12-31"; ValueError otherwise."""
    raw = raw.strip()
    for pattern in DAY_FORMATS:
        try:
            return datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {raw!r}")


def day_text(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


class DayField(DateField):
    """A date typed as dd/mm/yyyy in a text box."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_value_message", _l("Ngày không hợp lệ (dạng ngày/tháng/năm, ví dụ 31/12/2025)."))
        render_kw = {"placeholder": DAY_HINT, "inputmode": "numeric", "autocomplete": "off",
                     **(kwargs.pop("render_kw", None) or {})}
        super().__init__(label, validators, format=list(DAY_FORMATS), render_kw=render_kw, **kwargs)

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return day_text(self.data)


def _id(value) -> int | None:
    """A select's id; absent when the item has no reporting periods."""
    return int(value) if value not in (None, "", "None") else None


class ReportForm(FlaskForm):
    # Periods are checked against the assignment by the view (a period of another item is refused).
    occurrence = SelectField(_l("Kỳ báo cáo"), coerce=_id, validate_choice=False, choices=[])
    status = SelectField(_l("Trạng thái"), validators=[InputRequired(_l("Chọn trạng thái."))],
                         invalid_choice_message=_l("Trạng thái không hợp lệ."))
    progress = IntegerField(_l("Tiến độ (%)"), invalid_value_message=_l("Tiến độ phải là một số từ 0 đến 100."),
                            validators=[
        Optional(), NumberRange(0, 100, _l("Tiến độ phải từ 0 đến 100."))])
    comment = TextAreaField(_l("Nội dung báo cáo"))
    files = MultipleFileField(_l("Tệp minh chứng"))
    submit = SubmitField(_l("Gửi báo cáo"))


class ExtensionForm(FlaskForm):
    occurrence = SelectField(_l("Kỳ báo cáo"), coerce=_id, validate_choice=False, choices=[])
    requested_due = DayField(_l("Đề nghị gia hạn đến ngày"), validators=[
        InputRequired(_l("Chọn ngày đề nghị gia hạn."))])
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(_l("Hãy nêu lý do đề nghị gia hạn."))])
    submit = SubmitField(_l("Gửi đề nghị gia hạn"))


class ReturnForm(FlaskForm):
    occurrence = SelectField(_l("Kỳ báo cáo"), coerce=_id, validate_choice=False, choices=[])
    comment = TextAreaField(_l("Lý do trả lại"), validators=[
        DataRequired(_l("Hãy ghi lý do trả lại kết quả."))])
    submit = SubmitField(_l("Trả lại kết quả"))


class DecisionForm(FlaskForm):
    comment = TextAreaField(_l("Ý kiến"))
    approve = SubmitField(_l("Đồng ý gia hạn"))
    refuse = SubmitField(_l("Không đồng ý"))


class ExplanationForm(FlaskForm):
    """A leader or author asks the agency to explain a late item."""

    occurrence = SelectField(_l("Kỳ báo cáo"), coerce=_id, validate_choice=False, choices=[])
    message = TextAreaField(_l("Nội dung cần giải trình"))
    due_on = DayField(_l("Hạn giải trình"), validators=[Optional()])
    submit = SubmitField(_l("Gửi yêu cầu giải trình"))


class ExplanationAnswerForm(FlaskForm):
    """The agency's officer answers an explanation request."""

    reason = TextAreaField(_l("Lý do chậm thực hiện"), validators=[
        DataRequired(_l("Hãy nêu lý do chậm thực hiện."))])
    new_expected_date = DayField(_l("Ngày dự kiến hoàn thành"), validators=[Optional()])
    files = MultipleFileField(_l("Tệp minh chứng"))
    submit = SubmitField(_l("Gửi giải trình"))


class WithdrawForm(FlaskForm):
    submit = SubmitField(_l("Rút yêu cầu giải trình"))


class UploadForm(FlaskForm):
    file = FileField(_l("Tệp kế hoạch"), validators=[FileRequired(_l("Chọn tệp kế hoạch để tải lên."))])
    submit = SubmitField(_l("Đọc kế hoạch"))


__all__ = ["DayField", "DecisionForm", "ExplanationAnswerForm", "ExplanationForm", "ExtensionForm", "ReportForm",
           "ReturnForm", "StringField", "UploadForm", "WithdrawForm", "day_text", "parse_day"]
