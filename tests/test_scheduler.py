"""One scheduler leads per database; the others wait and take over when it goes."""

from __future__ import annotations

import threading
from datetime import UTC

from tracker.jobs.scheduler import Leadership, run_forever


def test_only_one_scheduler_leads_and_a_standby_takes_over(app):
    first, second = Leadership(app), Leadership(app)
    assert first.try_acquire()
    assert not second.try_acquire()
    first.release()                      # the leader dies: its lock goes with it
    assert second.try_acquire()
    second.release()


def test_a_standby_scheduler_stops_cleanly_while_waiting(app):
    leader = Leadership(app)
    assert leader.try_acquire()
    stop = threading.Event()
    waiting = threading.Thread(target=run_forever, args=(app,), kwargs={"wait_seconds": 1, "stop": stop})
    waiting.start()
    stop.set()
    waiting.join(timeout=10)
    assert not waiting.is_alive()
    leader.release()


def test_outbox_commands(runner, session, smtp_server):
    from tracker.mail.compose import ComposedMail
    from tracker.mail.outbox import enqueue, idempotency_key
    enqueue(session, ComposedMail(to=None, subject="[Nhắc hạn] x", text="t", html="h", ics=None),
            "reminder", idempotency_key("reminder", None, "2020-01-01", ["a1:before-3"]), [], "Cán bộ A")
    session.commit()
    listed = runner.invoke(args=["outbox", "list", "--state", "failed"])
    assert "(không có địa chỉ) Cán bộ A" in listed.output and "địa chỉ email" in listed.output
    assert runner.invoke(args=["outbox", "retry", "1"]).exit_code == 0
    assert runner.invoke(args=["outbox", "retry", "99"]).exit_code == 2


def test_two_schedulers_on_one_database_send_nothing_twice(app, session, directory, smtp_server):
    """Two scheduler loops against one database: one leads and catches up, the other waits;
    when the leader stops, the other takes over; no message is sent twice."""
    from datetime import datetime

    from sqlalchemy import func, select

    from tracker.directory.store import load_index
    from tracker.models import OutboxMessage, SentStep
    from tracker.plans.importer import import_plan
    from tracker.reading.plan import read_plan

    from .conftest import SEEDS

    plan = SEEDS / "soc-trang-2017-kiem-soat-tthc.txt"
    import_plan(session, read_plan(plan.read_bytes(), plan.name), load_index(session))
    session.commit()
    app.config["TRACKER_NOW"] = datetime(2017, 2, 7, 0, 30, tzinfo=UTC)   # 07:30, Tuesday
    catcher, _ = smtp_server
    stops = [threading.Event(), threading.Event()]
    threads = [threading.Thread(target=run_forever, args=(app,), kwargs={"wait_seconds": 1, "stop": s})
               for s in stops]
    for t in threads:
        t.start()
    deadline = datetime.now().timestamp() + 30
    while not catcher.messages and datetime.now().timestamp() < deadline:
        threading.Event().wait(0.2)
    first = len(catcher.messages)
    assert first > 0
    stops[0].set()                      # one of them stops (leader or standby)
    threads[0].join(timeout=30)
    threading.Event().wait(3)           # the other leads now, or still does, and catches up
    stops[1].set()
    threads[1].join(timeout=30)
    ids = [m["Message-ID"] for _, m in catcher.messages]
    assert len(ids) == len(set(ids))
    steps = session.execute(select(SentStep.item_key, SentStep.step_key)).all()
    assert len(steps) == len(set(steps))
    sent = session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "sent"))
    assert sent == len(ids)


def test_a_leader_that_loses_its_lock_stops_scheduling(app, caplog):
    """PostgreSQL: the leader's connection is killed (a network cut, an administrator, a
    restart): the lock goes with it, a standby takes over, and the old leader notices within
    seconds and stops scheduling instead of planning beside the new one."""
    import logging

    import pytest
    import sqlalchemy as sa

    from tracker.extensions import db
    from tracker.jobs import scheduler as module
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the advisory lock is PostgreSQL's; SQLite's file lock lasts as long as the process")
    module.RECHECK_SECONDS = 1
    caplog.set_level(logging.ERROR, logger="tracker.scheduler")
    stops = [threading.Event(), threading.Event()]
    threads = [threading.Thread(target=run_forever, args=(app,), kwargs={"wait_seconds": 1, "stop": s})
               for s in stops]
    holders = "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid = :k"
    try:
        threads[0].start()
        with db.engine.connect() as conn:
            for _ in range(100):
                first = conn.execute(sa.text(holders), {"k": module.LOCK_KEY}).scalars().all()
                if first:
                    break
                threading.Event().wait(0.1)
            assert len(first) == 1
            threads[1].start()                            # a standby, waiting
            conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": first[0]})
            conn.commit()
            for _ in range(150):
                if any("lost the leadership lock" in r.getMessage() for r in caplog.records):
                    break
                threading.Event().wait(0.1)
            assert any("lost the leadership lock" in r.getMessage() for r in caplog.records)
            now = conn.execute(sa.text(holders), {"k": module.LOCK_KEY}).scalars().all()
            assert len(now) == 1 and now != first            # one leader again, a new connection
    finally:
        module.RECHECK_SECONDS = 5
        for stop in stops:
            stop.set()
        for thread in threads:
            if thread.ident is not None:
                thread.join(timeout=30)
