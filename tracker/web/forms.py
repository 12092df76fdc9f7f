"""Forms with Vietnamese labels and error messages (English through the catalogue)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import DateField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional


def _id(value) -> int | None:
    """A select's id; absent when the item has no reporting periods."""
    return int(value) if value not in (None, "", "None") else None


class ReportForm(FlaskForm):
    # Periods are checked against the assignment by the view (a period of another item is refused).
    occurrence = SelectField(_l("Kỳ báo cáo"), coerce=_id, validate_choice=False, choices=[])
    status = SelectField(_l("Tình trạng"), validators=[InputRequired(_l("Chọn tình trạng."))],
                         invalid_choice_message=_l("Tình trạng không hợp lệ."))
    progress = IntegerField(_l("Tiến độ (%)"), invalid_value_message=_l("Tiến độ phải là một số từ 0 đến 100."),
                            validators=[
        Optional(), NumberRange(0, 100, _l("Tiến độ phải từ 0 đến 100."))])
    comment = TextAreaField(_l("Nội dung báo cáo"))
    files = MultipleFileField(_l("Tệp minh chứng"))
    submit = SubmitField(_l("Gửi báo cáo"))


class ExtensionForm(FlaskForm):
    occurrence = SelectField(_l("Kỳ báo cáo"), coerce=_id, validate_choice=False, choices=[])
    requested_due = DateField(_l("Đề nghị gia hạn đến ngày"),
                              invalid_value_message=_l("Ngày không hợp lệ (dạng năm-tháng-ngày)."), validators=[
        InputRequired(_l("Chọn ngày đề nghị gia hạn."))])
    reason = TextAreaField(_l("Lý do"), validators=[DataRequired(_l("Hãy nêu lý do đề nghị gia hạn."))])
    submit = SubmitField(_l("Gửi đề nghị gia hạn"))


class ReturnForm(FlaskForm):
    occurrence = SelectField(_l("Kỳ báo cáo"), coerce=_id, validate_choice=False, choices=[])
    comment = TextAreaField(_l("Lý do không chấp nhận"), validators=[
        DataRequired(_l("Hãy ghi lý do không chấp nhận kết quả."))])
    submit = SubmitField(_l("Trả lại kết quả"))


class DecisionForm(FlaskForm):
    comment = TextAreaField(_l("Ý kiến"))
    approve = SubmitField(_l("Đồng ý gia hạn"))
    refuse = SubmitField(_l("Không đồng ý"))


class UploadForm(FlaskForm):
    file = FileField(_l("Tệp kế hoạch"), validators=[FileRequired(_l("Chọn tệp kế hoạch để tải lên."))])
    submit = SubmitField(_l("Đọc kế hoạch"))


__all__ = ["DecisionForm", "ExtensionForm", "ReportForm", "ReturnForm", "StringField", "UploadForm"]
