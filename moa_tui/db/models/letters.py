"""Letters from templates (issue 12 item 3): the practice's templates with merge fields, and
every letter written to or about a patient, kept in the patient's record. The mail log
(item 4): mail in and out, and returned mail that marks a patient's address as bad."""

from __future__ import annotations

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .base import BaseModel, utcnow
from .billing import Claim
from .patients import Patient
from .security import StaffMember


class LetterTemplate(BaseModel):
    """A letter's text with jinja2 merge fields ({{ patient.name }}), checked against a full
    sample when saved, so an unknown field is refused then, not when a letter is printed."""

    name = CharField(max_length=60, unique=True)
    body = TextField()
    active = BooleanField(default=True)
    version = IntegerField(default=1)
    updated_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(StaffMember, null=True, on_delete="SET NULL", backref="+")


class Letter(BaseModel):
    """One letter as written (the text after editing; the PDF says the same): to whom, by
    whom, when and how it was sent. Never edited."""

    VIA = ("mail", "fax", "email", "hand", "portal")

    patient = ForeignKeyField(Patient, backref="letters")
    template = ForeignKeyField(LetterTemplate, null=True, on_delete="SET NULL", backref="+")
    template_name = CharField(max_length=60, default="")
    addressee = CharField(max_length=300, default="")
    body = TextField()
    via = CharField(max_length=8, default="mail")
    file_name = CharField(max_length=500, default="")
    written_by = ForeignKeyField(StaffMember, backref="+")
    written_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("patient", "written_at"), False),)


class MailItem(BaseModel):
    """One piece of mail in or out: when, from or to whom, what kind, what it is about (a
    patient, a claim or a vendor), who handled it and the outcome. Returned mail about a
    patient marks their address as bad until someone records it fixed (address_fixed_*)."""

    KINDS = ("payment", "correspondence", "claim", "records_request", "returned")
    DIRECTIONS = ("in", "out")

    direction = CharField(max_length=3, default="in")
    mail_date = DateField()
    party = CharField(max_length=120)  # from whom (in) or to whom (out)
    kind = CharField(max_length=16)
    patient = ForeignKeyField(Patient, null=True, on_delete="SET NULL", backref="mail")
    claim = ForeignKeyField(Claim, null=True, on_delete="SET NULL", backref="+")
    vendor = CharField(max_length=80, default="")
    outcome = CharField(max_length=300, default="")
    handled_by = ForeignKeyField(StaffMember, backref="+")
    created_at = DateTimeField(default=utcnow)
    address_fixed_at = DateTimeField(null=True)
    address_fixed_by = ForeignKeyField(StaffMember, null=True, on_delete="SET NULL", backref="+")
    version = IntegerField(default=1)

    class Meta:
        indexes = (
            (("mail_date",), False),
            (("patient", "kind", "address_fixed_at"), False),
        )
