"""Referrals and payers' authorizations (issue 12 item 6): a referral sent to, or received
from, another provider; an authorization the payer gave for a number of visits between two
dates, for some visit types. Visits used are counted from the appointments, never stored
(services/records/authorizations.py)."""

from __future__ import annotations

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from .base import BaseModel, utcnow
from .patients import Coverage, Patient, Payer
from .scheduling import AppointmentType, Provider
from .security import StaffMember


class Referral(BaseModel):
    """One referral: out (we send the patient to another provider) or in (another provider
    sends the patient to us). ``is_open`` follows the status (services keep it so), for
    the office-wide list of open referrals walked by its index."""

    DIRECTIONS = ("out", "in")
    STATUSES = ("draft", "sent", "received", "scheduled", "completed", "cancelled", "denied")
    OPEN = ("draft", "sent", "received", "scheduled")

    patient = ForeignKeyField(Patient, backref="referrals")
    direction = CharField(max_length=3, default="out")
    status = CharField(max_length=10, default="draft")
    is_open = BooleanField(default=True)
    other_name = CharField(max_length=120)  # the other provider or practice
    other_npi = CharField(max_length=10, default="")
    other_phone = CharField(max_length=10, default="")
    other_fax = CharField(max_length=10, default="")
    reason = CharField(max_length=300)
    diagnosis_code = CharField(max_length=8, default="")  # ICD-10-CM, from the code table
    provider = ForeignKeyField(Provider, null=True, on_delete="SET NULL", backref="+")  # ours
    referred_on = DateField()
    seen_on = DateField(null=True)  # the visit the referral is for (booked or done)
    notes = CharField(max_length=1000, default="")
    created_by = ForeignKeyField(StaffMember, backref="+")
    created_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(StaffMember, null=True, on_delete="SET NULL", backref="+")
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        indexes = (
            (("patient", "referred_on"), False),
            (("is_open", "referred_on"), False),
        )


class PayerAuthorization(BaseModel):
    """A payer's authorization: its number, visits allowed, valid from starts_on through
    expires_on, optionally for one referral. The visit types it covers are rows of
    AuthorizationType; none means every type that needs an authorization."""

    patient = ForeignKeyField(Patient, backref="authorizations")
    payer = ForeignKeyField(Payer, backref="+")
    coverage = ForeignKeyField(Coverage, null=True, on_delete="SET NULL", backref="+")
    number = CharField(max_length=40)
    visits_allowed = IntegerField()
    starts_on = DateField()
    expires_on = DateField()
    referral = ForeignKeyField(Referral, null=True, on_delete="SET NULL", backref="+")
    notes = CharField(max_length=500, default="")
    created_by = ForeignKeyField(StaffMember, backref="+")
    created_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(StaffMember, null=True, on_delete="SET NULL", backref="+")
    updated_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        table_name = "payer_authorization"
        indexes = ((("patient", "expires_on"), False),)


class AuthorizationType(BaseModel):
    """A visit type an authorization covers."""

    authorization = ForeignKeyField(PayerAuthorization, on_delete="CASCADE", backref="types")
    appt_type = ForeignKeyField(AppointmentType, on_delete="CASCADE", backref="+")

    class Meta:
        indexes = ((("authorization", "appt_type"), True),)
