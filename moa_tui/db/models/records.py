"""The chart for the desk (issue 12 item 8): allergies, medications, problems, vitals,
visit notes and documents filed to a patient. Nothing here is deleted: an allergy entered
in error is retired, a medication stopped, a problem resolved, a signed note amended."""

from __future__ import annotations

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .base import BaseModel, utcnow
from .patients import Patient
from .security import StaffMember


class Allergy(BaseModel):
    """One allergy, or (no_known) the explicit statement "no known allergies": a chart
    with no rows at all says the question was never asked. A row is never deleted; one
    entered in error or no longer true is retired (retired_at, why)."""

    SEVERITIES = ("mild", "moderate", "severe", "unknown")

    patient = ForeignKeyField(Patient, backref="allergies")
    no_known = BooleanField(default=False)
    substance = CharField(max_length=80, default="")
    reaction = CharField(max_length=120, default="")
    severity = CharField(max_length=8, default="unknown")
    noted_on = DateField()
    noted_by = ForeignKeyField(StaffMember, backref="+")
    retired_at = DateTimeField(null=True)
    retired_by = ForeignKeyField(StaffMember, null=True, on_delete="SET NULL", backref="+")
    retired_why = CharField(max_length=120, default="")
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("patient", "retired_at"), False),)


class Medication(BaseModel):
    """A medication the patient takes: stopped (stop date, why), never deleted."""

    patient = ForeignKeyField(Patient, backref="medications")
    name = CharField(max_length=80)
    dose = CharField(max_length=40, default="")
    how_taken = CharField(max_length=80, default="")  # route and frequency: "by mouth daily"
    prescriber = CharField(max_length=80, default="")
    started_on = DateField(null=True)
    stopped_on = DateField(null=True)
    stop_why = CharField(max_length=120, default="")
    stopped_by = ForeignKeyField(StaffMember, null=True, on_delete="SET NULL", backref="+")
    entered_by = ForeignKeyField(StaffMember, backref="+")
    entered_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("patient", "stopped_on"), False),)


class Problem(BaseModel):
    """A problem on the patient's list, coded from the ICD-10-CM table (code and its
    description as they were when added); resolved, never deleted."""

    patient = ForeignKeyField(Patient, backref="problems")
    code = CharField(max_length=8)
    description = CharField(max_length=250)
    onset_on = DateField(null=True)
    resolved_on = DateField(null=True)
    resolved_by = ForeignKeyField(StaffMember, null=True, on_delete="SET NULL", backref="+")
    entered_by = ForeignKeyField(StaffMember, backref="+")
    entered_at = DateTimeField(default=utcnow)
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("patient", "resolved_on"), False),)


class VitalSigns(BaseModel):
    """One set of vitals. Whole numbers only: temperature in tenths of a degree F, weight
    in tenths of a pound, height in tenths of an inch (BMI is computed, never stored).
    out_of_range names the values someone confirmed outside the physiological range."""

    patient = ForeignKeyField(Patient, backref="vitals")
    taken_at = DateTimeField()
    systolic = IntegerField(null=True)
    diastolic = IntegerField(null=True)
    pulse = IntegerField(null=True)
    temp_tenths_f = IntegerField(null=True)
    weight_tenths_lb = IntegerField(null=True)
    height_tenths_in = IntegerField(null=True)
    out_of_range = CharField(max_length=120, default="")
    taken_by = ForeignKeyField(StaffMember, backref="+")

    class Meta:
        indexes = ((("patient", "taken_at"), False),)


class VisitNote(BaseModel):
    """A visit note, entered or transcribed by staff. A draft is edited (with the version
    check); a signed note never changes: an amendment is a signed note of its own that
    names the note it amends (amends)."""

    patient = ForeignKeyField(Patient, backref="notes")
    amends = ForeignKeyField("self", null=True, backref="amendments", on_delete="RESTRICT")
    visit_date = DateField()
    title = CharField(max_length=80, default="")
    body = TextField()
    written_by = ForeignKeyField(StaffMember, backref="+")
    written_at = DateTimeField(default=utcnow)
    updated_by = ForeignKeyField(StaffMember, backref="+")
    updated_at = DateTimeField(default=utcnow)
    signed_by = ForeignKeyField(StaffMember, null=True, on_delete="SET NULL", backref="+")
    signed_at = DateTimeField(null=True)
    version = IntegerField(default=1)

    class Meta:
        indexes = ((("patient", "visit_date"), False), (("amends",), False))


class PatientDocument(BaseModel):
    """A document filed to a patient (a scan, a letter from outside): what it is, and the
    file's name, size and SHA-256. The bytes are in DocumentBlob, so lists stay light."""

    KINDS = ("lab", "referral", "id_card", "insurance_card", "consent", "outside", "other")

    patient = ForeignKeyField(Patient, backref="documents")
    kind = CharField(max_length=16)
    doc_date = DateField()
    description = CharField(max_length=200, default="")
    file_name = CharField(max_length=255)
    size = IntegerField()
    sha256 = CharField(max_length=64)
    is_text = BooleanField(default=False)
    filed_by = ForeignKeyField(StaffMember, backref="+")
    filed_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("patient", "doc_date"), False),)


class DocumentBlob(BaseModel):
    """A filed document's bytes, one row per document."""

    document = ForeignKeyField(PatientDocument, unique=True, backref="+", on_delete="CASCADE")
    data = BlobField()
