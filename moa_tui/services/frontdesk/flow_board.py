"""The flow board: today's patients in the office, how long each has waited in their
current step, and who is in which room."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...db.models import (
    Appointment,
    ClinicSettings,
    Room,
    StaffMember,
)
from .. import clock
from ..core import reader
from ..scheduling.schedule import (
    IN_OFFICE,
    ScheduleRow,
    listed_appointments,
    listing,
    rooms_in_use,
    schedule_row,
)

WAIT_WARN_MINUTES = 15


@dataclass(frozen=True)
class BoardRow:
    row: ScheduleRow
    in_status_minutes: int
    total_minutes: int
    late: bool  # waiting longer than the threshold


@reader("schedule.read")
def rooms(actor: StaffMember) -> list[tuple[str, str]]:
    """(room, who is in it: initials or "") for every active room."""
    used = rooms_in_use()
    return [
        (
            r.name,
            f"{used[r.name].patient.first_name[:1]}.{used[r.name].patient.last_name[:1]}."
            if r.name in used
            else "",
        )
        for r in Room.select().where(Room.active).order_by(Room.name)
    ]


@reader("schedule.read")
def flow_board(actor: StaffMember, warn_minutes: int | None = None) -> list[BoardRow]:
    """Today's patients in the office, longest in their current step first, then those
    who left, with the time in the current step and in the office; a row is late when
    its wait passes *warn_minutes* (default: the clinic's setting, 15)."""
    if warn_minutes is None:
        settings = ClinicSettings.select().first()
        warn_minutes = settings.wait_warn_minutes if settings else WAIT_WARN_MINUTES
    today = dt.datetime.combine(clock.today(), dt.time.min)
    query = listed_appointments().where(
        (Appointment.starts_at >= today)
        & (Appointment.starts_at < today + dt.timedelta(days=1))
        & Appointment.arrived_at.is_null(False)
        & Appointment.status.not_in(["cancelled", "no_show", "booked"])
    )  # one day: never cut at a row count (issue 10)
    now = clock.now_utc()
    rows = []
    for a in listing(query):
        r = schedule_row(a)
        end = r.status_at if r.status == "checked_out" else now
        in_status = (
            int(((now if r.status != "checked_out" else end) - r.status_at).total_seconds() // 60)
            if r.status_at
            else 0
        )
        total = int((end - r.arrived_at).total_seconds() // 60) if r.arrived_at else 0
        waiting = r.status in IN_OFFICE and r.status != "with_provider"
        rows.append(
            BoardRow(r, max(in_status, 0), max(total, 0), waiting and in_status >= warn_minutes)
        )
    active = sorted(
        (b for b in rows if b.row.status in IN_OFFICE), key=lambda b: -b.in_status_minutes
    )
    done = sorted(
        (b for b in rows if b.row.status not in IN_OFFICE),
        key=lambda b: b.row.status_at or now,
        reverse=True,
    )
    return active + done
