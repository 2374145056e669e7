"""Deadlines of human review: the hold deadline in working days, the Art. 12(3) month."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

SATURDAY = 5


def add_working_days(day: date, days: int) -> date:
    """Return the ``days``-th working day (Monday to Friday) after ``day``.

    Public holidays are not known to the service and count as working days.
    """
    if days < 0:
        raise ValueError("days must be zero or more")
    current = day
    left = days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < SATURDAY:
            left -= 1
    return current


def one_month_after(day: date) -> date:
    """Return the same day next month, or that month's last day (GDPR Art. 12(3))."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
