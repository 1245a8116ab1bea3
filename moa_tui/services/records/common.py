"""What the chart's services share: reading a patient's record (every read is audited, as
opening the chart is; a restricted record needs a stated reason), the typed values of a
form checked all at once, and a typed day that may not lie ahead."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from ...db.models import Patient, StaffMember
from .. import clock
from ..core import audit
from ..errors import ValidationError
from ..patients.privacy import require_access
from ..validate import clean_text, parse_date


def read_chart(actor: StaffMember, patient_id: int, what: str) -> Patient:
    """The patient whose *what* (allergies, a note, a document...) the desk is shown: a
    restricted record only with a reason stated this session (require_access records
    that look); any other look is recorded as ``records.view``, as a chart opening is."""
    patient = require_access(actor, patient_id, what)
    if not patient.restricted:
        audit(
            actor,
            "records.view",
            patient_id=patient.id,
            entity="patient",
            entity_id=patient.id,
            detail=what,
        )
    return patient


def texts(values, fields: tuple[str, ...], first: str) -> dict[str, str]:
    """The form's values by field, each as text (None: empty); refuses a non-dict."""
    if not isinstance(values, dict):
        raise ValidationError.one(first, "Nothing to save.")
    out = {}
    for key in fields:
        value = values.get(key)
        out[key] = "" if value is None else value if isinstance(value, str) else str(value)
    return out


class Checks:
    """Checks each field of a form, keeping the first message per field, so every bad
    field is named at once and nothing is written until all are right."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def run(self, check: Callable, *args, **kwargs):
        try:
            return check(*args, **kwargs)
        except ValidationError as exc:
            for field, message in exc.errors.items():
                self.errors.setdefault(field, message)
            return None

    def text(self, field: str, value: str, max_len: int, label: str, required=False) -> str:
        return self.run(clean_text, field, value, max_len=max_len, required=required, label=label)

    def day(self, field: str, value: str, label: str, *, required: bool = False):
        """A typed date (t, 11/30, 2026-11-30...) not after today; empty: None (or a
        message when *required*)."""
        return self.run(past_day, field, value, label, required)

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def past_day(field: str, value: str | None, label: str, required: bool = False) -> dt.date | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationError.one(field, f"{label} is required.")
        return None
    today = clock.today()
    day = parse_date(field, text, today=today, label=label)
    if day > today:
        raise ValidationError.one(field, f"{label} cannot be after today.")
    return day


def day_text(day: dt.date | None) -> str:
    return f"{day:%m/%d/%Y}" if day else ""
