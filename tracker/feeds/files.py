"""Stored feed bodies copied to files, so a full response is sent by the kernel.

A 2.4 MB body read from the database and written by Python cost a worker about 6 ms; the
same bytes from a file go out through ``wsgi.file_wrapper`` (sendfile under gunicorn) at
nearly the speed of a static file. A file is named by the feed and the body's hash (its
ETag), so it can never be served for another version: a new version gets a new name and
the old files of that feed are removed. The database stays the only source: any file may
be deleted at any time (each machine keeps its own directory, ``TRACKER_FEED_CACHE_DIR``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import threading
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import FeedState
from ..models.base import table_of

log = logging.getLogger("tracker.feeds")


def _names(key: str, etag: str, compressed: bool) -> tuple[str, str]:
    stem = hashlib.sha256(key.encode()).hexdigest()[:20]
    suffix = ".ics.gz" if compressed else ".ics"
    return f"{stem}-{etag}{suffix}", f"{stem}-*{suffix}"


def open_body(session: Session, directory: Path, key: str, etag: str, compressed: bool) -> BinaryIO | None:
    """This version of the feed, open for sending: its file, written from the database if
    needed (or, where the directory cannot be written, the stored bytes themselves); None
    when the stored version has moved on meanwhile (the caller reads the feed again)."""
    name, pattern = _names(key, etag, compressed)
    path = directory / name
    with contextlib.suppress(OSError):      # absent, removed for a newer version, or unreadable
        return open(path, "rb")
    t = table_of(FeedState).c
    data = session.connection().execute(
        select(t.body_gzip if compressed else t.body).where(t.key == key, t.etag == etag)).scalar()
    if data is None:
        return None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        partial = directory / f".{name}.{os.getpid()}.{threading.get_ident()}"
        partial.write_bytes(data)
        os.replace(partial, path)            # readers see the whole file or none
        for old in directory.glob(pattern):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError as exc:              # a full or read-only disk slows feeds down, never breaks them
        log.warning("feed files: cannot write %s (%s); sending from the database", directory, exc)
        return io.BytesIO(data)
    return open(path, "rb")


__all__ = ["open_body"]
