"""The working-day calendar: public holidays and the office's exceptions."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from ... import clock
from ...extensions import db
from ...scheduling import office_calendar
from . import admin_only, bp
from .forms import WEEKDAYS_VI, ActionForm, CalendarDayForm

YEARS = range(2000, 2101)   # what the page lists; the library covers these years


def _calendar_page(year: int, form: CalendarDayForm, status: int = 200):
    lines = office_calendar.unusual_days(db.session(), year, str(get_locale()))
    return render_template("admin/calendar.html", year=year, lines=lines,
                           form=form, action=ActionForm(formdata=None), weekdays=WEEKDAYS_VI,
                           years=YEARS), status


@bp.get("/calendar")
@admin_only
def calendar():
    year = request.args.get("year", type=int)
    if year not in YEARS:
        year = clock.today().year
    return _calendar_page(year, CalendarDayForm(formdata=None))


@bp.post("/calendar")
@admin_only
def calendar_set():
    form = CalendarDayForm()
    if form.validate_on_submit():
        if form.day.data.year not in YEARS:
            form.day.errors = [*form.day.errors, _("Chọn một ngày từ năm %(a)s đến năm %(b)s.",
                                                   a=YEARS.start, b=YEARS.stop - 1)]
        else:
            row = office_calendar.set_calendar_day(db.session, form.day.data, form.kind.data == "working",
                                            form.note.data)
            db.session.commit()
            flash(_("%(day)s: %(what)s (%(note)s).", day=row.day.strftime("%d/%m/%Y"),
                    what=_("ngày làm việc") if row.working else _("ngày nghỉ"), note=row.note), "success")
            return redirect(url_for(".calendar", year=row.day.year))
    year = form.day.data.year if form.day.data and form.day.data.year in YEARS else clock.today().year
    return _calendar_page(year, form, 422)


@bp.post("/calendar/<day>/delete")
@admin_only
def calendar_unset(day: str):
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if ActionForm().validate_on_submit():
        if office_calendar.unset_calendar_day(db.session(), when):
            db.session.commit()
            flash(_("Đã bỏ ngoại lệ ngày %(day)s.", day=when.strftime("%d/%m/%Y")), "success")
        else:
            flash(_("Không có ngoại lệ ngày %(day)s.", day=when.strftime("%d/%m/%Y")), "error")
    return redirect(url_for(".calendar", year=when.year))
