"""Import benchmark: how long a 2,000-row plan takes to read, resolve and import.

Run it with ``make bench`` (or ``python bench/import.py`` from the repository root).

It builds a synthetic plan from the seeds' real rows: the Cẩm Xuyên plan's header, then
two appendices with section rows (I, II, ...) every 25 tasks, the column header repeated
every ~40 rows (page breaks), and task rows (1, 2, ...) cycling through every real task of
the Sóc Trăng and Cẩm Xuyên tables in six-column form, with their sub-rows, owner cells,
merged cells and deadline phrases as written. It then measures, per backend:

- ``read_plan``: decoding and parsing the bytes (header, table, owners, deadlines);
- directory: ``load_index`` and ``index.resolve_plan`` against the sample directories;
- import: ``import_plan`` and the commit, into a freshly migrated database;
- re-import: the same file imported again (unchanged, so it should write nothing);
- the import wizard, as an author meets it: "preview" (``drafts.prepare``: read the stored
  draft and apply the author's decisions), "preview of an amendment" (``prepare`` plus the
  ``dry_run`` that lists what would change, on a database already holding the plan) and
  "publish" (``drafts.publish`` + commit, a new plan);
- the same wizard steps once on a 20,000-row plan (SQLite): the size the web publishes, and
  lists an amendment's changes for, in the background (tracker/plans/publishing.py).

Each timing is the median of 3 runs on a fresh database (time.perf_counter); a separate
run measures the tracemalloc peak of each stage (above its start) and counts the SQL
statements executed (an executemany counts once; on SQLite an INSERT … RETURNING in
parameter order is sent one row at a time, so new rows count one each there). SQLite always
(a temporary file); PostgreSQL too when TRACKER_TEST_DATABASE_URL names a database it may
wipe (the public schema is dropped). Nothing is asserted about speed.
"""

from __future__ import annotations

import contextlib
import gc
import io
import itertools
import os
import platform
import secrets
import sqlite3
import statistics
import sys
import tempfile
import tracemalloc
from collections import Counter
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.cli import reporting_calendar  # noqa: E402
from tracker.directory.loader import import_directory, read_directory_file  # noqa: E402
from tracker.directory.store import load_index  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.models import Assignment, Deadline, Occurrence, Section, Task  # noqa: E402
from tracker.plans.importer import import_plan  # noqa: E402
from tracker.reading.plan import read_plan  # noqa: E402
from tracker.reading.table import COORDINATE, DEADLINE, LEAD, OUTPUT, OWNERS, int_to_roman, read_rows, text_rows  # noqa: E402

SEEDS = ROOT / "seed_plans"
SOURCES = ("soc-trang-2017-kiem-soat-tthc.txt", "cam-xuyen-2020-kiem-soat-tthc-mot-cua.txt")
NAME = "bench-2000-rows.txt"
TARGET_ROWS, TASKS_PER_SECTION, ROWS_PER_PAGE, APPENDICES, REPEATS = 2000, 25, 40, 2, 3
HEADER = "\t".join(("TT", "Nội dung công việc", "Cơ quan chủ trì", "Cơ quan phối hợp",
                    "Dự kiến sản phẩm", "Thời gian thực hiện"))
STAGES = ("read_plan (decode + parse)", "load_index + resolve_plan",
          "import_plan + commit (new)", "re-import unchanged + commit")
WIZARD_STAGES = ("wizard preview (new plan)", "wizard publish + commit (new)",
                 "wizard preview of an amendment")



def seed_patterns() -> tuple[list[tuple[str, list[tuple[str, ...]]]], list[str]]:
    """Every real task of both seed tables as (content, [(lead, coordinate, output, deadline)])
    and their section titles. Rows are taken as the reader reassembles them (page-break
    continuations and split cells joined); five-column owner cells go to the lead column."""
    tasks, titles = [], []
    for name in SOURCES:
        table = read_rows(text_rows((SEEDS / name).read_text("utf-8")))
        titles += [s.title for s in table.sections if s.numbering]
        for raw in table.tasks:
            rows = [(r.cells.get(LEAD) or r.cells.get(OWNERS, ""), r.cells.get(COORDINATE, ""),
                     r.cells.get(OUTPUT, ""), r.cells.get(DEADLINE, "")) for r in raw.rows]
            tasks.append((raw.content, rows))
    return tasks, titles


