"""Providers, their hours and blocks, appointment types, rooms, appointments, series, the waitlist
and confirmation calls.
"""

from __future__ import annotations

from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField

from .base import BaseModel, utcnow
from .patients import Patient
from .security import StaffMember


class Provider(BaseModel):
    full_name = CharField(max_length=80)
    short_name = CharField(max_length=24)
    credentials = CharField(max_length=16, default="MD")
    npi = CharField(max_length=10, default="")
    active = BooleanField(default=True)


class AppointmentType(BaseModel):
    name = CharField(max_length=40, unique=True)
    default_minutes = IntegerField(default=15)
    color = CharField(max_length=16, default="")  # a Textual/Rich colour name
    allow_overbook = BooleanField(default=False)
    active = BooleanField(default=True)
    # A visit of this type needs the payer's authorization (booking warns without one).
    needs_authorization = BooleanField(default=False)


class AppointmentTypeProvider(BaseModel):
    """Which providers offer a type; a type with no rows is offered by every provider."""

    appt_type = ForeignKeyField(AppointmentType, backref="offered_by", on_delete="CASCADE")
    provider = ForeignKeyField(Provider, backref="offers", on_delete="CASCADE")

    class Meta:
        indexes = ((("appt_type", "provider"), True),)


class ProviderHours(BaseModel):
    """A weekly working block: several per day (a lunch break is the gap between two)."""

    provider = ForeignKeyField(Provider, backref="hours", on_delete="CASCADE")
    weekday = IntegerField()  # 0 Monday .. 6 Sunday
    starts = CharField(max_length=5)  # "08:00", clinic local
    ends = CharField(max_length=5)

    class Meta:
        indexes = ((("provider", "weekday"), False),)


class BlockedTime(BaseModel):
    """Time nobody can be booked: a provider's vacation or meeting, or (provider None) the
    whole clinic closed, e.g. a holiday."""

    provider = ForeignKeyField(Provider, null=True, backref="blocks", on_delete="CASCADE")
    starts_at = DateTimeField(index=True)  # clinic local
    ends_at = DateTimeField()
    reason = CharField(max_length=120)


class Room(BaseModel):
    name = CharField(max_length=20, unique=True)
    active = BooleanField(default=True)


class RecurringSeries(BaseModel):
    """A recurring visit: weekly, every N weeks, or monthly, for a count or until a date."""

    patient = ForeignKeyField(Patient)
    provider = ForeignKeyField(Provider)
    appt_type = ForeignKeyField(AppointmentType)
    rule = CharField(max_length=8)  # weekly, monthly
    interval = IntegerField(default=1)  # every N weeks / months
    first_start = DateTimeField()
    count = IntegerField(null=True)
    until = DateField(null=True)
    created_at = DateTimeField(default=utcnow)


class Appointment(BaseModel):
    STATUSES = (
        "booked",
        "arrived",
        "roomed",
        "with_provider",
        "checked_out",
        "no_show",
        "cancelled",
        "rescheduled",
    )

    patient = ForeignKeyField(Patient, backref="appointments")
    provider = ForeignKeyField(Provider, backref="appointments")
    appt_type = ForeignKeyField(AppointmentType)
    starts_at = DateTimeField()  # clinic local wall time
    minutes = IntegerField(default=15)
    status = CharField(max_length=16, default="booked")
    booked_at = DateTimeField(default=utcnow)
    arrived_at = DateTimeField(null=True)
    roomed_at = DateTimeField(null=True)
    with_provider_at = DateTimeField(null=True)
    checked_out_at = DateTimeField(null=True)
    no_show_at = DateTimeField(null=True)
    cancelled_at = DateTimeField(null=True)
    note = CharField(max_length=200, default="")
    version = IntegerField(default=1)
    updated_by = ForeignKeyField(StaffMember, null=True, on_delete="SET NULL")
    cancel_reason = CharField(max_length=16, default="")  # patient, clinic, late
    rescheduled_to = ForeignKeyField("self", null=True, backref="rescheduled_from")
    series = ForeignKeyField(RecurringSeries, null=True, backref="appointments")
    override_reason = CharField(max_length=200, default="")  # overbooked / outside hours
    confirmation = CharField(max_length=16, default="")  # last call outcome
    intake_done_at = DateTimeField(null=True)
    ready_checkout_at = DateTimeField(null=True)
    room = CharField(max_length=20, default="")
    self_pay = BooleanField(default=False)
    checkin_override = CharField(max_length=200, default="")  # manager's reason

    class Meta:
        indexes = (
            (("provider", "starts_at"), False),
            (("starts_at", "provider"), False),
            (("status", "starts_at"), False),
        )


class AppointmentStatusChange(BaseModel):
    """Each status change of an appointment, so the last one can be undone and the
    patient's history shows them."""

    appointment = ForeignKeyField(Appointment, backref="status_changes", on_delete="CASCADE")
    from_status = CharField(max_length=16)
    to_status = CharField(max_length=16)
    at = DateTimeField(default=utcnow)
    staff = ForeignKeyField(StaffMember)
    undone = BooleanField(default=False)


class WaitlistEntry(BaseModel):
    patient = ForeignKeyField(Patient, backref="waitlist")
    provider = ForeignKeyField(Provider, null=True)  # None: any provider
    appt_type = ForeignKeyField(AppointmentType, null=True)
    weekdays = CharField(max_length=7, default="0123456")  # digits of acceptable weekdays
    part_of_day = CharField(max_length=2, default="")  # "", am, pm
    earliest = DateField()
    note = CharField(max_length=200, default="")
    active = BooleanField(default=True, index=True)
    created_at = DateTimeField(default=utcnow)
    created_by = ForeignKeyField(StaffMember)
    # The booked visit the patient wants sooner (added with W on it): taking a freed slot
    # moves this visit rather than booking a second one.
    from_appointment = ForeignKeyField(Appointment, null=True, on_delete="SET NULL")


class ConfirmationCall(BaseModel):
    OUTCOMES = ("confirmed", "left_message", "no_answer", "cancelled", "rescheduled")

    appointment = ForeignKeyField(Appointment, backref="calls", on_delete="CASCADE")
    outcome = CharField(max_length=16)
    staff = ForeignKeyField(StaffMember)
    at = DateTimeField(default=utcnow)
