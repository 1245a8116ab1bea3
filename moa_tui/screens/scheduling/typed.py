"""The lines the scheduling screens say about an appointment (booked, moved, why it
cannot be checked in) and the slot filter's words. What the desk types is read by
services/parsing.py."""

from __future__ import annotations

import datetime as dt

from ...services import clock
from ...services.scheduling.schedule import FLOW, ScheduleRow

PARTS = ("", "am", "pm")
PART_LABELS = {"": "any time", "am": "mornings", "pm": "afternoons"}


def when_text(at: dt.datetime) -> str:
    return f"{at:%a %m/%d/%Y %H:%M}"


def booked_message(row: ScheduleRow, verb: str = "Booked") -> str:
    """One message line (the type is left out when the line would be too long)."""
    text = f"{verb} {row.patient} · {when_text(row.starts_at)} · {row.provider}"
    with_type = f"{text} · {row.appt_type}."
    return with_type if len(with_type) <= 78 else text + "."


def moved_message(row: ScheduleRow) -> str:
    """What taking a slot did to a patient's later visit: 'Moved Smith, Jane from 12/10
    09:00 to 12/02 10:20 · Dr Lee.' (the provider is left out when the line is too long)."""
    text = f"Moved {row.patient} from {row.moved_from:%m/%d %H:%M} to {row.starts_at:%m/%d %H:%M}"
    with_provider = f"{text} · {row.provider}."
    return with_provider if len(with_provider) <= 78 else text + "."


def check_in_refusal(row: ScheduleRow, today: dt.date) -> str | None:
    """Why *row* cannot be checked in, read from the row itself (the check-in writer
    refuses the same, but asking it would take the write lock and write an audit row);
    None when it can."""
    if row.status in FLOW:
        at = f" at {clock.utc_to_local(row.status_at):%H:%M}" if row.status_at else ""
        return f"{row.patient} is already checked in ({row.status_label.lower()}{at})."
    if row.status != "booked":
        return f"This appointment is {row.status_label.lower()}; it cannot be checked in."
    if row.starts_at.date() != today:
        return (
            f"Only today's appointments can be checked in; this one is on {row.starts_at:%m/%d/%Y}."
        )
    return None
