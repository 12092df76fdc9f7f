"""Vocabulary kept as data elsewhere (status and category names, message kinds), marked
here so the translation catalogue carries them; templates translate them with ``_()``."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..reminders import rules as reminders

LABELS = (
    # statuses (models.base.STATUS_LABELS_VI)
    _l("Chưa thực hiện"), _l("Đang thực hiện"), _l("Hoàn thành"), _l("Tạm dừng"), _l("Đã hủy"),
    # on-time categories (scheduling.ontime.LABELS_VI)
    _l("Hoàn thành đúng hạn"), _l("Hoàn thành quá hạn"), _l("Đang thực hiện trong hạn"),
    _l("Quá hạn chưa hoàn thành"),
    # (message kinds are named in both languages in mail.kinds)
    # deadline kinds (web.imports.KIND_LABELS)
    _l("Hạn"), _l("Trong thời gian"), _l("Định kỳ"), _l("Thường xuyên"), _l("Khi phát sinh"),
    _l("Theo tiến độ cấp trên"), _l("Chưa đọc được"),
    # roles (models.account.ROLE_LABELS_VI)
    _l("Quản trị"), _l("Chuyên viên theo dõi"), _l("Lãnh đạo"), _l("Cán bộ đầu mối"),
    # weekdays, agency types and levels, job names (web.admin.forms, web.admin)
    _l("Thứ Hai"), _l("Thứ Ba"), _l("Thứ Tư"), _l("Thứ Năm"), _l("Thứ Sáu"), _l("Thứ Bảy"), _l("Chủ nhật"),
    _l("UBND tỉnh"), _l("UBND huyện"), _l("UBND xã"), _l("Sở"), _l("Ban"), _l("Văn phòng"), _l("Phòng"),
    _l("Thanh tra"), _l("Trung tâm"), _l("Cơ quan ngành dọc"), _l("Báo, đài"), _l("Khác"),
    _l("Trung ương"), _l("Tỉnh"), _l("Huyện"), _l("Xã"),
    _l("Nhắc trước hạn"), _l("Nhắc quá hạn"), _l("Cảnh báo quá hạn"), _l("Nhắc báo cáo định kỳ"),
    _l("Tổng hợp hằng tuần"), _l("Gửi thư"), _l("Dựng lại lịch đăng ký"),
)


def step_label(key: str | None) -> str:
    """Which reminder of an item a message was, in words ("3 ngày làm việc trước hạn", "lần 2");
    empty where the message kind already says it all (escalations, digests)."""
    if not key:
        return ""
    try:
        track = reminders.track_of(key)
    except ValueError:
        return ""
    rest = key.partition("-")[2]
    if track == reminders.BEFORE:
        return _("đúng ngày đến hạn") if rest == "0" else _("%(n)s ngày làm việc trước hạn", n=rest)
    if track == reminders.OVERDUE:
        return _("lần %(n)s", n=rest)
    if track == reminders.CHECKIN:
        return _("báo cáo định kỳ trước %(d)s", d=f"{date.fromisoformat(rest):%d/%m/%Y}")
    return ""
