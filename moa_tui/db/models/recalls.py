"""Recalls (issue 12 item 5): patients due back (an annual physical, a 6-month follow-up)
with a due date, the calls made to book them, and the visit that closed each one."""

from __future__ import annotations

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from .base import BaseModel, utcnow
from .patients import Patient
from .scheduling import Appointment, Provider
from .security import StaffMember


class Recall(BaseModel):
    """A patient due back by *due_on*. Open until a visit is booked from it (status
    "booked", linked to the appointment, in the booking's transaction), the patient
    declines on a call ("declined") or someone takes it off the list ("removed")."""

    KINDS = ("annual", "six_month", "other")
    STATUSES = ("open", "booked", "declined", "removed")

    patient = ForeignKeyField(Patient, backref="recalls")
    kind = CharField(max_length=10)
    provider = ForeignKeyField(Provider, null=True, on_delete="SET NULL", backref="+")
    due_on = DateField()
    note = CharField(max_length=200, default="")
    status = CharField(max_length=10, default="open")
    attempts = IntegerField(default=0)  # calls made
    last_outcome = CharField(max_length=14, default="")
    last_call_at = DateTimeField(null=True)  # UTC
    appointment = ForeignKeyField(Appointment, null=True, on_delete="SET NULL", backref="+")
    # The visit at whose check-out it was set (None: set by hand from the chart).
    set_at_visit = ForeignKeyField(Appointment, null=True, on_delete="SET NULL", backref="+")
    created_by = ForeignKeyField(StaffMember, backref="+")
    created_at = DateTimeField(default=utcnow)
    closed_by = ForeignKeyField(StaffMember, null=True, on_delete="SET NULL", backref="+")
    closed_at = DateTimeField(null=True)
    version = IntegerField(default=1)

    class Meta:
        indexes = (
            # The worklist: open recalls by due date (a range of it for overdue or this
            # month), one provider's the same way; the keyset is (due_on, id).
            (("status", "due_on"), False),
            (("status", "provider", "due_on"), False),
            (("patient", "status"), False),
        )


class RecallCall(BaseModel):
    """One call made about a recall, and how it went. Never edited."""

    OUTCOMES = ("reached", "left_message", "no_answer", "wrong_number", "declined")

    recall = ForeignKeyField(Recall, backref="calls", on_delete="CASCADE")
    outcome = CharField(max_length=14)
    note = CharField(max_length=200, default="")
    staff = ForeignKeyField(StaffMember, backref="+")
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("recall", "at"), False),)
