"""Every route × every role, inside and outside the role's scope.

The table ``MATRIX`` is the written authorization policy. The test walks the application's
URL map: a route that is not in the table fails (every new route needs a rule), and every
request's outcome must be the one the table says.

Outcomes: ``ok`` (the page or the action: anything but the four below, and never a 500),
``login`` (sent to sign in, with ``next``), ``401`` (the API without a token), ``403`` (the
role may not use this page), ``404`` (outside the account's scope, indistinguishable from
nothing there), ``any`` (no authorization to check: public forms whose every answer is a
redirect).

The API (``api.*``) is asked with each role's personal access token in ``Authorization:
Bearer`` and no session (it never reads one); "anonymous" sends no token.

"Own" objects belong to UBND tỉnh Sóc Trăng (whose author and leader are signed in) and,
for the officer, to Sở Tư pháp tỉnh Sóc Trăng; "other" objects belong to UBND huyện Cẩm
Xuyên (another province), or to another author.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from tracker.extensions import db
from tracker.models import (
    Account,
    Agency,
    Assignment,
    CalendarDay,
    Evidence,
    ExtensionRequest,
    FocalOfficer,
    ImportDraft,
    OutboxMessage,
    Plan,
    StatusChange,
    WebhookDelivery,
)

from .conftest import PASSWORD, SEEDS, STP_OFFICER, csrf_of, issue_link, sign_in

ROLES = ("anonymous", "officer", "author", "leader", "admin")
EMAILS = {"officer": STP_OFFICER, "author": "soanthao@soctrang.example",
          "leader": "lanhdao@soctrang.example", "admin": "admin@tracker.example"}

OK, LOGIN, UNAUTHENTICATED, FORBIDDEN, HIDDEN, ANY = "ok", "login", "401", "403", "404", "any"


def everyone(outcome: str = OK) -> dict:
    return {role: outcome for role in ROLES}


def signed_in(**by_role) -> dict:
    """Anonymous visitors are sent to sign in; each role gets ``ok`` unless named."""
    return {"anonymous": LOGIN, **{role: by_role.get(role, OK) for role in ROLES[1:]}}


def only(*roles: str) -> dict:
    """Only these roles (the others get 403)."""
    return {"anonymous": LOGIN, **{role: OK if role in roles else FORBIDDEN for role in ROLES[1:]}}


ADMIN_ONLY = only("admin")


def bearer(**by_role) -> dict:
    """The API: no token is a 401; each role's token gets ``ok`` unless named."""
    return {"anonymous": UNAUTHENTICATED, **{role: by_role.get(role, OK) for role in ROLES[1:]}}


NOT_OTHERS = {"officer": HIDDEN, "author": HIDDEN, "leader": HIDDEN}


@dataclass
class Rule:
    own: dict                      # role → outcome, on the role's own objects (or no object)
    other: dict | None = None      # role → outcome, on another committee's objects
    method: str | None = None      # which method to try (default: GET if the route has it)


