"""One e-mail per person per run: text, HTML and an .ics snapshot of the items in it.

Pure module: no database, no Flask app context. The caller (the reminder run) collects a
person's items for one kind of message, and ``compose`` returns the message, or None when
there is nothing to say. ``to_message`` turns a ``ComposedMail`` into a MIME message with
the standard library; the outbox stores ``ComposedMail`` fields and calls it when sending.

Decisions:

* Items are grouped by plan (plans ordered by their earliest due date), and within a plan
  ordered by due date, then task reference (natural order: 2 before 10). Items without a
  due date come last.
* Wording is written once, in Vietnamese, in ``_wording`` (labels, the subject of each
  kind, the kind's opening paragraph) and translated by the app's catalogue (``wording``,
  context "mail"); ``WORDING`` holds it per language. The layout lives in two templates,
  ``templates/mail/message.txt`` and ``message.html``. A new language is a new catalogue.
  Anything that is not "en" gets Vietnamese.
* Imported text (plan titles, task content, agency names, outputs, deadline phrases) is
  made single-line and stripped of control and format characters before it goes anywhere:
  no header can be split by a title holding CR/LF, and ``to_message`` cleans every header
  value again (it also sends what was stored in the outbox). HTML is autoescaped; links
  are only made from http(s) URLs.
* The .ics is a snapshot for "add to my calendar" (docs/calendar.md §Invitations by e-mail): METHOD:PUBLISH, no
  ORGANIZER/ATTENDEE, no VALARM, one all-day VEVENT per item with a due date, UID = the
  item's stable UID (the same as in the feeds), SEQUENCE 0, DTSTAMP = ``stamp`` or today
  00:00 UTC, so the same run gives the same bytes. The feed stays the truth; the footer
  gives the feed link.
* For a check-in request, ``MailItem.due`` is the reporting cut-off the report is asked
  for (a continuous task has no due date of its own) and ``days`` counts to it.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from email import policy as email_policy
from email.headerregistry import Address, BaseHeader, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from ..addresses import bare_address
from ..feeds.events import FeedEvent
from ..feeds.ical import snapshot
from ..reading.text import natural_key
from .wording import LANGUAGES, words_in

if TYPE_CHECKING:
    from ..plans.statistics import AgencyRow

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_DIR = ROOT / "templates" / "mail"

REMINDER, OVERDUE, ESCALATION_HEAD, ESCALATION_COMMITTEE, CHECKIN, DIGEST = (
    "reminder", "overdue", "escalation_head", "escalation_committee", "checkin", "digest")
KINDS = (REMINDER, OVERDUE, ESCALATION_HEAD, ESCALATION_COMMITTEE, CHECKIN, DIGEST)
# Step kinds of tracker.reminders.rules → the kind of message they go out in.
KIND_OF_STEP = {"before": REMINDER, "overdue": OVERDUE, "escalation_head": ESCALATION_HEAD,
                "escalation_committee": ESCALATION_COMMITTEE, "checkin": CHECKIN}

METHOD = "PUBLISH"
PRODID = "-//tracker//Nhac han cong viec//VI"
ICS_FILENAME = "han-cong-viec.ics"
CONTENT_LIMIT = 200          # task content in the body
SUBJECT_TITLE_LIMIT = 60     # task content or agency name in a subject
SUMMARY_LIMIT = 70           # task content in a calendar SUMMARY


@dataclass(frozen=True)
class MailItem:
    plan_label: str          # "Kế hoạch 181/KH-UBND – Kiểm soát thủ tục hành chính năm 2020"
    plan_key: str            # groups items of one plan
    task_ref: str
    task_content: str
    agency: str
    role: str                # "lead" / "coordinate"
    output: str
    deadline_text: str       # the plan's own words ("Trong tháng 3/2020")
    due: date | None         # for a check-in: the reporting cut-off
    step_kind: str           # before / overdue / escalation_head / escalation_committee / checkin
    step_number: int | None
    #: working days left until due (when the next reminders come); negative: calendar days
    #: overdue, the one unit of lateness on every page, export and e-mail
    days: int
    url: str
    uid: str                 # stable calendar UID
    #: the recipient's own signed sign-in link to the item (text and HTML only: never put in
    #: the .ics, which outlives the link)
    signin_url: str = ""
    agency_id: int | None = None    # the directory's agency (a committee's summary links to its list)


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str = "vi"
    role: str = "officer"    # "officer", "agency_head", "committee"


@dataclass(frozen=True)
class ComposedMail:
    to: str                  # the bare address (the outbox validates and sends to it)
    subject: str
    text: str
    html: str
    ics: bytes | None
    ics_filename: str = ICS_FILENAME


# --- wording ------------------------------------------------------------------------------

def _wording(pgettext, npgettext):
    """The reminder e-mails' words (labels, each kind's subject and introduction), in Vietnamese;
    ``words_in`` translates them (context "mail")."""
    return {
        "greeting": pgettext("mail", "Kính gửi {name},"),
        "greeting_anonymous": pgettext("mail", "Kính gửi anh/chị,"),
        "task": pgettext("mail", "Nhiệm vụ"),
        "agency": pgettext("mail", "Cơ quan"),
        "roles": {
            "lead": pgettext("mail", "chủ trì"),
            "coordinate": pgettext("mail", "phối hợp"),
        },
        "output": pgettext("mail", "Sản phẩm"),
        "deadline": pgettext("mail", "Thời hạn"),
        "due_on": pgettext("mail", "hạn {date}"),
        "days_left": npgettext("mail", "còn {n} ngày làm việc",
                                       "còn {n} ngày làm việc"),
        "due_today": pgettext("mail", "đến hạn hôm nay"),
        "days_over": npgettext("mail", "quá hạn {n} ngày",
                                       "quá hạn {n} ngày"),
        "notice": pgettext("mail", "nhắc lần {n}"),
        "open": pgettext("mail", "Xem và cập nhật"),
        "tasks": npgettext("mail", "{n} nhiệm vụ",
                                   "{n} nhiệm vụ"),
        "agencies": npgettext("mail", "{n} cơ quan",
                                      "{n} cơ quan"),
        "days": npgettext("mail", "{n} ngày",
                                  "{n} ngày"),
        "digest_overdue": pgettext("mail", "{n} quá hạn"),
        "summary_title": pgettext("mail", "Tổng hợp theo cơ quan"),
        "summary_columns": (
            pgettext("mail", "Cơ quan"),
            pgettext("mail", "Số nhiệm vụ quá hạn"),
            pgettext("mail", "Quá hạn lâu nhất"),
        ),
        "summary_open": pgettext("mail", "Xem danh sách"),
        "listed": pgettext("mail", "{n} nhiệm vụ quá hạn lâu nhất:"),
        "stats_title": pgettext("mail", "Tình hình thực hiện theo cơ quan"),
        "stats_columns": (
            pgettext("mail", "Cơ quan"),
            pgettext("mail", "Hoàn thành đúng hạn"),
            pgettext("mail", "Hoàn thành quá hạn"),
            pgettext("mail", "Đang thực hiện trong hạn"),
            pgettext("mail", "Quá hạn chưa hoàn thành"),
            pgettext("mail", "Tỷ lệ đúng hạn"),
            pgettext("mail", "Tỷ lệ hoàn thành"),
        ),
        "stats_note": pgettext("mail", "Tỷ lệ đúng hạn = số hoàn thành đúng hạn / số đã đến hạn; tỷ lệ hoàn thành = số "
                                       "hoàn thành, đúng hạn hoặc quá hạn / số đã đến hạn."),
        "digest_soon": pgettext("mail", "{n} sắp đến hạn"),
        "feed": {
            "officer": pgettext("mail", "Lịch hạn công việc của anh/chị"),
            "agency_head": pgettext("mail", "Lịch hạn công việc của cơ quan"),
            "committee": pgettext("mail", "Lịch theo dõi nhiệm vụ quá hạn"),
        },
        "feed_howto": pgettext("mail", "Thêm địa chỉ này một lần vào lịch của anh/chị: Google Lịch → “Lịch "
                                       "khác” → “+” → “Từ URL”; Outlook → “Thêm lịch” → “Đăng ký từ web”; "
                                       "iPhone → Cài đặt → Lịch → Tài khoản → “Thêm lịch đã đăng ký”. Các "
                                       "thời hạn sẽ tự cập nhật khi kế hoạch thay đổi. Địa chỉ này là bí mật "
                                       "như mật khẩu: không chuyển tiếp thư này cho người khác."),
        "ics_note": pgettext("mail", "Tệp đính kèm {file} chứa các thời hạn trong thư này: mở tệp để thêm vào"
                                     " lịch (bản tại thời điểm gửi thư)."),
        "app": pgettext("mail", "Hệ thống theo dõi thực hiện kế hoạch"),
        "more": pgettext("mail", "… và {n} nhiệm vụ khác. Xem đầy đủ tại: {url}"),
        "automatic": pgettext("mail", "Thư này được gửi tự động từ hệ thống theo dõi thực hiện kế hoạch; vui "
                                      "lòng không trả lời thư này."),
        "overdue_prefix": pgettext("mail", "[Quá hạn] "),
        "summary": pgettext("mail", "Hạn: {content} – {agency} ({role})"),
        "summary_checkin": pgettext("mail", "Báo cáo định kỳ: {content} – {agency} ({role})"),
        "subject_one_plain": pgettext("mail", "{title}"),
        "subject_many_plain": pgettext("mail", "{tasks}"),
        "kinds": {
            REMINDER: {
                "tag": pgettext("mail", "Nhắc trước hạn"),
                "one": pgettext("mail", "{tasks} đến hạn {first}: {title}"),
                "many": pgettext("mail", "{tasks} đến hạn, sớm nhất {first}"),
                "intro": pgettext("mail", "Các nhiệm vụ dưới đây sắp đến hạn. Đề nghị hoàn thành đúng hạn và "
                                          "cập nhật kết quả trên hệ thống."),
            },
            OVERDUE: {
                "tag": pgettext("mail", "Nhắc quá hạn"),
                "one": pgettext("mail", "{tasks} quá hạn {longest}: {title}"),
                "many": pgettext("mail", "{tasks} quá hạn, lâu nhất {longest}"),
                "intro": pgettext("mail", "Các nhiệm vụ dưới đây đã quá hạn nhưng chưa có báo cáo hoàn thành."
                                          " Đề nghị khẩn trương thực hiện; nếu đã hoàn thành, đề nghị cập "
                                          "nhật kết quả trên hệ thống."),
            },
            ESCALATION_HEAD: {
                "tag": pgettext("mail", "Cảnh báo quá hạn"),
                "one": pgettext("mail", "{who}{tasks} quá hạn {longest}: {title}"),
                "many": pgettext("mail", "{who}{tasks} quá hạn, lâu nhất {longest}"),
                "intro": pgettext("mail", "Các nhiệm vụ dưới đây của cơ quan đã quá hạn; cán bộ đầu mối đã "
                                          "được nhắc nhưng nhiệm vụ vẫn chưa hoàn thành. Kính đề nghị Thủ "
                                          "trưởng cơ quan chỉ đạo thực hiện."),
            },
            ESCALATION_COMMITTEE: {
                "tag": pgettext("mail", "Cảnh báo quá hạn"),
                "one": pgettext("mail", "{who}{tasks} quá hạn {longest}: {title}"),
                "many": pgettext("mail", "{who}{tasks} quá hạn, lâu nhất {longest}"),
                "intro": pgettext("mail", "Các nhiệm vụ dưới đây thuộc kế hoạch do UBND ban hành đã quá hạn; "
                                          "cán bộ đầu mối đã được nhắc và Thủ trưởng cơ quan đã được cảnh báo"
                                          " nhưng nhiệm vụ vẫn chưa hoàn thành. Kính báo cáo lãnh đạo UBND "
                                          "phụ trách xem xét, chỉ đạo; đề nghị Văn phòng UBND theo dõi, đôn "
                                          "đốc."),
            },
            CHECKIN: {
                "tag": pgettext("mail", "Báo cáo định kỳ"),
                "one": pgettext("mail", "Báo cáo nhiệm vụ thường xuyên trước {first}: {title}"),
                "many": pgettext("mail", "{tasks} thường xuyên cần báo cáo trước {first}"),
                "intro": pgettext("mail", "Các nhiệm vụ thường xuyên dưới đây cần được báo cáo tình hình thực"
                                          " hiện trước ngày chốt số liệu báo cáo định kỳ. Đề nghị cập nhật "
                                          "tiến độ, kết quả trên hệ thống."),
                "due_on": pgettext("mail", "báo cáo trước {date}"),
            },
            DIGEST: {
                "tag": pgettext("mail", "Tổng hợp hằng tuần"),
                "one": pgettext("mail", "{tasks} cần theo dõi: {breakdown}"),
                "many": pgettext("mail", "{tasks} cần theo dõi: {breakdown}"),
                "intro": pgettext("mail", "Tổng hợp các nhiệm vụ quá hạn và sắp đến hạn cần theo dõi."),
            },
        },
    }


WORDING: dict[str, dict] = {language: words_in(language, _wording) for language in LANGUAGES}


def language_of(value: str | None) -> str:
    """"en", "en-GB", "EN_us" → "en"; anything else (or nothing) → "vi"."""
    match = re.match(r"\s*([a-z]+)", (value or "").lower())
    return match.group(1) if match and match.group(1) in WORDING else "vi"


# --- cleaning imported text ---------------------------------------------------------------

_SPACE_CATEGORIES = frozenset(("Cc", "Zl", "Zp", "Zs"))     # line breaks, tabs, odd spaces
_DROP_CATEGORIES = frozenset(("Cf", "Cs"))                  # bidi/zero-width, lone surrogates


def clean_line(value: object) -> str:
    """Imported text as one safe line: NFC, control characters and line breaks (CR, LF,
    U+2028, ...) turned into spaces, format characters (bidi overrides, zero-width) and
    lone surrogates dropped, runs of whitespace collapsed."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    out = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in _SPACE_CATEGORIES:
            out.append(" ")
        elif category not in _DROP_CATEGORIES:
            out.append(ch)
    return " ".join("".join(out).split())


