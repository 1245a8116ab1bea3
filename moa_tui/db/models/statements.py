"""Patient statements (issue 11 item 8): each statement sent, kept in the patient's
history with what it said, and the practice's statement and late-fee settings."""

from __future__ import annotations

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from .base import BaseModel, utcnow
from .patients import Patient
from .security import StaffMember


class Statement(BaseModel):
    """One statement to one patient, from one batch run; never edited."""

    patient = ForeignKeyField(Patient, backref="statements")
    run_no = IntegerField(index=True)  # the batch it was printed in
    statement_date = DateField()
    due_date = DateField()  # Net 30: statement date + 30 days
    amount_due_cents = IntegerField()
    pending_cents = IntegerField(default=0)  # still with insurance: shown, not billed
    text = TextField()  # the statement as printed (the PDF says the same)
    file_name = CharField(max_length=255, default="")
    staff = ForeignKeyField(StaffMember)
    at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("patient", "statement_date"), False),)


class StatementSettings(BaseModel):
    """One row: the batch run's rules and the late fee (0 basis points a month: off)."""

    min_balance_cents = IntegerField(default=500)
    days_between = IntegerField(default=30)
    late_fee_bp = IntegerField(default=0)  # basis points a month: 150 = 1.5 % a month
    version = IntegerField(default=1)
