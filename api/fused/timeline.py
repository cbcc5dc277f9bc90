"""The visual timeline, laid out in Python so the template only draws (and the JSON twin is
the same data): dates on an axis, one mark per canonical event, a range where sources give
different dates or only a month, with the sources of each alternative.

    view = timeline_view(events, conflicts)      # events from api.fused.events.fused_events
    {% include "_timeline.html" %}                # with `timeline=view` in the context
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.curated.common import Ctx

WIDTH = 960
MARGIN = 24
AXIS_Y = 28
ROW = 34
CHAR = 6.6  # average width of one character of the 12px label font, in px
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _day(iso: str) -> dt.date:
    return dt.date.fromisoformat(iso)


def human_date(iso: str | None) -> str:
    """2017-01-27 -> "27 Jan 2017"; 2016-05 -> "May 2016"; 2016 -> "2016"."""
    if not iso:
        return "undated"
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return parts[0]


def _ticks(start: dt.date, end: dt.date, x: Any) -> list[dict[str, Any]]:
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 36:
        return [{"x": x(dt.date(y, 1, 1)), "label": str(y)} for y in range(start.year + 1, end.year + 1)]
    step = max(1, -(-months // 10))  # at most ~10 ticks
    ticks: list[dict[str, Any]] = []
    y, m = start.year, start.month
    while True:
        m += 1
        if m > 12:
            y, m = y + 1, 1
        day = dt.date(y, m, 1)
        if day > end:
            return ticks
        if (y * 12 + m - 1) % step == 0:
            label = f"{_MONTHS[m - 1]} {y}" if m == 1 or not ticks else _MONTHS[m - 1]
            ticks.append({"x": x(day), "label": label})


def _date_conflicts(conflicts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {c["about"]["iri"]: c for c in conflicts if c.get("property") == "date" and c.get("about_kind") == "event"}


def timeline_view(events: list[dict[str, Any]], conflicts: list[dict[str, Any]], width: int = WIDTH) -> dict[str, Any]:
    """Positions for every dated event (x, x2, lane) and the list of undated ones."""
    dated = [e for e in events if e.get("earliest")]
    undated = [
        {"label": e["label"], "type": e["type"], "href": e.get("href"), "sources": _source_labels(e)}
        for e in events
        if not e.get("earliest")
    ]
    if not dated:
        return {"width": width, "height": AXIS_Y + ROW, "axis_y": AXIS_Y, "ticks": [], "items": [], "undated": undated}
    start = min(_day(e["earliest"]) for e in dated)
    end = max(_day(e["latest"]) for e in dated)
    pad = max(10, (end - start).days // 25)
    start, end = start - dt.timedelta(days=pad), end + dt.timedelta(days=pad)
    days = max(1, (end - start).days)
    plot = width - 2 * MARGIN

    def x(day: dt.date) -> float:
        return round(MARGIN + (day - start).days / days * plot, 1)

    by_date = _date_conflicts(conflicts)
    items = []
    lanes: list[list[tuple[float, float]]] = []  # the x spans taken in each row
    for e in sorted(dated, key=lambda e: (e["earliest"], e["latest"], e["iri"])):
        conflict = by_date.get(e["iri"])
        alternatives = []
        if conflict:
            for v in conflict["values"]:
                if v.get("less_precise") or not isinstance(v["value"], str) or len(v["value"]) != 10:
                    continue
                alternatives.append(
                    {
                        "date": v["value"],
                        "label": human_date(v["value"]),
                        "x": x(_day(v["value"])),
                        "chosen": v["chosen"],
                        "sources": [s["document"]["label"] for s in v["sources"]],
                    }
                )
        # The mark: the span of the disputed days (even when a majority chose one); else the
        # agreed day; else the period the vaguer dates name (a month is a month-wide bar).
        if len(alternatives) > 1:
            x1, x2 = min(a["x"] for a in alternatives), max(a["x"] for a in alternatives)
        elif e.get("date") and len(e["date"]) == 10:
            x1 = x2 = x(_day(e["date"]))
        else:
            x1, x2 = x(_day(e["earliest"])), x(_day(e["latest"]))
        if e.get("date"):
            when = human_date(e["date"])
        else:
            when = (
                " or ".join(a["label"] for a in alternatives)
                or f"{human_date(e['earliest'])} – {human_date(e['latest'])}"
            )
        if conflict:
            when += " (disputed)"
        text = f"{e['type'].replace('-', ' ')}{' (planned)' if e['status'] == 'planned' else ''}: {when}"
        # Under a disputed mark: which source gives which day (short document names).
        note = " · ".join(f"{a['label']}: {', '.join(short_source(s) for s in a['sources'])}" for a in alternatives)
        text_width = 8 + CHAR * max(len(text), 0.85 * len(note))
        # Labels that would run off the right edge are drawn to the left of the mark.
        anchor_end = max(x1, x2) + text_width > width - 4
        taken_x = (x1 - text_width, x2) if anchor_end else (x1, x2 + text_width)
        lane = next(
            (i for i, taken in enumerate(lanes) if all(taken_x[1] + 6 < a or b + 6 < taken_x[0] for a, b in taken)),
            None,
        )
        if lane is None:
            lane = len(lanes)
            lanes.append([])
        lanes[lane].append(taken_x)
        y = AXIS_Y + 22 + lane * ROW
        items.append(
            {
                "iri": e["iri"],
                "href": e.get("href"),
                "type": e["type"],
                "status": e["status"],
                "text": text,
                "note": note,
                "date": e.get("date"),
                "x": x1,
                "x2": x2,
                "range": x2 - x1 >= 2,
                "disputed": conflict is not None,
                "alternatives": alternatives,
                "lane": lane,
                "y": y,
                "label_x": (x1 - 8) if anchor_end else (x2 + 8),
                "label_anchor": "end" if anchor_end else "start",
                "sources": _source_labels(e),
            }
        )
    height = AXIS_Y + 22 + max(1, len(lanes)) * ROW
    return {
        "width": width,
        "height": height,
        "axis_y": AXIS_Y,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "ticks": _ticks(start, end, x),
        "items": items,
        "undated": undated,
    }


def short_source(label: str, limit: int = 14) -> str:
    """A document label short enough to sit under a mark ("000_b516ece47…")."""
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _source_labels(e: dict[str, Any]) -> list[str]:
    return sorted({s["document"]["label"] for s in e.get("sources", [])})


def person_timeline_view(ctx: Ctx, person_iri: str) -> dict[str, Any]:
    """The fused timeline of one person, ready for _timeline.html (pages engineer: include it
    on the person page with `timeline=person_timeline_view(ctx, iri)`)."""
    from api.fused.conflicts import conflicts_for_person
    from api.fused.events import fused_events

    return timeline_view(fused_events(ctx, person=person_iri), conflicts_for_person(ctx, person_iri))