# fmt: off
MATRIX: dict[str, Rule] = {
    "static":                 Rule(everyone()),
    "auth.login":             Rule(everyone()),
    "auth.link":              Rule(everyone()),                       # a valid link signs its owner in
    "auth.resend":            Rule(everyone(ANY)),                    # answers about the link, not the visitor
    "auth.logout":            Rule(everyone(ANY)),
    "auth.language":          Rule(everyone()),
    "auth.password":          Rule(signed_in()),
    "auth.end_sessions":      Rule(signed_in()),
    "feeds.feed":             Rule(everyone(), everyone(HIDDEN)),     # the token is the key
    "feeds.subscribe":        Rule(everyone(), everyone(HIDDEN)),
    "home.index":             Rule(signed_in()),
    "plans.index":            Rule(signed_in()),
    "plans.detail":           Rule(signed_in(), signed_in(officer=HIDDEN, author=HIDDEN, leader=HIDDEN)),
    "plans.edit_plan":        Rule(only("author", "admin"), {**only("author", "admin"), "author": HIDDEN}),
    "plans.edit_task":        Rule(only("author", "admin"), {**only("author", "admin"), "author": HIDDEN}),
    "plans.restore":          Rule(only("author", "admin"), {**only("author", "admin"), "author": HIDDEN}),
    "assignments.detail":     Rule(signed_in(), signed_in(officer=HIDDEN, author=HIDDEN, leader=HIDDEN)),
    "assignments.evidence":   Rule(signed_in(), signed_in(officer=HIDDEN, author=HIDDEN, leader=HIDDEN)),
    "assignments.report":     Rule(signed_in(author=HIDDEN, leader=HIDDEN),
                                   signed_in(officer=HIDDEN, author=HIDDEN, leader=HIDDEN)),
    "assignments.extension":  Rule(signed_in(author=HIDDEN, leader=HIDDEN),
                                   signed_in(officer=HIDDEN, author=HIDDEN, leader=HIDDEN)),
    "assignments.send_back":  Rule(signed_in(officer=HIDDEN, leader=HIDDEN),
                                   signed_in(officer=HIDDEN, author=HIDDEN, leader=HIDDEN)),
    "assignments.ask_explanation": Rule(signed_in(officer=HIDDEN),
                                        signed_in(officer=HIDDEN, author=HIDDEN, leader=HIDDEN)),
    # An explanation is the agency's own word: its officers only, not even an administrator.
    "assignments.answer_explanation": Rule(signed_in(author=HIDDEN, leader=HIDDEN, admin=HIDDEN),
                                           everyone(HIDDEN) | {"anonymous": LOGIN}),
    "assignments.withdraw_explanation": Rule(signed_in(officer=HIDDEN),
                                             signed_in(officer=HIDDEN, author=HIDDEN, leader=HIDDEN)),
    "assignments.extensions": Rule(only("author", "admin")),
    "assignments.decide":     Rule(only("author", "admin"), {**only("author", "admin"), "author": HIDDEN}),
    "mywork.index":           Rule(only("officer")),
    "mywork.calendar":        Rule(only("officer")),
    "dashboard.index":        Rule(only("leader", "author", "admin"),
                                   {**only("leader", "author", "admin"), "leader": HIDDEN, "author": HIDDEN}),
    "dashboard.export":       Rule(only("leader", "author", "admin"),
                                   {**only("leader", "author", "admin"), "leader": HIDDEN, "author": HIDDEN}),
    "dashboard.report":       Rule(only("leader", "author", "admin"),
                                   {**only("leader", "author", "admin"), "leader": HIDDEN, "author": HIDDEN}),
    "dashboard.items":        Rule(only("leader", "author", "admin"),
                                   {**only("leader", "author", "admin"), "leader": HIDDEN, "author": HIDDEN}),
    "dashboard.letters":      Rule(only("leader", "author", "admin"),
                                   {**only("leader", "author", "admin"), "leader": HIDDEN, "author": HIDDEN}),
    "imports.new":            Rule(only("author", "admin")),
    "imports.preview":        Rule(only("author", "admin"), {**only("author", "admin"), "author": HIDDEN}),
    "imports.progress":       Rule(only("author", "admin"), {**only("author", "admin"), "author": HIDDEN}),
    "imports.deadline":       Rule(only("author", "admin"), {**only("author", "admin"), "author": HIDDEN}),
    "imports.discard":        Rule(only("author", "admin"), {**only("author", "admin"), "author": HIDDEN}),
    "admin.plan_policy":      Rule(only("author", "admin"), {**only("author", "admin"), "author": HIDDEN}),
    "admin.clear_plan_policy": Rule(only("author", "admin"), {**only("author", "admin"), "author": HIDDEN}),
    "admin.index":            Rule(ADMIN_ONLY),
    "admin.accounts":         Rule(ADMIN_ONLY),
    "admin.new_account":      Rule(ADMIN_ONLY),
    "admin.account_active":   Rule(ADMIN_ONLY),
    "admin.account_password": Rule(ADMIN_ONLY),
    "admin.agencies":         Rule(ADMIN_ONLY),
    "admin.new_agency":       Rule(ADMIN_ONLY),
    "admin.agency":           Rule(ADMIN_ONLY),
    "admin.add_officer":      Rule(ADMIN_ONLY),
    "admin.officer":          Rule(ADMIN_ONLY),
    "admin.officer_active":   Rule(ADMIN_ONLY),
    "admin.calendar":         Rule(ADMIN_ONLY),
    "admin.calendar_set":     Rule(ADMIN_ONLY),
    "admin.calendar_unset":   Rule(ADMIN_ONLY),
    "admin.jobs":             Rule(ADMIN_ONLY),
    "admin.outbox_list":      Rule(ADMIN_ONLY),
    "admin.outbox_message":   Rule(ADMIN_ONLY),
    "admin.outbox_retry":     Rule(ADMIN_ONLY),
    "admin.outbox_retry_failed": Rule(ADMIN_ONLY),
    "admin.policy":           Rule(ADMIN_ONLY),
    "admin.webhooks":         Rule(ADMIN_ONLY),
    "admin.webhook_add":      Rule(ADMIN_ONLY),
    "admin.webhook_active":   Rule(ADMIN_ONLY),
    "admin.webhook_remove":   Rule(ADMIN_ONLY),
    "admin.webhook_redeliver": Rule(ADMIN_ONLY),
    "tokens.index":           Rule(signed_in()),
    "tokens.create":          Rule(signed_in()),
    "tokens.revoke":          Rule(signed_in(), signed_in(officer=HIDDEN, author=HIDDEN, leader=HIDDEN,
                                                          admin=HIDDEN)),   # one's own tokens only
    "api.openapi":            Rule(everyone()),
    "api.me":                 Rule(bearer()),
    "api.plans":              Rule(bearer()),
    "api.plan":               Rule(bearer(), bearer(**NOT_OTHERS)),
    "api.plan_statistics":    Rule(bearer(officer=FORBIDDEN), bearer(**{**NOT_OTHERS, "officer": FORBIDDEN})),
    "api.tasks":              Rule(bearer()),
    "api.task":               Rule(bearer(), bearer(**NOT_OTHERS)),
    "api.assignments":        Rule(bearer()),
    "api.assignment":         Rule(bearer(), bearer(**NOT_OTHERS)),
    "api.report":             Rule(bearer(author=HIDDEN, leader=HIDDEN), bearer(**NOT_OTHERS)),
    "api.extension":          Rule(bearer(author=HIDDEN, leader=HIDDEN), bearer(**NOT_OTHERS)),
    "api.agencies":           Rule(bearer()),
}
# fmt: on


