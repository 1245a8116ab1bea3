"""Recurring visits: weekly, every N weeks or monthly, for a count or until a date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...db.models import Appointment, RecurringSeries, StaffMember
from .. import clock
from ..core import audit, get_or_refuse, writer
from ..errors import Conflict, ServiceError, ValidationError
from ..validate import check_date
from .booking import _book, _load
from .schedule import ScheduleRow, _check_version, _set_status, schedule_row

MAX_OCCURRENCES = 52
RULES = {"weekly": "every N weeks", "monthly": "every N months"}


@dataclass(frozen=True)
class SeriesResult:
    series_id: int
    booked: list[ScheduleRow]
    skipped: list[tuple[dt.datetime, str]]  # (when, why)


def occurrences(
    first: dt.datetime, rule: str, interval: int, count: int | None, until: dt.date | None
) -> list[dt.datetime]:
    """The dates of a series. Monthly on the 31st falls back to the month's last day."""
    out = []
    n = 0
    while len(out) < MAX_OCCURRENCES:
        if rule == "weekly":
            when = first + dt.timedelta(weeks=interval * n)
        else:
            month = first.month - 1 + interval * n
            year, month = first.year + month // 12, month % 12 + 1
            day = first.day
            while True:
                try:
                    when = first.replace(year=year, month=month, day=day)
                    break
                except ValueError:
                    day -= 1
        if (count is not None and len(out) >= count) or (until and when.date() > until):
            break
        out.append(when)
        n += 1
    return out


@writer("schedule.write")
def create_series(
    actor: StaffMember,
    patient_id: int,
    provider_id: int,
    type_id: int,
    first_start: dt.datetime,
    rule: str,
    interval: int = 1,
    count: int | None = None,
    until: dt.date | None = None,
) -> SeriesResult:
    """Book a recurring visit. Occurrences that conflict (taken, closed, outside hours)
    are skipped and reported; the rest are booked in one transaction."""
    if rule not in RULES:
        raise ValidationError.one("rule", "Weekly or monthly.")
    if not isinstance(first_start, dt.datetime):
        raise ValidationError.one("first_start", "Choose the first visit's date and time.")
    check_date("first_start", first_start, label="First visit")
    if until is not None:
        check_date("until", until, label="End date")
    if not 1 <= interval <= 12:
        raise ValidationError.one("interval", "Repeat every 1 to 12 weeks or months.")
    if (count is None) == (until is None):
        raise ValidationError.one("count", "Give either a number of visits or an end date.")
    if count is not None and not 1 <= count <= MAX_OCCURRENCES:
        raise ValidationError.one("count", f"From 1 to {MAX_OCCURRENCES} visits.")
    if until is not None and until < first_start.date():
        raise ValidationError.one("until", "The end date is before the first visit.")
    patient, provider, kind, length, _ = _load(
        patient_id, provider_id, type_id, first_start, None, ""
    )
    series = RecurringSeries.create(
        patient=patient,
        provider=provider,
        appt_type=kind,
        rule=rule,
        interval=interval,
        first_start=first_start,
        count=count,
        until=until,
    )
    booked, skipped = [], []
    for when in occurrences(first_start, rule, interval, count, until):
        try:
            booked.append(
                schedule_row(_book(actor, patient, provider, kind, when, length, "", series))
            )
        except (Conflict, ValidationError) as exc:
            skipped.append((when, str(exc).split(": ", 1)[-1]))
    if not booked:
        raise ServiceError("No visit of the series could be booked: " + skipped[0][1])
    audit(
        actor,
        "series.create",
        patient_id=patient.id,
        entity="recurring_series",
        entity_id=series.id,
        detail=f"{rule} x{interval}: {len(booked)} booked, {len(skipped)} skipped",
    )
    return SeriesResult(series.id, booked, skipped)


@writer("schedule.write")
def cancel_rest_of_series(
    actor: StaffMember, appointment_id: int, version: int, reason: str
) -> list[ScheduleRow]:
    """Cancel this occurrence and every later booked one of its series. (One occurrence
    alone: cancel or reschedule it like any appointment.)"""
    a = get_or_refuse(Appointment, appointment_id, "appointment")
    _check_version(a, version)
    if a.series_id is None:
        raise ServiceError("This appointment is not part of a recurring series.")
    if reason not in ("patient", "clinic"):
        raise ValidationError.one("reason", "Who cancelled: the patient or the clinic?")
    rest = (
        Appointment.select()
        .where(
            (Appointment.series == a.series_id)
            & (Appointment.starts_at >= a.starts_at)
            & (Appointment.status == "booked")
        )
        .order_by(Appointment.starts_at)
    )
    now = clock.now_local().naive
    out = []
    for occurrence in rest:
        late = reason == "patient" and occurrence.starts_at - now < dt.timedelta(hours=24)
        occurrence.cancel_reason = "late" if late else reason
        out.append(_set_status(actor, occurrence, "cancelled", "appointment.cancel"))
    return out
