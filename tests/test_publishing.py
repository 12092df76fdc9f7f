"""Publishing in the background: a plan too large for one web request shows its progress,
then the plan; a publish that fails or is interrupted writes nothing and says why once."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tracker import clock
from tracker.extensions import db
from tracker.models import ImportDraft, Plan, Task
from tracker.plans import drafts, importer, publishing

from .test_import_wizard import _form_fields, _plan_text, author, upload  # noqa: F401  (author: a fixture)


def _in_background() -> bool:
    return threading.current_thread().name.startswith("tracker-background")


def _publish(client, draft_url: str):
    page = client.get(draft_url)
    return client.post(draft_url, data=_form_fields(page) | {"action": "publish"})


def _until_done(client, progress_url: str, limit: float = 60):
    """Poll the progress page as the browser's refresh does, until it sends the author on."""
    give_up = time.monotonic() + limit
    while time.monotonic() < give_up:
        response = client.get(progress_url)
        if response.status_code == 302:
            return response
        assert response.status_code == 200 and "Đang đưa kế hoạch vào theo dõi" in response.text
        time.sleep(0.1)
    raise AssertionError("the publish did not end")


def _plans() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Plan.id)))


def test_a_publish_longer_than_the_wait_shows_its_progress_then_the_plan(app, author, monkeypatch):
    app.config["TRACKER_BACKGROUND_WAIT_SECONDS"] = 0
    reached, gate = threading.Event(), threading.Event()
    real = drafts.prepare

    def held(*args, **kwargs):         # the background publish waits on its reading step
        if _in_background():
            reached.set()
            assert gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(drafts, "prepare", held)
    draft_url = upload(author, _plan_text().encode(), "v1.txt").headers["Location"]
    response = _publish(author, draft_url)
    progress_url = f"{draft_url}/progress"
    assert response.status_code == 302 and response.headers["Location"].endswith(progress_url)

    assert reached.wait(30)
    page = author.get(progress_url)
    assert page.status_code == 200
    assert "Bước 2/3" in page.text and "Đang đọc tệp" in page.text
    assert '<progress id="publish-progress" max="3" value="1"' in page.text
    assert '<meta http-equiv="refresh" content="2">' in page.text
    # The preview cannot be changed or published twice meanwhile: it shows the progress.
    again = author.get(draft_url)
    assert again.status_code == 302 and again.headers["Location"].endswith(progress_url)
    assert _plans() == 0

    gate.set()
    done = _until_done(author, progress_url)
    assert "/plans/" in done.headers["Location"]
    shown = author.get(done.headers["Location"])
    tasks = db.session.scalar(select(func.count(Task.id)))
    assert f"Đã đưa kế hoạch vào theo dõi: {tasks} nhiệm vụ" in shown.text
    draft = db.session.scalar(select(ImportDraft))
    assert draft.published_at is not None and draft.plan_id is not None and draft.job_state is None


def test_a_failed_background_publish_writes_nothing_and_says_why_once(app, author, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer, "_insert_new_tasks", broken)
    draft_url = upload(author, _plan_text().encode(), "v1.txt").headers["Location"]
    response = _publish(author, draft_url)
    assert response.headers["Location"].endswith(draft_url)          # back to the preview
    page = author.get(draft_url)
    assert "Chưa đưa được kế hoạch vào theo dõi do lỗi hệ thống; chưa có gì được ghi" in page.text
    assert "Chưa đưa được kế hoạch vào theo dõi" not in author.get(draft_url).text      # said once
    assert _plans() == 0 and db.session.scalar(select(func.count(Task.id))) == 0

    monkeypatch.undo()
    response = _publish(author, draft_url)
    assert "/plans/" in response.headers["Location"] and _plans() == 1


