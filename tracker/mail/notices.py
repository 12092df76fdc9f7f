"""Messages about one item that someone has to act on, as they happen (not the reminder runs):

- an officer asks for an extension → the plan's authors, to decide it;
- an author approves or refuses it → the agency's focal officers (and the requester when
  they are not one of them), with the new due date;
- an author sends a reported output back → the agency's focal officers, to report again;
- a leader or author asks an agency to explain a late item → the agency's focal officers, to
  answer (and, while it stays unanswered past its due day, the reminders the planner sends
  through ``explanation_reminded``); the answer → the one who asked.

Like every message they go through the outbox, one message per recipient, in the
recipient's language (the directory's for focal officers, the account's otherwise), with the
recipient's own single-use sign-in link to the item as a placeholder minted when it is sent
(``tracker.mail.links``). The idempotency key is the event (the request and its state, the
history entry of the return) and the recipient, so a double click or a retried request
never queues a second copy.

The web views call these right after the domain change (``tracker.plans.extension_requests``,
``tracker.plans.progress``) and before the commit: the notice and the change are one
transaction, and the domain modules stay free of mail and Flask. People are named by name
and office, never by address; dates are dd/mm/yyyy in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..accounts import people
from ..addresses import valid_address
from ..models import (
    ADMIN,
    APPROVED,
    AUTHOR,
    DONE,
    Account,
    Agency,
    Assignment,
    ExplanationRequest,
    ExtensionRequest,
    ImportDraft,
    Occurrence,
    Plan,
    StatusChange,
)
from ..plans.tracked import TrackedItem
from .compose import WORDING, ComposedMail, clean_line, language_of, shorten
from .links import signin_placeholder
from .outbox import enqueue, idempotency_key
from .wording import LANGUAGES, words_in

EXTENSION_REQUEST, EXTENSION_DECISION, OUTPUT_RETURNED = (
    "extension_request", "extension_decision", "output_returned")
EXPLANATION_REQUEST, EXPLANATION_REMINDER, EXPLANATION_ANSWER = (
    "explanation_request", "explanation_reminder", "explanation_answer")
KINDS = (EXTENSION_REQUEST, EXTENSION_DECISION, OUTPUT_RETURNED, EXPLANATION_REQUEST, EXPLANATION_REMINDER,
         EXPLANATION_ANSWER)
SUBJECT_LIMIT = 70          # task content in a subject
CONTENT_LIMIT = 300         # task content in the body

def _notice_words(pgettext, npgettext):
    """The notices' words (extension requests and decisions, returned outputs), in Vietnamese."""
    return {
        "greeting": pgettext("mail", "Kính gửi {name},"),
        "plan": pgettext("mail", "Kế hoạch"),
        "task": pgettext("mail", "Nhiệm vụ"),
        "agency": pgettext("mail", "Cơ quan thực hiện"),
        "period": pgettext("mail", "Kỳ báo cáo"),
        "output": pgettext("mail", "Sản phẩm"),
        "reason": pgettext("mail", "Lý do"),
        "comment": pgettext("mail", "Ý kiến"),
        "current_due": pgettext("mail", "Hạn hiện tại"),
        "requested_due": pgettext("mail", "Hạn đề nghị"),
        "new_due": pgettext("mail", "Hạn mới"),
        "old_due": pgettext("mail", "Hạn cũ"),
        "due": pgettext("mail", "Hạn"),
        "asked_by": pgettext("mail", "Người đề nghị"),
        "decided_by": pgettext("mail", "Người quyết định"),
        "returned_by": pgettext("mail", "Người trả lại"),
        "reported": pgettext("mail", "Báo cáo hoàn thành"),
        "files": pgettext("mail", "Tệp đính kèm"),
        "none": pgettext("mail", "(không ghi)"),
        "plan_due": pgettext("mail", "Hạn theo kế hoạch"),
        "days_late": pgettext("mail", "Số ngày quá hạn"),
        "request": pgettext("mail", "Nội dung yêu cầu"),
        "answer_due": pgettext("mail", "Hạn giải trình"),
        "requested_by": pgettext("mail", "Người yêu cầu"),
        "expected": pgettext("mail", "Dự kiến hoàn thành"),
        "answered_by": pgettext("mail", "Người giải trình"),
        EXPLANATION_REQUEST: {
            "subject": pgettext("mail", "[Yêu cầu giải trình] Nhiệm vụ {ref} – {title}"),
            "intro": pgettext("mail", "Đề nghị {agency} giải trình việc chậm thực hiện nhiệm vụ dưới đây: nêu lý do,"
                                      " ngày dự kiến hoàn thành và tài liệu kèm theo (nếu có), trên hệ thống, trước "
                                      "ngày {date}."),
            "open": pgettext("mail", "Giải trình"),
        },
        EXPLANATION_REMINDER: {
            "subject": pgettext("mail", "[Nhắc giải trình] Nhiệm vụ {ref} – {title}"),
            "intro": pgettext("mail", "Yêu cầu giải trình về nhiệm vụ dưới đây đã quá hạn trả lời ({date}) nhưng "
                                      "{agency} chưa giải trình (nhắc lần {n}). Đề nghị giải trình trên hệ thống: lý"
                                      " do chậm, ngày dự kiến hoàn thành và tài liệu kèm theo (nếu có)."),
            "open": pgettext("mail", "Giải trình"),
        },
        EXPLANATION_ANSWER: {
            "subject": pgettext("mail", "[Giải trình] {agency}: nhiệm vụ {ref} – {title}"),
            "intro": pgettext("mail", "{agency} đã giải trình về việc chậm thực hiện nhiệm vụ dưới đây, theo yêu cầu"
                                      " của anh/chị."),
            "open": pgettext("mail", "Xem nhiệm vụ"),
        },
        EXTENSION_REQUEST: {
            "subject": pgettext("mail", "[Đề nghị gia hạn] {agency}: nhiệm vụ {ref} – {title}"),
            "intro": pgettext("mail", "{agency} đề nghị gia hạn nhiệm vụ dưới đây, thuộc kế hoạch anh/chị "
                                      "theo dõi. Đề nghị anh/chị xem và quyết định đồng ý hoặc không đồng ý."),
            "open": pgettext("mail", "Xem và quyết định"),
        },
        APPROVED: {
            "subject": pgettext("mail", "[Gia hạn] Đồng ý gia hạn đến {date}: nhiệm vụ {ref} – {title}"),
            "intro": pgettext("mail", "Đề nghị gia hạn của {agency} cho nhiệm vụ dưới đây đã được đồng ý. Hạn"
                                      " mới là {date}; các thư nhắc hạn sẽ theo hạn mới."),
            "open": pgettext("mail", "Xem nhiệm vụ"),
        },
        "refused": {
            "subject": pgettext("mail", "[Gia hạn] Không đồng ý gia hạn: nhiệm vụ {ref} – {title}"),
            "intro": pgettext("mail", "Đề nghị gia hạn của {agency} cho nhiệm vụ dưới đây không được đồng ý. "
                                      "Hạn vẫn là {date}."),
            "open": pgettext("mail", "Xem nhiệm vụ"),
        },
        OUTPUT_RETURNED: {
            "subject": pgettext("mail", "[Kết quả bị trả lại] Nhiệm vụ {ref} – {title}"),
            "intro": pgettext("mail", "Kết quả {agency} báo cáo hoàn thành cho nhiệm vụ dưới đây chưa được "
                                      "chấp nhận và đã được trả lại; nhiệm vụ chuyển về “Đang thực hiện”. Đề "
                                      "nghị bổ sung, hoàn thiện và báo cáo lại."),
            "open": pgettext("mail", "Báo cáo lại"),
        },
    }


