"""How the pages write what the system made: every stored timestamp through one filter, in
``TRACKER_TIMEZONE`` (``clock.local_time``), and every reader's warning in the page's language."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _

from ..accounts.people import names_of
from ..clock import local_time
from ..extensions import db
from ..mail import kinds
from .forms import day_text
from .i18n import localized
from .labels import step_label

SYSTEM_ACTORS = ("import", "system")      # who made a history entry nobody signed


def warning_text(warning) -> str:
    """A reading warning (a ``ReadingWarning`` or its stored JSON) in the interface language.
    Warnings stored before English was kept with them show in Vietnamese."""
    if isinstance(warning, dict):
        return localized(warning.get("message", ""), warning.get("message_en"))
    return localized(warning.message, getattr(warning, "message_en", None))


def kind_label(kind: str) -> str:
    """A message kind's name in the interface language (``tracker.mail.kinds``)."""
    return kinds.label(kind, str(get_locale() or "vi"))


def people_shown(emails) -> Callable[[str | None], str]:
    """For a page listing who acted: address → "Name (office)", looked up once for all."""
    names = names_of(db.session(), emails)

    def show(email: str | None) -> str:
        if not email:
            return ""
        if email in SYSTEM_ACTORS:
            return _("Hệ thống")
        return names.get(email.strip().lower(), email)
    return show


def install(app: Flask) -> None:
    app.add_template_filter(local_time, "localtime")
    app.add_template_global(local_time, "local_time")
    app.add_template_filter(warning_text, "warning")
    app.add_template_global(step_label, "step_label")
    app.add_template_global(localized, "localized")
    app.add_template_global(kind_label, "kind_label")
    app.add_template_global(day_text, "day_text")