def build_plan(target_rows: int = TARGET_ROWS) -> tuple[bytes, dict]:
    seed = (SEEDS / SOURCES[1]).read_text("utf-8").split("\n")    # Cẩm Xuyên
    lines = seed[:next(i for i, line in enumerate(seed) if "\t" in line)]  # header + "PHỤ LỤC 1"
    patterns, titles = seed_patterns()
    title_cycle = itertools.cycle(titles)
    stats = Counter(appendices=1)
    since_header = number = section = 0
    lines.append(HEADER)
    for content, rows in itertools.cycle(patterns):
        done = stats["tasks"] + stats["sub_rows"]
        if done >= target_rows:
            break
        rows = rows[:target_rows - done]
        if stats["appendices"] < APPENDICES and done >= target_rows * stats["appendices"] / APPENDICES:
            stats["appendices"] += 1
            section = number = since_header = 0
            lines += ["", f"**PHỤ LỤC {stats['appendices']}**  ",
                      "**NHIỆM VỤ KIỂM SOÁT THỦ TỤC HÀNH CHÍNH NĂM 2020**  ",
                      "*(Kèm theo Kế hoạch số: 181/KH-UBND ngày 31 tháng 01 năm 2020 của UBND huyện)*",
                      "", HEADER]
        elif since_header >= ROWS_PER_PAGE:
            lines += ["", HEADER]          # a page break and the header repeated on the page
            stats["page_headers"] += 1
            since_header = 0
        if number == TASKS_PER_SECTION or not section:
            section, number = section + 1, 0
            stats["sections"] += 1
            lines.append(f"<b>{int_to_roman(section)}</b>\t<b>{next(title_cycle)}</b>\t\t\t\t")
        number += 1
        for i, cells in enumerate(rows):
            lines.append("\t".join((str(number), content) if i == 0 else ("", "")) + "\t"
                         + "\t".join(cells))
        stats["tasks"] += 1
        stats["sub_rows"] += len(rows) - 1
        since_header += len(rows)
    data = "\n".join(lines).encode("utf-8")
    stats["bytes"] = len(data)
    return data, stats



def fresh_app(url: str):
    """An app on a freshly migrated database holding both sample directories."""
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)  # reset exactly as tests/conftest.py does
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"TESTING": True, "SECRET_KEY": secrets.token_urlsafe(32), "SQLALCHEMY_DATABASE_URI": url,
                      "TRACKER_SEED_DIR": str(SEEDS)})
    with app.app_context(), contextlib.redirect_stderr(io.StringIO()):  # Alembic's INFO lines
        upgrade()
        for path in sorted(SEEDS.glob("directory-*.yaml")):
            import_directory(db.session, read_directory_file(path))
        db.session.commit()
        db.session.remove()
    return app


def run(app, data: bytes, stage) -> dict:
    """One pass over the four stages, each inside ``with stage(i):``."""
    calendar = reporting_calendar(app)
    out = {}
    with app.app_context():
        session = db.session
        with stage(0):
            reading = read_plan(data, NAME, calendar=calendar)
        with stage(1):
            index = load_index(session)
            resolution = index.resolve_plan(reading)
        with stage(2):
            result = import_plan(session, reading, index, resolution)
            session.commit()
        out["read"] = (len(reading.tasks), sum(len(t.assignments) for t in reading.tasks))
        out["unresolved"], out["assignments"] = result.unresolved, result.assignments
        out["rows"] = {m.__name__: session.scalar(sa.select(sa.func.count()).select_from(m))
                       for m in (Section, Task, Assignment, Deadline, Occurrence)}
        session.remove()
        # The same file again, read and resolved afresh (not timed), on a cold session.
        again = read_plan(data, NAME, calendar=calendar)
        index = load_index(db.session)
        resolution = index.resolve_plan(again)
        with stage(3):
            result = import_plan(db.session, again, index, resolution)
            db.session.commit()
        out["unchanged"] = result.unchanged
        if db.engine.dialect.name == "postgresql":
            out["version"] = db.session.execute(sa.text("show server_version")).scalar()
        db.session.remove()
        db.engine.dispose()
    return out


def timed(new_url, data: bytes) -> tuple[list[float], dict]:
    """Median seconds per stage over REPEATS fresh databases."""
    samples: list[list[float]] = [[] for _ in STAGES]

    @contextlib.contextmanager
    def stage(i):
        start = perf_counter()
        yield
        samples[i].append(perf_counter() - start)

    for _ in range(REPEATS):
        info = run(fresh_app(new_url()), data, stage)
    return [statistics.median(s) for s in samples], info


def memory(url: str, data: bytes) -> tuple[list[float], list[Counter]]:
    """Peak MiB above each stage's start, and the SQL statements of each stage by verb."""
    app = fresh_app(url)
    peaks = [0.0] * len(STAGES)
    statements = [Counter() for _ in STAGES]
    current: list[int | None] = [None]

    def count(conn, cursor, statement, parameters, context, executemany):
        if current[0] is not None:
            statements[current[0]][statement.split(None, 1)[0].upper()] += 1

    @contextlib.contextmanager
    def stage(i):
        gc.collect()  # garbage left by earlier stages would otherwise offset this one's peak
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        current[0] = i
        yield
        current[0] = None
        peaks[i] = (tracemalloc.get_traced_memory()[1] - base) / 2 ** 20

    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
    tracemalloc.start()
    try:
        run(app, data, stage)
    finally:
        tracemalloc.stop()
    return peaks, statements



