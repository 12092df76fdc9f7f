"""Reminders: what each agency is told, when, and by whom it is escalated.

- ``rules``: pure decisions: the reminder policy and the steps it gives an item (before the
  deadline, overdue notices, escalation to the agency head and to the committee, check-ins).
- ``policy``: the policy administrators set, globally and per plan (stored settings).
- ``planner``: the planning jobs: today's steps for every tracked item, one message per
  person and kind, into the outbox (``tracker.mail`` composes and delivers).
- ``explanations``: reminders of explanation requests left unanswered after their due day,
  planned with the overdue notices.

Working days come from ``tracker.scheduling.office_calendar``; the scheduled entry points
are in ``tracker.jobs``.
"""
