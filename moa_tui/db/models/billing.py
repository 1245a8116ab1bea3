"""Claims, their lines, status history and adjustments."""

from __future__ import annotations

from peewee import (
    BigIntegerField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from .base import BaseModel, utcnow
from .patients import Coverage, Patient, Payer
from .scheduling import Appointment, Provider
from .security import StaffMember


class Claim(BaseModel):
    # Issue 11's life cycle ("partial": partially paid), and void for a cancelled claim.
    STATUSES = (
        "draft",
        "held",
        "ready",
        "submitted",
        "accepted",
        "rejected",
        "denied",
        "partial",
        "paid",
        "appealed",
        "closed",
        "void",
    )

    patient = ForeignKeyField(Patient, backref="claims")
    payer = ForeignKeyField(Payer, backref="claims")
    provider = ForeignKeyField(Provider)
    appointment = ForeignKeyField(Appointment, null=True, on_delete="SET NULL")
    # The coverage billed (its priority says primary or secondary) and, for a secondary
    # claim, the primary's claim whose payment it carries.
    coverage = ForeignKeyField(Coverage, null=True, on_delete="SET NULL")
    primary_claim = ForeignKeyField("self", null=True, backref="secondaries")
    service_date = DateField(index=True)
    status = CharField(max_length=12, default="draft", index=True)
    total_cents = IntegerField(default=0)
    paid_cents = IntegerField(default=0)
    adjusted_cents = IntegerField(default=0)  # sum of ClaimAdjustment rows
    created_at = DateTimeField(default=utcnow)
    status_changed_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)
    # 837P CLM05-3: 1 original, 7 a corrected claim, 8 a void; replaces_id names the claim a
    # 7 or 8 replaces (migration 0017). follow_up_on: the biller's next look at it.
    frequency = CharField(max_length=1, null=True, default="1")  # null: a row inserted by SQL
    replaces_id = IntegerField(null=True, index=True)
    follow_up_on = DateField(null=True)
    # The first denial's group and reason code ("CO-50"), set by a trigger on claim_posting
    # (migration 0028): the denials worklist's grouping by reason code. No service writes it.
    denial_code = CharField(max_length=12, null=True)

    class Meta:
        # The worklist's two sort orders, alone and after each filter (status, payer, both),
        # so every page is an index walk at any table size (migration 0010; the plans are
        # pinned by tests/test_query_plans.py).
        indexes = (
            (("total_cents", "id"), False),
            (("service_date", "id"), False),
            (("status", "service_date", "id"), False),
            (("status", "total_cents", "id"), False),
            (("payer", "service_date", "id"), False),
            (("payer", "total_cents", "id"), False),
            # Also holds the amounts: the totals line of a status (and payer) filter is
            # summed from this index alone, never from 650,000 scattered table rows.
            (
                (
                    "status",
                    "payer",
                    "service_date",
                    "id",
                    "total_cents",
                    "paid_cents",
                    "adjusted_cents",
                ),
                False,
            ),
            (("status", "payer", "total_cents", "id"), False),
            # The worklists (migration 0027): denials and no-response by the day of the
            # status change, with the amounts for their groups' totals; follow-ups due.
            (
                (
                    "status",
                    "status_changed_at",
                    "id",
                    "total_cents",
                    "paid_cents",
                    "adjusted_cents",
                ),
                False,
            ),
            (("follow_up_on", "id"), False),
            (
                (
                    "status",
                    "denial_code",
                    "status_changed_at",
                    "id",
                    "total_cents",
                    "paid_cents",
                    "adjusted_cents",
                ),
                False,
            ),
        )


class ClaimLine(BaseModel):
    claim = ForeignKeyField(Claim, backref="lines", on_delete="CASCADE")
    line_no = IntegerField()
    procedure_code = CharField(max_length=8)
    modifier = CharField(max_length=8, default="")
    diagnosis_codes = CharField(max_length=40, default="")  # comma-separated ICD-10-CM
    units = IntegerField(default=1)
    charge_cents = IntegerField()  # the line's charge: fee times units
    # Charge capture: up to 4 modifiers ("25 59"), up to 4 pointers into the claim's
    # diagnoses ("1,2"), the unit fee, dates, place of service and rendering provider.
    modifiers = CharField(max_length=11, default="")
    pointers = CharField(max_length=11, default="")
    fee_cents = IntegerField(null=True)
    service_from = DateField(null=True)
    service_to = DateField(null=True)
    place_of_service = CharField(max_length=2, default="")
    rendering_provider = ForeignKeyField(Provider, null=True)


class ClaimDiagnosis(BaseModel):
    """A claim's diagnoses in order (1..12): line pointers name them by position."""

    claim = ForeignKeyField(Claim, backref="diagnoses", on_delete="CASCADE")
    position = IntegerField()
    code = CharField(max_length=8)

    class Meta:
        indexes = ((("claim", "position"), True),)


class ClaimHold(BaseModel):
    """Why the scrubber held a claim, one reason a row, replaced by every scrub."""

    claim = ForeignKeyField(Claim, backref="holds", on_delete="CASCADE")
    rule = CharField(max_length=24)
    message = CharField(max_length=300)
    at = DateTimeField(default=utcnow)


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


class ClaimTally(BaseModel):
    """Count, charges and money settled of the claims of one status, payer and month of
    service: kept by triggers on claim (migration 0026), read by the totals line under the
    claims worklist; no service writes it."""

    status = CharField(max_length=12)
    payer_id = IntegerField()
    month = CharField(max_length=7)  # YYYY-MM of the date of service
    claims = IntegerField(default=0)
    total_cents = BigIntegerField(default=0)
    settled_cents = BigIntegerField(default=0)

    class Meta:
        indexes = ((("status", "payer_id", "month"), True),)
