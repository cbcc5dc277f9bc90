"""Dates that keep their precision: a year, a year and month, or a full day. Never invent a day."""

from __future__ import annotations

import datetime as dt
import re

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def normalise_iso_date(text: str) -> str | None:
    """Return `text` as YYYY, YYYY-MM or YYYY-MM-DD if it is a real date of that precision."""
    m = _ISO.match(text.strip())
    if not m:
        return None
    year, month, day = m.groups()
    try:
        if day:
            dt.date(int(year), int(month), int(day))
        elif month and not 1 <= int(month) <= 12:
            return None
    except ValueError:
        return None
    return text.strip()


def precision(iso: str) -> str:
    """'day', 'month' or 'year' for an ISO date string made by normalise_iso_date."""
    return {10: "day", 7: "month", 4: "year"}[len(iso)]


def in_same_span(gold: str, predicted: str) -> bool:
    """True when `predicted` lies inside the period `gold` names (2016-05 holds 2016-05-17)."""
    return predicted.startswith(gold)
