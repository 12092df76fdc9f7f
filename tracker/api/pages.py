"""Cursor pagination: lists in id order, ``limit`` items a page (at most ``MAX_LIMIT``), and
an opaque cursor for the next page.

The cursor names the last id sent and the filters it was made under, signed with the
secret key: it cannot be forged into another list, and a cursor used with other filters
is refused (400) rather than answering a page of a list nobody asked for. Ids never
repeat and the order never changes, so following the cursors gives every item once, with
no gap, even while items are added (they appear at the end).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import current_app, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from .errors import ApiError

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_SALT = "tracker-api-cursor"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _fingerprint(kind: str, filters: dict) -> str:
    raw = json.dumps([kind, sorted((k, str(v)) for k, v in filters.items() if v is not None)])
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def limit_arg() -> int:
    raw = request.args.get("limit")
    if raw in (None, ""):
        return DEFAULT_LIMIT
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_LIMIT:
        raise ApiError(400, "invalid_parameter", f"“limit” phải là số nguyên từ 1 đến {MAX_LIMIT}.",
                       f"“limit” must be a whole number from 1 to {MAX_LIMIT}.", field="limit")
    return value


@dataclass
class Page:
    kind: str
    filters: dict
    limit: int
    after: int

    @classmethod
    def from_request(cls, kind: str, filters: dict) -> Page:
        """The page asked for: ``limit`` and ``cursor`` (ApiError 400 when either is wrong)."""
        limit = limit_arg()
        raw = request.args.get("cursor")
        after = 0
        if raw:
            try:
                data = _serializer().loads(raw)
            except BadSignature:
                data = None
            if (not isinstance(data, dict) or data.get("k") != kind or not isinstance(data.get("a"), int)):
                raise ApiError(400, "invalid_cursor", "Con trỏ trang (cursor) không hợp lệ.",
                               "The cursor is not valid.", field="cursor")
            if data.get("f") != _fingerprint(kind, filters):
                raise ApiError(400, "invalid_cursor",
                               "Con trỏ trang (cursor) được tạo với bộ lọc khác: hãy giữ nguyên bộ lọc khi sang trang.",
                               "The cursor was made for other filters: keep the filters when paging.",
                               field="cursor")
            after = data["a"]
        return cls(kind, filters, limit, after)

    def cursor(self, last_id: int) -> str:
        return _serializer().dumps({"k": self.kind, "a": last_id, "f": _fingerprint(self.kind, self.filters)})

    def collect(self, batches: Callable[[int, int], Iterable[Any]], keep: Callable[[Any], bool] | None = None,
                ident: Callable[[Any], int] = lambda o: o.id) -> tuple[list, int | None]:
        """Up to ``limit`` items after the cursor: ``batches(after, size)`` gives the next
        rows in id order; ``keep`` filters what SQL could not. Returns the items and the id
        to continue after (None: that was the last page)."""
        found: list = []
        after, size = self.after, max(self.limit + 1, 100 if keep else self.limit + 1)
        for row in _rows(batches, after, size):
            if keep is None or keep(row):
                if len(found) == self.limit:
                    return found, ident(found[-1])
                found.append(row)
        return found, None

    def body(self, data: list, next_after: int | None, endpoint: str, **view_args) -> dict:
        cursor = self.cursor(next_after) if next_after is not None else None
        link = None
        if cursor is not None:
            args: dict[str, object] = {k: v for k, v in request.args.items() if k != "cursor"}
            link = url_for(endpoint, **{**view_args, **args, "cursor": cursor})
        return {"data": data, "next_cursor": cursor, "next": link}


def _rows(batches: Callable[[int, int], Iterable[Any]], after: int, size: int) -> Iterator[Any]:
    while True:
        rows = list(batches(after, size))
        yield from rows
        if len(rows) < size:
            return
        after = rows[-1].id
