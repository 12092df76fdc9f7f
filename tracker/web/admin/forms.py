"""The administrators' forms. Messages are Vietnamese (English through the catalogue); WTForms
has no Vietnamese catalogue, so every parsing message is given here rather than left to it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ...models.directory import AgencyType, Level
from ...vocabulary import N_
from ..forms import DayField

WEEKDAYS_VI = (N_("Thứ Hai"), N_("Thứ Ba"), N_("Thứ Tư"), N_("Thứ Năm"), N_("Thứ Sáu"), N_("Thứ Bảy"),
               N_("Chủ nhật"))
AGENCY_TYPE_LABELS = AgencyType.labels()
LEVEL_LABELS = Level.labels()
LANGUAGE_LABELS = {"vi": "Tiếng Việt", "en": "English"}
NO_OFFSETS = ("không", "khong", "-")    # typed in a plan's form: no reminders before the due date


# WTForms' own messages for a value outside the list would be English.
_CHOICE = {"invalid_choice_message": _l("Chọn một mục trong danh sách."),
           "invalid_value_message": _l("Chọn một mục trong danh sách.")}


def options(pairs) -> list[SelectChoice]:
    """Choices from (value, label) pairs (WTForms 3.3 deprecates plain tuples)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def _max(n: int) -> Length:
    return Length(max=n, message=_l("Tối đa %(max)d ký tự."))


def _date(label, **kwargs):
    return DayField(label, **kwargs)


def _count(label, minimum: int, validators):
    return IntegerField(label, invalid_value_message=_l("Nhập một số nguyên."), validators=[
        *validators, NumberRange(min=minimum, message=_l("Ít nhất là %(min)s."))])


def _time(label, validators):
    return TimeField(label, format=["%H:%M", "%H:%M:%S"],
                     invalid_value_message=_l("Giờ không hợp lệ (dạng HH:MM)."), validators=validators)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OffsetsField(StringField):
    """Working days before the due date, "7, 3, 1, 0". ``data``: a list, or None when left
    blank in a form where blank means "inherit"."""

    def __init__(self, label=None, validators=None, blank_is_none: bool = False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.blank_is_none = blank_is_none

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        if not self.data and self.blank_is_none:
            return NO_OFFSETS[0]          # blank would read as "inherit"
        return ", ".join(str(n) for n in self.data)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0].strip()
        if not raw:
            self.data = None if self.blank_is_none else []
            return
        if raw.lower() in NO_OFFSETS:
            self.data = []
            return
        parts = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
        if not all(p.isdigit() for p in parts):
            self.data = None
            raise ValueError(_l("Nhập các số ngày làm việc cách nhau bằng dấu phẩy, ví dụ 7, 3, 1, 0."))
        self.data = [int(p) for p in parts]


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class AgencyForm(FlaskForm):
    name = StringField(_l("Tên cơ quan"), validators=[DataRequired(_l("Nhập tên cơ quan.")), _max(300)])
    aliases = TextAreaField(_l("Tên gọi khác (mỗi dòng một tên)"))
    type = SelectField(_l("Loại cơ quan"), choices=options(AGENCY_TYPE_LABELS.items()), **_CHOICE)
    level = SelectField(_l("Cấp"), choices=options(LEVEL_LABELS.items()), **_CHOICE)
    head_name = StringField(_l("Họ tên thủ trưởng"), validators=[_max(200)])
    head_title = StringField(_l("Chức vụ thủ trưởng"), validators=[_max(100)])
    head_email = StringField(_l("Thư điện tử thủ trưởng"), validators=[_max(254)])
    head_phone = StringField(_l("Điện thoại thủ trưởng"), validators=[_max(40)])
    leader_name = StringField(_l("Lãnh đạo phụ trách (họ tên)"), validators=[_max(200)])
    leader_title = StringField(_l("Chức vụ lãnh đạo phụ trách"), validators=[_max(100)])
    leader_email = StringField(_l("Thư điện tử lãnh đạo phụ trách"), validators=[_max(254)])
    office_id = SelectField(_l("Văn phòng (nhận cảnh báo quá hạn gửi UBND)"), coerce=int, choices=[], **_CHOICE)
    successor_id = SelectField(_l("Cơ quan kế thừa"), coerce=int, choices=[], **_CHOICE)
    valid_from = _date(_l("Hoạt động từ ngày"), validators=[Optional()])
    valid_to = _date(_l("Hoạt động đến ngày"), validators=[Optional()])
    groups = MultiCheckboxField(_l("Thuộc nhóm"), coerce=int, choices=[], **_CHOICE)
    submit = SubmitField(_l("Lưu"))


class OfficerForm(FlaskForm):
    name = StringField(_l("Họ tên"), validators=[DataRequired(_l("Nhập họ tên cán bộ.")), _max(200)])
    email = StringField(_l("Thư điện tử"), validators=[_max(254)])
    phone = StringField(_l("Điện thoại"), validators=[_max(40)])
    language = SelectField(_l("Ngôn ngữ thư"), choices=options(LANGUAGE_LABELS.items()), **_CHOICE)
    active = BooleanField(_l("Đang nhận nhắc việc"), default=True)
    submit = SubmitField(_l("Lưu"))


