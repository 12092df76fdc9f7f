"""Vocabulary kept as data elsewhere (status and category names, message kinds), marked
here so the translation catalogue carries them; templates translate them with ``_()``."""

from flask_babel import lazy_gettext as _l

LABELS = (
    # statuses (models.base.STATUS_LABELS_VI)
    _l("Chưa thực hiện"), _l("Đang thực hiện"), _l("Hoàn thành"), _l("Tạm dừng"), _l("Hủy"),
    # on-time categories (scheduling.ontime.LABELS_VI)
    _l("Hoàn thành đúng hạn"), _l("Hoàn thành quá hạn"), _l("Đang thực hiện trong hạn"),
    _l("Quá hạn chưa hoàn thành"),
    # message kinds (web.assignments.KIND_LABELS)
    _l("Nhắc hạn"), _l("Báo quá hạn"), _l("Báo thủ trưởng"), _l("Báo UBND"), _l("Đề nghị cập nhật"),
    _l("Tổng hợp"),
    # deadline kinds (web.imports.KIND_LABELS)
    _l("Hạn"), _l("Khoảng"), _l("Định kỳ"), _l("Thường xuyên"), _l("Theo sự kiện"),
    _l("Theo cơ quan khác"), _l("Chưa đọc được"),
    # roles (models.account.ROLE_LABELS_VI)
    _l("Quản trị"), _l("Soạn kế hoạch"), _l("Lãnh đạo"), _l("Cán bộ đầu mối"),
    # weekdays, agency types and levels, job names (web.admin_forms, web.admin)
    _l("Thứ Hai"), _l("Thứ Ba"), _l("Thứ Tư"), _l("Thứ Năm"), _l("Thứ Sáu"), _l("Thứ Bảy"), _l("Chủ nhật"),
    _l("UBND tỉnh"), _l("UBND huyện"), _l("UBND xã"), _l("Sở"), _l("Ban"), _l("Văn phòng"), _l("Phòng"),
    _l("Thanh tra"), _l("Trung tâm"), _l("Cơ quan ngành dọc"), _l("Báo, đài"), _l("Khác"),
    _l("Trung ương"), _l("Tỉnh"), _l("Huyện"), _l("Xã"),
    _l("Nhắc trước hạn"), _l("Nhắc quá hạn"), _l("Báo cấp trên"), _l("Tổng hợp hằng tuần"), _l("Gửi thư"),
)