class World:
    """The objects the requests name: own and other, made once per test."""

    def __init__(self, app, session):
        from tracker.accounts import api_tokens
        from tracker.accounts.manage import create_account
        from tracker.config import reporting_calendar
        from tracker.directory.store import load_index
        from tracker.feeds import tokens
        from tracker.plans.evidence import check
        from tracker.plans.extension_requests import request_extension
        from tracker.plans.importer import import_plan
        from tracker.plans.progress import report
        from tracker.reading.plan import read_plan

        path = SEEDS / "cam-xuyen-2020-kiem-soat-tthc-mot-cua.txt"
        import_plan(session, read_plan(path.read_bytes(), path.name, calendar=reporting_calendar(app.config)),
                    load_index(session))
        session.commit()
        stp = session.scalar(select(Agency).where(Agency.name == "Sở Tư pháp tỉnh Sóc Trăng"))
        self.own_plan = session.scalar(select(Plan).where(Plan.title.contains("2017")))
        self.other_plan = session.scalar(select(Plan).where(Plan.id != self.own_plan.id))
        dated = [a for a in session.scalars(select(Assignment).where(Assignment.agency_id == stp.id))
                 if a.deadline.due is not None and not a.occurrences]
        self.own_assignment = dated[0]
        self.other_assignment = next(
            a for a in session.scalars(select(Assignment)) if a.task.plan_id == self.other_plan.id
            and a.deadline.due is not None and not a.occurrences)
        pdf = check("qd.pdf", b"%PDF-1.4\n%%EOF\n", 10 ** 6)
        for _name, assignment in (("own", self.own_assignment), ("other", self.other_assignment)):
            report(session, assignment, "in_progress", "test", evidence=[pdf])
        session.flush()
        self.own_evidence, self.other_evidence = (
            session.scalar(select(Evidence.id).join(StatusChange).where(StatusChange.assignment_id == a.id))
            for a in (self.own_assignment, self.other_assignment))
        self.victim = create_account(session, "nan-nhan@soctrang.example", "Nạn nhân", "officer", None, PASSWORD)
        self.officer_row = session.scalar(select(FocalOfficer).limit(1))
        self.agency = session.scalar(select(Agency).limit(1))
        _row, self.feed_token = tokens.create(session, "officer", "x", target_email=STP_OFFICER)
        session.add(CalendarDay(day=self.own_assignment.deadline.due, working=False, note="nghỉ bù"))
        session.add(OutboxMessage(idempotency_key="matrix", kind="reminder", recipient=STP_OFFICER,
                                  subject="s", body_text="t", body_html="h", message_id="<m@x>", state="failed"))
        session.commit()
        self.message = session.scalar(select(OutboxMessage.id).where(OutboxMessage.idempotency_key == "matrix"))
        self.admin_id = session.scalar(select(Account.id).where(Account.email == EMAILS["admin"]))
        self.author_id = session.scalar(select(Account.id).where(Account.email == EMAILS["author"]))
        self._request_extension = request_extension
        # Each role's API token (the API's requests carry it), and the role being asked (set
        # by the test before it builds a URL: one's own token to revoke).
        self.api_tokens = {role: api_tokens.create(session, self._account(role), "matrix")[1] for role in EMAILS}
        self.others_token = api_tokens.create(session, self.victim, "matrix")[0].id
        session.commit()
        self.role = "officer"

    def _account(self, role: str) -> Account:
        return db.session.scalar(select(Account).where(Account.email == EMAILS[role]))

    def own_token(self) -> int:
        """A fresh token of the role being asked (revoking it leaves the API's token alone)."""
        from tracker.accounts import api_tokens
        row, _token = api_tokens.create(db.session, self._account("officer" if self.role == "anonymous"
                                                                  else self.role), "revoke me")
        db.session.commit()
        return row.id

    def extension(self, assignment: Assignment) -> int:
        """A pending extension request on ``assignment`` (a decision uses one up)."""
        pending = db.session.scalar(select(ExtensionRequest.id).where(
            ExtensionRequest.assignment_id == assignment.id, ExtensionRequest.state == "pending"))
        if pending is not None:
            return pending
        row = self._request_extension(db.session, assignment, None, assignment.deadline.due.replace(year=2030),
                                      "lý do", "test")
        db.session.commit()
        return row.id

    def explanation(self, assignment: Assignment) -> int:
        """An open explanation request on ``assignment`` (an answer or a withdrawal uses one up)."""
        from flask import current_app

        from tracker import clock
        from tracker.plans.explanations import ask, open_request
        from tracker.scheduling.office_calendar import working_calendar
        waiting = open_request(db.session, assignment)
        if waiting is not None:
            return waiting.id
        row = ask(db.session, self._account("admin"), assignment, None, "Vì sao chậm?", today=clock.today(),
                  tz=current_app.config["TRACKER_TIMEZONE"], calendar=working_calendar(db.session))
        db.session.commit()
        return row.id

    def draft(self, account_id: int) -> int:
        text = (SEEDS / "soc-trang-2017-kiem-soat-tthc.txt").read_bytes()
        row = ImportDraft(account_id=account_id, filename="kh.txt", sha256="0" * 64, data=text, choices={})
        db.session.add(row)
        db.session.commit()
        return row.id

    def webhook(self) -> int:
        """A fresh endpoint with a failed delivery (removing one uses it up)."""
        from tracker.webhooks import endpoints
        row = endpoints.add(db.session, "https://bao-cao.example/hook", ["plan.published"], "test")
        db.session.add(WebhookDelivery(endpoint_id=row.id, event="plan.published", idempotency_key=f"m{row.id}",
                                       payload={}, state="failed", last_response="", last_error="500"))
        db.session.commit()
        return row.id

    def failed_delivery(self) -> int:
        return db.session.scalar(select(WebhookDelivery.id).where(WebhookDelivery.endpoint_id == self.webhook()))

    def spent_link(self) -> str:
        token = issue_link(STP_OFFICER, "/my/")
        from tracker.accounts.links import redeem
        redeem(db.session, token)
        db.session.commit()
        return token


