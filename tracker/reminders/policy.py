"""The reminder policy administrators set, globally and per plan: how many working days
before a deadline to remind, how often to repeat an overdue notice, when to escalate.

``flask policy`` and the administrators' pages both call these; the caller commits. The
planner reads the same rows on every run (``global_policy``), so a change counts from the
next run on.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import Plan, Setting
from .rules import ReminderPolicy

# Policy fields in the order forms and listings show them.
POLICY_SETTING = "reminder_policy"      # the Setting row holding the global policy
POLICY_FIELDS = ReminderPolicy.field_names()

# What each field must be, for the person who typed a wrong value (ReminderPolicy's own
# errors are English and name the field; these are shown next to it).
_RULES_VI = {
    "before_offsets": "Các số ngày làm việc (từ 0 trở lên), không lặp lại, cách nhau bằng dấu phẩy.",
    "send_at": "Giờ trong ngày, dạng HH:MM.",
    "overdue_every": "Số ngày làm việc, ít nhất là 1.",
    "escalate_head_after": "Số ngày làm việc, ít nhất là 1.",
    "escalate_committee_after": "Số ngày làm việc, ít nhất là 1.",
    "digest_weekday": "Một ngày trong tuần (0 = Thứ Hai … 6 = Chủ nhật).",
    "digest_at": "Giờ trong ngày, dạng HH:MM.",
    "checkin_before": "Số ngày làm việc, từ 0 trở lên.",
}


def global_policy(session: Session) -> ReminderPolicy:
    setting = session.get(Setting, POLICY_SETTING)
    return ReminderPolicy.from_dict(setting.value) if setting else ReminderPolicy()


class PolicyError(UserError):
    """An invalid policy: ReminderPolicy's own (English) message and its Vietnamese, placed
    next to the form field ``field``."""

    def __init__(self, message: str, field: str | None, message_vi: str):
        super().__init__(message_vi, message)
        self.field = field


def _checked(base: ReminderPolicy, values: Mapping[str, object]) -> ReminderPolicy:
    try:
        return base.merged(values)
    except ValueError as exc:
        text = str(exc)
        if text.startswith("unknown reminder policy setting"):
            raise PolicyError(text, None, "Có khóa thiết lập không tồn tại "
                              f"(các khóa: {', '.join(POLICY_FIELDS)}).") from exc
        # The message names the offending field first; the committee level's message also
        # names the head's, so it is checked before the longer scan.
        if text.startswith("escalate_committee_after"):
            merged = {**base.as_dict(), **values}
            raise PolicyError(text, "escalate_committee_after",
                              f"Số ngày cảnh báo gửi UBND ({merged['escalate_committee_after']}) phải lớn "
                              f"hơn số ngày cảnh báo gửi Thủ trưởng cơ quan "
                              f"({merged['escalate_head_after']}).") from exc
        field = min((f for f in POLICY_FIELDS if f in text), key=text.index, default=None)
        raise PolicyError(text, field, _RULES_VI.get(field or "", "Giá trị không hợp lệ.")) from exc


def effective_policy(session: Session, plan: Plan | None = None) -> tuple[ReminderPolicy, dict]:
    """The policy in force (for a plan: the global one with its overrides) and the
    overrides themselves ({} when everything is inherited)."""
    base = global_policy(session)
    if plan is None:
        return base, {}
    overrides = dict(plan.reminder_policy or {})
    return base.merged(overrides), overrides


def set_global_policy(session: Session, values: Mapping[str, object]) -> ReminderPolicy:
    """Change some fields of the global policy; the others keep their value."""
    merged = _checked(global_policy(session), values)
    setting = session.get(Setting, POLICY_SETTING) or Setting(key=POLICY_SETTING, value={})
    setting.value = merged.as_dict()
    session.add(setting)
    return merged


def set_plan_policy(session: Session, plan: Plan, overrides: Mapping[str, object]) -> ReminderPolicy:
    """Replace a plan's overrides with ``overrides`` (fields not named follow the global
    policy, also when it changes later). Validated against the current global policy."""
    merged = _checked(global_policy(session), overrides)
    stored = merged.as_dict()
    # Only the overridden keys are kept, in their normalised JSON form.
    plan.reminder_policy = {key: stored[key] for key in overrides} or None
    return merged


def clear_plan_policy(plan: Plan) -> None:
    """The plan follows the global policy again."""
    plan.reminder_policy = None


__all__ = ["POLICY_FIELDS", "POLICY_SETTING", "PolicyError", "clear_plan_policy", "effective_policy",
           "global_policy", "set_global_policy", "set_plan_policy"]
