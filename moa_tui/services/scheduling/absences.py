"""Absences where people book: who is away and what is closed on a day (the day list
says why a day is empty), what blocked time a booking would land in (the override
question names it), and the booked visits a new block or closed day covers (offered
for rescheduling)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...db.models import Appointment, BlockedTime, Provider, StaffMember
from ..core import get_or_refuse, reader
from ..validate import check_date
from .availability import blocked_between
from .schedule import SCHEDULE_LIMIT, ScheduleRow, listed_appointments, listing, schedule_row


@dataclass(frozen=True)
class Absence:
    id: int
    provider_id: int | None  # None: the whole clinic is closed
    who: str  # the provider's short name, or "" for the clinic
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str

    def label(self, day: dt.date | None = None) -> str:
        """'Closed: Thanksgiving', 'Dr Moonpenny: vacation', with the hours when the
        block covers only part of *day* ('Dr Lee 13:00-15:00: meeting')."""
        when = ""
        if day is not None:
            start = dt.datetime.combine(day, dt.time.min)
            end = start + dt.timedelta(days=1)
            if self.starts_at > start or self.ends_at < end:
                s = max(self.starts_at, start)
                e = min(self.ends_at, end)
                when = f" {s:%H:%M}-{'24:00' if e == end else f'{e:%H:%M}'}"
        return f"{self.who or 'Closed'}{when}: {self.reason}"

    @property
    def span(self) -> str:
        """'Mon 12/21/2026 09:00 - Fri 12/25/2026 24:00' style, for a question."""
        last = self.ends_at
        if last.time() == dt.time.min:
            last -= dt.timedelta(days=1)
            return f"{self.starts_at:%a %m/%d/%Y %H:%M} - {last:%a %m/%d/%Y} 24:00"
        return f"{self.starts_at:%a %m/%d/%Y %H:%M} - {last:%a %m/%d/%Y %H:%M}"

    def sentence(self) -> str:
        """For the override question: 'Dr Moonpenny is away (vacation, ...)'."""
        who = "The clinic is closed" if self.provider_id is None else f"{self.who} is away"
        return f"{who}: {self.reason} ({self.span})."


def _absence(block: BlockedTime, names: dict[int, str]) -> Absence:
    pid = block.provider_id
    return Absence(
        block.id,
        pid,
        names.get(pid, "") if pid else "",
        block.starts_at,
        block.ends_at,
        block.reason,
    )


def _names() -> dict[int, str]:
    return {p.id: p.short_name for p in Provider.select(Provider.id, Provider.short_name)}


@reader("schedule.read")
def day_absences(actor: StaffMember, day: dt.date, provider_id: int | None = None) -> list[Absence]:
    """Blocked time and clinic closures touching *day* (the clinic's first), for every
    active provider or only *provider_id*."""
    start = dt.datetime.combine(check_date("day", day), dt.time.min)
    if provider_id is None:
        ids = [p.id for p in Provider.select(Provider.id).where(Provider.active)]
    else:
        ids = [provider_id]
    names = _names()
    found = [_absence(b, names) for b in blocked_between(ids, start, start + dt.timedelta(days=1))]
    return sorted(found, key=lambda a: (a.provider_id is not None, a.who, a.starts_at, a.id))


@reader("schedule.read")
def absences_during(
    actor: StaffMember, provider_id: int, starts_at: dt.datetime, minutes: int
) -> list[Absence]:
    """The provider's blocked time and the clinic's closures that a visit from
    *starts_at* for *minutes* would land in (empty when it lands in none)."""
    get_or_refuse(Provider, provider_id, "provider")
    check_date("starts_at", starts_at)
    # A visit lasts at most a day here: a length typed wildly long cannot run past 9999.
    end = starts_at + dt.timedelta(minutes=min(max(1, int(minutes)), 24 * 60))
    names = _names()
    return [_absence(b, names) for b in blocked_between([provider_id], starts_at, end)]


@reader("schedule.read")
def booked_during(
    actor: StaffMember, provider_id: int | None, starts_at: dt.datetime, ends_at: dt.datetime
) -> list[ScheduleRow]:
    """Still-booked visits of one provider (or, with none, of the whole clinic) starting
    or running into [starts_at, ends_at): what a block or closed day leaves to reschedule."""
    check_date("starts_at", starts_at)
    check_date("ends_at", ends_at)
    # A visit is at most a working day long: one that began 8 hours earlier may run in.
    query = listed_appointments().where(
        (Appointment.starts_at > starts_at - dt.timedelta(hours=8))
        & (Appointment.starts_at < ends_at)
        & (Appointment.status == "booked")
    )
    if provider_id is not None:
        query = query.where(Appointment.provider == provider_id)
    query = query.order_by(Appointment.starts_at, Provider.full_name, Appointment.id)
    return [
        schedule_row(a)
        for a in listing(query.limit(SCHEDULE_LIMIT))
        if a.starts_at + dt.timedelta(minutes=a.minutes) > starts_at
    ]
