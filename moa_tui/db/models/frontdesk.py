"""Intake items and records, eligibility checks and the patient's account (charges and payments)."""

from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from .base import BaseModel, utcnow
from .patients import Coverage, Patient
from .scheduling import Appointment, AppointmentType
from .security import StaffMember


class IntakeItem(BaseModel):
    """A form or step a visit needs (privacy notice, consent, history form, ID copied)."""

    name = CharField(max_length=60, unique=True)
    every_days = IntegerField(null=True)  # None: once; 0: every visit; 365: yearly
    active = BooleanField(default=True)


class TypeIntakeItem(BaseModel):
    appt_type = ForeignKeyField(AppointmentType, backref="intake_items", on_delete="CASCADE")
    item = ForeignKeyField(IntakeItem, on_delete="CASCADE")

    class Meta:
        indexes = ((("appt_type", "item"), True),)


class EligibilityCheck(BaseModel):
    """One insurance check for a visit: verified / not verified / inactive, how, by whom."""

    STATUSES = ("verified", "not_verified", "inactive")

    coverage = ForeignKeyField(Coverage, backref="checks", on_delete="CASCADE")
    appointment = ForeignKeyField(Appointment, null=True, backref="eligibility")
    status = CharField(max_length=14)
    method = CharField(max_length=12)  # phone, portal, edi
    reference = CharField(max_length=40, default="")
    staff = ForeignKeyField(StaffMember)
    at = DateTimeField(default=utcnow)


class IntakeRecord(BaseModel):
    patient = ForeignKeyField(Patient, backref="intake")
    item = ForeignKeyField(IntakeItem)
    appointment = ForeignKeyField(Appointment, null=True)
    staff = ForeignKeyField(StaffMember)
    at = DateTimeField(default=utcnow)


class AccountEntry(BaseModel):
    """The patient's account: charges (co-pays due, balances) and payments. Posted money is
    never edited or deleted; a mistake is reversed by another entry."""

    KINDS = ("charge", "payment", "adjustment")
    METHODS = ("cash", "check", "card")

    patient = ForeignKeyField(Patient, backref="account")
    appointment = ForeignKeyField(Appointment, null=True)
    kind = CharField(max_length=10)
    cents = IntegerField()  # charges positive, payments and adjustments negative
    description = CharField(max_length=120)
    method = CharField(max_length=6, default="")
    reference = CharField(max_length=40, default="")  # check number, card reference
    receipt_no = IntegerField(null=True, unique=True)
    staff = ForeignKeyField(StaffMember)
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("patient", "at"), False), (("at",), False))  # (at): the day sheet
