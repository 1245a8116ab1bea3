"""Patients, payers and each patient's coverage."""

from __future__ import annotations

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from .base import BaseModel, utcnow
from .security import StaffMember


class Patient(BaseModel):
    mrn = CharField(max_length=12, unique=True)
    last_name = CharField(max_length=60)
    first_name = CharField(max_length=60)
    # Lower-cased copies, so "smi jo" is an index range scan on any database.
    last_key = CharField(max_length=60)
    first_key = CharField(max_length=60)
    dob = DateField(index=True)
    sex = CharField(max_length=1, default="U")
    phone_home = CharField(max_length=10, default="", index=True)
    phone_mobile = CharField(max_length=10, default="", index=True)
    email = CharField(max_length=120, default="")
    address1 = CharField(max_length=120, default="")
    city = CharField(max_length=60, default="")
    state = CharField(max_length=2, default="")
    zip = CharField(max_length=10, default="")
    preferred_name = CharField(max_length=60, default="")
    phone_work = CharField(max_length=10, default="")
    preferred_phone = CharField(max_length=8, default="mobile")  # mobile, home, work
    language = CharField(max_length=40, default="English")
    emergency_name = CharField(max_length=80, default="")
    emergency_phone = CharField(max_length=10, default="")
    emergency_relation = CharField(max_length=30, default="")
    guarantor_name = CharField(max_length=80, default="")  # blank: the patient
    guarantor_relation = CharField(max_length=30, default="")
    guarantor_phone = CharField(max_length=10, default="")
    merged_into = ForeignKeyField("self", null=True, backref="merged_records")
    restricted = BooleanField(default=False)  # opening needs a stated reason
    # The patient agreed to their full name in reminder texts (initials otherwise). Nullable
    # so a row inserted by SQL without it reads as "no" (migration 0019).
    reminder_full_name = BooleanField(null=True, default=False)
    version = IntegerField(default=1)
    updated_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(StaffMember, null=True, on_delete="SET NULL")

    class Meta:
        # A name search walks this range in the order it shows (migration 0010).
        indexes = ((("last_key", "first_key", "dob"), False),)


class Payer(BaseModel):
    name = CharField(max_length=80, unique=True)
    payer_code = CharField(max_length=20, default="")  # the payer id claims are sent to
    # Where paper claims and appeals go; the claim scrubber wants it complete.
    address1 = CharField(max_length=120, default="")
    city = CharField(max_length=60, default="")
    state = CharField(max_length=2, default="")
    zip = CharField(max_length=10, default="")
    filing_limit_days = IntegerField(default=365)  # timely filing, days after the service


class Coverage(BaseModel):
    patient = ForeignKeyField(Patient, backref="coverages", on_delete="CASCADE")
    payer = ForeignKeyField(Payer, backref="coverages")
    priority = IntegerField(default=1)  # 1 primary, 2 secondary, ...
    member_id = CharField(max_length=40)
    group_id = CharField(max_length=40, default="")
    copay_cents = IntegerField(default=0)
    effective = DateField(null=True)
    ends = DateField(null=True)
    subscriber_name = CharField(max_length=80, default="")  # blank: the patient
    subscriber_relation = CharField(max_length=10, default="self")  # self, spouse, child, other
    subscriber_dob = DateField(null=True)
    version = IntegerField(default=1)
