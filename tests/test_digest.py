"""The weekly leadership digest tells the committee what its dashboard shows."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from tracker.directory.store import load_index
from tracker.jobs import run
from tracker.models import COORDINATE, Assignment, Plan
from tracker.plans.importer import import_plan
from tracker.plans.statistics import Period, agency_statistics
from tracker.reading.plan import read_plan

from .conftest import SEEDS

TZ = "Asia/Ho_Chi_Minh"
PLAN = SEEDS / "soc-trang-2017-kiem-soat-tthc.txt"
LINE = re.compile(r"^- (.+): (\d+) / (\d+) / (\d+) / (\d+) — Tỷ lệ đúng hạn (\S+) · Tỷ lệ hoàn thành (\S+)$", re.M)


def test_the_digest_counts_what_the_dashboard_counts(app, session, directory, smtp_server):
    import_plan(directory, read_plan(PLAN.read_bytes(), PLAN.name), load_index(directory))
    directory.commit()
    plan = session.scalar(select(Plan))
    # The plan names coordinating agencies too: the dashboard counts lead agencies by default.
    assert session.scalar(select(Assignment.id).where(Assignment.role == COORDINATE).limit(1)) is not None
    day = date(2017, 7, 10)
    moment = datetime.combine(day, time(8, 0), ZoneInfo(TZ))
    run("digest", moment)
    run("send", moment)
    digests = [m for _, m in smtp_server[0].messages if m["Subject"].startswith("[Tổng hợp hằng tuần]")]
    assert digests
    body = digests[0].get_body(("plain",)).get_content().replace("\r\n", "\n")
    shown = [(name, int(a), int(b), int(c), int(d), rate, done)
             for name, a, b, c, d, rate, done in LINE.findall(body)]

    table = agency_statistics(session, day, TZ, Period(), [plan.id])
    expected = [(row.name, row.done_on_time, row.done_late, row.pending_on_time, row.overdue,
                 "—" if row.on_time_rate is None else f"{row.on_time_rate:.0%}",
                 "—" if row.completion_rate is None else f"{row.completion_rate:.0%}")
                for row in table.rows if row.agency_id is not None]
    assert shown == expected and sum(r[4] for r in shown) > 0
    assert "tỷ lệ hoàn thành = số hoàn thành, đúng hạn hoặc quá hạn / số đã đến hạn" in body   # each rate defined
