"""Explanations (giải trình): a leader or plan author asks an agency to explain a late item;
the agency's officer answers in the product with the reason, the day it now expects to
finish and evidence. The request, the answer and their dates are kept and shown on the item.

The rules (the issue leaves them to us):

* **Who.** Leaders and authors who see the plan, and administrators, ask and withdraw
  (``scopes.can_ask_explanation``); only the focal officers of the item's agency answer
  (``scopes.can_explain``). Checked here too, not only by the pages.
* **What may be asked about.** An item that has fallen due *and is late*, judged as the
  dashboard and the periodic report judge it (the plan's own date: an extension does not hide
  the delay): overdue (not done, its date passed) or done late. Not an item done on time,
  not yet due, without a date, paused or cancelled, nor one removed from the plan. A recurring
  assignment is asked about one reporting period at a time. One open request per item.
* **By when.** ``due_on`` is ``DEFAULT_WORKING_DAYS`` (5) working days after the day it is
  asked (the office calendar, with the administrators' exceptions), unless the asker names
  a later day. After that day an unanswered request is reminded like an overdue item
  (``tracker.reminders.explanations``).
* **The answer.** A reason (required); a new expected date, required while the item is not
  done and never before the day of the answer; evidence files checked and stored as a
  progress report's (``tracker.plans.evidence``; kept on the history entry the answer writes,
  so the item's evidence link serves them). An answer does not move the due date: that is
  what an extension request is for.
* **History.** Asking, answering and withdrawing each add an entry (kind ``explanation``) to
  the item's history, with the status left as it is.

No Flask here: the web views call these, then the notices (``tracker.mail.notices``), then
commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts import scopes
from ..errors import UserError
from ..models import (
    DONE,
    EXPLANATION_ANSWERED,
    EXPLANATION_OPEN,
    EXPLANATION_WITHDRAWN,
    Account,
    Assignment,
    Evidence,
    ExplanationRequest,
    Occurrence,
    StatusChange,
)
from ..models.base import utcnow
from ..scheduling.ontime import DONE_LATE, OVERDUE
from .evidence import CheckedFile
from .tracked import TrackedItem, local_date

#: working days an agency has to answer, unless the asker gives a later day
DEFAULT_WORKING_DAYS = 5
#: the categories (against the plan's own date) an explanation may be asked for
LATE = (OVERDUE, DONE_LATE)
HISTORY_KIND = "explanation"


class ExplanationError(UserError):
    pass


class WorkingDays(Protocol):
    def add_working_days(self, d: date, n: int) -> date: ...


def default_due(calendar: WorkingDays, today: date) -> date:
    """The day an answer is due when the asker names none."""
    return calendar.add_working_days(today, DEFAULT_WORKING_DAYS)


def _item(assignment: Assignment, occurrence: Occurrence | None) -> TrackedItem:
    if occurrence is not None and occurrence.assignment_id != assignment.id:
        raise ExplanationError("Kỳ báo cáo không thuộc nhiệm vụ này.",
                               "The period does not belong to this assignment.")
    if occurrence is None and assignment.occurrences:
        raise ExplanationError("Hãy chọn kỳ báo cáo cần giải trình.", "Choose the period to explain.")
    return TrackedItem(assignment, occurrence)


def is_late(assignment: Assignment, occurrence: Occurrence | None, today: date, tz: str) -> bool:
    """Whether the item has fallen due and is late on ``today`` (overdue or done late against
    the plan's own date): what an explanation may be asked about."""
    if occurrence is None and assignment.occurrences:
        return False
    if assignment.removed_at is not None or assignment.task.removed_at is not None:
        return False
    result = TrackedItem(assignment, occurrence).on_time(today, tz, plan_date=True)
    return result is not None and result.category in LATE


def late_items(assignment: Assignment, today: date, tz: str) -> list[TrackedItem]:
    """The items of ``assignment`` (itself, or its periods) an explanation may be asked about."""
    items = ([TrackedItem(assignment, o) for o in assignment.occurrences] if assignment.occurrences
             else [TrackedItem(assignment)])
    return [i for i in items if is_late(assignment, i.occurrence, today, tz)]


def _same_item(occurrence: Occurrence | None):
    return (ExplanationRequest.occurrence_id == occurrence.id if occurrence is not None
            else ExplanationRequest.occurrence_id.is_(None))


def open_request(session: Session, assignment: Assignment,
                 occurrence: Occurrence | None = None) -> ExplanationRequest | None:
    return session.scalar(select(ExplanationRequest).where(
        ExplanationRequest.assignment_id == assignment.id, _same_item(occurrence),
        ExplanationRequest.state == EXPLANATION_OPEN))


def _entry(assignment: Assignment, occurrence: Occurrence | None, by: str, text: str, text_en: str,
           said: str = "") -> StatusChange:
    """A history entry that leaves the status as it is; ``said`` is a person's own words."""
    status = (occurrence or assignment).status
    said = f": {said}" if said else ""
    return StatusChange(assignment=assignment, occurrence_id=occurrence.id if occurrence else None,
                        changed_by=by, from_status=status, to_status=status, kind=HISTORY_KIND,
                        comment=text + said, comment_en=text_en + said)


def ask(session: Session, account: Account, assignment: Assignment, occurrence: Occurrence | None,
        message: str, *, today: date, tz: str, calendar: WorkingDays,
        due_on: date | None = None) -> ExplanationRequest:
    """Ask the agency of ``assignment`` (for ``occurrence``, one period of a recurring one) to
    explain why it is late. The caller sends the notice and commits."""
    if not scopes.can_ask_explanation(session, account, assignment):
        raise ExplanationError("Chỉ lãnh đạo, chuyên viên theo dõi kế hoạch và quản trị viên được yêu cầu "
                               "giải trình.", "Only leaders, plan authors and administrators may ask for an "
                               "explanation.")
    _item(assignment, occurrence)
    if not is_late(assignment, occurrence, today, tz):
        raise ExplanationError("Chỉ yêu cầu giải trình được với nhiệm vụ đã đến hạn mà quá hạn (chưa hoàn "
                               "thành hoặc hoàn thành quá hạn).",
                               "An explanation can only be asked for an item that has fallen due and is late "
                               "(overdue, or done late).")
    due_on = due_on or default_due(calendar, today)
    if due_on <= today:
        raise ExplanationError("Hạn giải trình phải sau hôm nay.", "The explanation must be due after today.")
    if open_request(session, assignment, occurrence) is not None:
        raise ExplanationError("Đã có một yêu cầu giải trình đang chờ cơ quan trả lời.",
                               "An explanation request is already waiting for the agency's answer.")
    message = message.strip()
    request = ExplanationRequest(assignment=assignment, occurrence=occurrence, asked_by=account.email,
                                 asked_at=utcnow(), message=message, due_on=due_on, state=EXPLANATION_OPEN,
                                 reason="")
    session.add(request)
    session.add(_entry(assignment, occurrence, account.email,
                       f"Yêu cầu giải trình, hạn trả lời {due_on:%d/%m/%Y}",
                       f"Explanation requested, answer due {due_on:%d/%m/%Y}", message))
    return request


def answer(session: Session, account: Account, request: ExplanationRequest, reason: str,
           new_expected_date: date | None, *, today: date,
           evidence: Sequence[CheckedFile] = ()) -> ExplanationRequest:
    """The agency's answer: why it is late, when it expects to finish, what shows it."""
    assignment, occurrence = request.assignment, request.occurrence
    if not scopes.can_explain(session, account, assignment):
        raise ExplanationError("Chỉ cán bộ đầu mối của cơ quan thực hiện được giải trình.",
                               "Only the agency's focal officers may give the explanation.")
    if request.state != EXPLANATION_OPEN:
        raise ExplanationError("Yêu cầu giải trình này đã được trả lời hoặc đã rút.",
                               "This explanation request has already been answered or withdrawn.")
    reason = reason.strip()
    if not reason:
        raise ExplanationError("Hãy nêu lý do chậm thực hiện.", "Give the reason for the delay.")
    done = (occurrence or assignment).status == DONE
    if new_expected_date is None and not done:
        raise ExplanationError("Hãy cho biết ngày dự kiến hoàn thành.", "Give the day you now expect to finish.")
    if new_expected_date is not None and new_expected_date < today:
        raise ExplanationError("Ngày dự kiến hoàn thành không được trước hôm nay.",
                               "The expected day cannot be before today.")
    now = utcnow()
    expected = (f"; dự kiến hoàn thành {new_expected_date:%d/%m/%Y}" if new_expected_date else "",
                f"; expected to finish {new_expected_date:%d/%m/%Y}" if new_expected_date else "")
    entry = _entry(assignment, occurrence, account.email, "Giải trình" + expected[0],
                   "Explanation given" + expected[1], reason)
    entry.changed_at = now
    for f in evidence:
        entry.evidence.append(Evidence(filename=f.filename, content_type=f.content_type, size=len(f.data),
                                       sha256=f.sha256, data=f.data, uploaded_at=now))
    session.add(entry)
    request.state, request.answered_by, request.answered_at = EXPLANATION_ANSWERED, account.email, now
    request.reason, request.new_expected_date, request.answer_entry = reason, new_expected_date, entry
    return request


def withdraw(session: Session, account: Account, request: ExplanationRequest) -> None:
    """The asker's side takes the request back (asked by mistake, answered by other means)."""
    assignment, occurrence = request.assignment, request.occurrence
    if not scopes.can_ask_explanation(session, account, assignment):
        raise ExplanationError("Chỉ lãnh đạo, chuyên viên theo dõi kế hoạch và quản trị viên được rút yêu cầu "
                               "giải trình.", "Only leaders, plan authors and administrators may withdraw an "
                               "explanation request.")
    if request.state != EXPLANATION_OPEN:
        raise ExplanationError("Chỉ rút được yêu cầu đang chờ giải trình.",
                               "Only a request still waiting for its answer can be withdrawn.")
    request.state, request.withdrawn_by, request.withdrawn_at = EXPLANATION_WITHDRAWN, account.email, utcnow()
    session.add(_entry(assignment, occurrence, account.email, "Rút yêu cầu giải trình",
                       "Explanation request withdrawn"))


def requests_of(session: Session, assignment: Assignment) -> list[ExplanationRequest]:
    """Every request on ``assignment`` (and its periods), newest first."""
    return list(session.scalars(select(ExplanationRequest).where(ExplanationRequest.assignment_id == assignment.id)
                                .order_by(ExplanationRequest.asked_at.desc(), ExplanationRequest.id.desc())))


@dataclass(frozen=True)
class ItemExplanation:
    """What an item's explanation requests say on a given day."""

    #: the latest answer given by that day (None: none yet)
    answered: ExplanationRequest | None = None
    #: a request asked by that day and neither answered nor withdrawn by it (None: none)
    waiting: ExplanationRequest | None = None


def explanations_on(session: Session, keys: Iterable[tuple[int, int | None]], day: date,
                    tz: str) -> dict[tuple[int, int | None], ItemExplanation]:
    """(assignment id, occurrence id) → its explanations as they stood on the local ``day``,
    for the items ``keys`` that have any (the periodic report's appendix)."""
    wanted = set(keys)
    ids = sorted({a for a, _o in wanted})
    answered: dict[tuple[int, int | None], ExplanationRequest] = {}
    waiting: dict[tuple[int, int | None], ExplanationRequest] = {}
    for part in (ids[i:i + 5000] for i in range(0, len(ids), 5000)):
        for row in session.scalars(select(ExplanationRequest).where(ExplanationRequest.assignment_id.in_(part))
                                   .order_by(ExplanationRequest.asked_at, ExplanationRequest.id)):
            key = (row.assignment_id, row.occurrence_id)
            if key not in wanted or local_date(row.asked_at, tz) > day:
                continue
            if row.answered_at is not None and local_date(row.answered_at, tz) <= day:
                answered[key] = row                  # later answers replace earlier ones
                waiting.pop(key, None)
            elif row.withdrawn_at is None or local_date(row.withdrawn_at, tz) > day:
                waiting[key] = row
    return {key: ItemExplanation(answered.get(key), waiting.get(key)) for key in answered.keys() | waiting.keys()}
