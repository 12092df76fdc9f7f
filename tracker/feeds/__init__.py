"""Calendar feeds: secret per-feed tokens, the events each audience sees, iCalendar output."""
