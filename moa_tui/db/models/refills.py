"""Refill requests taken on the phone (issue 12 item 7): the medication, the pharmacy and
the prescriber, routed as a message to the prescriber's inbox, and each step it went
through (requested, sent to the provider, approved or denied, the pharmacy called) with
who and when."""

from __future__ import annotations

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .base import BaseModel, utcnow
from .comms import InboxMessage
from .patients import Patient
from .scheduling import Provider
from .security import StaffMember


class RefillRequest(BaseModel):
    """One medication a patient (or someone for them) asked to have refilled."""

    STATUSES = ("requested", "sent", "approved", "denied", "done")

    patient = ForeignKeyField(Patient, backref="refills")
    message = ForeignKeyField(InboxMessage, null=True, on_delete="SET NULL", backref="+")
    medication = CharField(max_length=120)
    dose = CharField(max_length=60, default="")
    pharmacy = CharField(max_length=80)
    pharmacy_phone = CharField(max_length=10)  # 10 digits
    prescriber = ForeignKeyField(Provider, null=True, backref="+")
    status = CharField(max_length=12, default="requested")
    created_by = ForeignKeyField(StaffMember, backref="+")
    created_at = DateTimeField(default=utcnow)
    changed_at = DateTimeField(default=utcnow)  # the last step's time
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("patient", "id"), False),)


class RefillStep(BaseModel):
    """A step of a refill request: its new status, who recorded it, when, and a note."""

    refill = ForeignKeyField(RefillRequest, backref="steps", on_delete="CASCADE")
    status = CharField(max_length=12)
    note = TextField(default="")
    staff = ForeignKeyField(StaffMember, backref="+")
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("refill", "id"), False),)
