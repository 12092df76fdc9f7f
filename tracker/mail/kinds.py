"""The kinds of message the outbox carries, and what they are called in each language.

One home for these names: the outbox and job pages, an assignment's list of messages and
the job summaries all say the same thing (docs/glossary.md).
"""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "reminder": ("Nhắc trước hạn", "Reminder before the deadline"),
    "overdue": ("Nhắc quá hạn", "Overdue notice"),
    "escalation_head": ("Cảnh báo gửi Thủ trưởng cơ quan", "Warning to the head of the agency"),
    "escalation_committee": ("Cảnh báo gửi UBND", "Warning to the People's Committee"),
    "checkin": ("Nhắc báo cáo định kỳ", "Periodic report request"),
    "digest": ("Tổng hợp hằng tuần", "Weekly digest"),
    "signin_link": ("Liên kết đăng nhập", "Sign-in link"),
    "sending_alert": ("Cảnh báo không gửi được thư", "Alert: mail is not going out"),
    # tracker.mail.notices
    "extension_request": ("Đề nghị gia hạn", "Extension request"),
    "extension_decision": ("Quyết định gia hạn", "Extension decision"),
    "output_returned": ("Kết quả bị trả lại", "Output sent back"),
    "explanation_request": ("Yêu cầu giải trình", "Explanation request"),
    "explanation_reminder": ("Nhắc giải trình", "Explanation reminder"),
    "explanation_answer": ("Giải trình", "Explanation given"),
}


def label(kind: str, language: str = "vi") -> str:
    """A kind's name; an unknown kind (a newer version's) reads as a generic message."""
    vi, en = LABELS.get(kind, ("Thư", "Message"))
    return en if language == "en" else vi