class AccountForm(FlaskForm):
    email = StringField(_l("Thư điện tử"), validators=[DataRequired(_l("Nhập địa chỉ thư điện tử."))])
    name = StringField(_l("Họ tên"), validators=[_max(200)])
    role = SelectField(_l("Vai trò"), choices=[], validators=[InputRequired(_l("Chọn vai trò."))], **_CHOICE)
    committee = SelectField(_l("UBND (chuyên viên theo dõi, lãnh đạo)"), coerce=int, choices=[], **_CHOICE)
    language = SelectField(_l("Ngôn ngữ giao diện"), choices=options(LANGUAGE_LABELS.items()), **_CHOICE)
    password = PasswordField(_l("Mật khẩu (để trống: chỉ đăng nhập bằng liên kết qua thư)"))
    submit = SubmitField(_l("Tạo tài khoản"))


class PasswordForm(FlaskForm):
    password = PasswordField(_l("Mật khẩu mới"), validators=[DataRequired(_l("Nhập mật khẩu mới."))])
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"), validators=[
        EqualTo("password", _l("Hai mật khẩu không khớp."))])
    submit = SubmitField(_l("Đặt mật khẩu"))


_REQUIRED = InputRequired(_l("Nhập giá trị."))

# Labels of the policy fields (ReminderPolicy's), shared by both forms and the listings.
POLICY_LABELS = {
    "before_offsets": _l("Nhắc trước hạn (số ngày làm việc, cách nhau bằng dấu phẩy; 0 = ngày đến hạn)"),
    "send_at": _l("Giờ gửi thư trong ngày"),
    "overdue_every": _l("Nhắc quá hạn sau mỗi (ngày làm việc)"),
    "escalate_head_after": _l("Cảnh báo gửi Thủ trưởng cơ quan khi quá hạn (số ngày làm việc)"),
    "escalate_committee_after": _l("Cảnh báo gửi UBND ban hành khi quá hạn (số ngày làm việc)"),
    "digest_weekday": _l("Thứ gửi bản tổng hợp hằng tuần"),
    "digest_at": _l("Giờ gửi bản tổng hợp"),
    "checkin_before": _l("Nhắc báo cáo định kỳ trước ngày chốt số liệu (số ngày làm việc)"),
    "escalate_unreminded": _l("Gửi cảnh báo cả khi cơ quan chưa được nhắc lần nào"),
}

# The fields that act per item, so a plan can override them; the hours and the digest are
# one schedule for the whole system.
PLAN_POLICY_FIELDS = ("before_offsets", "overdue_every", "escalate_head_after",
                      "escalate_committee_after", "checkin_before")


class PolicyForm(FlaskForm):
    before_offsets = OffsetsField(POLICY_LABELS["before_offsets"])
    send_at = _time(POLICY_LABELS["send_at"], [_REQUIRED])
    overdue_every = _count(POLICY_LABELS["overdue_every"], 1, [_REQUIRED])
    escalate_head_after = _count(POLICY_LABELS["escalate_head_after"], 1, [_REQUIRED])
    escalate_committee_after = _count(POLICY_LABELS["escalate_committee_after"], 1, [_REQUIRED])
    digest_weekday = SelectField(POLICY_LABELS["digest_weekday"], coerce=int,
                                 choices=options(enumerate(WEEKDAYS_VI)), **_CHOICE)
    digest_at = _time(POLICY_LABELS["digest_at"], [_REQUIRED])
    checkin_before = _count(POLICY_LABELS["checkin_before"], 0, [_REQUIRED])
    escalate_unreminded = BooleanField(POLICY_LABELS["escalate_unreminded"])
    submit = SubmitField(_l("Lưu thiết lập chung"))


class PlanPolicyForm(FlaskForm):
    """Blank: the plan follows the global value."""

    before_offsets = OffsetsField(POLICY_LABELS["before_offsets"], blank_is_none=True)
    overdue_every = _count(POLICY_LABELS["overdue_every"], 1, [Optional()])
    escalate_head_after = _count(POLICY_LABELS["escalate_head_after"], 1, [Optional()])
    escalate_committee_after = _count(POLICY_LABELS["escalate_committee_after"], 1, [Optional()])
    checkin_before = _count(POLICY_LABELS["checkin_before"], 0, [Optional()])
    submit = SubmitField(_l("Lưu thiết lập của kế hoạch"))


class CalendarDayForm(FlaskForm):
    day = _date(_l("Ngày"), validators=[InputRequired(_l("Chọn ngày."))])
    kind = RadioField(_l("Loại"), choices=options([("off", _l("Ngày nghỉ (nghỉ bù)")),
                                                   ("working", _l("Ngày làm việc (làm bù)"))]),
                      validators=[InputRequired(_l("Chọn ngày nghỉ hay ngày làm việc."))], **_CHOICE)
    note = StringField(_l("Lý do (ví dụ số thông báo)"), validators=[_max(200)])
    submit = SubmitField(_l("Thêm ngoại lệ"))


class WebhookForm(FlaskForm):
    url = StringField(_l("Địa chỉ nhận (URL)"), validators=[DataRequired(_l("Nhập địa chỉ nhận.")), _max(2000)])
    description = StringField(_l("Mô tả (dùng để làm gì)"), validators=[_max(300)])
    events = MultiCheckboxField(_l("Sự kiện được gửi"), choices=[],
                                validators=[DataRequired(_l("Chọn ít nhất một sự kiện."))], **_CHOICE)
    submit = SubmitField(_l("Đăng ký webhook"))


__all__ = ["options", "AGENCY_TYPE_LABELS", "AccountForm", "ActionForm", "AgencyForm", "CalendarDayForm",
           "LANGUAGE_LABELS", "LEVEL_LABELS", "OfficerForm", "PLAN_POLICY_FIELDS", "POLICY_LABELS",
           "PasswordForm", "PlanPolicyForm", "PolicyForm", "WEEKDAYS_VI", "WebhookForm"]