_WORDS: dict[str, dict] = {language: words_in(language, _notice_words) for language in LANGUAGES}


@dataclass(frozen=True)
class Person:
    """Someone a notice goes to: the address (may be empty or invalid: the outbox records
    that as a failed message), the name to greet, the language of the message."""

    email: str
    name: str
    language: str = "vi"


# --- who ----------------------------------------------------------------------------------


def _chain(plan: Plan) -> list[Agency]:
    """The plan's issuer and the bodies above it, nearest first: an author whose committee
    is one of them manages the plan (``scopes.can_manage_plan``)."""
    if plan.issuer is None:
        return []
    return [plan.issuer, *plan.issuer.ancestors()]


def plan_authors(session: Session, plan: Plan) -> list[Account]:
    """Who decides for a plan: the authors who published it (one of their import drafts
    became it) and may still manage it; when none can (a plan imported from the command
    line, an author moved elsewhere), the active authors of the nearest committee above the
    issuer that has any; when there are none, the administrators."""
    committees = [a.id for a in _chain(plan)]

    def manages(account: Account) -> bool:
        return account.active and (account.role == ADMIN or
                                   (account.role == AUTHOR and account.committee_id in committees))

    publishers = session.scalars(
        select(Account).join(ImportDraft, ImportDraft.account_id == Account.id)
        .where(ImportDraft.plan_id == plan.id, ImportDraft.published_at.is_not(None))
        .distinct().order_by(Account.id)).all()
    found = [a for a in publishers if manages(a)]
    if found:
        return found
    if committees:
        authors = session.scalars(select(Account).where(
            Account.role == AUTHOR, Account.active.is_(True), Account.committee_id.in_(committees))
            .order_by(Account.id)).all()
        for committee_id in committees:
            nearest = [a for a in authors if a.committee_id == committee_id]
            if nearest:
                return nearest
    return list(session.scalars(select(Account).where(Account.role == ADMIN, Account.active.is_(True))
                                .order_by(Account.id)))


