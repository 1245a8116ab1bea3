"""Staff accounts and the hash-chained audit trail."""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .base import BaseModel, utcnow


class StaffMember(BaseModel):
    ROLES = ("front_desk", "billing", "clinician", "manager", "admin", "kiosk")

    username = CharField(max_length=32, unique=True)
    full_name = CharField(max_length=80)
    role = CharField(max_length=16, default="front_desk")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    password_hash = CharField(max_length=200, default="")  # argon2id; "" = no password yet
    must_change_password = BooleanField(default=True)
    password_changed_at = DateTimeField(null=True)
    failed_attempts = IntegerField(default=0)
    locked_until = DateTimeField(null=True)  # UTC
    os_login = CharField(max_length=32, null=True, unique=True)  # signs in without a password
    version = IntegerField(default=1)

    @property
    def short_name(self) -> str:
        parts = self.full_name.split()
        if len(parts) >= 2:
            return f"{parts[0][0]}. {parts[-1]}"
        return self.full_name


class AuditEvent(BaseModel):
    id = AutoField()
    at = DateTimeField(default=utcnow, index=True)
    staff = ForeignKeyField(StaffMember, null=True)
    action = CharField(max_length=40)
    patient_id = IntegerField(null=True, index=True)  # plain id: the trail outlives records
    entity = CharField(max_length=24, default="")
    entity_id = IntegerField(null=True)
    detail = TextField(default="")
    outcome = CharField(max_length=16, default="ok")  # ok, refused, emergency
    # sha256 over the previous event's hash and this event's fields: an edited or deleted
    # event breaks the chain (moa-tui audit verify).
    hash = CharField(max_length=64, default="")
