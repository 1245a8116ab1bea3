"""Claims, their lines, status history and adjustments."""

from __future__ import annotations

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from .base import BaseModel, utcnow
from .patients import Patient, Payer
from .scheduling import Appointment, Provider
from .security import StaffMember


class Claim(BaseModel):
    STATUSES = ("draft", "ready", "submitted", "accepted", "denied", "paid", "void")

    patient = ForeignKeyField(Patient, backref="claims")
    payer = ForeignKeyField(Payer, backref="claims")
    provider = ForeignKeyField(Provider)
    appointment = ForeignKeyField(Appointment, null=True, on_delete="SET NULL")
    service_date = DateField(index=True)
    status = CharField(max_length=12, default="draft", index=True)
    total_cents = IntegerField(default=0)
    paid_cents = IntegerField(default=0)
    adjusted_cents = IntegerField(default=0)  # sum of ClaimAdjustment rows
    created_at = DateTimeField(default=utcnow)
    status_changed_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        # The worklist's two sort orders, so a page is an index walk at any table size.
        indexes = ((("total_cents", "id"), False), (("service_date", "id"), False))


class ClaimLine(BaseModel):
    claim = ForeignKeyField(Claim, backref="lines", on_delete="CASCADE")
    line_no = IntegerField()
    procedure_code = CharField(max_length=8)
    modifier = CharField(max_length=8, default="")
    diagnosis_codes = CharField(max_length=40, default="")  # comma-separated ICD-10-CM
    units = IntegerField(default=1)
    charge_cents = IntegerField()


class ClaimStatusChange(BaseModel):
    claim = ForeignKeyField(Claim, backref="history", on_delete="CASCADE")
    from_status = CharField(max_length=12)
    to_status = CharField(max_length=12)
    note = CharField(max_length=500)
    staff = ForeignKeyField(StaffMember)
    at = DateTimeField(default=utcnow)


class ClaimAdjustment(BaseModel):
    """A posted write-off: never edited or deleted; reversed by a negative row."""

    claim = ForeignKeyField(Claim, backref="adjustments")
    cents = IntegerField()
    reason = CharField(max_length=200)
    staff = ForeignKeyField(StaffMember)
    at = DateTimeField(default=utcnow)