def shorten(value: object, limit: int) -> str:
    text = clean_line(value)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:–-") + "…"


def _safe_url(url: str) -> str:
    """A URL that may become a link; anything but http(s) stays plain text."""
    url = clean_line(url).replace(" ", "%20")
    return url if re.match(r"^https?://", url, re.IGNORECASE) else ""


def _ddmmyyyy(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""


# --- ordering -----------------------------------------------------------------------------


def _due_key(day: date | None) -> tuple[bool, date]:
    return (day is None, day or date.max)


def group_items(items: Sequence[MailItem]) -> list[tuple[str, list[MailItem]]]:
    """Items by plan: plans by their earliest due date (then label), items by due date
    then reference. Returns (plan label, items) pairs."""
    plans: dict[str, list[MailItem]] = {}
    for item in items:
        plans.setdefault(item.plan_key, []).append(item)
    groups = []
    for members in plans.values():
        members.sort(key=lambda i: (_due_key(i.due), natural_key(i.task_ref), clean_line(i.task_content)))
        groups.append((clean_line(members[0].plan_label) or clean_line(members[0].plan_key), members))
    groups.sort(key=lambda g: (_due_key(g[1][0].due), g[0]))
    return groups


# --- rendering ----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)),
                       autoescape=select_autoescape(enabled_extensions=("html",),
                                                    default_for_string=False, default=False),
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True)