def agency_officers(assignment: Assignment) -> list[Person]:
    """The active focal officers of the assignment's agency (the directory's list)."""
    if assignment.agency is None:
        return []
    return [Person(o.email or "", o.name, o.language or "vi") for o in assignment.agency.officers if o.active]


def _account(session: Session, email: str | None) -> Account | None:
    if not email:
        return None
    return session.scalar(select(Account).where(func.lower(Account.email) == email.strip().lower()))


def _who(session: Session, email: str | None, office: str = "") -> str:
    """A person as people are shown: name and office, never the address (unless nothing
    else is known)."""
    return clean_line(people.who(session, email, office))


def _with_requester(session: Session, people: list[Person], requester: str | None) -> list[Person]:
    """``people`` and the requester when they are not one of them (an administrator who
    asked on the agency's behalf)."""
    known = {p.email.strip().lower() for p in people if p.email}
    account = _account(session, requester)
    if requester and requester.strip().lower() not in known and account is not None and account.active:
        people = [*people, Person(account.email, account.name, account.language or "vi")]
    return people


# --- what ---------------------------------------------------------------------------------


def _ddmmyyyy(day) -> str:
    return f"{day:%d/%m/%Y}" if day else "—"


def _stamp(moment: datetime | None) -> str:
    """A stored moment as text, the same on every database (models.base.UTCDateTime)."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S%f") if moment is not None else ""


def _agency_name(assignment: Assignment) -> str:
    return clean_line(assignment.agency.name if assignment.agency is not None else assignment.owner_text)


def _plan_label(plan: Plan) -> str:
    return clean_line(f"{plan.kind} {plan.number or ''} – {plan.title}")


def _path(assignment: Assignment, occurrence: Occurrence | None, anchor: str = "") -> str:
    return f"/a/{assignment.id}" + (f"?o={occurrence.id}" if occurrence is not None else "") + anchor


def _compose(person: Person, words: dict, kind_words: dict, facts: dict, rows: list[tuple[str, str]],
             path: str) -> ComposedMail:
    """One message: greeting, what happened, the facts as label–value lines, the link."""
    base_url = current_app.config["TRACKER_BASE_URL"].rstrip("/")
    url = (signin_placeholder(base_url, path) if valid_address(person.email) else base_url + path)
    subject = clean_line(kind_words["subject"].format(**facts))
    greeting = words["greeting"].format(name=clean_line(person.name) or clean_line(person.email))
    intro = kind_words["intro"].format(**facts)
    rows = [(label, value) for label, value in rows if value]
    footer = WORDING[words["lang"]]["automatic"]
    text = (f"{greeting}\n\n{intro}\n\n" + "".join(f"{label}: {value}\n" for label, value in rows)
            + f"\n{kind_words['open']}: {url}\n\n-- \n{footer}\n")
    cells = "".join(f'<tr><th style="text-align:left;vertical-align:top;padding:2px 12px 2px 0;'
                    f'font-weight:600;">{escape(label)}</th><td style="padding:2px 0;">{escape(value)}</td></tr>'
                    for label, value in rows)
    html = (f'<!doctype html><html lang="{words["lang"]}"><head><meta charset="utf-8">'
            f"<title>{escape(subject)}</title></head><body>"
            '<div style="max-width:640px;margin:0 auto;padding:16px;font-family:Arial,Helvetica,sans-serif;'
            'font-size:15px;line-height:1.45;color:#1d2733;">'
            f"<p>{escape(greeting)}</p><p>{escape(intro)}</p>"
            f'<table style="border-collapse:collapse;margin:0 0 16px;">{cells}</table>'
            f'<p><a href="{escape(url)}" style="color:#0b5cad;">{escape(kind_words["open"])}</a></p>'
            f'<hr style="border:0;border-top:1px solid #d5dbe3;margin:24px 0 12px;">'
            f'<p style="color:#5c6b7a;font-size:13px;">{escape(footer)}</p></div></body></html>')
    return ComposedMail(to=clean_line(person.email), subject=subject, text=text, html=html, ics=None)


def _words(language: str) -> dict:
    language = language_of(language)
    return {**_WORDS[language], "lang": language}


def _send(session: Session, people: list[Person], kind: str, event: list[str],
          item: tuple[int, int | None, str], build) -> int:
    """Queue ``build(person, words)`` for each person once (by address). ``event`` identifies
    what happened; with the address it is the idempotency key. Returns how many messages
    were queued now to a valid address (someone without one gets a failed message, for the
    administrators' outbox, and is not counted)."""
    queued, seen = 0, set()
    for person in people:
        address = person.email.strip().lower()
        who = address or f"(no address) {person.name}"
        if who in seen:
            continue
        seen.add(who)
        words = _words(person.language)
        key = idempotency_key(kind, who, event[0], event)
        if (enqueue(session, build(person, words), kind, key, [item], person.name, words["lang"])
                and valid_address(address)):
            queued += 1
    return queued


def _task_rows(words: dict, assignment: Assignment, occurrence: Occurrence | None) -> list[tuple[str, str]]:
    task = assignment.task
    return [(words["plan"], _plan_label(task.plan)),
            (f"{words['task']} {clean_line(task.ref)}", shorten(task.content, CONTENT_LIMIT)),
            (words["agency"], _agency_name(assignment)),
            (words["period"], clean_line(occurrence.label) if occurrence is not None else "")]


# --- the three notices --------------------------------------------------------------------


def extension_requested(session: Session, request: ExtensionRequest) -> int:
    """Tell the plan's authors that an agency asks for more time; the number of messages
    queued (0 when they already were: a retry)."""
    session.flush()                                   # the request's id and time
    assignment, occurrence = request.assignment, request.occurrence
    plan = assignment.task.plan
    requester = (request.requested_by or "").strip().lower()
    officer = any(p.email.strip().lower() == requester for p in agency_officers(assignment))
    asker = _who(session, request.requested_by, _agency_name(assignment) if officer else "")
    people = [Person(a.email, a.name, a.language or "vi") for a in plan_authors(session, plan)]

    def build(person: Person, words: dict) -> ComposedMail:
        facts = {"agency": _agency_name(assignment), "ref": clean_line(assignment.task.ref),
                 "title": shorten(assignment.task.content, SUBJECT_LIMIT)}
        rows = [*_task_rows(words, assignment, occurrence),
                (words["current_due"], _ddmmyyyy(request.current_due)),
                (words["requested_due"], _ddmmyyyy(request.requested_due)),
                (words["reason"], clean_line(request.reason)),
                (words["asked_by"], asker)]
        return _compose(person, words, words[EXTENSION_REQUEST], facts, rows, _path(assignment, occurrence))

    return _send(session, people, EXTENSION_REQUEST,
                 [f"extension:{request.id}", f"at:{_stamp(request.requested_at)}"],
                 (assignment.id, occurrence.id if occurrence else None, f"extension-request-{request.id}"),
                 build)


def extension_decided(session: Session, request: ExtensionRequest) -> int:
    """Tell the requesting agency's focal officers (and the requester) what was decided;
    the number of messages queued (as ``extension_requested``)."""
    session.flush()
    assignment, occurrence = request.assignment, request.occurrence
    approved = request.state == APPROVED
    decider = _who(session, request.decided_by)
    people = _with_requester(session, agency_officers(assignment), request.requested_by)
    due = request.requested_due if approved else (occurrence.due if occurrence is not None
                                                   else assignment.deadline.due)

    def build(person: Person, words: dict) -> ComposedMail:
        kind_words = words[APPROVED if approved else "refused"]
        facts = {"agency": _agency_name(assignment), "ref": clean_line(assignment.task.ref),
                 "title": shorten(assignment.task.content, SUBJECT_LIMIT), "date": _ddmmyyyy(due)}
        rows = [*_task_rows(words, assignment, occurrence)]
        if approved:
            rows += [(words["new_due"], _ddmmyyyy(request.requested_due)),
                     (words["old_due"], _ddmmyyyy(request.current_due))]
        else:
            rows += [(words["due"], _ddmmyyyy(due)),
                     (words["requested_due"], _ddmmyyyy(request.requested_due))]
        rows += [(words["reason"], clean_line(request.reason)),
                 (words["comment"], clean_line(request.decision_comment) or words["none"]),
                 (words["decided_by"], decider)]
        return _compose(person, words, kind_words, facts, rows, _path(assignment, occurrence))

    return _send(session, people, EXTENSION_DECISION,
                 [f"extension:{request.id}:{request.state}", f"at:{_stamp(request.decided_at)}"],
                 (assignment.id, occurrence.id if occurrence else None,
                  f"extension-{request.state}-{request.id}"), build)


def output_returned(session: Session, change: StatusChange) -> int:
    """Tell the agency's focal officers that their output was sent back, why, and where to
    report again; the number of messages queued. ``change`` is the history entry
    ``progress.return_output`` made."""
    session.flush()
    assignment = change.assignment
    occurrence = session.get(Occurrence, change.occurrence_id) if change.occurrence_id else None
    by = _who(session, change.changed_by)
    # What was sent back: the last report that said it was done, with its files.
    reported = session.scalars(
        select(StatusChange).where(StatusChange.assignment_id == assignment.id,
                                   StatusChange.kind == "report", StatusChange.to_status == DONE,
                                   StatusChange.id < change.id,
                                   (StatusChange.occurrence_id == change.occurrence_id)
                                   if change.occurrence_id else StatusChange.occurrence_id.is_(None))
        .order_by(StatusChange.id.desc()).limit(1)).first()

    zone = ZoneInfo(current_app.config["TRACKER_TIMEZONE"])

    def build(person: Person, words: dict) -> ComposedMail:
        facts = {"agency": _agency_name(assignment), "ref": clean_line(assignment.task.ref),
                 "title": shorten(assignment.task.content, SUBJECT_LIMIT)}
        rows = [*_task_rows(words, assignment, occurrence),
                (words["output"], clean_line(assignment.output))]
        if reported is not None:
            when = reported.changed_at
            rows.append((words["reported"], " – ".join(p for p in (
                _ddmmyyyy(when.astimezone(zone).date()) if when else "",
                clean_line(reported.comment)) if p)))
            files = ", ".join(clean_line(e.filename) for e in reported.evidence)
            rows.append((words["files"], files))
        rows += [(words["reason"], clean_line(change.comment)), (words["returned_by"], by)]
        return _compose(person, words, words[OUTPUT_RETURNED], facts, rows,
                        _path(assignment, occurrence, "#report"))

    return _send(session, agency_officers(assignment), OUTPUT_RETURNED,
                 [f"returned:{change.id}", f"at:{_stamp(change.changed_at)}"],
                 (assignment.id, change.occurrence_id, f"returned-{change.id}"), build)


# --- explanations ---------------------------------------------------------------------------


def _late_rows(words: dict, request: ExplanationRequest, today) -> list[tuple[str, str]]:
    """The item's date as the plan set it and how late it is on ``today`` (calendar days)."""
    item = TrackedItem(request.assignment, request.occurrence)
    plan_due = item.plan_due
    late = (today - plan_due).days if plan_due is not None and item.status != DONE and today > plan_due else 0
    return [(words["plan_due"], _ddmmyyyy(plan_due) if plan_due else ""),
            (words["days_late"], str(late) if late > 0 else "")]


def explanation_requested(session: Session, request: ExplanationRequest, today) -> int:
    """Ask the agency's focal officers to explain (``tracker.plans.explanations.ask``); the
    number of messages queued (0: nobody to write to, or already queued)."""
    session.flush()
    assignment, occurrence = request.assignment, request.occurrence
    asker = _who(session, request.asked_by)

    def build(person: Person, words: dict) -> ComposedMail:
        facts = {"agency": _agency_name(assignment), "ref": clean_line(assignment.task.ref),
                 "title": shorten(assignment.task.content, SUBJECT_LIMIT), "date": _ddmmyyyy(request.due_on)}
        rows = [*_task_rows(words, assignment, occurrence), *_late_rows(words, request, today),
                (words["request"], clean_line(request.message)),
                (words["answer_due"], _ddmmyyyy(request.due_on)),
                (words["requested_by"], asker)]
        return _compose(person, words, words[EXPLANATION_REQUEST], facts, rows,
                        _path(assignment, occurrence, "#explanation"))

    return _send(session, agency_officers(assignment), EXPLANATION_REQUEST,
                 [f"explanation:{request.id}", f"at:{_stamp(request.asked_at)}"],
                 (assignment.id, occurrence.id if occurrence else None, f"explanation_request-{request.id}"),
                 build)


def explanation_reminded(session: Session, request: ExplanationRequest, step_key: str, number: int,
                         today) -> int:
    """Remind the agency's focal officers of a request still unanswered after its due day: the
    planner's step ``step_key`` (recorded in its ledger), the ``number``-th reminder sent. The
    number of messages queued."""
    session.flush()
    assignment, occurrence = request.assignment, request.occurrence
    asker = _who(session, request.asked_by)
    zone = ZoneInfo(current_app.config["TRACKER_TIMEZONE"])

    def build(person: Person, words: dict) -> ComposedMail:
        facts = {"agency": _agency_name(assignment), "ref": clean_line(assignment.task.ref),
                 "title": shorten(assignment.task.content, SUBJECT_LIMIT), "date": _ddmmyyyy(request.due_on),
                 "n": number}
        rows = [*_task_rows(words, assignment, occurrence), *_late_rows(words, request, today),
                (words["request"], clean_line(request.message)),
                (words["answer_due"], _ddmmyyyy(request.due_on)),
                (words["requested_by"], " – ".join(p for p in (
                    asker, _ddmmyyyy(request.asked_at.astimezone(zone).date())) if p))]
        return _compose(person, words, words[EXPLANATION_REMINDER], facts, rows,
                        _path(assignment, occurrence, "#explanation"))

    return _send(session, agency_officers(assignment), EXPLANATION_REMINDER,
                 [f"explanation:{request.id}:{step_key}"],
                 (assignment.id, occurrence.id if occurrence else None, step_key), build)


def explanation_answered(session: Session, request: ExplanationRequest) -> int:
    """Tell the one who asked what the agency answered; the number of messages queued (0 when
    they have no active account, or it was already queued)."""
    session.flush()
    assignment, occurrence = request.assignment, request.occurrence
    account = _account(session, request.asked_by)
    people = ([Person(account.email, account.name, account.language or "vi")]
              if account is not None and account.active else [])
    officer = _who(session, request.answered_by, _agency_name(assignment))
    files = ", ".join(clean_line(e.filename) for e in request.evidence)

    def build(person: Person, words: dict) -> ComposedMail:
        facts = {"agency": _agency_name(assignment), "ref": clean_line(assignment.task.ref),
                 "title": shorten(assignment.task.content, SUBJECT_LIMIT)}
        rows = [*_task_rows(words, assignment, occurrence),
                (words["request"], clean_line(request.message)),
                (words["reason"], clean_line(request.reason)),
                (words["expected"], _ddmmyyyy(request.new_expected_date) if request.new_expected_date else ""),
                (words["files"], files),
                (words["answered_by"], officer)]
        return _compose(person, words, words[EXPLANATION_ANSWER], facts, rows,
                        _path(assignment, occurrence, "#explanation"))

    return _send(session, people, EXPLANATION_ANSWER,
                 [f"explanation:{request.id}:answered", f"at:{_stamp(request.answered_at)}"],
                 (assignment.id, occurrence.id if occurrence else None, f"explanation_answer-{request.id}"),
                 build)


__all__ = ["EXPLANATION_ANSWER", "EXPLANATION_REMINDER", "EXPLANATION_REQUEST", "EXTENSION_DECISION",
           "EXTENSION_REQUEST", "KINDS", "OUTPUT_RETURNED", "Person", "agency_officers", "explanation_answered",
           "explanation_reminded", "explanation_requested", "extension_decided", "extension_requested",
           "output_returned", "plan_authors"]
