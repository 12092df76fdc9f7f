"""Stored feeds: what a poll is answered from, and how a stale one is rebuilt.

A feed is current when its body was built at its present generation (no write has changed
it since, see tracker.feeds.changes), for today (items turn overdue at midnight and the
window moves), and with the deployment's present settings. A poll of a current feed, or
of a stale one that has a body, is answered from the stored row at once; a stale feed is
rebuilt off the request path (stale-while-revalidate), by the process that first claims it.
Only a feed's first-ever request builds it synchronously.

The ETag is the body's hash, so a rebuild that gives the same bytes (a write that did not
change this feed after all, a new day with nothing turning overdue) changes nothing a
client sees; Last-Modified is when the bytes last changed.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..models import FeedScope, FeedState, FeedToken
from ..models.base import table_of
from ..models.feed import feed_key
from .events import FeedContext, FeedTarget, build_feed, officer_agencies
from .ical import to_ical

# Bump when the bytes built from the same data change (a stored body must not outlive it).
FEED_LAYOUT = 4                       # 4: no METHOD
CLAIM_FOR = timedelta(minutes=3)     # a claimed rebuild not finished by then is anyone's again
GZIP_LEVEL = 6                       # 2.4 MB → about 5 % of it, in tens of milliseconds


def state_key(target: FeedTarget, fmt: str) -> str:
    return f"{target.feed_key}|{fmt}"


def settings_fingerprint(ctx: FeedContext) -> str:
    """Everything a feed is built with that is not in the database."""
    material = "|".join(str(v) for v in (FEED_LAYOUT, ctx.window.end - ctx.window.start, ctx.window.start - ctx.today,
                                         ctx.base_url, ctx.tz, ",".join(ctx.checkin_periods),
                                         repr(ctx.checkin_calendar)))
    return hashlib.sha256(material.encode()).hexdigest()[:32]


def is_current(state: FeedState | Stored, ctx: FeedContext, fingerprint: str) -> bool:
    return (state.built_generation == state.generation and state.built_day == ctx.today
            and state.built_with == fingerprint)


@dataclass(frozen=True)
class Stored:
    """A stored feed as a poll sees it: everything but the bodies."""

    key: str
    etag: str
    generation: int
    built_generation: int
    built_day: date | None
    built_with: str
    changed_at: datetime


def stored(session: Session, key: str) -> Stored | None:
    """One primary-key lookup, with Core (see tokens.Presented for why)."""
    t = table_of(FeedState).c
    row = session.connection().execute(select(
        t.key, t.etag, t.generation, t.built_generation, t.built_day, t.built_with, t.changed_at)
        .where(t.key == key)).first()
    return Stored(*row) if row is not None and row.etag else None


def _scopes(session: Session, target: FeedTarget) -> set[str]:
    if target.kind == "plan":
        return {f"plan:{target.target_id}"}
    if target.kind == "leadership":
        return {f"issuer:{target.target_id}"}
    if target.kind == "officer":
        email = (target.target_email or "").strip().lower()
        return {f"officer:{email}"} | {f"agency:{a.id}" for a in officer_agencies(session, email)}
    return {f"agency:{target.target_id}"}


@dataclass
class Built:
    body: bytes
    body_gzip: bytes
    etag: str
    scopes: set[str] = field(default_factory=set)


#: how a to-do feed's name differs from the event feed's, so a subscriber to both tells them apart
TODO_NAME = " (việc cần làm)"


def build(session: Session, target: FeedTarget, fmt: str, ctx: FeedContext) -> Built:
    feed = build_feed(session, target, ctx)
    if fmt == "todo":
        feed = replace(feed, name=feed.name + TODO_NAME)
    body = to_ical(feed, fmt)
    return Built(body, gzip.compress(body, GZIP_LEVEL, mtime=0), hashlib.sha256(body).hexdigest()[:40],
                 _scopes(session, target))


def _save(session: Session, state: FeedState, built: Built, generation: int, ctx: FeedContext,
          fingerprint: str, now: datetime) -> None:
    values = dict(built_generation=generation, built_day=ctx.today, built_with=fingerprint, building_since=None)
    if built.etag != state.etag:
        values.update(etag=built.etag, body=built.body, body_gzip=built.body_gzip, changed_at=now)
    table = table_of(FeedState)
    session.execute(update(table).where(table.c.key == state.key).values(**values))
    scopes = table_of(FeedScope)
    session.execute(delete(scopes).where(scopes.c.state_key == state.key))
    session.execute(insert(scopes), [{"scope": s, "state_key": state.key} for s in sorted(built.scopes)])


def first_build(session: Session, target: FeedTarget, fmt: str, ctx: FeedContext, now: datetime) -> FeedState:
    """A feed nobody has asked for before: built now, in the caller's transaction."""
    key = state_key(target, fmt)
    state = session.get(FeedState, key)
    if state is None:
        state = FeedState(key=key, kind=target.kind, target_id=target.target_id, target_email=target.target_email,
                          fmt=fmt, generation=0, built_generation=-1, etag="", changed_at=now)
        try:
            with session.begin_nested():
                session.add(state)
        except IntegrityError:      # two first requests at once: the other one's row will do
            state = session.get(FeedState, key)
            assert state is not None
    generation = state.generation
    _save(session, state, build(session, target, fmt, ctx), generation, ctx, settings_fingerprint(ctx), now)
    session.expire(state)
    return state


