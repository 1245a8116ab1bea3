"""Code sets of our own: ICD-10-CM diagnoses (copied once from simple-icd-10-cm), the
practice's procedure codes and fees (CPT from its own file, HCPCS Level II), and the
place-of-service list."""

from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField

from .base import BaseModel, utcnow
from .patients import Payer


class CodeSet(BaseModel):
    """What each list holds: its code year (ICD-10-CM), how many codes, where from, and
    whether it is only the demo's examples."""

    KINDS = ("icd10cm", "cpt", "hcpcs", "pos")

    kind = CharField(max_length=8, primary_key=True)
    code_year = IntegerField(null=True)  # ICD-10-CM: the fiscal year of the list held
    first_year = IntegerField(null=True)  # the oldest year loaded (validity of old codes)
    count = IntegerField(default=0)
    source = CharField(max_length=200, default="")
    examples = BooleanField(default=False)  # the demo's example codes, not a real list
    loaded_at = DateTimeField(default=utcnow)


class DiagnosisCode(BaseModel):
    """An ICD-10-CM code. Only a billable one (a leaf: M54.50, not M54.5) goes on a claim.
    A code is valid for services in the fiscal years first_year..last_year (Oct 1 of the
    year before to Sep 30)."""

    code = CharField(max_length=8, unique=True)  # with its dot, upper case
    description = CharField(max_length=250)
    billable = BooleanField()
    first_year = IntegerField()
    last_year = IntegerField()


class DiagnosisWord(BaseModel):
    """One word of a billable code's description, lower case: "back pain" is two index
    range scans on any database, not a scan of 74,000 descriptions."""

    word = CharField(max_length=32)
    code = ForeignKeyField(DiagnosisCode, backref="words", on_delete="CASCADE")

    class Meta:
        indexes = ((("word", "code"), True),)


class ProcedureCode(BaseModel):
    """A procedure the practice bills: its own CPT codes (from its file: the AMA licenses
    CPT, none ship) or HCPCS Level II; the standard fee in cents."""

    kind = CharField(max_length=6)  # cpt, hcpcs
    code = CharField(max_length=5, unique=True)
    description = CharField(max_length=250)
    fee_cents = IntegerField(null=True)
    examples = BooleanField(default=False)


class PayerFee(BaseModel):
    """A payer's own fee for a procedure (otherwise the standard fee applies)."""

    procedure = ForeignKeyField(ProcedureCode, backref="payer_fees", on_delete="CASCADE")
    payer = ForeignKeyField(Payer, on_delete="CASCADE")
    fee_cents = IntegerField()

    class Meta:
        indexes = ((("procedure", "payer"), True),)


class PlaceOfService(BaseModel):
    code = CharField(max_length=2, unique=True)
    name = CharField(max_length=120)