def _plural(pair: tuple[str, str], n: int) -> str:
    return (pair[0] if n == 1 else pair[1]).format(n=n)


def _status(words: dict, item: MailItem) -> str:
    if item.due is None:
        return ""
    if item.days > 0:
        text = _plural(words["days_left"], item.days)
    elif item.days == 0:
        text = words["due_today"]
    else:
        text = _plural(words["days_over"], -item.days)
    if item.step_kind == "overdue" and item.step_number:
        text += f" ({words['notice'].format(n=item.step_number)})"
    return text


@dataclass(frozen=True)
class _Row:
    """One item as the templates see it: cleaned, single-line, formatted."""

    ref: str
    content: str
    agency: str
    role: str
    output: str
    when: str         # deadline phrase, date and status in one line
    overdue: bool
    url: str          # http(s) only, else "" (no link at all)


def _row(words: dict, kind_words: dict, item: MailItem) -> _Row:
    due_on = kind_words.get("due_on", words["due_on"])
    parts = [clean_line(item.deadline_text)]
    if item.due:
        parts.append(f"({due_on.format(date=_ddmmyyyy(item.due))})")
    when = " ".join(p for p in parts if p)
    status = _status(words, item)
    if status:
        when = f"{when} – {status}" if when else status
    return _Row(ref=clean_line(item.task_ref), content=shorten(item.task_content, CONTENT_LIMIT),
                agency=clean_line(item.agency), role=words["roles"].get(item.role, clean_line(item.role)),
                output=clean_line(item.output), when=when,
                overdue=item.due is not None and item.days < 0,
                url=_safe_url(item.signin_url or item.url))


