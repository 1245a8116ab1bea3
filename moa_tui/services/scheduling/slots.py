"""The slot finder: the next open times that fit an appointment type, from the providers'
hours less their appointments and blocked time."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from ...db.database import db
from ...db.models import Appointment, AppointmentType, Provider, StaffMember
from .. import clock
from ..core import get_or_refuse, reader
from ..validate import check_date, check_limit
from .availability import blocked_between, offering, provider_hours
from .schedule import ACTIVE

SLOT_STEP = 15  # minutes between candidate start times
SEARCH_DAYS = 90


@dataclass(frozen=True)
class Slot:
    provider_id: int
    provider: str
    starts_at: dt.datetime
    minutes: int

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class SlotFilter:
    provider_id: int | None = None  # None: any provider who offers the type
    part_of_day: str = ""  # "", "am", "pm"
    weekdays: str = "0123456"  # acceptable weekdays, Monday = 0
    earliest: dt.date | None = None  # None: from now


def _busy(provider_ids, start: dt.datetime, end: dt.datetime, ignore: int | None = None):
    """(provider id, day) -> sorted [(start, end)] of what holds that provider's time
    that day, between start and end: appointments and blocked time."""
    busy: dict[tuple[int, dt.date], list[tuple[dt.datetime, dt.datetime]]] = {}

    def hold(pid: int, s: dt.datetime, e: dt.datetime) -> None:
        day = s.date()
        while day <= e.date():  # blocked time can span days
            busy.setdefault((pid, day), []).append((s, e))
            day += dt.timedelta(days=1)

    query = Appointment.select(
        Appointment.id, Appointment.provider, Appointment.starts_at, Appointment.minutes
    ).where(
        Appointment.provider.in_(list(provider_ids))
        & (Appointment.starts_at >= start - dt.timedelta(hours=8))
        & (Appointment.starts_at < end)
        & Appointment.status.in_(ACTIVE)
    )
    # Tens of thousands of rows over 90 days: read the raw values (Python's ISO parser
    # is much faster than the ORM's general date parsing).
    for appt_id, pid, starts_at, minutes in db.execute_sql(*query.sql()):
        if appt_id != ignore:
            start_at = _instant(starts_at)
            hold(pid, start_at, start_at + dt.timedelta(minutes=minutes))
    for block in blocked_between(provider_ids, start, end):
        for pid in [block.provider_id] if block.provider_id else provider_ids:
            hold(pid, max(block.starts_at, start), min(block.ends_at, end))
    for intervals in busy.values():
        intervals.sort()
    return busy


def _instant(value) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)


def _slots_on(
    day: dt.date,
    pid: int,
    name: str,
    minutes: int,
    hours,
    busy,
    f: SlotFilter,
    not_before: dt.datetime,
):
    taken = busy.get((pid, day), [])
    starts = [s for s, _e in taken]
    length = dt.timedelta(minutes=minutes)
    for block_start, block_end in hours.get((pid, day.weekday()), ()):
        t = dt.datetime.combine(day, block_start)
        close = dt.datetime.combine(day, block_end)
        lo = 0  # what ends before the candidate start can be skipped from now on
        while t + length <= close:
            end = t + length
            part_ok = not f.part_of_day or (f.part_of_day == "am") == (t.hour < 12)
            while lo < len(taken) and taken[lo][1] <= t:
                lo += 1
            # Only what starts before this slot ends can overlap it.
            hi = bisect.bisect_left(starts, end)
            clash = any(e > t for _s, e in taken[lo:hi])
            if t >= not_before and part_ok and not clash:
                yield Slot(pid, name, t, minutes)
            t += dt.timedelta(minutes=SLOT_STEP)


def open_slots(
    kind: AppointmentType,
    f: SlotFilter,
    limit: int,
    ignore: int | None = None,
    minutes: int | None = None,
) -> list[Slot]:
    """The next *limit* open slots for *kind* that pass the filter, earliest first (inside
    the caller's transaction). Looks up to 90 days ahead, a week at a time."""
    pids = offering(kind)
    if f.provider_id is not None:
        pids = [p for p in pids if p == f.provider_id]
    if not pids:
        return []
    names = {p.id: p.short_name for p in Provider.select().where(Provider.id.in_(pids))}
    hours = provider_hours(pids)
    length = minutes or kind.default_minutes
    now = clock.now_local().naive
    first = max(f.earliest or now.date(), now.date())
    found: list[Slot] = []
    for week in range(0, SEARCH_DAYS, 7):
        start = dt.datetime.combine(first + dt.timedelta(days=week), dt.time.min)
        end = start + dt.timedelta(days=min(7, SEARCH_DAYS - week))
        busy = _busy(pids, start, end, ignore)
        for offset in range((end - start).days):
            day = start.date() + dt.timedelta(days=offset)
            if str(day.weekday()) not in f.weekdays:
                continue
            day_slots = [
                s
                for pid in pids
                for s in _slots_on(day, pid, names[pid], length, hours, busy, f, now)
            ]
            found.extend(sorted(day_slots, key=lambda s: (s.starts_at, s.provider)))
            if len(found) >= limit:
                return found[:limit]
    return found


@reader("schedule.read")
def find_open_slots(
    actor: StaffMember, type_id: int, f: SlotFilter = SlotFilter(), limit: int = 10
) -> list[Slot]:
    """The next open slots that fit an appointment type, with filters (provider, morning
    or afternoon, weekdays, earliest date)."""
    if f.earliest is not None:
        check_date("earliest", f.earliest, label="Earliest")
    kind = get_or_refuse(AppointmentType, type_id, "appointment type")
    return open_slots(kind, f, check_limit(limit))
