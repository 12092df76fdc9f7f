# gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app`
bind = "127.0.0.1:8000"
workers = 3
# Feed URLs carry secret tokens: log them redacted.
logger_class = "tracker.logs.GunicornLogger"
accesslog = "-"
