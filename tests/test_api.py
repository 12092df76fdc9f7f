"""The REST API (/api/v1/) and its personal access tokens: every endpoint with each role
and with a token of another committee (404), expired and revoked tokens (401), cursor
pagination, filters, errors in both languages, the rate limit, evidence uploads, the token
pages and commands, and the OpenAPI document (valid, and exactly the routes there are)."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from tracker.accounts import api_tokens
from tracker.extensions import db
from tracker.models import Account, Agency, ApiToken, Assignment, Evidence, ExtensionRequest, OutboxMessage, Plan
from tracker.plans.statistics import Period, agency_statistics

from .conftest import SEEDS, STP_OFFICER, csrf_of, sign_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OTHER_AUTHOR = "soanthao@camxuyen.hatinh.example"
EMAILS = {"officer": STP_OFFICER, "author": "soanthao@soctrang.example",
          "leader": "lanhdao@soctrang.example", "admin": "admin@tracker.example"}


@pytest.fixture
def world(app, seeded, people):
    """Both committees' plans, a token per role (Sóc Trăng) and one of Cẩm Xuyên's author."""
    from tracker.accounts.manage import create_account, find_committee
    from tracker.config import reporting_calendar
    from tracker.directory.store import load_index
    from tracker.plans.importer import import_plan
    from tracker.reading.plan import read_plan

    session = db.session
    path = SEEDS / "cam-xuyen-2020-kiem-soat-tthc-mot-cua.txt"
    import_plan(session, read_plan(path.read_bytes(), path.name, calendar=reporting_calendar(app.config)),
                load_index(session))
    other = create_account(session, OTHER_AUTHOR, "Chuyên viên Cẩm Xuyên", "author",
                           find_committee(session, "UBND huyện Cẩm Xuyên"), None)
    session.commit()

    class World:
        own_plan = session.scalar(select(Plan).where(Plan.title.contains("2017")))
        other_plan = session.scalar(select(Plan).where(Plan.id != own_plan.id))
        stp = session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))
        tokens = {role: api_tokens.create(session, account, f"test {role}")[1] for role, account in people.items()}
        other_token = api_tokens.create(session, other, "Cẩm Xuyên")[1]

        def dated(self, agency=None) -> Assignment:
            rows = session.scalars(select(Assignment).where(Assignment.agency_id == (agency or self.stp).id)
                                   .order_by(Assignment.id)).all()
            return next(a for a in rows if a.deadline.due is not None and not a.occurrences)

        def recurring(self) -> Assignment:
            rows = session.scalars(select(Assignment).where(Assignment.agency_id == self.stp.id)).all()
            return next(a for a in rows if a.occurrences)

        def other_assignment(self) -> Assignment:
            return next(a for a in session.scalars(select(Assignment).order_by(Assignment.id))
                        if a.task.plan_id == self.other_plan.id)

    session.commit()
    return World()


def call(app, token: str | None, path: str, method: str = "GET", **kwargs):
    headers = kwargs.pop("headers", {})
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return app.test_client().open(path, method=method, headers=headers, **kwargs)


def error_of(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    error = response.get_json()["error"]
    assert error["message"] and error["message_en"] and error["message"] != error["message_en"]
    if code is not None:
        assert error["code"] == code, error
    return error


def at(app, moment: datetime) -> None:
    app.config["TRACKER_NOW"] = moment


# ---- the OpenAPI document ----


def _api_rules(app) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
            found.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    return found


def test_the_openapi_document_is_valid_and_describes_exactly_the_routes(app):
    from openapi_spec_validator import validate
    response = app.test_client().get("/api/openapi.json")      # public: no token needed
    assert response.status_code == 200
    document = response.get_json()
    validate(document)
    assert document["openapi"].startswith("3.1")
    described = {path: set(item) - {"parameters"} for path, item in document["paths"].items()}
    assert described == _api_rules(app)
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if path != "/api/openapi.json":
                assert "401" in operation["responses"] and "429" in operation["responses"], (path, method)
            names = set(re.findall(r"{(\w+)}", path))
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert names == declared, (path, method)


def test_every_list_answer_matches_its_documented_shape(app, world):
    """The answers hold the fields the document says are required."""
    from jsonschema import Draft202012Validator
    document = app.test_client().get("/api/openapi.json").get_json()
    token = world.tokens["admin"]
    for path, schema_name in (("/api/v1/plans", "Plan"), ("/api/v1/tasks?limit=5", "Task"),
                              ("/api/v1/assignments?limit=5", "Assignment"), ("/api/v1/agencies?limit=5", "Agency")):
        body = call(app, token, path).get_json()
        schema = {**document["components"]["schemas"][schema_name], "components": document["components"]}
        schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
        validator = Draft202012Validator(schema)
        for item in body["data"]:
            errors = list(validator.iter_errors(item))
            assert not errors, (path, errors[0].message)


# ---- authentication ----


def test_no_token_a_malformed_one_or_a_session_cookie_get_401(app, world):
    error = error_of(call(app, None, "/api/v1/plans"), 401, "unauthenticated")
    assert "Authorization" in error["message_en"]
    assert call(app, None, "/api/v1/plans").headers["WWW-Authenticate"].startswith("Bearer")
    error_of(call(app, None, "/api/v1/plans", headers={"Authorization": "Basic eDp5"}), 401, "unauthenticated")
    bad = call(app, "trk_khong-phai-ma-that", "/api/v1/plans")
    error_of(bad, 401, "invalid_token")
    assert 'error="invalid_token"' in bad.headers["WWW-Authenticate"]
    error_of(call(app, "x" * 500, "/api/v1/plans"), 401, "invalid_token")
    # Signed in on the web: the API still wants a token (no cookie authenticates it).
    client = app.test_client()
    sign_in(client, EMAILS["admin"])
    error_of(client.get("/api/v1/plans"), 401, "unauthenticated")


def test_expired_and_revoked_tokens_get_401(app, world):
    account = db.session.scalar(select(Account).where(Account.email == STP_OFFICER))
    now = datetime(2017, 6, 15, 2, 0, tzinfo=UTC)
    row, token = api_tokens.create(db.session, account, "ngắn hạn", days=1, now=now)
    db.session.commit()
    at(app, now + timedelta(hours=23))
    assert call(app, token, "/api/v1/me").status_code == 200
    at(app, now + timedelta(days=1))
    error_of(call(app, token, "/api/v1/me"), 401, "token_expired")

    row2, token2 = api_tokens.create(db.session, account, "thu hồi", now=now)
    db.session.commit()
    at(app, now + timedelta(hours=1))
    assert call(app, token2, "/api/v1/me").status_code == 200
    api_tokens.revoke(row2)
    db.session.commit()
    error_of(call(app, token2, "/api/v1/me"), 401, "token_revoked")

    row3, token3 = api_tokens.create(db.session, account, "khóa", now=now)
    account.active = False
    db.session.commit()
    error_of(call(app, token3, "/api/v1/me"), 401, "account_disabled")


def test_a_token_acts_with_its_accounts_role_and_records_its_last_use_once_a_minute(app, world):
    body = call(app, world.tokens["author"], "/api/v1/me").get_json()
    assert body["account"]["role"] == "author"
    assert body["account"]["committee"]["name"] == "Ủy ban nhân dân tỉnh Sóc Trăng"
    assert "email" not in body["account"] and body["token"]["name"] == "test author"
    now = datetime(2017, 6, 15, 2, 0, tzinfo=UTC)
    at(app, now)
    row = db.session.scalar(select(ApiToken).where(ApiToken.name == "test leader"))
    call(app, world.tokens["leader"], "/api/v1/me")
    db.session.refresh(row)
    assert row.last_used_at == now
    at(app, now + timedelta(seconds=30))
    call(app, world.tokens["leader"], "/api/v1/me")
    db.session.refresh(row)
    assert row.last_used_at == now                       # not rewritten within the minute
    at(app, now + timedelta(seconds=61))
    call(app, world.tokens["leader"], "/api/v1/me")
    db.session.refresh(row)
    assert row.last_used_at == now + timedelta(seconds=61)
    # The role is read at each request: the account's new role is the token's.
    account = db.session.scalar(select(Account).where(Account.email == EMAILS["leader"]))
    account.role = "officer"
    db.session.commit()
    assert call(app, world.tokens["leader"], "/api/v1/me").get_json()["account"]["role"] == "officer"
    error_of(call(app, world.tokens["leader"], f"/api/v1/plans/{world.own_plan.id}/statistics"), 403, "forbidden")


# ---- every endpoint, each role, and another committee's token ----


def _paths(world) -> dict[str, str]:
    own = world.dated()
    return {"plans": "/api/v1/plans", "plan": f"/api/v1/plans/{world.own_plan.id}",
            "statistics": f"/api/v1/plans/{world.own_plan.id}/statistics",
            "tasks": f"/api/v1/tasks?plan={world.own_plan.id}", "task": f"/api/v1/tasks/{own.task_id}",
            "assignments": "/api/v1/assignments", "assignment": f"/api/v1/assignments/{own.id}",
            "agencies": "/api/v1/agencies", "me": "/api/v1/me"}


@pytest.mark.parametrize("role", ["officer", "author", "leader", "admin"])
def test_every_read_endpoint_answers_each_role(app, world, role):
    token = world.tokens[role]
    for name, path in _paths(world).items():
        response = call(app, token, path)
        if name == "statistics" and role == "officer":
            error_of(response, 403, "forbidden")
            continue
        assert response.status_code == 200, (name, response.get_data(as_text=True))
        assert response.headers["Cache-Control"] == "no-store"
        assert "Set-Cookie" not in response.headers           # no session is made or touched
        assert int(response.headers["X-RateLimit-Remaining"]) >= 0
    plans = call(app, token, "/api/v1/plans").get_json()["data"]
    assert [p["id"] for p in plans] == ([world.own_plan.id, world.other_plan.id] if role == "admin"
                                        else [world.own_plan.id])
    assignments = call(app, token, "/api/v1/assignments?limit=200").get_json()["data"]
    if role == "officer":        # only their agency's
        assert assignments and {a["agency"]["id"] for a in assignments} == {world.stp.id}
    else:
        assert {a["plan_id"] for a in assignments} <= {world.own_plan.id, world.other_plan.id}


def test_a_token_of_another_committee_gets_404_for_what_it_may_not_see(app, world):
    token = world.other_token
    own = world.dated()
    for path in (f"/api/v1/plans/{world.own_plan.id}", f"/api/v1/plans/{world.own_plan.id}/statistics",
                 f"/api/v1/tasks/{own.task_id}", f"/api/v1/assignments/{own.id}", "/api/v1/plans/999999",
                 "/api/v1/assignments/999999"):
        error_of(call(app, token, path), 404, "not_found")
    for path in (f"/api/v1/assignments/{own.id}/reports", f"/api/v1/assignments/{own.id}/extension-requests"):
        error_of(call(app, token, path, "POST", json={"status": "done"}), 404, "not_found")
    # Its lists hold only its own committee's plans.
    assert [p["id"] for p in call(app, token, "/api/v1/plans").get_json()["data"]] == [world.other_plan.id]
    tasks = call(app, token, f"/api/v1/tasks?plan={world.own_plan.id}").get_json()
    assert tasks["data"] == [] and tasks["next_cursor"] is None
    agencies = {a["name"] for page in _pages(app, token, "/api/v1/agencies?limit=200") for a in page}
    assert "Ủy ban nhân dân huyện Cẩm Xuyên" in agencies and "Sở Tư pháp tỉnh Sóc Trăng" not in agencies
    # Its own plan's statistics are there.
    assert call(app, token, f"/api/v1/plans/{world.other_plan.id}/statistics").status_code == 200


def test_authors_and_leaders_may_not_report_or_ask_for_extensions(app, world):
    own = world.dated()
    for role in ("author", "leader"):
        error_of(call(app, world.tokens[role], f"/api/v1/assignments/{own.id}/reports", "POST",
                      json={"status": "done"}), 404, "not_found")
        error_of(call(app, world.tokens[role], f"/api/v1/assignments/{own.id}/extension-requests", "POST",
                      json={"requested_due": "2030-01-01", "reason": "x"}), 404, "not_found")


def test_an_officer_does_not_see_another_agencys_assignment(app, world):
    stp_ids = {a.id for a in db.session.scalars(select(Assignment).where(Assignment.agency_id == world.stp.id))}
    foreign = db.session.scalar(select(Assignment).join(Assignment.task).where(
        Assignment.agency_id.is_not(None), Assignment.id.not_in(stp_ids)).limit(1))
    error_of(call(app, world.tokens["officer"], f"/api/v1/assignments/{foreign.id}"), 404)
    listed = call(app, world.tokens["officer"], f"/api/v1/assignments?agency={foreign.agency_id}").get_json()
    assert listed["data"] == []


# ---- pagination ----


def _pages(app, token: str, path: str) -> list[list[dict]]:
    pages, url = [], path
    while url:
        body = call(app, token, url).get_json()
        pages.append(body["data"])
        url = body["next"]
    return pages


def _walk(app, token: str, path: str) -> list[list[int]]:
    pages, url = [], path
    while url:
        body = call(app, token, url).get_json()
        pages.append([item["id"] for item in body["data"]])
        url = body["next"]
        if url:
            assert body["next_cursor"] and f"cursor={body['next_cursor']}" in url
    return pages


def test_cursor_pagination_gives_every_item_once_without_gaps(app, world):
    token = world.tokens["admin"]
    every = [a.id for a in db.session.scalars(select(Assignment).order_by(Assignment.id))]
    pages = _walk(app, token, "/api/v1/assignments?limit=37")
    assert len(pages) >= 2 and all(len(p) == 37 for p in pages[:-1]) and 0 < len(pages[-1]) <= 37
    flat = [i for p in pages for i in p]
    assert flat == every                                  # all, in order, none twice
    # The same with a filter that only Python can apply (the category today).
    at(app, datetime(2017, 12, 31, 3, 0, tzinfo=UTC))
    overdue = [i for p in _walk(app, token, "/api/v1/assignments?category=overdue&limit=5") for i in p]
    whole = call(app, token, "/api/v1/assignments?category=overdue&limit=200").get_json()
    assert overdue == [a["id"] for a in whole["data"]] and len(overdue) > 5
    # Tasks too, two pages exactly.
    tasks = db.session.scalar(select(Plan).where(Plan.id == world.own_plan.id)).tasks
    half = (len(tasks) + 1) // 2
    pages = _walk(app, token, f"/api/v1/tasks?plan={world.own_plan.id}&limit={half}")
    assert len(pages) == 2 and [i for p in pages for i in p] == sorted(t.id for t in tasks)


def test_cursor_and_limit_errors(app, world):
    token = world.tokens["admin"]
    first = call(app, token, "/api/v1/assignments?limit=3").get_json()
    cursor = first["next_cursor"]
    assert call(app, token, f"/api/v1/assignments?limit=3&cursor={cursor}").status_code == 200
    error = error_of(call(app, token, f"/api/v1/assignments?limit=3&status=done&cursor={cursor}"), 400,
                     "invalid_cursor")
    assert error["field"] == "cursor"
    error_of(call(app, token, f"/api/v1/tasks?cursor={cursor}"), 400, "invalid_cursor")     # another list's
    error_of(call(app, token, f"/api/v1/assignments?cursor={cursor[:-2]}xx"), 400, "invalid_cursor")
    for limit in ("0", "201", "abc", "-5"):
        error_of(call(app, token, f"/api/v1/assignments?limit={limit}"), 400, "invalid_parameter")
    assert len(call(app, token, "/api/v1/assignments?limit=200").get_json()["data"]) == 200


# ---- filters ----


def test_filters_of_assignments_and_tasks(app, world):
    token = world.tokens["admin"]
    at(app, datetime(2017, 12, 31, 3, 0, tzinfo=UTC))
    plan = world.own_plan.id
    by_agency = call(app, token, f"/api/v1/assignments?agency={world.stp.id}&limit=200").get_json()["data"]
    assert by_agency and {a["agency"]["id"] for a in by_agency} == {world.stp.id}
    done = world.dated()
    call(app, world.tokens["officer"], f"/api/v1/assignments/{done.id}/reports", "POST", json={"status": "done"})
    by_status = call(app, token, "/api/v1/assignments?status=done").get_json()["data"]
    assert [a["id"] for a in by_status] == [done.id]
    overdue = call(app, token, f"/api/v1/assignments?plan={plan}&category=overdue&limit=200").get_json()["data"]
    assert overdue and all(a["category"] == "overdue" or any(o["category"] == "overdue" for o in a["occurrences"])
                           for a in overdue)
    window = call(app, token, "/api/v1/assignments?due_from=2017-04-01&due_to=2017-06-30&limit=200").get_json()
    assert window["data"]
    for a in window["data"]:
        dues = [o["due"] for o in a["occurrences"]] or [a["deadline"]["due"]]
        assert any(d and "2017-04-01" <= d <= "2017-06-30" for d in dues), a
    outside = {a["id"] for a in call(app, token, "/api/v1/assignments?due_to=2017-03-31&limit=200").get_json()["data"]}
    assert not outside & {a["id"] for a in window["data"] if not a["occurrences"]}
    tasks = call(app, token, f"/api/v1/tasks?plan={plan}&agency={world.stp.id}&limit=200").get_json()["data"]
    assert tasks and all(any(a["agency"] and a["agency"]["id"] == world.stp.id for a in t["assignments"])
                         for t in tasks)
    assert all(t["plan_id"] == plan for t in tasks)
    one = call(app, token, f"/api/v1/assignments?task={done.task_id}").get_json()["data"]
    assert done.id in {a["id"] for a in one} and {a["task"]["id"] for a in one} == {done.task_id}


@pytest.mark.parametrize("query, field", [
    ("status=finished", "status"), ("category=late", "category"), ("agency=abc", "agency"),
    ("due_from=31/12/2017", "due_from"), ("due_from=2017-12-31&due_to=2017-01-01", "due_from"),
    ("plan=-1", "plan")])
def test_a_wrong_filter_is_a_400_in_both_languages(app, world, query, field):
    error = error_of(call(app, world.tokens["admin"], f"/api/v1/assignments?{query}"), 400, "invalid_parameter")
    assert error["field"] == field


def test_unknown_addresses_and_methods_answer_json(app, world):
    error_of(call(app, world.tokens["admin"], "/api/v1/nothing-here"), 404, "not_found")
    error_of(call(app, None, "/api/v2/plans"), 404, "not_found")
    error_of(call(app, world.tokens["admin"], f"/api/v1/assignments/{world.dated().id}/reports"), 405,
             "method_not_allowed")
    error_of(call(app, world.tokens["admin"], "/api/v1/plans?x=%01"), 400, "control_characters")
    # The pages keep their own error pages.
    assert app.test_client().get("/khong-co-trang-nay").mimetype == "text/html"


# ---- reporting with evidence ----


def test_an_officer_reports_progress_with_evidence(app, world):
    item = world.dated()
    response = call(app, world.tokens["officer"], f"/api/v1/assignments/{item.id}/reports", "POST",
                    data={"status": "in_progress", "progress": "40", "comment": "Đang dự thảo",
                          "files": [(io.BytesIO(PDF), "du-thao.pdf"), (io.BytesIO(PDF), "bien-ban.exe")]},
                    content_type="multipart/form-data")
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["report"]["to_status"] == "in_progress" and body["report"]["progress"] == 40
    assert body["report"]["changed_by"].startswith("Kim Minh Thành")       # a name, not an address
    assert sorted(e["filename"] for e in body["report"]["evidence"]) == ["bien-ban.pdf", "du-thao.pdf"]
    assert body["assignment"]["status"] == "in_progress" and body["assignment"]["progress"] == 40
    assert response.headers["Location"].endswith(f"/api/v1/assignments/{item.id}")
    stored = db.session.scalars(select(Evidence).order_by(Evidence.id.desc()).limit(2)).all()
    assert {e.content_type for e in stored} == {"application/pdf"} and stored[0].data == PDF
    detail = call(app, world.tokens["author"], f"/api/v1/assignments/{item.id}").get_json()
    assert detail["history"][0]["comment"] == "Đang dự thảo" and len(detail["history"][0]["evidence"]) == 2
    # JSON without files does too.
    done = call(app, world.tokens["officer"], f"/api/v1/assignments/{item.id}/reports", "POST",
                json={"status": "done", "comment": "Xong"})
    assert done.status_code == 201 and done.get_json()["assignment"]["progress"] == 100


def test_evidence_and_report_fields_are_checked_as_on_the_page(app, world):
    item = world.dated()
    url = f"/api/v1/assignments/{item.id}/reports"
    token = world.tokens["officer"]

    def post(files=(), **fields):
        return call(app, token, url, "POST", data={**fields, "files": list(files)}, content_type="multipart/form-data")

    error = error_of(post([(io.BytesIO(b"MZ\x90\x00 not a document"), "virus.pdf")], status="done"), 422,
                     "evidence_rejected")
    assert "virus.pdf" in error["message"] and "virus.pdf" in error["message_en"] and error["field"] == "files"
    error_of(post([(io.BytesIO(b""), "rong.pdf")], status="done"), 422, "evidence_rejected")
    error_of(post([(io.BytesIO(PDF), f"{n}.pdf") for n in range(6)], status="done"), 422, "too_many_files")
    app.config["TRACKER_MAX_EVIDENCE_BYTES"] = 20
    error = error_of(post([(io.BytesIO(PDF), "lon.pdf")], status="done"), 422, "evidence_rejected")
    assert "MB" in error["message_en"]
    app.config["TRACKER_MAX_EVIDENCE_BYTES"] = 10 * 1024 * 1024
    assert error_of(post(), 422, "validation_failed")["field"] == "status"
    assert error_of(post(status="finished"), 422, "validation_failed")["field"] == "status"
    assert error_of(post(status="done", progress="101"), 422, "validation_failed")["field"] == "progress"
    assert error_of(post(status="done", progress="nhiều"), 422, "validation_failed")["field"] == "progress"
    error_of(call(app, token, url, "POST", data="status=done", content_type="text/plain"), 415,
             "unsupported_media_type")
    error_of(call(app, token, url, "POST", data="{not json", content_type="application/json"), 400, "invalid_json")
    # Nothing was recorded by any of them.
    assert db.session.scalar(select(Evidence.id).join(Evidence.status_change).where(
        Evidence.status_change.has(assignment_id=item.id))) is None
    # A recurring item needs its period.
    recurring = world.recurring()
    rurl = f"/api/v1/assignments/{recurring.id}/reports"
    assert error_of(call(app, token, rurl, "POST", json={"status": "done"}), 422)["field"] == "occurrence"
    period = recurring.occurrences[0]
    answer = call(app, token, rurl, "POST", json={"status": "done", "occurrence": period.id})
    assert answer.status_code == 201
    assert next(o for o in answer.get_json()["assignment"]["occurrences"] if o["id"] == period.id)["status"] == "done"


def test_a_body_over_the_request_limit_is_a_json_413(app, world):
    app.config["MAX_CONTENT_LENGTH"] = 1000
    response = call(app, world.tokens["officer"], f"/api/v1/assignments/{world.dated().id}/reports", "POST",
                    data={"status": "done", "files": [(io.BytesIO(PDF * 100), "a.pdf")]},
                    content_type="multipart/form-data")
    error_of(response, 413, "too_large")


# ---- extension requests ----


def test_an_officer_asks_for_an_extension_and_the_authors_are_told(app, world):
    item = world.dated()
    url = f"/api/v1/assignments/{item.id}/extension-requests"
    later = (item.deadline.due + timedelta(days=30)).isoformat()
    response = call(app, world.tokens["officer"], url, "POST", json={"requested_due": later, "reason": "Chờ số liệu"})
    assert response.status_code == 201, response.get_data(as_text=True)
    asked = response.get_json()["extension_request"]
    assert asked["state"] == "pending" and asked["requested_due"] == later
    assert asked["current_due"] == item.deadline.due.isoformat()
    row = db.session.get(ExtensionRequest, asked["id"])
    assert row.requested_by == STP_OFFICER
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "extension_request")) is not None
    again = error_of(call(app, world.tokens["officer"], url, "POST",
                          json={"requested_due": later, "reason": "lần nữa"}), 422, "extension_refused")
    assert again["message_en"] == "An extension request is already waiting for a decision."
    error_of(call(app, world.tokens["officer"], url, "POST", json={"reason": "x"}), 422, "validation_failed")
    error_of(call(app, world.tokens["officer"], url, "POST", json={"requested_due": "mai", "reason": "x"}), 422)
    detail = call(app, world.tokens["author"], f"/api/v1/assignments/{item.id}").get_json()
    assert detail["extension_requests"][0]["id"] == asked["id"]


def test_an_extension_before_the_due_date_is_refused_with_the_reason(app, world):
    item = world.dated()
    url = f"/api/v1/assignments/{item.id}/extension-requests"
    earlier = (item.deadline.due - timedelta(days=1)).isoformat()
    error = error_of(call(app, world.tokens["officer"], url, "POST",
                          data={"requested_due": earlier, "reason": "x"}), 422, "extension_refused")
    assert "after the current due date" in error["message_en"] and "sau hạn hiện tại" in error["message"]


# ---- statistics and agencies ----


def test_statistics_are_the_dashboards_numbers(app, world):
    at(app, datetime(2017, 9, 30, 3, 0, tzinfo=UTC))
    plan = world.own_plan
    body = call(app, world.tokens["leader"], f"/api/v1/plans/{plan.id}/statistics?period=q2&year=2017").get_json()
    expected = agency_statistics(db.session, date(2017, 9, 30), app.config["TRACKER_TIMEZONE"],
                                 Period.quarter(2017, 2), plan_ids=[plan.id])
    assert body["period"] == {"start": "2017-04-01", "end": "2017-06-30"} and body["as_of"] == "2017-09-30"
    assert body["totals"]["total"] == expected.totals.total > 0
    assert body["totals"]["overdue"] == expected.totals.overdue
    assert [(r["agency"]["id"] if r["agency"] else None, r["overdue"]) for r in body["rows"]] == \
        [(r.agency_id, r.overdue) for r in expected.rows]
    every = call(app, world.tokens["admin"], f"/api/v1/plans/{plan.id}/statistics?period=all&as_of=2017-12-31"
                 "&coordinating=true").get_json()
    assert every["include_coordinating"] is True and every["period"] == {"start": None, "end": None}
    custom = call(app, world.tokens["author"],
                  f"/api/v1/plans/{plan.id}/statistics?period=custom&from=2017-01-01&to=2017-03-31").get_json()
    assert custom["period"] == {"start": "2017-01-01", "end": "2017-03-31"}
    for query in ("period=q5", "period=week", "year=1800", "as_of=hôm-nay", "coordinating=maybe"):
        error_of(call(app, world.tokens["leader"], f"/api/v1/plans/{plan.id}/statistics?{query}"), 400,
                 "invalid_parameter")


def test_agencies_are_the_accounts_tree(app, world):
    def names(role):
        return {a["name"] for page in _pages(app, world.tokens[role], "/api/v1/agencies?limit=200") for a in page}
    everyone = db.session.scalar(select(db.func.count(Agency.id)))
    admin = [i for p in _walk(app, world.tokens["admin"], "/api/v1/agencies?limit=150") for i in p]
    assert len(admin) == everyone
    for role in ("author", "leader", "officer"):
        found = names(role)
        assert "Sở Tư pháp tỉnh Sóc Trăng" in found and "Ủy ban nhân dân huyện Cẩm Xuyên" not in found, role


# ---- the rate limit ----


def test_the_rate_limit_is_per_token_with_retry_after(app, world):
    app.config["TRACKER_API_RATE_LIMIT"] = 3
    at(app, datetime(2017, 6, 15, 2, 0, 10, tzinfo=UTC))
    token = world.tokens["leader"]
    answers = [call(app, token, "/api/v1/me") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a.headers["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    refused = call(app, token, "/api/v1/plans")
    error = error_of(refused, 429, "rate_limited")
    assert refused.headers["Retry-After"] == "50" and "50" in error["message"] and "50" in error["message_en"]
    assert call(app, world.tokens["author"], "/api/v1/me").status_code == 200      # another token: its own count
    at(app, datetime(2017, 6, 15, 2, 1, 0, tzinfo=UTC))                               # the next minute
    assert call(app, token, "/api/v1/me").status_code == 200
    assert app.test_client().get("/api/openapi.json").status_code == 200           # the document is not counted


# ---- the account's token page and the command line ----


def test_the_account_page_makes_shows_once_and_revokes_tokens(app, world):
    client = app.test_client()
    sign_in(client, STP_OFFICER)
    page = client.get("/account/tokens")
    assert page.status_code == 200 and "test officer" in page.text
    made = client.post("/account/tokens", data={"csrf_token": csrf_of(page), "name": "Bảng tính", "days": "30"})
    assert made.status_code == 201 and made.headers["Cache-Control"] == "no-store"
    token = re.search(r'<code id="new-token">(trk_[A-Za-z0-9_\-]+)</code>', made.text).group(1)
    assert len(token) > 40
    row = db.session.scalar(select(ApiToken).where(ApiToken.name == "Bảng tính"))
    assert row.token_hash == api_tokens.hash_token(token) and token not in (row.token_hash, row.hint)
    assert row.expires_at - row.created_at == timedelta(days=30)
    assert call(app, token, "/api/v1/me").get_json()["account"]["role"] == "officer"
    again = client.get("/account/tokens")
    assert token not in again.text and f"trk_…{token[-4:]}" in again.text          # never shown again
    bad = client.post("/account/tokens", data={"csrf_token": csrf_of(again), "name": "", "days": "999"})
    assert bad.status_code == 422
    assert client.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_of(again)}).status_code == 302
    error_of(call(app, token, "/api/v1/me"), 401, "token_revoked")
    # Another account's token is not there to revoke.
    admins = db.session.scalar(select(ApiToken).where(ApiToken.name == "test admin"))
    assert client.post(f"/account/tokens/{admins.id}/revoke", data={"csrf_token": csrf_of(again)}).status_code == 404
    assert call(app, world.tokens["admin"], "/api/v1/me").status_code == 200


def test_the_tokens_commands(app, world, runner):
    made = runner.invoke(args=["tokens", "create", "--email", EMAILS["author"], "--name", "Power BI",
                               "--expires-days", "7"])
    assert made.exit_code == 0, made.output
    token = made.output.strip().splitlines()[-1]
    assert token.startswith("trk_")
    assert call(app, token, "/api/v1/me").get_json()["token"]["name"] == "Power BI"
    listed = runner.invoke(args=["tokens", "list", "--email", EMAILS["author"]])
    assert listed.exit_code == 0 and "Power BI" in listed.output and token not in listed.output
    assert f"trk_…{token[-4:]}" in listed.output and "test author" in listed.output
    assert "test admin" not in listed.output and "test admin" in runner.invoke(args=["tokens", "list"]).output
    row = db.session.scalar(select(ApiToken).where(ApiToken.name == "Power BI"))
    revoked = runner.invoke(args=["tokens", "revoke", str(row.id)])
    assert revoked.exit_code == 0, revoked.output
    db.session.expire_all()
    error_of(call(app, token, "/api/v1/me"), 401, "token_revoked")
    for args in (["tokens", "create", "--email", "ai-do@example.org", "--name", "x"],
                 ["tokens", "create", "--email", EMAILS["author"], "--name", "x", "--expires-days", "0"],
                 ["tokens", "revoke", "999999"]):
        failed = runner.invoke(args=args)
        assert failed.exit_code == 2 and "Lỗi:" in failed.output and "Error:" in failed.output, args
