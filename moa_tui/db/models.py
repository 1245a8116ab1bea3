"""Peewee models. Money is integer cents; event instants are naive UTC datetimes;
appointment times are the clinic's local wall time (time zone in ClinicSettings).

A schema change here needs a migration in db/migrations/ (see README, "Schema changes").
"""

from __future__ import annotations

import datetime as dt

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from .database import db


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class ClinicSettings(BaseModel):
    """One row: the practice itself."""

    name = CharField(max_length=120)
    time_zone = CharField(max_length=64, default="America/New_York")
    address = CharField(max_length=200, default="")
    npi = CharField(max_length=10, default="")
    tax_id = CharField(max_length=10, default="")
    idle_lock_minutes = IntegerField(default=10)
    wait_warn_minutes = IntegerField(default=15)  # the flow board flags longer waits
    # Where exports go by default ("" = each user's documents folder).
    export_dir = CharField(max_length=500, default="")
    # Built by --demo: the only kind of database --demo will open.
    is_demo = BooleanField(default=False)
    # Fingerprint of the key the audit trail is sealed with (never the key itself).
    audit_key_id = CharField(max_length=64, default="")
    version = IntegerField(default=1)


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
    version = IntegerField(default=1)
    updated_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(StaffMember, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("last_key", "first_key"), False),)


class Payer(BaseModel):
    name = CharField(max_length=80, unique=True)
    payer_code = CharField(max_length=20, default="")


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
        indexes = ((("patient", "at"), False),)


class ConfirmationCall(BaseModel):
    OUTCOMES = ("confirmed", "left_message", "no_answer", "cancelled", "rescheduled")

    appointment = ForeignKeyField(Appointment, backref="calls", on_delete="CASCADE")
    outcome = CharField(max_length=16)
    staff = ForeignKeyField(StaffMember)
    at = DateTimeField(default=utcnow)


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


class SupplyItem(BaseModel):
    sku = CharField(max_length=20, unique=True)
    name = CharField(max_length=80)
    unit = CharField(max_length=20, default="each")
    on_hand = IntegerField(default=0)
    reorder_point = IntegerField(default=0)
    reorder_qty = IntegerField(default=0)
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("name", "id"), False),)


class StockMovement(BaseModel):
    KINDS = ("receive", "use", "adjust")

    item = ForeignKeyField(SupplyItem, backref="movements")
    kind = CharField(max_length=8)
    quantity = IntegerField()  # signed change in on-hand
    on_hand_after = IntegerField()
    reason = CharField(max_length=200)
    staff = ForeignKeyField(StaffMember)
    at = DateTimeField(default=utcnow)


class ChangeCounter(BaseModel):
    """How many committed changes each topic (schedule, patients, claims, stock...) has
    seen: other terminals refetch a screen only when one of its topics moved."""

    topic = CharField(max_length=24, primary_key=True)
    version = IntegerField(default=0)


class AuditEvent(BaseModel):
    id = AutoField()
    at = DateTimeField(default=utcnow, index=True)
    staff = ForeignKeyField(StaffMember, null=True)
    action = CharField(max_length=40)
    patient_id = IntegerField(null=True, index=True)  # plain id: the trail outlives records
    entity = CharField(max_length=24, default="")
    entity_id = IntegerField(null=True)
    detail = TextField(default="")
    outcome = CharField(max_length=8, default="ok")  # ok, refused, emergency
    # sha256 over the previous event's hash and this event's fields: an edited or deleted
    # event breaks the chain (moa-tui audit verify).
    hash = CharField(max_length=64, default="")


MODELS = [
    ChangeCounter,
    ClinicSettings,
    StaffMember,
    Provider,
    AppointmentType,
    AppointmentTypeProvider,
    ProviderHours,
    BlockedTime,
    Patient,
    Payer,
    Coverage,
    EligibilityCheck,
    IntakeItem,
    TypeIntakeItem,
    IntakeRecord,
    Room,
    RecurringSeries,
    Appointment,
    AppointmentStatusChange,
    WaitlistEntry,
    AccountEntry,
    ConfirmationCall,
    Claim,
    ClaimLine,
    ClaimStatusChange,
    ClaimAdjustment,
    SupplyItem,
    StockMovement,
    AuditEvent,
]
