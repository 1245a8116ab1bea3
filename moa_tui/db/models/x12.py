"""Electronic claims and remittances (issue 11 items 4, 5, 7): 837P batches with their
persisted control numbers, the money posted against claims (never edited or deleted: a
mistake is reversed by another posting), imported 835 remittances, and the claim
adjustment reason codes' descriptions the practice imports."""

from __future__ import annotations

from peewee import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .base import BaseModel, utcnow
from .billing import Claim, ClaimLine
from .patients import Payer
from .security import StaffMember


class X12Batch(BaseModel):
    """One 837P file for one payer. Its interchange (ISA13) and group (GS06) control
    numbers are unique and never reused; the file's text is kept, so a re-export is
    byte-identical."""

    payer = ForeignKeyField(Payer)
    interchange_no = IntegerField(unique=True)
    group_no = IntegerField(unique=True)
    claim_count = IntegerField()
    total_cents = IntegerField()
    content = TextField()
    sha256 = CharField(max_length=64)
    staff = ForeignKeyField(StaffMember)
    created_at = DateTimeField(default=utcnow)


class X12BatchClaim(BaseModel):
    """Which claims a batch carried (a claim sent again, corrected, is in a later batch)."""

    batch = ForeignKeyField(X12Batch, backref="claims", on_delete="CASCADE")
    claim = ForeignKeyField(Claim, backref="batches")

    class Meta:
        indexes = ((("batch", "claim"), True),)


class Remittance(BaseModel):
    """An imported 835: the payer's payment (BPR02) and its check or EFT number (TRN02).
    The same file (by its hash) is never posted twice."""

    sha256 = CharField(max_length=64, unique=True)
    payer_name = CharField(max_length=80, default="")
    check_no = CharField(max_length=50)
    paid_cents = IntegerField()
    provider_adjustment_cents = IntegerField(default=0)  # PLB, positive: taken back
    payment_date = DateField(null=True)
    claim_count = IntegerField()
    file_name = CharField(max_length=255, default="")
    staff = ForeignKeyField(StaffMember)
    at = DateTimeField(default=utcnow)


class RemittanceClaim(BaseModel):
    """One claim payment (CLP) of a remittance, posted once: the same check or EFT number
    and claim in another file is refused."""

    remittance = ForeignKeyField(Remittance, backref="claims", on_delete="CASCADE")
    claim = ForeignKeyField(Claim, backref="remittances")
    check_no = CharField(max_length=50)
    status_code = CharField(max_length=2)  # CLP02: 1 primary, 2 secondary, 4 denied, 22 reversal
    charge_cents = IntegerField()
    paid_cents = IntegerField()
    patient_cents = IntegerField()
    payer_claim_no = CharField(max_length=50, default="")

    class Meta:
        indexes = ((("check_no", "claim"), True),)


class ClaimPosting(BaseModel):
    """Money posted against a claim (or one of its lines): a payer's payment, an
    adjustment with its group (CO, PR, OI, PI, CR) and reason code (CARC, RARC remarks),
    the patient's share, a denial, a patient's payment, a refund to the payer or a
    write-off. Never edited or
    deleted: a reversal is another row with the opposite amount naming the one it reverses.

    cents: payments and adjustments positive (they lower the balance); a refund is a
    negative payment (money given back raises what is owed)."""

    # A denial records what the payer denied and why (its group and reason code) without
    # changing the balance: the claim stays open to be corrected or appealed.
    # The patient's share (group PR) is owed by the patient: charged to their account, it
    # leaves the claim's balance open until they pay (patient_payment).
    KINDS = ("payer_payment", "adjustment", "patient_share", "denial", "patient_payment",
             "refund", "write_off")  # fmt: skip
    GROUPS = ("CO", "PR", "OI", "PI", "CR")

    claim = ForeignKeyField(Claim, backref="postings")
    line = ForeignKeyField(ClaimLine, null=True, on_delete="SET NULL")
    kind = CharField(max_length=16)
    cents = IntegerField()
    group_code = CharField(max_length=2, default="")
    reason_code = CharField(max_length=5, default="")
    remark_codes = CharField(max_length=60, default="")
    method = CharField(max_length=6, default="")  # cash, check, card, eft
    reference = CharField(max_length=50, default="")  # check or EFT number, card reference
    note = CharField(max_length=200, default="")
    remittance = ForeignKeyField(Remittance, null=True, backref="postings")
    reverses = ForeignKeyField("self", null=True, backref="reversals")
    staff = ForeignKeyField(StaffMember)
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("claim", "id"), False), (("at",), False))  # (at): the day sheet


class AdjustmentReason(BaseModel):
    """A claim adjustment reason code (CARC) or remark code (RARC) and its description,
    from a list the practice imports (no package ships them)."""

    code = CharField(max_length=6, primary_key=True)  # "45", "CO-45" is stored as "45"; "N130"
    description = CharField(max_length=500)
