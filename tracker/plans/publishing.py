"""Publishing a draft in the background, with its progress on the draft's row.

A 20,000-row plan takes longer to read and write than a web worker may spend on one
request (gunicorn stops it after 30 s, and the author gets an error page), so the page
starts the publish as a job, waits a few seconds (a usual plan is done by then) and
otherwise shows a progress bar that follows ``ImportDraft.job_step``.

The import itself stays one transaction: a publish that fails or is interrupted (the
worker restarted) writes nothing, and the author can simply publish again. Steps are
recorded in short transactions of their own, before the import's transaction starts
writing, so they never wait for it (SQLite has one writer at a time).

Plain Python over sessions (no Flask): the web layer runs ``run`` in a thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from ..errors import UserError
from ..models import ImportDraft
from .drafts import publish

log = logging.getLogger(__name__)

RUNNING, FAILED = "running", "failed"
#: the steps in order, as the progress bar counts them
STEPS = ("queued", "reading", "writing")
STEP_WORDS = {
    "queued": ("Đang chờ bắt đầu", "Waiting to start"),
    "reading": ("Đang đọc tệp và áp dụng các lựa chọn", "Reading the file and applying your choices"),
    "writing": ("Đang ghi nhiệm vụ và phân công", "Writing the tasks and assignments"),
}
#: a publish that has not reported a step for this long was interrupted (a worker restart):
#: its transaction was never committed, so nothing of it was written
SILENT_LIMIT = timedelta(minutes=15)


class AlreadyPublishing(UserError):
    def __init__(self):
        super().__init__("Kế hoạch này đang được đưa vào theo dõi; hãy chờ đến khi xong.",
                         "This plan is being published; wait until it is done.")


def is_running(draft: ImportDraft, now: datetime) -> bool:
    return draft.job_state == RUNNING and not was_interrupted(draft, now)


def was_interrupted(draft: ImportDraft, now: datetime) -> bool:
    updated = draft.job_updated_at
    return draft.job_state == RUNNING and (updated is None or now - updated > SILENT_LIMIT)


def begin(draft: ImportDraft, now: datetime) -> None:
    """Mark the draft as being published (the caller commits, then starts ``run``)."""
    if is_running(draft, now):
        raise AlreadyPublishing()
    draft.job_state, draft.job_step, draft.job_error, draft.job_updated_at = RUNNING, "queued", None, now


def step_number(draft: ImportDraft) -> int:
    """1-based position of the current step, for the progress bar."""
    return STEPS.index(draft.job_step) + 1 if draft.job_step in STEPS else 1


def run(make_session: Callable[[], Session], draft_id: int, calendar, allowed_issuers: set[int] | None,
        confirm_removal: bool, today: date, default_issuer: int | None,
        now: Callable[[], datetime]) -> None:
    """Publish the draft as its author decided; record each step, then success or the reason
    it failed (never raises: nobody is there to catch it)."""

    def record(**values) -> None:
        with make_session() as session:
            session.execute(update(ImportDraft).where(ImportDraft.id == draft_id)
                            .values(job_updated_at=now(), **values))
            session.commit()

    try:
        with make_session() as session:
            draft = session.get(ImportDraft, draft_id)
            if draft is None:
                return
            if draft.published_at is not None:      # published meanwhile: nothing left to do
                record(job_state=None, job_step=None)
                return
            try:
                result = publish(session, draft, calendar, allowed_issuers, confirm_removal=confirm_removal,
                                 today=today, default_issuer=default_issuer,
                                 progress=lambda step: record(job_step=step))
                draft.plan_id, draft.published_at = result.plan.id, now()
                draft.job_state, draft.job_step, draft.job_updated_at = None, None, now()
                session.commit()
            except UserError as exc:
                session.rollback()
                record(job_state=FAILED, job_error={"vi": exc.message_vi, "en": exc.message_en})
    except Exception:       # a bug or the database gone: said to the author, logged for the operator
        log.exception("publishing import draft %s failed", draft_id)
        try:
            record(job_state=FAILED, job_error={
                "vi": "Chưa đưa được kế hoạch vào theo dõi do lỗi hệ thống; chưa có gì được ghi. Hãy thử "
                      "lại hoặc báo quản trị viên.",
                "en": "Publishing failed because of a system error; nothing was written. Try again or tell "
                      "the administrator."})
        except Exception:
            log.exception("could not record the failure of import draft %s", draft_id)


def failure(draft: ImportDraft) -> UserError | None:
    """The reason the last publish failed, once (the caller clears it by committing)."""
    if draft.job_state != FAILED:
        return None
    error = draft.job_error or {}
    draft.job_state, draft.job_error = None, None
    return UserError(error.get("vi", ""), error.get("en", ""))


INTERRUPTED = UserError(
    "Lần đưa vào theo dõi trước bị gián đoạn (máy chủ khởi động lại); chưa có gì được ghi. Hãy thực hiện lại.",
    "The last publish was interrupted (the server restarted); nothing was written. Publish again.")