def _subject(kind: str, words: dict, items: Sequence[MailItem]) -> str:
    kind_words = words["kinds"][kind]
    n = len(items)
    dues = [i.due for i in items if i.due is not None]
    overdue = [i for i in items if i.due is not None and i.days < 0]
    agencies = sorted({clean_line(i.agency) for i in items if clean_line(i.agency)})
    facts = {
        "tasks": _plural(words["tasks"], n),
        "first": _ddmmyyyy(min(dues)) if dues else "",
        "longest": _plural(words["days"], max((-i.days for i in overdue), default=0)),
        "title": shorten(items[0].task_content, SUBJECT_TITLE_LIMIT),
        "who": (f"{shorten(agencies[0], SUBJECT_TITLE_LIMIT)}: " if len(agencies) == 1 else
                f"{_plural(words['agencies'], len(agencies))}: " if agencies else ""),
        "breakdown": ", ".join(words[key].format(n=count) for key, count in
                               (("digest_overdue", len(overdue)), ("digest_soon", n - len(overdue)))
                               if count),
    }
    pattern = kind_words["one" if n == 1 else "many"]
    if ("{first}" in pattern and not dues) or ("{longest}" in pattern and not overdue):
        pattern = words["subject_one_plain" if n == 1 else "subject_many_plain"]
        if n == 1:
            pattern = "{tasks}: " + pattern
    return clean_line(f"[{kind_words['tag']}] {pattern.format(**facts)}")