def _claim(session: Session, key: str, now: datetime) -> int | None:
    """Take the rebuild of one feed for this process; returns the generation to build, or
    None when another process holds a live claim or nothing is stored under the key."""
    table = table_of(FeedState)
    claimed = session.connection().execute(update(table).where(
        table.c.key == key, or_(table.c.building_since.is_(None), table.c.building_since < now - CLAIM_FOR))
        .values(building_since=now))
    if claimed.rowcount != 1:
        session.rollback()
        return None
    generation = session.scalar(select(table.c.generation).where(table.c.key == key))
    session.commit()           # the claim is seen by the other processes while this one builds
    return generation


def rebuild(session: Session, key: str, ctx: FeedContext, now: datetime) -> bool:
    """Rebuild one stored feed if it is stale and nobody else is at it. Commits."""
    state = session.get(FeedState, key)
    fingerprint = settings_fingerprint(ctx)
    if state is None or is_current(state, ctx, fingerprint):
        session.rollback()
        return False
    generation = _claim(session, key, now)
    if generation is None:
        return False
    try:
        state = session.get(FeedState, key)
        if state is None:
            session.rollback()
            return False
        _save(session, state, build(session, state, state.fmt, ctx), generation, ctx, fingerprint, now)
        session.commit()
    except Exception:
        session.rollback()
        session.execute(update(table_of(FeedState)).where(table_of(FeedState).c.key == key)
                        .values(building_since=None))
        session.commit()
        raise
    return True


def _live_feed_keys(session: Session) -> set[str]:
    rows = session.execute(select(FeedToken.kind, FeedToken.target_id, FeedToken.target_email)
                           .where(FeedToken.revoked_at.is_(None)).distinct())
    return {feed_key(kind, target, email) for kind, target, email in rows}


def stale_keys(session: Session, ctx: FeedContext) -> list[str]:
    table = table_of(FeedState)
    return list(session.scalars(select(table.c.key).where(or_(
        table.c.built_generation != table.c.generation, table.c.built_day.is_(None),
        table.c.built_day != ctx.today, table.c.built_with != settings_fingerprint(ctx)))
        .order_by(table.c.key)))


@dataclass
class RefreshReport:
    rebuilt: int = 0
    dropped: int = 0

    def __str__(self) -> str:
        return f"rebuilt {self.rebuilt} feeds, dropped {self.dropped}"


def refresh_stale(session: Session, ctx: FeedContext, now: datetime) -> RefreshReport:
    """Rebuild every stale stored feed (the scheduler's minute job); forget the stored
    feeds that no live token opens any more."""
    report = RefreshReport()
    keys = stale_keys(session, ctx)
    live = _live_feed_keys(session)
    gone = [k for k in keys if k.rsplit("|", 1)[0] not in live]
    if gone:
        session.execute(delete(table_of(FeedState)).where(table_of(FeedState).c.key.in_(gone)))
        report.dropped = len(gone)
    session.commit()
    for key in keys:
        if key not in gone and rebuild(session, key, ctx, now):
            report.rebuilt += 1
    return report


__all__ = ["Built", "RefreshReport", "build", "first_build", "is_current", "rebuild", "refresh_stale",
           "settings_fingerprint", "stale_keys", "state_key"]
