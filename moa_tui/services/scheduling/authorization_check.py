"""The booking flow's question before it books (issue 12 item 6): does this visit need the
payer's authorization, and is there one with a visit left? A warning the desk reads and
books anyway or not; the booking itself never refuses for it (the payer, not the desk,
decides whether to pay)."""

from __future__ import annotations

import datetime as dt

from ...db.models import AppointmentType, Patient, StaffMember
from ..core import get_or_refuse, reader
from ..errors import ValidationError
from ..records.authorizations import authorization_problem
from ..validate import check_date


@reader("schedule.read")
def authorization_warning(
    actor: StaffMember, patient_id: int, type_id: int, starts_at: dt.datetime
) -> str:
    """A sentence when a visit of this type on that day needs an authorization that is
    missing, expired, not started or used up (booked visits counted); "" otherwise."""
    if not isinstance(starts_at, dt.date):
        raise ValidationError.one("starts_at", "Choose a date and time.")
    check_date("starts_at", starts_at)
    patient = get_or_refuse(Patient, patient_id, "patient")
    kind = get_or_refuse(AppointmentType, type_id, "appointment type")
    day = starts_at.date() if isinstance(starts_at, dt.datetime) else starts_at
    problem = authorization_problem(patient.id, kind, day)
    return f"{problem} The payer may not pay for it." if problem else ""
