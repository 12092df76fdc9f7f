"""Feed serving benchmark: what one ~500-event agency feed costs behind gunicorn.

Run it with ``python bench/feeds.py`` from the repository root (virtualenv active);
``--profile`` also times the stages of one full feed build and prints a cProfile of it
(done anyway when full responses are slower than 20 req/s).

Setup: a temporary SQLite database, migrated (create_app + flask_migrate.upgrade), the
sample directories loaded, and the Sóc Trăng seed plan imported as distinct plans (title
suffixed "(đợt N)", "2017" replaced by the current year so every item lies in the rolling
window or is overdue) until "Sở Tư pháp tỉnh Sóc Trăng"'s agency feed has
≥500 VEVENTs (21 copies, 24 events each); one agency feed token is created for it.

Server: ONE gunicorn (``-c gunicorn.conf.py``, bind overridden to a free loopback port,
2 sync workers, ``--no-control-socket``) serving a small dispatcher module written to the
temp dir: ``/static/feed.ics`` returns the feed's bytes from a file (wsgi.file_wrapper,
same headers as the feed), every other path goes to ``wsgi:app``. The reference thus runs
in the same processes, with the same settings and access log, as the feed.

Load: 8 client threads, each with an http.client connection on 127.0.0.1 (keep-alive is
asked for, but gunicorn's sync worker closes every connection, so latency includes the TCP
connect), each scenario bounded by 3,000 requests or 20 s, after a short warm-up:
  full    GET /feeds/<token>.ics, no validators      -> 200, the whole feed built
  304     the same with If-None-Match: <ETag>        -> 304, version query only
  static  GET /static/feed.ics                       -> 200, the same bytes from a file
Statuses and body sizes are checked on every response. Nothing is asserted about speed.
"""

from __future__ import annotations

import contextlib
import cProfile
import http.client
import io
import json
import os
import platform
import pstats
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import gunicorn  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.directory.loader import import_directory, read_directory_file  # noqa: E402
from tracker.directory.store import load_index  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.feeds import tokens  # noqa: E402
from tracker.feeds.events import build_feed, feed_version  # noqa: E402
from tracker.feeds.ical import to_ical  # noqa: E402
from tracker.models import Agency  # noqa: E402
from tracker.plans.importer import import_plan  # noqa: E402
from tracker.reading.plan import read_plan  # noqa: E402
from tracker.web.feeds import feed_context  # noqa: E402

SEEDS = ROOT / "seed_plans"
PLAN = SEEDS / "soc-trang-2017-kiem-soat-tthc.txt"
TITLE = "**Kiểm soát thủ tục hành chính năm 2017 trên địa bàn tỉnh Sóc Trăng**"
AGENCY = "Sở Tư pháp tỉnh Sóc Trăng"
TARGET_EVENTS, MAX_IMPORTS = 500, 60
THREADS, MAX_REQUESTS, MAX_SECONDS, WARMUP = 8, 3000, 20.0, 16
STATIC_PATH = "/static/feed.ics"
COPIED_HEADERS = ("Content-Type", "Content-Disposition", "ETag", "Last-Modified", "Cache-Control")

