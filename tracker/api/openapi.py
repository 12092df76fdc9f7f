"""The OpenAPI 3.1 document of every route under ``/api/``, built next to the routes and
served at ``/api/openapi.json``. tests/test_api.py validates it (openapi-spec-validator) and
checks that it describes exactly the routes the application has."""

from __future__ import annotations

from flask import current_app, jsonify

from ..models import STATUSES
from ..scheduling.ontime import CATEGORIES
from .blueprint import bp
from .pages import DEFAULT_LIMIT, MAX_LIMIT

VERSION = "1.0.0"


def _nullable(schema: dict) -> dict:
    kind = schema.get("type")
    if isinstance(kind, str):
        nullable = {**schema, "type": [kind, "null"]}
        if "enum" in schema:
            nullable["enum"] = [*schema["enum"], None]
        return nullable
    return {"anyOf": [schema, {"type": "null"}]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
DAY = {"type": "string", "format": "date"}
MOMENT = {"type": "string", "format": "date-time"}
STATUS = {"type": "string", "enum": list(STATUSES)}
CATEGORY = {"type": "string", "enum": list(CATEGORIES)}


def _object(properties: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": properties, "required": required or list(properties)}


AGENCY_REF = _object({"id": INTEGER, "name": STRING})

SCHEMAS = {
    "Error": _object({"error": _object({
        "code": {**STRING, "description": "stable code (invalid_token, not_found, validation_failed, ...)"},
        "message": {**STRING, "description": "in Vietnamese"},
        "message_en": {**STRING, "description": "in English"},
        "field": {**STRING, "description": "the parameter or field at fault, when one is"}},
        ["code", "message", "message_en"])}),
    "AgencyRef": AGENCY_REF,
    "Agency": _object({"id": INTEGER, "name": STRING, "type": STRING, "level": STRING,
                       "parent_id": _nullable(INTEGER), "valid_from": _nullable(DAY), "valid_to": _nullable(DAY),
                       "successor_id": _nullable(INTEGER)}),
    "Plan": _object({
        "id": INTEGER, "number": _nullable(STRING), "kind": STRING, "title": STRING,
        "issuer": _object({"id": _nullable(INTEGER), "name": _nullable(STRING)}),
        "issued_date": _nullable(DAY), "year": INTEGER, "status": STRING, "tracking_from": _nullable(DAY),
        "created_at": MOMENT, "updated_at": MOMENT, "url": STRING, "web_url": STRING,
        "progress": _object({"done": INTEGER, "total": INTEGER, "overdue": INTEGER}),
        "sections": {"type": "array", "items": _object({"appendix": _nullable(STRING), "numbering": STRING,
                                                         "title": STRING})},
        "tasks_url": STRING, "statistics_url": STRING},
        ["id", "number", "kind", "title", "issuer", "issued_date", "year", "status", "url"]),
    "AssignmentSummary": _object({
        "id": INTEGER, "row": INTEGER, "role": {"type": "string", "enum": ["lead", "coordinate"]},
        "agency": _nullable(AGENCY_REF), "owner_text": STRING, "status": STATUS,
        "progress": INTEGER, "due": _nullable(DAY), "category": _nullable(CATEGORY), "days_late": INTEGER,
        "url": STRING}),
    "Task": _object({
        "id": INTEGER, "plan_id": INTEGER, "ref": STRING, "content": STRING,
        "section": _nullable(_object({"numbering": STRING, "title": STRING})), "position": INTEGER,
        "targets": {"type": "array"}, "updated_at": MOMENT,
        "assignments": {"type": "array", "items": _ref("AssignmentSummary")}, "url": STRING, "web_url": STRING}),
    "Occurrence": _object({
        "id": INTEGER, "period": STRING, "label": STRING, "start": DAY, "cutoff": DAY, "due": DAY,
        "original_due": _nullable(DAY), "status": STATUS, "completed_at": _nullable(MOMENT),
        "category": _nullable(CATEGORY), "days_late": INTEGER}),
    "Evidence": _object({"id": INTEGER, "filename": STRING, "content_type": STRING, "size": INTEGER,
                         "sha256": STRING, "uploaded_at": MOMENT, "web_url": STRING}),
    "HistoryEntry": _object({
        "id": INTEGER, "kind": STRING, "occurrence_id": _nullable(INTEGER), "changed_at": MOMENT,
        "changed_by": {**STRING, "description": "the person's name and office, as the pages show them"},
        "from_status": _nullable(STRING), "to_status": STRING, "progress": _nullable(INTEGER), "comment": STRING,
        "comment_en": _nullable(STRING), "evidence": {"type": "array", "items": _ref("Evidence")}}),
    "ExtensionRequest": _object({
        "id": INTEGER, "assignment_id": INTEGER, "occurrence_id": _nullable(INTEGER), "current_due": DAY,
        "requested_due": DAY, "reason": STRING, "requested_by": STRING, "requested_at": MOMENT,
        "state": {"type": "string", "enum": ["pending", "approved", "refused"]},
        "decided_by": _nullable(STRING), "decided_at": _nullable(MOMENT), "decision_comment": STRING}),
    "Assignment": _object({
        "id": INTEGER, "plan_id": INTEGER, "task": _object({"id": INTEGER, "ref": STRING, "content": STRING}),
        "row": INTEGER, "role": STRING, "agency": _nullable(AGENCY_REF), "owner_text": STRING,
        "group_key": _nullable(STRING), "output": STRING, "status": STATUS, "progress": INTEGER,
        "returned": BOOLEAN, "completed_at": _nullable(MOMENT),
        "deadline": _object({"text": STRING, "kind": STRING, "start": _nullable(DAY), "due": _nullable(DAY),
                             "original_due": _nullable(DAY), "periods": {"type": "array", "items": STRING}}),
        "category": _nullable({**CATEGORY, "description": "today's on-time category (the most pressing of its "
                                                          "periods), against the working due date"}),
        "days_late": INTEGER, "occurrences": {"type": "array", "items": _ref("Occurrence")},
        "updated_at": MOMENT, "url": STRING, "web_url": STRING,
        "history": {"type": "array", "items": _ref("HistoryEntry"), "description": "read one only, newest first"},
        "extension_requests": {"type": "array", "items": _ref("ExtensionRequest"), "description": "read one only"}},
        ["id", "plan_id", "task", "row", "role", "agency", "owner_text", "status", "progress", "deadline",
         "category", "occurrences", "url"]),
    "StatisticsRow": _object({
        "agency": _nullable({**AGENCY_REF, "description": "null: owners not resolved to an agency, or the totals"}),
        "done_on_time": INTEGER, "done_late": INTEGER, "pending_on_time": INTEGER, "overdue": INTEGER,
        "total": INTEGER, "fallen_due": INTEGER,
        "on_time_rate": _nullable({"type": "number", "description": "done on time / fallen due"}),
        "extended": INTEGER, "escalations": INTEGER}),
    "Statistics": _object({
        "plan_id": INTEGER, "as_of": DAY, "period": _object({"start": _nullable(DAY), "end": _nullable(DAY)}),
        "include_coordinating": BOOLEAN, "rows": {"type": "array", "items": _ref("StatisticsRow")},
        "totals": _ref("StatisticsRow")}),
    "Me": _object({
        "account": _object({"id": INTEGER, "name": STRING,
                            "role": {"type": "string", "enum": ["admin", "author", "leader", "officer"]},
                            "committee": _nullable(AGENCY_REF), "language": STRING}),
        "token": _object({"id": INTEGER, "name": STRING, "expires_at": MOMENT})}),
}


def _page_of(schema: str) -> dict:
    return _object({"data": {"type": "array", "items": _ref(schema)},
                    "next_cursor": {**_nullable(STRING), "description": "pass as `cursor` for the next page; "
                                                                        "null on the last page"},
                    "next": {**_nullable(STRING), "description": "the next page's URL (same filters)"}})


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _json(description: str, schema: dict, headers: dict | None = None) -> dict:
    answer: dict = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        answer["headers"] = headers
    return answer


RATE_HEADERS = {
    "X-RateLimit-Limit": {"description": "requests a token may make per minute", "schema": INTEGER},
    "X-RateLimit-Remaining": {"description": "requests left in this minute", "schema": INTEGER},
    "X-RateLimit-Reset": {"description": "seconds until the window starts again", "schema": INTEGER},
}
RESPONSES = {
    "BadRequest": _error("A parameter is not valid (code invalid_parameter, invalid_cursor, invalid_json)."),
    "Unauthenticated": {**_error("No token, or a token that is not valid, expired or revoked, or whose account "
                                 "is disabled (codes unauthenticated, invalid_token, token_expired, "
                                 "token_revoked, account_disabled)."),
                        "headers": {"WWW-Authenticate": {"schema": STRING}}},
    "Forbidden": _error("The account's role may not use this (code forbidden)."),
    "NotFound": _error("Nothing with this id, or outside the token's scope (code not_found): the two are not "
                       "told apart."),
    "Unprocessable": _error("The data sent was refused, with the reason (codes validation_failed, too_many_files, "
                            "evidence_rejected, extension_refused); `field` names the field."),
    "TooLarge": _error("The request body is larger than TRACKER_MAX_REQUEST_BYTES (code too_large)."),
    "Unsupported": _error("The body is neither JSON nor a form (code unsupported_media_type)."),
    "RateLimited": {**_error("More requests this minute than TRACKER_API_RATE_LIMIT allows (code rate_limited)."),
                    "headers": {"Retry-After": {"description": "seconds to wait", "schema": INTEGER}}},
}


def _param(name: str, where: str, schema: dict, description: str, required: bool = False) -> dict:
    return {"name": name, "in": where, "required": required or where == "path", "schema": schema,
            "description": description}


def _id(name: str, what: str) -> dict:
    return _param(name, "path", INTEGER, f"the {what}'s id")


PAGING = [_param("limit", "query", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
                 f"items per page (at most {MAX_LIMIT})"),
          _param("cursor", "query", STRING, "the `next_cursor` of the previous page (keep the same filters)")]
FILTERS = [
    _param("plan", "query", INTEGER, "only this plan's"),
    _param("agency", "query", INTEGER, "only assignments of this agency (tasks: with one)"),
    _param("status", "query", STATUS, "only assignments with this status (tasks: with one)"),
    _param("category", "query", CATEGORY, "only assignments with an item (the assignment or one of its reporting "
                                          "periods) in this on-time category today (tasks: with one)"),
    _param("due_from", "query", DAY, "only assignments with an item due on or after this day (tasks: with one)"),
    _param("due_to", "query", DAY, "only assignments with an item due on or before this day (tasks: with one)"),
]

COMMON = {"401": {"$ref": "#/components/responses/Unauthenticated"},
          "429": {"$ref": "#/components/responses/RateLimited"}}


def _operation(operation_id: str, summary: str, ok: dict, parameters: list | None = None,
               errors: tuple[str, ...] = (), body: dict | None = None, status: str = "200",
               description: str | None = None) -> dict:
    codes = {"400": "BadRequest", "403": "Forbidden", "404": "NotFound", "413": "TooLarge",
             "415": "Unsupported", "422": "Unprocessable"}
    responses = {status: ok, **COMMON, **{code: {"$ref": f"#/components/responses/{codes[code]}"} for code in errors}}
    operation: dict = {"operationId": operation_id, "summary": summary, "responses": responses,
                       "tags": [operation_id.split("_")[0]]}
    if description:
        operation["description"] = description
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = body
    return operation


REPORT_FIELDS = {
    "status": {**STATUS, "description": "the new status"},
    "progress": {"type": "integer", "minimum": 0, "maximum": 100, "description": "percentage done"},
    "comment": {"type": "string", "maxLength": 10000},
    "occurrence": {"type": "integer", "description": "the reporting period (required when the assignment has "
                                                     "periods; one of its `occurrences`)"},
}
EXTENSION_FIELDS = {
    "requested_due": {**DAY, "description": "the later due date asked for"},
    "reason": {"type": "string", "maxLength": 10000},
    "occurrence": {"type": "integer", "description": "the reporting period to extend (required when the "
                                                     "assignment has periods)"},
}


def _paths() -> dict:
    created_assignment = {"Location": {"description": "the assignment", "schema": STRING}}
    return {
        "/api/openapi.json": {"get": {
            "operationId": "openapi", "summary": "This document", "security": [], "tags": ["meta"],
            "responses": {"200": {"description": "OpenAPI 3.1",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        "/api/v1/me": {"get": _operation("me", "The token's account and the token",
                                         _json("who is calling", _ref("Me"), RATE_HEADERS))},
        "/api/v1/plans": {"get": _operation(
            "plans_list", "Plans the account may see", _json("a page of plans", _page_of("Plan"), RATE_HEADERS),
            PAGING, ("400",))},
        "/api/v1/plans/{plan_id}": {"get": _operation(
            "plans_read", "One plan, with its sections and progress", _json("the plan", _ref("Plan")),
            [_id("plan_id", "plan")], ("404",))},
        "/api/v1/plans/{plan_id}/statistics": {"get": _operation(
            "plans_statistics", "The dashboard's on-time table by agency for one plan and period",
            _json("the table", _ref("Statistics")),
            [_id("plan_id", "plan"),
             _param("period", "query", {"type": "string", "pattern": "^(year|q[1-4]|m(0[1-9]|1[0-2])|custom|all)$",
                                        "default": "year"}, "the window on the plan's own due dates"),
             _param("year", "query", {"type": "integer", "minimum": 1990, "maximum": 2100},
                    "the year of year, qN and mNN (default: the plan's)"),
             _param("from", "query", DAY, "first day (period=custom)"),
             _param("to", "query", DAY, "last day (period=custom)"),
             _param("as_of", "query", DAY, "judge on this day (default: today)"),
             _param("coordinating", "query", BOOLEAN, "count coordinating agencies too (default: leads only)")],
            ("400", "403", "404"), description="Leaders, authors and administrators (officers: 403).")},
        "/api/v1/tasks": {"get": _operation(
            "tasks_list", "Tasks (plan rows) of the plans the account may see, with their owners",
            _json("a page of tasks", _page_of("Task"), RATE_HEADERS), [*FILTERS, *PAGING], ("400",))},
        "/api/v1/tasks/{task_id}": {"get": _operation(
            "tasks_read", "One task", _json("the task", _ref("Task")), [_id("task_id", "task")], ("404",))},
        "/api/v1/assignments": {"get": _operation(
            "assignments_list", "Assignments the account may see (an officer: their agencies')",
            _json("a page of assignments", _page_of("Assignment"), RATE_HEADERS),
            [*FILTERS, _param("task", "query", INTEGER, "only this task's"), *PAGING], ("400",))},
        "/api/v1/assignments/{assignment_id}": {"get": _operation(
            "assignments_read", "One assignment with its history, evidence and extension requests",
            _json("the assignment", _ref("Assignment")), [_id("assignment_id", "assignment")], ("404",))},
        "/api/v1/assignments/{assignment_id}/reports": {"post": _operation(
            "assignments_report", "Report status and progress, with evidence files",
            _json("recorded", _object({"report": _ref("HistoryEntry"), "assignment": _ref("Assignment")}),
                  created_assignment),
            [_id("assignment_id", "assignment")], ("400", "404", "413", "415", "422"), status="201",
            description=("The assignment's focal officers (and administrators); anyone else gets 404. Evidence: "
                         "at most 5 files (PDF, Word, Excel, OpenDocument, PNG, JPEG), each at most "
                         "TRACKER_MAX_EVIDENCE_BYTES, the type read from the content."),
            body={"required": True, "content": {
                "multipart/form-data": {"schema": _object({
                    **REPORT_FIELDS, "files": {"type": "array", "items": {"type": "string",
                                                                          "contentMediaType":
                                                                              "application/octet-stream"}}},
                    ["status"])},
                "application/json": {"schema": _object(REPORT_FIELDS, ["status"])}}})},
        "/api/v1/assignments/{assignment_id}/extension-requests": {"post": _operation(
            "assignments_extension", "Ask for a later due date (the plan's authors are told by e-mail)",
            _json("asked", _object({"extension_request": _ref("ExtensionRequest")}), created_assignment),
            [_id("assignment_id", "assignment")], ("400", "404", "415", "422"), status="201",
            description="The assignment's focal officers (and administrators); anyone else gets 404.",
            body={"required": True, "content": {
                "application/json": {"schema": _object(EXTENSION_FIELDS, ["requested_due", "reason"])},
                "application/x-www-form-urlencoded": {"schema": _object(EXTENSION_FIELDS,
                                                                        ["requested_due", "reason"])}}})},
        "/api/v1/agencies": {"get": _operation(
            "agencies_list", "The directory as the account uses it (names only, no people)",
            _json("a page of agencies", _page_of("Agency"), RATE_HEADERS), PAGING, ("400",))},
    }


def document(base_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {"title": "tracker API", "version": VERSION,
                 "description": ("Plans, tasks and per-agency assignments with their deadlines; progress "
                                 "reports with evidence; extension requests; the dashboard's statistics. "
                                 "Authenticate with a personal access token (account page → “Mã truy cập "
                                 "API”, or `flask tokens create`): `Authorization: Bearer trk_…`. A token "
                                 "acts with its account's role and scope. Errors: "
                                 "`{\"error\": {\"code\", \"message\" (Vietnamese), \"message_en\"}}`.")},
        "servers": [{"url": base_url.rstrip("/")}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "trk_…",
                                           "description": "a personal access token"}},
            "schemas": SCHEMAS,
            "responses": RESPONSES,
        },
    }


@bp.get("/openapi.json")
def openapi():
    return jsonify(document(current_app.config["TRACKER_BASE_URL"]))
