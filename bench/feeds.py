"""Feed serving benchmark on the peers' dataset: what one officer's 2,000-event feed costs.

Run it with ``python bench/feeds.py`` from the repository root (virtualenv active; needs
``wrk``, and ``nginx`` for the static reference: ``apt-get install wrk nginx-light``).
Options: ``--database URL`` (default: a temporary SQLite file; a PostgreSQL URL is emptied
first), ``--seconds N`` per scenario (default 8), ``--workers N --worker-class sync|gthread
--threads N`` to override the shipped gunicorn settings, ``--compare`` to measure the
candidate configurations side by side (how the shipped one was chosen; ``--candidates``
narrows them).

Setup: the database is migrated and filled with bench/peers.py (1 plan, 5 agencies with
one officer each, 10,000 tasks, due dates over today ± 182 days); one officer feed token
is made for the first officer (2,000 events).

Build: the feed built in-process five times from the stored data (median; ms per build,
µs per event) and its peak Python memory (tracemalloc).

Server: gunicorn with ``gunicorn.conf.py`` (bind overridden to a free loopback port),
serving a dispatcher written to the temp dir: ``/static/feed.ics`` and
``/static/feed.ics.gz`` return the feed's stored bytes from files (``wsgi.file_wrapper``),
everything else goes to ``wsgi:app``: the reference runs in the same processes. nginx
(one worker, ``sendfile on``, ``gzip_static on``) serves the same two files, also on
loopback.

Load: ``wrk`` at 1 and 8 connections (1 and 2 threads), each scenario for ``--seconds``:
  full      GET the feed, no validators            → 200, 2.4 MB
  full gz   the same with Accept-Encoding: gzip     → 200, gzip
  304       If-None-Match: <ETag>                   → 304
  static    the same bytes, same gunicorn           → 200 (and static gz)
  nginx     the same bytes from nginx               → 200 (and nginx gz, nginx 304)
Then "after a change": an officer's status report is written while 8 connections poll
the feed with its old ETag; the bench times the poll right after the report (it must be
answered from the stored body), and how long until the feed serves the new version.

Prints a table and one JSON line. Nothing is asserted about speed.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import io
import json
import os
import platform
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import gunicorn  # noqa: E402
import peers  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402
from tracker.feeds import store, tokens  # noqa: E402
from tracker.feeds.events import FeedContext, build_feed  # noqa: E402
from tracker.feeds.ical import to_ical  # noqa: E402
from tracker.models import Assignment  # noqa: E402
from tracker.plans.progress import report  # noqa: E402

# Kanboard on this machine type (the performance issue): 1,326 events, 19.7 req/s at c=1, 38.4 at c=8.
KANBOARD = {"events": 1326, 1: 19.7, 8: 38.4}
CONNECTIONS = (1, 8)

DISPATCHER = '''"""Bench only: the static reference feed, else the tracker app (same gunicorn)."""
import json, os
from wsgi import app as tracker_app

BODY = os.environ["BENCH_STATIC_FILE"]
with open(BODY + ".headers.json", encoding="utf-8") as f:
    HEADERS = [tuple(h) for h in json.load(f)]

def app(environ, start_response):
    path = environ.get("PATH_INFO")
    if path not in ("/static/feed.ics", "/static/feed.ics.gz"):
        return tracker_app(environ, start_response)
    packed = path.endswith(".gz")
    body = open(BODY + (".gz" if packed else ""), "rb")
    extra = [("Content-Encoding", "gzip")] if packed else []
    start_response("200 OK", HEADERS + extra + [("Content-Length", str(os.fstat(body.fileno()).st_size))])
    return environ["wsgi.file_wrapper"](body)
'''

NGINX = '''daemon off;
user root;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  types {{ text/calendar ics; }}
  client_body_temp_path {tmp}/nginx-body;
  proxy_temp_path {tmp}/nginx-proxy;
  fastcgi_temp_path {tmp}/nginx-fastcgi;
  uwsgi_temp_path {tmp}/nginx-uwsgi;
  scgi_temp_path {tmp}/nginx-scgi;
  server {{
    listen 127.0.0.1:{port};
    root {tmp}/static;
    gzip_static on;
  }}
}}
'''


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} exited with {process.returncode}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status in (200, 304):
                return
        time.sleep(0.2)
    raise SystemExit(f"{what} did not answer within 30 s")


def stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def gunicorn_command(tmp: Path, port: int, args) -> list[str]:
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
               "--no-control-socket", "--pythonpath", str(tmp), "--access-logfile", "/dev/null"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.worker_class:
        command += ["--worker-class", args.worker_class]
    if args.threads:
        command += ["--threads", str(args.threads)]
    return command + ["bench_dispatch:app"]


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def wrk(port: int, path: str, connections: int, seconds: float, headers: dict[str, str]) -> dict:
    command = ["wrk", "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{max(1, round(seconds))}s",
               "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    out = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                         check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {q: float(v) * _UNITS[u] for q, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)}
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50_ms": latency.get("50"), "p99_ms": latency.get("99"),
            "bad": int(bad.group(1)) if bad else 0, "socket_errors": errors.group(1) if errors else ""}


def get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    t0 = time.perf_counter()
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - t0
    conn.close()
    return response.status, dict(response.getheaders()), body, elapsed


def measure_build(app, token: str) -> dict:
    with app.app_context():
        row = tokens.find(db.session, token)
        ctx = FeedContext.from_config(app.config, date.today())
        times, events = [], 0
        for _ in range(5):
            db.session.expire_all()
            t0 = time.perf_counter()
            built = store.build(db.session, row, "event", ctx)
            times.append(time.perf_counter() - t0)
            events = built.body.count(b"BEGIN:VEVENT")
        tracemalloc.start()
        to_ical(build_feed(db.session, row, ctx))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.session.remove()
    median = statistics.median(times)
    return {"events": events, "build_ms": median * 1000, "us_per_event": median * 1e6 / max(1, events),
            "peak_mb": peak / 1e6}


def after_a_change(app, port: int, path: str, etag: str, seconds: float) -> dict:
    """Reports written while 8 connections poll with the old ETag: the poll right after each
    report, and the time until the new version is served."""
    polling = threading.Event()
    load: dict = {}

    def background() -> None:
        load.update(wrk(port, path, 8, seconds, {"If-None-Match": etag, "Accept-Encoding": "gzip"}))
        polling.set()

    thread = threading.Thread(target=background)
    thread.start()
    time.sleep(1)
    first_polls, fresh_after = [], []
    with app.app_context():
        ids = list(db.session.scalars(sa.select(Assignment.id).order_by(Assignment.id).limit(5 * 3)))[::5]
        current = etag
        for n, assignment_id in enumerate(ids):
            if polling.is_set():
                break
            report(db.session, db.session.get(Assignment, assignment_id), "in_progress", "bench", progress=10 + n)
            db.session.commit()
            changed_at = time.perf_counter()
            status, _, _, elapsed = get(port, path, {"If-None-Match": current, "Accept-Encoding": "gzip"})
            first_polls.append(elapsed * 1000)
            while time.perf_counter() - changed_at < 60:
                status, headers, _, _ = get(port, path, {"If-None-Match": current, "Accept-Encoding": "gzip"})
                if status == 200:
                    current = headers["ETag"].replace("-gz", "")
                    fresh_after.append((time.perf_counter() - changed_at) * 1000)
                    break
                time.sleep(0.02)
        db.session.remove()
    thread.join()
    return {"first_poll_ms": first_polls, "fresh_after_ms": fresh_after, "load": load}


def serve(args, tmp: Path, port: int, log) -> subprocess.Popen:
    server = subprocess.Popen(gunicorn_command(tmp, port, args), cwd=ROOT, env=os.environ.copy(),
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    wait_for(port, "/static/feed.ics", server, "gunicorn")
    return server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database")
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--worker-class")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--candidates", help='with --compare: "sync:3:1,gthread:2:8" (class:workers:threads)')
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("bench/feeds.py needs wrk (apt-get install wrk)")
    tmp = Path(tempfile.mkdtemp(prefix="tracker-bench-feeds-"))
    port, nginx_port = free_port(), free_port()
    url = args.database or f"sqlite:///{tmp / 'tracker.sqlite3'}"
    if url.startswith("postgresql"):
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    os.environ["TRACKER_DATABASE_URL"] = url
    os.environ["TRACKER_BASE_URL"] = f"http://127.0.0.1:{port}"
    os.environ.setdefault("TRACKER_SECRET_KEY", secrets.token_urlsafe(32))
    os.environ["BENCH_STATIC_FILE"] = str(tmp / "static" / "feed.ics")
    server = nginx = None
    log = open(tmp / "gunicorn.log", "w")
    try:
        app = create_app()
        with app.app_context():
            with contextlib.redirect_stderr(io.StringIO()):
                upgrade()
            t0 = time.perf_counter()
            ids = peers.seed(db.session, date.today())
            _, token = tokens.create(db.session, "officer", "bench", target_email=ids["officers"][0])
            db.session.commit()
            seeding = time.perf_counter() - t0
            db.session.remove()
        build = measure_build(app, token)
        feed = f"/feeds/{token}.ics"
        with app.app_context():
            reference = app.test_client().get(feed)
            db.session.remove()
        body, etag = reference.data, reference.headers["ETag"]
        (tmp / "static").mkdir()
        (tmp / "static" / "feed.ics").write_bytes(body)
        (tmp / "static" / "feed.ics.gz").write_bytes(gzip.compress(body, store.GZIP_LEVEL, mtime=0))
        (tmp / "static" / "feed.ics.headers.json").write_text(json.dumps(
            [(h, reference.headers[h]) for h in ("Content-Type", "ETag", "Last-Modified", "Cache-Control")]))
        (tmp / "bench_dispatch.py").write_text(DISPATCHER, "utf-8")

        if args.compare:
            return compare(args, tmp, port, feed, etag, log)

        server = serve(args, tmp, port, log)
        status, _, served, _ = get(port, feed)
        if status != 200 or served != body:
            print("FAIL: gunicorn's feed differs from the in-process one", file=sys.stderr)
            return 1
        scenarios = {
            "full": (port, feed, {}),
            "full gz": (port, feed, {"Accept-Encoding": "gzip"}),
            "304": (port, feed, {"If-None-Match": etag}),
            "static": (port, "/static/feed.ics", {}),
            "static gz": (port, "/static/feed.ics.gz", {}),
        }
        if shutil.which("nginx"):
            (tmp / "nginx.conf").write_text(NGINX.format(tmp=tmp, port=nginx_port))
            nginx = subprocess.Popen(["nginx", "-c", str(tmp / "nginx.conf"), "-p", str(tmp)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_for(nginx_port, "/feed.ics", nginx, "nginx")
            _, nginx_headers, _, _ = get(nginx_port, "/feed.ics")
            scenarios.update({"nginx": (nginx_port, "/feed.ics", {}),
                              "nginx gz": (nginx_port, "/feed.ics", {"Accept-Encoding": "gzip"}),
                              "nginx 304": (nginx_port, "/feed.ics", {"If-None-Match": nginx_headers["ETag"]})})
        results = {}
        for name, (p, path, headers) in scenarios.items():
            for c in CONNECTIONS:
                results[f"{name} c={c}"] = wrk(p, path, c, args.seconds, headers)
        change = after_a_change(app, port, feed, etag, max(args.seconds, 6))
        report_results(args, build, results, change, len(body), seeding)
        return 0
    finally:
        stop(server)
        stop(nginx)
        log.close()
        shutil.rmtree(tmp, ignore_errors=True)


def report_results(args, build: dict, results: dict, change: dict, size: int, seeding: float) -> None:
    events = build["events"]
    load = os.getloadavg()
    print(f"feed: {size:,} bytes, {events} VEVENTs (one officer of the peers' dataset, seeded in {seeding:.1f} s)")
    print(f"build: {build['build_ms']:.0f} ms, {build['us_per_event']:.1f} µs per event (median of 5), "
          f"peak {build['peak_mb']:.1f} MB")
    print(f"Python {platform.python_version()}, gunicorn {gunicorn.__version__}, {os.cpu_count()} CPUs, "
          f"load average {load[0]:.2f} {load[1]:.2f}; {args.seconds:.0f} s per scenario\n")
    print(f"{'scenario':<16} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'bad':>5}")
    for name, r in results.items():
        print(f"{name:<16} {r['rps']:>9.1f} {r['p50_ms'] or 0:>8.2f} {r['p99_ms'] or 0:>8.2f} {r['bad']:>5}"
              + (f"  {r['socket_errors']}" if r["socket_errors"] else ""))
    print()
    ratios = {}
    for c in CONNECTIONS:
        kanboard = KANBOARD[c] * KANBOARD["events"]
        for name in ("full", "full gz"):
            ratios[f"{name} c={c} / Kanboard per event"] = results[f"{name} c={c}"]["rps"] * events / kanboard
        ratios[f"304 c={c} / static"] = results[f"304 c={c}"]["rps"] / results[f"static c={c}"]["rps"]
        if f"nginx c={c}" in results:
            ratios[f"304 c={c} / nginx static"] = results[f"304 c={c}"]["rps"] / results[f"nginx c={c}"]["rps"]
            ratios[f"304 c={c} / nginx 304"] = results[f"304 c={c}"]["rps"] / results[f"nginx 304 c={c}"]["rps"]
            ratios[f"full c={c} / nginx"] = results[f"full c={c}"]["rps"] / results[f"nginx c={c}"]["rps"]
            ratios[f"full gz c={c} / nginx gz"] = results[f"full gz c={c}"]["rps"] / results[f"nginx gz c={c}"]["rps"]
    for name, value in ratios.items():
        print(f"{name:<36} ×{value:.2f}")
    print()
    first, fresh = change["first_poll_ms"], change["fresh_after_ms"]
    print(f"after a change, under 8 polling connections ({change['load'].get('rps', 0):.0f} req/s, "
          f"p99 {change['load'].get('p99_ms') or 0:.1f} ms): the poll right after a report took "
          f"{', '.join(f'{v:.1f}' for v in first)} ms; the new version was served "
          f"{', '.join(f'{v:.0f}' for v in fresh)} ms after the report")
    print(json.dumps({"bench": "feeds", "events": events, "bytes": size, "build": build, "results": results,
                      "ratios": ratios, "after_change": change, "load": load}))


def compare(args, tmp: Path, port: int, feed: str, etag: str, log) -> int:
    """The candidate gunicorn configurations for 2 cores, side by side."""
    candidates = [("sync", 2, 1), ("sync", 3, 1), ("sync", 5, 1), ("gthread", 2, 4), ("gthread", 3, 4),
                  ("gthread", 2, 8)]
    if args.candidates:
        candidates = [(c, int(w), int(t)) for c, w, t in (x.split(":") for x in args.candidates.split(","))]
    print(f"{'class':<8} {'workers':>7} {'threads':>7} | {'304 c=1':>8} {'304 c=8':>8} | "
          f"{'gz c=1':>7} {'gz c=8':>7} | {'full c=8':>8}")
    for worker_class, workers, threads in candidates:
        args.worker_class, args.workers, args.threads = worker_class, workers, threads
        server = serve(args, tmp, port, log)
        try:
            row = [wrk(port, feed, 1, args.seconds, {"If-None-Match": etag})["rps"],
                   wrk(port, feed, 8, args.seconds, {"If-None-Match": etag})["rps"],
                   wrk(port, feed, 1, args.seconds, {"Accept-Encoding": "gzip"})["rps"],
                   wrk(port, feed, 8, args.seconds, {"Accept-Encoding": "gzip"})["rps"],
                   wrk(port, feed, 8, args.seconds, {})["rps"]]
        finally:
            stop(server)
        print(f"{worker_class:<8} {workers:>7} {threads:>7} | {row[0]:>8.0f} {row[1]:>8.0f} | "
              f"{row[2]:>7.0f} {row[3]:>7.0f} | {row[4]:>8.0f}", flush=True)
        time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