# Where each route is asked: own and other, built per request (some requests use up what
# they name: a link, a draft, an extension decision).
def urls(w: World) -> dict[str, tuple[Callable[[], str], Callable[[], str] | None]]:
    own_a, other_a = w.own_assignment.id, w.other_assignment.id
    day = w.own_assignment.deadline.due.isoformat()
    return {
        "static": (lambda: "/static/tracker.css", None),
        "auth.login": (lambda: "/login", None),
        "auth.link": (lambda: f"/login/link/{issue_link(STP_OFFICER, '/my/')}", None),
        "auth.resend": (lambda: f"/login/link/{w.spent_link()}/resend", None),
        "auth.logout": (lambda: "/logout", None),
        "auth.language": (lambda: "/language/vi", None),
        "auth.password": (lambda: "/account/password", None),
        "auth.end_sessions": (lambda: "/account/sessions/end", None),
        "feeds.feed": (lambda: f"/feeds/{w.feed_token}.ics", lambda: "/feeds/khong-phai-ma-that-su-nao-ca.ics"),
        "feeds.subscribe": (lambda: f"/feeds/{w.feed_token}/", lambda: "/feeds/khong-phai-ma-that-su-nao-ca/"),
        "home.index": (lambda: "/", None),
        "plans.index": (lambda: "/plans", None),
        "plans.detail": (lambda: f"/plans/{w.own_plan.id}", lambda: f"/plans/{w.other_plan.id}"),
        "plans.edit_plan": (lambda: f"/plans/{w.own_plan.id}/edit", lambda: f"/plans/{w.other_plan.id}/edit"),
        "plans.edit_task": (lambda: f"/plans/{w.own_plan.id}/tasks/{w.own_assignment.task_id}/edit",
                            lambda: f"/plans/{w.other_plan.id}/tasks/{w.other_assignment.task_id}/edit"),
        "plans.restore": (lambda: f"/plans/{w.own_plan.id}/assignments/{own_a}/restore",
                          lambda: f"/plans/{w.other_plan.id}/assignments/{other_a}/restore"),
        "assignments.detail": (lambda: f"/a/{own_a}", lambda: f"/a/{other_a}"),
        "assignments.evidence": (lambda: f"/evidence/{w.own_evidence}", lambda: f"/evidence/{w.other_evidence}"),
        "assignments.report": (lambda: f"/a/{own_a}/report", lambda: f"/a/{other_a}/report"),
        "assignments.extension": (lambda: f"/a/{own_a}/extension", lambda: f"/a/{other_a}/extension"),
        "assignments.send_back": (lambda: f"/a/{own_a}/return", lambda: f"/a/{other_a}/return"),
        "assignments.ask_explanation": (lambda: f"/a/{own_a}/explanation", lambda: f"/a/{other_a}/explanation"),
        "assignments.answer_explanation": (lambda: f"/explanations/{w.explanation(w.own_assignment)}/answer",
                                           lambda: f"/explanations/{w.explanation(w.other_assignment)}/answer"),
        "assignments.withdraw_explanation": (lambda: f"/explanations/{w.explanation(w.own_assignment)}/withdraw",
                                             lambda: f"/explanations/{w.explanation(w.other_assignment)}/withdraw"),
        "assignments.extensions": (lambda: "/extensions", None),
        "assignments.decide": (lambda: f"/extensions/{w.extension(w.own_assignment)}",
                               lambda: f"/extensions/{w.extension(w.other_assignment)}"),
        "mywork.index": (lambda: "/my/", None),
        "mywork.calendar": (lambda: "/my/calendar", None),
        "dashboard.index": (lambda: "/dashboard/", lambda: f"/dashboard/?plan={w.other_plan.id}"),
        "dashboard.export": (lambda: "/dashboard/export.xlsx",
                             lambda: f"/dashboard/export.xlsx?plan={w.other_plan.id}"),
        "dashboard.report": (lambda: "/dashboard/report.docx",
                             lambda: f"/dashboard/report.docx?plan={w.other_plan.id}"),
        "dashboard.items": (lambda: "/dashboard/items?category=overdue",
                            lambda: f"/dashboard/items?plan={w.other_plan.id}&category=overdue"),
        "dashboard.letters": (lambda: "/dashboard/letters",
                              lambda: f"/dashboard/letters?plan={w.other_plan.id}"),
        "imports.new": (lambda: "/imports/new", None),
        "imports.preview": (lambda: f"/imports/{w.draft(w.author_id)}", lambda: f"/imports/{w.draft(w.admin_id)}"),
        "imports.progress": (lambda: f"/imports/{w.draft(w.author_id)}/progress",
                             lambda: f"/imports/{w.draft(w.admin_id)}/progress"),
        "imports.deadline": (lambda: f"/imports/{w.draft(w.author_id)}/deadline?text=Quý+II",
                             lambda: f"/imports/{w.draft(w.admin_id)}/deadline?text=Quý+II"),
        "imports.discard": (lambda: f"/imports/{w.draft(w.author_id)}/discard",
                            lambda: f"/imports/{w.draft(w.admin_id)}/discard"),
        "admin.plan_policy": (lambda: f"/admin/plans/{w.own_plan.id}/policy",
                              lambda: f"/admin/plans/{w.other_plan.id}/policy"),
        "admin.clear_plan_policy": (lambda: f"/admin/plans/{w.own_plan.id}/policy/clear",
                                    lambda: f"/admin/plans/{w.other_plan.id}/policy/clear"),
        "admin.index": (lambda: "/admin/", None),
        "admin.accounts": (lambda: "/admin/accounts", None),
        "admin.new_account": (lambda: "/admin/accounts/new", None),
        "admin.account_active": (lambda: f"/admin/accounts/{w.victim.id}/active", None),
        "admin.account_password": (lambda: f"/admin/accounts/{w.victim.id}/password", None),
        "admin.agencies": (lambda: "/admin/agencies", None),
        "admin.new_agency": (lambda: "/admin/agencies/new", None),
        "admin.agency": (lambda: f"/admin/agencies/{w.agency.id}", None),
        "admin.add_officer": (lambda: f"/admin/agencies/{w.agency.id}/officers", None),
        "admin.officer": (lambda: f"/admin/officers/{w.officer_row.id}", None),
        "admin.officer_active": (lambda: f"/admin/officers/{w.officer_row.id}/active", None),
        "admin.calendar": (lambda: "/admin/calendar", None),
        "admin.calendar_set": (lambda: "/admin/calendar", None),
        "admin.calendar_unset": (lambda: f"/admin/calendar/{day}/delete", None),
        "admin.jobs": (lambda: "/admin/jobs", None),
        "admin.outbox_list": (lambda: "/admin/outbox", None),
        "admin.outbox_message": (lambda: f"/admin/outbox/{w.message}", None),
        "admin.outbox_retry": (lambda: f"/admin/outbox/{w.message}/retry", None),
        "admin.outbox_retry_failed": (lambda: "/admin/outbox/retry-failed", None),
        "admin.policy": (lambda: "/admin/policy", None),
        "admin.webhooks": (lambda: "/admin/webhooks", None),
        "admin.webhook_add": (lambda: "/admin/webhooks", None),
        "admin.webhook_active": (lambda: f"/admin/webhooks/{w.webhook()}/active", None),
        "admin.webhook_remove": (lambda: f"/admin/webhooks/{w.webhook()}/delete", None),
        "admin.webhook_redeliver": (lambda: f"/admin/webhooks/deliveries/{w.failed_delivery()}/redeliver", None),
        "tokens.index": (lambda: "/account/tokens", None),
        "tokens.create": (lambda: "/account/tokens", None),
        "tokens.revoke": (lambda: f"/account/tokens/{w.own_token()}/revoke",
                          lambda: f"/account/tokens/{w.others_token}/revoke"),
        "api.openapi": (lambda: "/api/openapi.json", None),
        "api.me": (lambda: "/api/v1/me", None),
        "api.plans": (lambda: "/api/v1/plans", None),
        "api.plan": (lambda: f"/api/v1/plans/{w.own_plan.id}", lambda: f"/api/v1/plans/{w.other_plan.id}"),
        "api.plan_statistics": (lambda: f"/api/v1/plans/{w.own_plan.id}/statistics",
                                lambda: f"/api/v1/plans/{w.other_plan.id}/statistics"),
        "api.tasks": (lambda: "/api/v1/tasks", None),
        "api.task": (lambda: f"/api/v1/tasks/{w.own_assignment.task_id}",
                     lambda: f"/api/v1/tasks/{w.other_assignment.task_id}"),
        "api.assignments": (lambda: "/api/v1/assignments", None),
        "api.assignment": (lambda: f"/api/v1/assignments/{own_a}", lambda: f"/api/v1/assignments/{other_a}"),
        "api.report": (lambda: f"/api/v1/assignments/{own_a}/reports",
                       lambda: f"/api/v1/assignments/{other_a}/reports"),
        "api.extension": (lambda: f"/api/v1/assignments/{own_a}/extension-requests",
                          lambda: f"/api/v1/assignments/{other_a}/extension-requests"),
        "api.agencies": (lambda: "/api/v1/agencies", None),
    }


