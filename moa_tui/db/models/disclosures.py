"""Disclosures of a patient's records (issue 12 item 9): to whom, what, why, when, by whom
and the authorization on file, so the practice can give the patient the accounting of
disclosures HIPAA requires (45 CFR 164.528). Never edited: a wrong entry is corrected by
a new one that says so."""

from __future__ import annotations

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, TextField

from .base import BaseModel, utcnow
from .letters import Letter
from .patients import Patient
from .records import PatientDocument
from .security import StaffMember


class Disclosure(BaseModel):
    # Treatment, payment and health care operations need no authorization and are left
    # out of the patient's accounting (164.528(a)(1)(i)); the log keeps them all.
    PURPOSES = ("treatment", "payment", "operations", "legal", "patient_request", "other")
    TPO = ("treatment", "payment", "operations")

    patient = ForeignKeyField(Patient, backref="disclosures")
    recipient_name = CharField(max_length=120)
    recipient_org = CharField(max_length=120, default="")
    recipient_address = CharField(max_length=300, default="")
    description = TextField()
    purpose = CharField(max_length=16)
    purpose_note = CharField(max_length=200, default="")
    disclosed_on = DateField()
    auth_ref = CharField(max_length=120, default="")  # "" only for treatment/payment/ops
    auth_date = DateField(null=True)
    recorded_by = ForeignKeyField(StaffMember, backref="+")
    recorded_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("patient", "disclosed_on"), False),)


class DisclosureItem(BaseModel):
    """A filed document or a letter released with a disclosure (one of the two is set):
    what the release export writes, and what the accounting names as released."""

    disclosure = ForeignKeyField(Disclosure, backref="items", on_delete="CASCADE")
    document = ForeignKeyField(PatientDocument, null=True, backref="+")
    letter = ForeignKeyField(Letter, null=True, backref="+")

    class Meta:
        table_name = "disclosure_item"
        indexes = ((("disclosure", "document"), True), (("disclosure", "letter"), True))
