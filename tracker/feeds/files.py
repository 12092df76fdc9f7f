"""Stored feed bodies copied to files, so a full response is sent by the kernel.

A 2.4 MB body read from the database and written by Python cost a worker about 6 ms; the
same bytes from a file go out through ``wsgi.file_wrapper`` (sendfile under gunicorn) at
nearly the speed of a static file. A file is named by the feed and the body's hash (its
ETag), so it can never be served for another version: a new version gets a new name and
the old files of that feed are removed. The database stays the only source: any file may
be deleted at any time (each machine keeps its own directory, ``TRACKER_FEED_CACHE_DIR``).
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import FeedState


def _names(key: str, etag: str, compressed: bool) -> tuple[str, str]:
    stem = hashlib.sha256(key.encode()).hexdigest()[:20]
    suffix = ".ics.gz" if compressed else ".ics"
    return f"{stem}-{etag}{suffix}", f"{stem}-*{suffix}"


def body_file(session: Session, directory: Path, key: str, etag: str, compressed: bool) -> Path | None:
    """The file holding this version of the feed, written from the database if needed;
    None when the stored version has moved on meanwhile (the caller polls again)."""
    name, pattern = _names(key, etag, compressed)
    path = directory / name
    if path.exists():
        return path
    t = FeedState.__table__.c
    data = session.connection().execute(
        select(t.body_gzip if compressed else t.body).where(t.key == key, t.etag == etag)).scalar()
    if data is None:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    partial = directory / f".{name}.{os.getpid()}.{threading.get_ident()}"
    partial.write_bytes(data)
    os.replace(partial, path)            # readers see the whole file or none
    for old in directory.glob(pattern):
        if old != path:
            old.unlink(missing_ok=True)
    return path


__all__ = ["body_file"]