def outcome(response) -> str:
    if response.status_code == 302 and "/login?next=" in response.headers.get("Location", ""):
        return LOGIN
    if response.status_code in (401, 403, 404):
        return str(response.status_code)
    if response.status_code >= 500:
        return f"error {response.status_code}"
    return OK


def test_every_route_has_a_rule(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = sorted(endpoints - MATRIX.keys())
    assert not missing, f"routes without an authorization rule in MATRIX: {missing}"
    assert not sorted(MATRIX.keys() - endpoints), "rules for routes that no longer exist"


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_route_answers_every_role_as_the_matrix_says(app, seeded, people):
    world = World(app, db.session)
    where = urls(world)
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    wrong = []
    for endpoint, rule in MATRIX.items():
        methods = rules[endpoint].methods - {"HEAD", "OPTIONS"}
        method = rule.method or ("GET" if "GET" in methods else "POST")
        own, other = where[endpoint]
        for scope, build, expected in (("own", own, rule.own), ("other", other, rule.other)):
            if expected is None:
                continue
            for role in ROLES:
                client = app.test_client()
                headers = {}
                if endpoint.startswith("api."):
                    if role != "anonymous":
                        headers["Authorization"] = f"Bearer {world.api_tokens[role]}"
                elif role != "anonymous":
                    sign_in(client, EMAILS[role])
                world.role = role
                url = build()
                data = {"csrf_token": csrf_of(client.get("/login"))} if method == "POST" else None
                response = client.open(url, method=method, data=data, headers=headers)
                got = outcome(response)
                response.close()
                if expected[role] != ANY and got != expected[role]:
                    wrong.append(f"{method} {url} ({endpoint}, {scope}) as {role}: "
                                 f"expected {expected[role]}, got {got}")
                db.session.rollback()
    assert not wrong, "\n".join(wrong)