def compose(kind: str, recipient: Recipient, items: Sequence[MailItem], *, today: date,
            feed_url: str | None, app_url: str, stamp: datetime | None = None,
            stats: Sequence[AgencyRow] = (), organizer: str | None = None) -> ComposedMail | None:
    """The message of ``kind`` for ``recipient`` about ``items``; None when there are none.

    ``today`` fixes the calendar's DTSTAMP (00:00 UTC) unless ``stamp`` is given; the
    bodies do not depend on it (``items`` carry their working-day counts).
    Raises ValueError for an unknown kind.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r} (known: {', '.join(KINDS)})")
    if not items:
        return None
    language = language_of(recipient.language)
    words = WORDING[language]
    kind_words = words["kinds"][kind]
    name = clean_line(recipient.name)
    summary = _summary(words, items, app_url) if kind == ESCALATION_COMMITTEE else []
    listed, more = _listed(items, COMMITTEE_LISTED if summary else MAX_LISTED)
    groups = [(label, [_row(words, kind_words, i) for i in members])
              for label, members in group_items(listed)]
    has_dates = any(i.due is not None for i in items)
    feed = _safe_url(feed_url or "")
    more_url = _safe_url(app_url.rstrip("/") + ("/my/" if recipient.role == "officer" else "/dashboard/"))
    context = {
        "lang": language,
        "w": words,
        "subject": _subject(kind, words, items),
        "greeting": words["greeting"].format(name=name) if name else words["greeting_anonymous"],
        "intro": kind_words["intro"],
        "groups": groups,
        "feed_url": feed,
        "feed_title": words["feed"].get(recipient.role, words["feed"]["officer"]),
        "ics_note": words["ics_note"].format(file=ICS_FILENAME) if has_dates else "",
        "app_url": _safe_url(app_url),
        "more": words["more"].format(n=more, url=more_url) if more else "",
        # The same sentence with the address as a link, for the HTML part.
        "more_html": Markup(escape(words["more"])).format(
            n=more, url=Markup('<a href="{0}">{0}</a>').format(more_url)) if more else "",
        "summary": summary,
        "listed_note": words["listed"].format(n=len(listed)) if summary and more else "",
        "stats": [(clean_line(a.name or ""), a.done_on_time, a.done_late, a.pending_on_time, a.overdue,
                   "—" if a.on_time_rate is None else f"{a.on_time_rate:.0%}",
                   "—" if a.completion_rate is None else f"{a.completion_rate:.0%}") for a in stats],
    }
    env = _environment()
    text = env.get_template("message.txt").render(context)
    html = env.get_template("message.html").render(context)
    ics = to_ics(listed, today=today, language=language, kind=kind, stamp=stamp, organizer=organizer)
    return ComposedMail(to=clean_line(recipient.email), subject=context["subject"],
                        text=text, html=html, ics=ics)


# A committee's escalation can name thousands of items; a message lists the most overdue
# (then the soonest due) and points to the dashboard for the rest.
MAX_LISTED = 50
# A committee's warning opens with one line per agency (how many, how late, a link to the
# list): its leaders act on agencies, and 273 rows made a message 8,600 px tall. Only the
# longest overdue items follow.
COMMITTEE_LISTED = 10


def _listed(items: Sequence[MailItem], limit: int = MAX_LISTED) -> tuple[Sequence[MailItem], int]:
    if len(items) <= limit:
        return items, 0
    first = sorted(items, key=lambda i: (i.days, i.plan_key, i.task_ref))[:limit]
    keep = {id(i) for i in first}
    return [i for i in items if id(i) in keep], len(items) - limit


def _summary(words: dict, items: Sequence[MailItem], app_url: str) -> list[tuple[str, int, str, str]]:
    """(agency, tasks overdue, longest overdue, link to the agency's escalated items) per agency,
    the longest overdue first."""
    by_agency: dict[tuple[int | None, str], list[MailItem]] = {}
    for item in items:
        by_agency.setdefault((item.agency_id, clean_line(item.agency)), []).append(item)
    base = _safe_url(app_url).rstrip("/")
    rows = []
    for (agency_id, agency), members in by_agency.items():
        longest = max((-i.days for i in members if i.due is not None and i.days < 0), default=0)
        url = (f"{base}/dashboard/items?agency={agency_id}&category=escalations&period=all&coord=1"
               if base and agency_id is not None else "")
        rows.append((agency, len(members), _plural(words["days"], longest), url, longest))
    rows.sort(key=lambda r: (-r[4], -r[1], r[0]))
    return [r[:4] for r in rows]


# --- calendar -----------------------------------------------------------------------------


def _description(words: dict, kind_words: dict, item: MailItem) -> str:
    lines = [clean_line(item.plan_label),
             f"{words['task']} {clean_line(item.task_ref)}: {clean_line(item.task_content)}"]
    if clean_line(item.output):
        lines.append(f"{words['output']}: {clean_line(item.output)}")
    role = words["roles"].get(item.role, clean_line(item.role))
    lines.append(f"{words['agency']}: {clean_line(item.agency)} ({role})")
    due_on = kind_words.get("due_on", words["due_on"]).format(date=_ddmmyyyy(item.due))
    lines.append(f"{words['deadline']}: {clean_line(item.deadline_text)} ({due_on})".replace(":  (", ": ("))
    if clean_line(item.signin_url or item.url):
        lines.append(f"{words['open']}: {clean_line(item.signin_url or item.url)}")
    return "\n".join(line for line in lines if line)


def to_ics(items: Sequence[MailItem], *, today: date, language: str = "vi", kind: str = REMINDER,
           stamp: datetime | None = None, organizer: str | None = None) -> bytes | None:
    """An .ics (METHOD:PUBLISH) with one all-day VEVENT per item that has a due date;
    None when no item has one. Deterministic: same items and day, same bytes.
    ``organizer`` (the sending address) is the ORGANIZER RFC 5546 asks a PUBLISH to name."""
    words = WORDING[language_of(language)]
    kind_words = words["kinds"].get(kind, {})
    dtstamp = stamp or datetime.combine(today, time(0), UTC)
    if dtstamp.tzinfo is None:
        dtstamp = dtstamp.replace(tzinfo=UTC)
    events: list[FeedEvent] = []
    seen: set[str] = set()
    for _, members in group_items(items):
        for item in members:
            uid = clean_line(item.uid)
            if item.due is None or not uid or uid in seen:
                continue
            seen.add(uid)
            role = words["roles"].get(item.role, clean_line(item.role))
            pattern = words["summary_checkin" if kind == CHECKIN else "summary"]
            summary = pattern.format(content=shorten(item.task_content, SUMMARY_LIMIT),
                                     agency=clean_line(item.agency), role=role)
            if item.days < 0 and kind != CHECKIN:
                summary = words["overdue_prefix"] + summary
            events.append(FeedEvent(
                uid=uid, summary=summary, url=_safe_url(item.url) or "", start=item.due,
                end=item.due + timedelta(days=1), sequence=0, last_modified=dtstamp,
                description=_description(words, kind_words, replace(item, signin_url=""))))
    if not events:
        return None
    return snapshot(events, dtstamp, PRODID, organizer=bare_address(organizer))


# --- MIME ---------------------------------------------------------------------------------


def _calendar_method(ics: bytes) -> str | None:
    match = re.search(rb"^METHOD:([A-Za-z-]+)\r?$", ics, re.MULTILINE)
    return match.group(1).decode("ascii").upper() if match else None


def _address(value: str | tuple[str, str]) -> Address | str:
    """A header-safe address from "Name <addr>", ("Name", "addr") or "addr"."""
    if isinstance(value, (tuple, list)):
        name, addr = (clean_line(v) for v in value)
    else:
        name, addr = (clean_line(v) for v in parseaddr(clean_line(value)))
    try:
        return Address(display_name=name, addr_spec=addr)
    except (ValueError, IndexError, TypeError):
        return addr or clean_line(value if isinstance(value, str) else "")


def _message_id(value: str | None, sender: Address | str) -> str:
    value = clean_line(value) if value else ""
    if value:
        return value if value.startswith("<") and value.endswith(">") else f"<{value.strip('<>')}>"
    domain = sender.domain if isinstance(sender, Address) and sender.domain else "tracker"
    return make_msgid(domain=domain)


def _encodable(text: str | None) -> str:
    """A body that UTF-8 can encode (a lone surrogate would make sending raise)."""
    return (text or "").encode("utf-8", "replace").decode("utf-8")


class _EncodedWordsHeader(UnstructuredHeader, BaseHeader):
    """A free-text header (the subject) written as RFC 2047 encoded-words that each hold
    their own spaces.

    Python's folding puts the space between two words at a fold, between two encoded-words,
    where decoders must drop it: Vietnamese subjects came out as "Tư pháphuyện". Here every
    character, spaces included, is inside an encoded-word of at most 75 characters, split
    between characters (never inside one), one per line of at most 76."""

    _CHUNK = 39        # UTF-8 bytes per word: "=?utf-8?b?" + 52 base64 + "?=" = 64 characters

    def fold(self, *, policy) -> str:
        text = str(self)
        if text.isascii():                       # folded at spaces, which ASCII folding keeps
            return super().fold(policy=policy)
        words, chunk = [], b""
        for char in text:
            encoded = char.encode("utf-8")
            if chunk and len(chunk) + len(encoded) > self._CHUNK:
                words.append(chunk)
                chunk = b""
            chunk += encoded
        if chunk:
            words.append(chunk)
        lines = [f"=?utf-8?b?{base64.b64encode(word).decode('ascii')}?=" for word in words]
        return f"{self.name}: " + (policy.linesep + " ").join(lines) + policy.linesep


_HEADERS = HeaderRegistry()
_HEADERS.map_to_type("subject", _EncodedWordsHeader)
#: the e-mail policy with subjects that keep their spaces in every decoder
MAIL_POLICY = email_policy.default.clone(header_factory=_HEADERS)


def to_message(mail: ComposedMail, sender: str | tuple[str, str], message_id: str | None = None,
               language: str = "vi", *, sent_at: datetime | None = None) -> EmailMessage:
    """The MIME message: multipart/mixed → [multipart/alternative → [text/plain, text/html],
    inline text/calendar; method=<the calendar's METHOD> (when there is an .ics)].

    Every header value is cleaned to one line (what comes from the outbox is not trusted
    to have been composed here), so this never raises on CR/LF in a subject or address.
    ``message_id`` is used as given (the outbox passes a stable one so that a retry is the
    same message); ``sent_at`` (the Date header) defaults to now.
    """
    message = EmailMessage(policy=MAIL_POLICY)
    from_ = _address(sender)
    message["From"] = from_
    to = clean_line(mail.to) if mail.to else ""
    if to:
        message["To"] = to
    message["Subject"] = clean_line(mail.subject)
    moment = sent_at or datetime.now(UTC)
    message["Date"] = format_datetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    message["Message-ID"] = _message_id(message_id, from_)
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "OOF, AutoReply"

    message.set_content(_encodable(mail.text), subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(_encodable(mail.html), subtype="html", charset="utf-8", cte="quoted-printable")
    message.make_mixed()
    if mail.ics:
        filename = clean_line(mail.ics_filename) or ICS_FILENAME
        params = {"charset": "UTF-8", "name": filename}
        method = _calendar_method(mail.ics)
        if method:
            params = {"method": method, **params}
        message.add_attachment(bytes(mail.ics), maintype="text", subtype="calendar", cte="base64",
                               disposition="inline", filename=filename, params=params)
    # After the multipart conversions, which move Content-* headers into the first part.
    message["Content-Language"] = language_of(language)
    return message


__all__ = ["ComposedMail", "ICS_FILENAME", "KINDS", "KIND_OF_STEP", "LANGUAGES", "MailItem", "METHOD",
           "Recipient", "WORDING", "clean_line", "compose", "group_items", "language_of", "shorten",
           "to_ics", "to_message"]
