# gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app` (gunicorn also reads this file by
# default when started from this directory).
import sys

from pathlib import Path

from tracker.config import ConfigError, check, check_secret_key, load, secret_key_from_environment

# Refuse to start without a real secret key or with an invalid setting, before any worker
# boots: sessions, sign-in links and the feed links in e-mails are all signed with the key.
try:
    check_secret_key(secret_key_from_environment())
    check(load(str(Path(__file__).resolve().parent / "instance")))
except ConfigError as exc:
    sys.stderr.write(f"tracker: {exc.message_vi}\ntracker: {exc.message_en}\n")
    sys.exit(2)

bind = "127.0.0.1:8000"
# Chosen with `python bench/feeds.py --compare` on 2 cores (docs/calendar.md §Serving at
# scale): sync 2-5, gthread 2x4, 3x4 and 2x8 were within the run-to-run noise of each other
# for polls, 304s and full feeds. gthread keeps keep-alive connections and lets a slow
# request (a large import's preview) hold one thread instead of a whole worker.
workers = 3
worker_class = "gthread"
threads = 4
# Feed URLs and sign-in links carry secret tokens: log them redacted.
logger_class = "tracker.logs.GunicornLogger"
accesslog = "-"