def test_an_interrupted_publish_is_said_and_can_be_done_again(app, author):
    draft_url = upload(author, _plan_text().encode(), "v1.txt").headers["Location"]
    draft = db.session.scalar(select(ImportDraft))
    # A worker restarted in the middle of a publish: the row says running, and nothing since.
    draft.job_state, draft.job_step = publishing.RUNNING, "writing"
    draft.job_updated_at = clock.now() - publishing.SILENT_LIMIT - timedelta(minutes=1)
    db.session.commit()
    page = author.get(draft_url)
    assert page.status_code == 200 and "Lần đưa vào theo dõi trước bị gián đoạn" in page.text
    response = _publish(author, draft_url)
    assert "/plans/" in response.headers["Location"] and _plans() == 1


def test_a_draft_being_published_cannot_be_started_again(app, people):
    draft = ImportDraft(account_id=people["author"].id, filename="x.txt", sha256="0" * 64, data=b"x", choices={})
    now = clock.now()
    publishing.begin(draft, now)
    with pytest.raises(publishing.AlreadyPublishing):
        publishing.begin(draft, now + timedelta(minutes=1))
    assert publishing.step_number(draft) == 1
    publishing.begin(draft, now + publishing.SILENT_LIMIT + timedelta(seconds=1))   # that one was lost


def test_an_amendments_changes_are_listed_in_the_background_and_kept_for_its_choices(app, author, monkeypatch):
    first = upload(author, _plan_text().encode(), "v1.txt").headers["Location"]
    assert "/plans/" in _publish(author, first).headers["Location"]
    app.config["TRACKER_BACKGROUND_WAIT_SECONDS"] = 0
    calls, gate = [], threading.Event()
    real = drafts.dry_run

    def held(*args, **kwargs):
        calls.append(_in_background())
        assert gate.wait(30)
        return real(*args, **kwargs)

    monkeypatch.setattr(drafts, "dry_run", held)
    amended = _plan_text({"Thực hiện công khai TTHC.": "Thực hiện công khai đầy đủ các TTHC."})
    draft_url = upload(author, amended.encode(), "v2.txt").headers["Location"]
    page = author.get(draft_url)
    assert page.status_code == 200 and "Đang so sánh với kế hoạch đã nhập" in page.text
    assert "Sửa đổi:" not in page.text
    assert "Đang so sánh" in author.get(draft_url).text and len(calls) == 1     # not started twice
    gate.set()
    give_up = time.monotonic() + 30
    while "Đang so sánh" in (page := author.get(draft_url)).text and time.monotonic() < give_up:
        time.sleep(0.1)
    assert "Nội dung: “Thực hiện công khai TTHC.” → “Thực hiện công khai đầy đủ các TTHC.”" in page.text
    assert calls == [True]                     # computed once, in the background, then kept
    # Another choice (a row taken out) is another list.
    author.post(draft_url, data=_form_fields(page) | {"drop": ["I.2"], "action": "preview"})
    while "Đang so sánh" in (page := author.get(draft_url)).text and time.monotonic() < give_up:
        time.sleep(0.1)
    assert len(calls) == 2 and "Bỏ khỏi kế hoạch: I.2" in page.text


def test_a_failed_list_of_changes_is_said_and_can_be_asked_again(app, author, monkeypatch):
    first = upload(author, _plan_text().encode(), "v1.txt").headers["Location"]
    assert "/plans/" in _publish(author, first).headers["Location"]
    real = drafts.dry_run

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(drafts, "dry_run", broken)
    amended = _plan_text({"Thực hiện công khai TTHC.": "Thực hiện công khai đầy đủ các TTHC."})
    draft_url = upload(author, amended.encode(), "v2.txt").headers["Location"]
    page = author.get(draft_url)
    assert page.status_code == 200 and "Không liệt kê được các thay đổi" in page.text
    assert "Đang so sánh" not in author.get(draft_url).text          # said, not waited on
    monkeypatch.setattr(drafts, "dry_run", real)
    assert "Không liệt kê được" in author.get(draft_url).text         # kept until asked again
    page = author.get(draft_url + "?compare=again")
    assert "Nội dung: “Thực hiện công khai TTHC.” →" in page.text and "Không liệt kê được" not in page.text
    assert author.post(draft_url, data=_form_fields(page) | {"action": "publish"}).status_code == 302
    assert _plans() == 1
