"""The month view: each day's booked count (in all and by provider), the clinic's closed
days and who is away, read in one GROUP BY query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from ...db.models import Appointment, StaffMember
from ..core import reader
from ..errors import ValidationError
from ..validate import DATE_MAX, DATE_MIN
from .availability import blocked_between, covering_reason, provider_hours, working_spans
from .schedule import ACTIVE, DayCounts, ProviderInfo, active_providers


@dataclass(frozen=True)
class MonthDay:
    day: dt.date
    booked: int
    closed: str  # the reason when the clinic is closed all day; else ""
    part_closed: str  # the reason when the clinic is closed part of the working day
    working: bool  # some provider has hours on that weekday
    by_provider: dict[int, int]  # provider id -> booked (those with any)
    away: tuple[int, ...]  # providers whose own blocked time covers their working day
    counts: DayCounts = DayCounts()  # booked is ``booked``; no-shows, cancelled, moved apart
    away_why: tuple[str, ...] = ()  # 'Dr Moonpenny: vacation' for each provider away


@dataclass(frozen=True)
class MonthData:
    year: int
    month: int
    days: list[MonthDay]  # the 1st to the last of the month
    providers: list[ProviderInfo]  # the active providers, for by_provider and away

    @property
    def booked(self) -> int:
        return sum(d.booked for d in self.days)

    @property
    def counts(self) -> DayCounts:
        return sum((d.counts for d in self.days), DayCounts())

    def get(self, day: dt.date) -> MonthDay | None:
        if (day.year, day.month) != (self.year, self.month):
            return None
        return self.days[day.day - 1]


@reader("schedule.read")
def month_overview(actor: StaffMember, year: int, month: int) -> MonthData:
    """Each day of a month with its count of booked appointments (those holding a slot),
    in all and by provider (one GROUP BY query, not a row per appointment); whether the
    clinic is closed, who is away, and whether anyone works that weekday."""
    if not 1 <= month <= 12:
        raise ValidationError.one("month", "A month is 1 to 12.")
    if not DATE_MIN.year <= year <= DATE_MAX.year:
        raise ValidationError.one("year", f"A year is {DATE_MIN.year} to {DATE_MAX.year}.")
    first = dt.date(year, month, 1)
    after = dt.date(year + month // 12, month % 12 + 1, 1)
    start = dt.datetime.combine(first, dt.time.min)
    end = dt.datetime.combine(after, dt.time.min)
    # date(starts_at) is plain SQL in SQLite and PostgreSQL alike.
    day_col = fn.date(Appointment.starts_at)
    counts: dict[dt.date, dict[int, int]] = {}
    statuses: dict[dt.date, list[tuple[str, int]]] = {}
    query = (
        Appointment.select(
            day_col.alias("day"),
            Appointment.provider,
            Appointment.status,
            fn.COUNT(Appointment.id).alias("n"),
        )
        .where((Appointment.starts_at >= start) & (Appointment.starts_at < end))
        .group_by(day_col, Appointment.provider, Appointment.status)
        .tuples()
    )
    for key, provider_id, status, n in query:
        # peewee may hand the key back as text or (through the column's converter) as a
        # datetime at midnight.
        day = dt.date.fromisoformat(str(key)[:10])
        statuses.setdefault(day, []).append((status, n))
        if status in ACTIVE:
            by_provider = counts.setdefault(day, {})
            by_provider[provider_id] = by_provider.get(provider_id, 0) + n
    providers = active_providers()
    provider_ids = [p.id for p in providers]
    names = {p.id: p.short_name for p in providers}
    hours = provider_hours(provider_ids)
    by_weekday: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for (_pid, weekday), blocks in hours.items():
        by_weekday.setdefault(weekday, []).extend(blocks)
    all_blocks = blocked_between(provider_ids, start, end)
    clinic_blocks = [b for b in all_blocks if b.provider_id is None]
    days = []
    for offset in range((after - first).days):
        day = first + dt.timedelta(days=offset)
        day_start = dt.datetime.combine(day, dt.time.min)
        day_end = day_start + dt.timedelta(days=1)
        blocks = [b for b in clinic_blocks if b.starts_at < day_end and b.ends_at > day_start]
        working = by_weekday.get(day.weekday(), [])
        spans = working_spans(day, working) or [(day_start, day_end)]
        closed = covering_reason(spans, blocks) if blocks else ""
        part = ""
        if blocks and not closed:
            touching = [
                b for b in blocks if any(b.starts_at < e and b.ends_at > s for s, e in spans)
            ]
            part = "; ".join(dict.fromkeys(b.reason for b in touching))
        away_reasons = {
            pid: covering_reason(
                working_spans(day, hours[(pid, day.weekday())]),
                [
                    b
                    for b in all_blocks
                    if b.provider_id == pid and b.starts_at < day_end and b.ends_at > day_start
                ],
            )
            for pid in provider_ids
            if (pid, day.weekday()) in hours
        }
        away = tuple(pid for pid, why in away_reasons.items() if why)
        booked = counts.get(day, {})
        days.append(
            MonthDay(
                day,
                sum(booked.values()),
                closed,
                part,
                bool(working),
                dict(booked),
                away,
                DayCounts.of(statuses.get(day, ())),
                tuple(f"{names[pid]}: {away_reasons[pid]}" for pid in away),
            )
        )
    return MonthData(year, month, days, providers)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day *months* later (or earlier), kept inside the month (Jan 31 -> Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
