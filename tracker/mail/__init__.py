"""Outgoing mail: reminder, overdue, escalation, check-in and digest messages.

``compose`` turns one person's items into one message (text, HTML and an .ics snapshot);
``outbox`` queues and sends what was composed, once.
"""
