"""The official periodic report (Báo cáo định kỳ) as a Word document: the figures of
``tracker.plans.statistics`` for a plan or a committee's plans over a reporting period, laid
out in the Decree 30/2020/NĐ-CP form, in Vietnamese.

* ``periods``: reporting periods ("2017-Q2", "2017-H1" ...) and their data windows, the
  Decree 09/2019 cut-offs by default (``tracker.reading.reporting``);
* ``content``: what the report says (figures, table by agency, the sections pre-filled from
  the data, the overdue appendix), from a session;
* ``document``: that content written as a ``.docx`` (python-docx; no database, no Flask).

The web route (``tracker.web.dashboard``) and ``flask reports build`` (``tracker.cli.reports``)
are thin layers over ``build_report``.
"""

from __future__ import annotations

from .content import ReportContent, ReportRequest, gather
from .document import DOCX, render
from .periods import ReportPeriod, parse_period

__all__ = ["DOCX", "ReportContent", "ReportPeriod", "ReportRequest", "build_report", "gather", "parse_period",
           "render"]


def build_report(session, request: ReportRequest) -> bytes:
    """The report asked for, as the bytes of a ``.docx`` file."""
    return render(gather(session, request))
