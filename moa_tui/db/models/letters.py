"""Letters from templates (issue 12 item 3): the practice's templates with merge fields, and
every letter written to or about a patient, kept in the patient's record."""

from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .base import BaseModel, utcnow
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
