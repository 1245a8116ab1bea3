"""The "unbilled visits" worklist: visits checked out with no claim yet."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Tuple, fn

from ...db.models import Appointment, AppointmentType, Claim, Patient, Provider, StaffMember
from ..core import reader
from ..validate import check_limit


@dataclass(frozen=True)
class UnbilledVisit:
    appointment_id: int
    patient_id: int
    patient: str
    provider: str
    starts_at: dt.datetime  # clinic local
    visit_type: str


@dataclass(frozen=True)
class UnbilledPage:
    rows: list[UnbilledVisit]
    next_after: tuple | None


def _unbilled_query():
    billed = Claim.select(Claim.id).where(Claim.appointment == Appointment.id)
    return (
        Appointment.select(Appointment, Patient, Provider, AppointmentType)
        .join_from(Appointment, Patient)
        .join_from(Appointment, Provider)
        .join_from(Appointment, AppointmentType)
        .where((Appointment.status == "checked_out") & ~fn.EXISTS(billed))
    )


@reader("claims.read")
def unbilled_visits(
    actor: StaffMember, after: tuple | None = None, limit: int = 100
) -> UnbilledPage:
    """Visits checked out with no claim yet, newest first, a keyset page at a time (a
    row-value keyset, and the visit type joined: no query per row)."""
    check_limit(limit)
    query = _unbilled_query()
    if after:
        starts, appt_id = after
        query = query.where(Tuple(Appointment.starts_at, Appointment.id) < Tuple(starts, appt_id))
    found = list(
        query.order_by(Appointment.starts_at.desc(), Appointment.id.desc()).limit(limit + 1)
    )
    rows = [
        UnbilledVisit(
            a.id,
            a.patient_id,
            f"{a.patient.last_name}, {a.patient.first_name}",
            a.provider.short_name,
            a.starts_at,
            a.appt_type.name,
        )
        for a in found[:limit]
    ]
    more = len(found) > limit
    return UnbilledPage(rows, (rows[-1].starts_at, rows[-1].appointment_id) if more else None)


@reader("claims.read")
def unbilled_count(actor: StaffMember) -> int:
    return _unbilled_query().count()


def unbilled_before(start: dt.datetime) -> int:
    """How many visits checked out before *start* (clinic local) have no claim yet: the
    month-end checklist's count (services/books/month_end.py)."""
    return _unbilled_query().where(Appointment.starts_at < start).count()
