"""Words the pages build from data: which reminder of an item a message was.

(The closed vocabularies, statuses, categories, roles, deadline kinds and the rest, are
``tracker.vocabulary.Vocabulary`` enums, their labels marked for translation where defined.)"""

from datetime import date

from flask_babel import gettext as _

from ..reminders import rules as reminders


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
    if track in (reminders.OVERDUE, reminders.EXPLANATION):
        return _("lần %(n)s", n=rest)
    if track == reminders.CHECKIN:
        return _("báo cáo định kỳ trước %(d)s", d=f"{date.fromisoformat(rest):%d/%m/%Y}")
    return ""