def wizard(new_url, data: bytes, repeats: int = REPEATS) -> list[float]:
    """Median seconds of the import wizard's steps over ``repeats`` fresh databases."""
    from tracker.accounts.manage import create_account
    from tracker.models import ImportDraft
    from tracker.plans import drafts
    samples: list[list[float]] = [[] for _ in WIZARD_STAGES]
    for _ in range(repeats):
        app = fresh_app(new_url())
        calendar = reporting_calendar(app)
        with app.app_context():
            account = create_account(db.session, "bench@tracker.example", "Bench", "admin", None,
                                     secrets.token_urlsafe(12))
            draft = ImportDraft(account_id=account.id, filename=NAME, sha256="0" * 64, data=data, choices={})
            db.session.add(draft)
            db.session.commit()
            start = perf_counter()
            drafts.prepare(db.session, draft, calendar)
            samples[0].append(perf_counter() - start)
            start = perf_counter()
            drafts.publish(db.session, draft, calendar, None)
            db.session.commit()
            samples[1].append(perf_counter() - start)
            again = ImportDraft(account_id=account.id, filename=NAME, sha256="0" * 64, data=data, choices={})
            db.session.add(again)
            db.session.commit()
            start = perf_counter()
            preview = drafts.prepare(db.session, again, calendar)
            drafts.dry_run(db.engine, preview, load_index(db.session))
            samples[2].append(perf_counter() - start)
            db.session.remove()
            db.engine.dispose()
    return [statistics.median(s) for s in samples]


LARGE_ROWS = 20000


def large(new_url) -> tuple[dict, list[float]]:
    """One run of the wizard's steps on a 20,000-row plan (the background publish's case)."""
    data, stats = build_plan(LARGE_ROWS)
    return stats, wizard(new_url, data, repeats=1)


def main() -> int:
    data, stats = build_plan()
    rows = stats["tasks"] + stats["sub_rows"]
    print(f"Synthetic plan: {rows} table rows = {stats['tasks']} tasks + {stats['sub_rows']} "
          f"sub-rows; {stats['sections']} sections in {stats['appendices']} appendices, "
          f"{stats['page_headers']} repeated page headers, {stats['bytes'] / 1024:.0f} KiB")
    versions = [f"Python {platform.python_version()}", f"SQLAlchemy {sa.__version__}",
                f"SQLite {sqlite3.sqlite_version}"]
    results, wizard_times = [], []
    with tempfile.TemporaryDirectory() as tmp:
        files = (f"sqlite:///{Path(tmp) / f'bench-{n}.sqlite3'}" for n in itertools.count())
        backends = [("SQLite", lambda: next(files))]
        pg_url = os.environ.get("TRACKER_TEST_DATABASE_URL")
        if pg_url:
            backends.append(("PostgreSQL", lambda: pg_url))
        for label, new_url in backends:
            times, info = timed(new_url, data)
            peaks, statements = memory(new_url(), data)
            results.append((label, times, peaks, statements, info))
            wizard_times.append((label, wizard(new_url, data)))
            if label == "PostgreSQL":
                versions.append(f"PostgreSQL {info['version']}")
        large_stats, large_times = large(lambda: next(files))
    print("Versions: " + ", ".join(versions))
    print(f"Median of {REPEATS} runs, each on a fresh database; peak = tracemalloc peak above "
          "the stage's start, in a separate run.\n")
    print(f"{'backend':<11} {'stage':<30} {'median s':>9} {'rows/s':>9} {'peak MiB':>9}")
    for label, times, peaks, _, _ in results:
        for stage, seconds, peak in zip(STAGES, times, peaks):
            print(f"{label:<11} {stage:<30} {seconds:>9.3f} {rows / seconds:>9,.0f} {peak:>9.1f}")
    for label, times in wizard_times:
        for stage, seconds in zip(WIZARD_STAGES, times):
            print(f"{label:<11} {stage:<30} {seconds:>9.3f} {rows / seconds:>9,.0f} {'':>9}")
    print(f"\nA {LARGE_ROWS:,}-row plan ({large_stats['tasks']} tasks, {large_stats['bytes'] / 2 ** 20:.1f} MiB), "
          "SQLite, one run (the web runs publishing and the amendment's list of changes in the background):")
    for stage, seconds in zip(WIZARD_STAGES, large_times):
        print(f"{'SQLite':<11} {stage:<30} {seconds:>9.3f} {LARGE_ROWS / seconds:>9,.0f}")
    for label, _, _, statements, info in results:
        written = ", ".join(f"{n} {model.lower()}s" for model, n in info["rows"].items())
        print(f"\n{label}: read {info['read'][0]} tasks, {info['read'][1]} table rows; wrote "
              f"{written}; importer counted {info['assignments']} assignments, "
              f"{info['unresolved']} of them without an agency")
        for i in (2, 3):
            print(f"{label}: SQL executions in “{STAGES[i]}”: "
                  + (", ".join(f"{v} {n}" for v, n in statements[i].most_common()) or "none"))
        print(f"{label}: re-import reported unchanged: {info['unchanged']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
