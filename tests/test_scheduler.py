"""One scheduler leads per database; the others wait and take over when it goes."""

from __future__ import annotations

import threading

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