DISPATCHER = f'''"""Bench only: the static reference feed, else the tracker app (same gunicorn)."""
import json, os
from wsgi import app as tracker_app

BODY = os.environ["BENCH_STATIC_FILE"]
with open(BODY + ".headers.json", encoding="utf-8") as f:
    HEADERS = [tuple(h) for h in json.load(f)]

def app(environ, start_response):
    if environ.get("PATH_INFO") != {STATIC_PATH!r}:
        return tracker_app(environ, start_response)
    body = open(BODY, "rb")
    start_response("200 OK", HEADERS + [("Content-Length", str(os.fstat(body.fileno()).st_size))])
    return environ["wsgi.file_wrapper"](body)
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def seed(app) -> tuple[str, int]:
    """Directories, then copies of the Sóc Trăng plan until the agency feed is full.
    Returns the feed token and the number of plans imported."""
    year = str(date.today().year)
    text = PLAN.read_text("utf-8")
    assert TITLE in text, "the seed plan's title line changed"
    session = db.session
    for path in sorted(SEEDS.glob("directory-*.yaml")):
        import_directory(session, read_directory_file(path))
    agency = session.scalar(select(Agency).where(Agency.name == AGENCY))
    _, token = tokens.create(session, "agency", "bench", target_id=agency.id)
    session.commit()
    client = app.test_client()
    for n in range(1, MAX_IMPORTS + 1):
        copy = text.replace(TITLE, TITLE[:-2] + f" (đợt {n})**").replace("2017", year)
        import_plan(session, read_plan(copy.encode(), f"bench-{n}.txt"), load_index(session))
        session.commit()
        if n % 5 == 0 or n > 15:   # count the events now and then (a build costs time)
            if client.get(f"/feeds/{token}.ics").data.count(b"BEGIN:VEVENT") >= TARGET_EVENTS:
                return token, n
    raise SystemExit(f"fewer than {TARGET_EVENTS} events after {MAX_IMPORTS} imports")


def start_server(tmp: Path, port: int, log) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
               "--bind", f"127.0.0.1:{port}", "--workers", "2", "--worker-class", "sync",
               "--no-control-socket", "--pythonpath", str(tmp), "bench_dispatch:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=os.environ.copy(), stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}; log in {log.name}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", STATIC_PATH)
            if conn.getresponse().status == 200:
                return server
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 30 s")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()                  # SIGTERM to the master: graceful shutdown
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def load(port: int, path: str, headers: dict, status: int, size: int, limit: int,
         seconds: float) -> dict:
    """``limit`` requests (or ``seconds``) from THREADS keep-alive clients; per-request latency."""
    lock, issued = threading.Lock(), [0]
    latencies: list[float] = []
    errors: list[str] = []
    reconnects = [0]

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, closed = [], 0
        while time.perf_counter() < end:
            with lock:
                if issued[0] >= limit:
                    break
                issued[0] += 1
            t0 = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException) as e:
                errors.append(repr(e))
                conn.close()
                continue
            mine.append(time.perf_counter() - t0)
            closed += response.will_close           # http.client reopens on the next request
            if response.status != status or len(body) != size:
                errors.append(f"status {response.status}, {len(body)} bytes")
        conn.close()
        with lock:
            latencies.extend(mine)
            reconnects[0] += closed

    start = time.perf_counter()
    end = start + seconds
    threads = [threading.Thread(target=client) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()

    def pick(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000
    return {"requests": len(latencies), "rps": len(latencies) / elapsed, "p50": pick(0.50),
            "p99": pick(0.99), "errors": errors, "closed": reconnects[0], "seconds": elapsed}


def profile(app, token: str) -> None:
    """One full build of the feed: its stages timed plainly, then the view under cProfile."""
    with app.test_request_context():
        row, ctx = tokens.find(db.session, token), feed_context()
        t0 = time.perf_counter()
        feed_version(db.session, row, ctx, "event")
        t1 = time.perf_counter()
        built = build_feed(db.session, row, ctx)
        t2 = time.perf_counter()
        to_ical(built)
        t3 = time.perf_counter()
    print(f"\none full build, in-process: feed_version {(t1 - t0) * 1000:.1f} ms, "
          f"build_feed {(t2 - t1) * 1000:.1f} ms, to_ical {(t3 - t2) * 1000:.1f} ms")
    profiler = cProfile.Profile()
    profiler.runcall(app.test_client().get, f"/feeds/{token}.ics")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    skip_flask = r"^(?!(test|testing|app)\.py:)"
    stats.sort_stats("cumulative").print_stats(skip_flask, 14)
    stats.sort_stats("tottime").print_stats(10)
    print("cProfile of one full feed request (in-process; the profiler inflates per-call costs):")
    print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="tracker-bench-feeds-"))
    port = free_port()
    os.environ["TRACKER_DATABASE_URL"] = f"sqlite:///{tmp / 'tracker.sqlite3'}"
    os.environ["TRACKER_BASE_URL"] = f"http://127.0.0.1:{port}"
    os.environ.setdefault("TRACKER_SECRET_KEY", secrets.token_urlsafe(32))   # gunicorn needs one too
    os.environ["BENCH_STATIC_FILE"] = str(tmp / "feed.ics")
    server, log = None, open(tmp / "gunicorn.log", "w")
    try:
        app = create_app()
        with app.app_context():
            with contextlib.redirect_stderr(io.StringIO()):     # Alembic's INFO lines
                upgrade()
            t0 = time.perf_counter()
            token, plans = seed(app)
            seeding = time.perf_counter() - t0
            reference = app.test_client().get(f"/feeds/{token}.ics")
            body = reference.data
            (tmp / "feed.ics").write_bytes(body)
            (tmp / "feed.ics.headers.json").write_text(json.dumps(
                [(h, reference.headers[h]) for h in COPIED_HEADERS]), "utf-8")
            (tmp / "bench_dispatch.py").write_text(DISPATCHER, "utf-8")
            etag = reference.headers["ETag"]
            db.session.remove()

            server = start_server(tmp, port, log)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", f"/feeds/{token}.ics")
            served = conn.getresponse().read()
            conn.close()
            if served != body:
                print("FAIL: gunicorn's feed differs from the reference file", file=sys.stderr)
                return 1

            feed = f"/feeds/{token}.ics"
            scenarios = {"full": (feed, {}, 200, len(body)),
                         "304": (feed, {"If-None-Match": etag}, 304, 0),
                         "static": (STATIC_PATH, {}, 200, len(body))}
            results = {}
            for name, (path, headers, status, size) in scenarios.items():
                load(port, path, headers, status, size, WARMUP, MAX_SECONDS)
                results[name] = load(port, path, headers, status, size, MAX_REQUESTS, MAX_SECONDS)

            events = body.count(b"BEGIN:VEVENT")
            print(f"feed: {len(body):,} bytes, {events} VEVENTs ({AGENCY}, {plans} plans, "
                  f"seeded in {seeding:.1f} s)")
            print(f"Python {platform.python_version()}, gunicorn {gunicorn.__version__}, "
                  f"{os.cpu_count()} CPUs; 2 sync workers, {THREADS} client threads, "
                  f"≤{MAX_REQUESTS} requests or {MAX_SECONDS:.0f} s per scenario\n")
            print(f"{'scenario':<8} {'requests':>8} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9}"
                  f" {'errors':>6} {'conn closed':>11}")
            for name, r in results.items():
                print(f"{name:<8} {r['requests']:>8} {r['rps']:>9.1f} {r['p50']:>9.2f} "
                      f"{r['p99']:>9.2f} {len(r['errors']):>6} {r['closed']:>11}")
            static = results["static"]
            print()
            for name in ("full", "304"):
                r = results[name]
                print(f"{name + '/static':<12} rps ×{r['rps'] / static['rps']:.3f}   "
                      f"p50 ×{r['p50'] / static['p50']:.1f}")
            failed = [(n, r["errors"][:3]) for n, r in results.items() if r["errors"]]
            for name, sample in failed:
                print(f"FAIL {name}: {sample}", file=sys.stderr)
            if "--profile" in sys.argv or results["full"]["rps"] < 20:
                profile(app, token)
            return 1 if failed else 0
    finally:
        if server is not None:
            stop_server(server)
        log.close()
        with contextlib.suppress(Exception):
            db.session.remove()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
