"""Vitals (issue 12 items 8, 10): blood pressure, pulse, temperature, weight and height as
typed at the desk, with BMI computed. A value no living patient can have is refused; one
outside the usual physiological range is kept only once someone confirmed it
(``confirmed_out_of_range=True``), and the set records which values were confirmed.

Stored as whole numbers: temperature in tenths of a degree F, weight in tenths of a
pound, height in tenths of an inch (typed °C, kg or cm are converted)."""

from __future__ import annotations

import dataclasses
import re
from decimal import ROUND_HALF_UP, Decimal

from ...db.models import StaffMember, VitalSigns
from .. import clock
from ..core import audit, writer
from ..errors import ValidationError
from ..patients.privacy import require_access
from .common import texts

VITAL_FIELDS = ("bp", "pulse", "temp", "weight", "height")
LABELS = {
    "bp": "Blood pressure", "pulse": "Pulse", "temp": "Temperature", "weight": "Weight",
    "height": "Height",
}  # fmt: skip

# (impossible below, usual low, usual high, impossible above), in the stored unit.
LIMITS = {
    "systolic": (40, 80, 200, 300),
    "diastolic": (10, 40, 120, 200),
    "pulse": (10, 40, 150, 300),
    "temp_tenths_f": (750, 950, 1040, 1150),
    "weight_tenths_lb": (5, 50, 4000, 14000),
    "height_tenths_in": (100, 180, 840, 1080),
}
_NUMBER = r"(\d{1,4}(?:\.\d{1,2})?)"
_BP = re.compile(r"^(\d{1,3})\s*/\s*(\d{1,3})$", re.ASCII)
_TEMP = re.compile(rf"^{_NUMBER}\s*°?\s*([fc])?$", re.ASCII)
_WEIGHT = re.compile(rf"^{_NUMBER}\s*(lbs?|kg)?$", re.ASCII)
_HEIGHT_IN = re.compile(rf"^{_NUMBER}\s*(in|\"|cm)?$", re.ASCII)
_HEIGHT_FT = re.compile(r"^(\d)\s*(?:'|ft)\s*(?:(\d{1,2}(?:\.\d)?)\s*(?:\"|in)?)?$", re.ASCII)


class OutOfRange(ValidationError):
    """Values outside the usual range: the desk checks them, then confirms to keep them."""


@dataclasses.dataclass(frozen=True)
class VitalsRow:
    id: int
    taken_at: str
    bp: str
    pulse: str
    temp: str
    weight: str
    height: str
    bmi: str
    out_of_range: str
    taken_by: str

    def line(self) -> str:
        parts = [
            f"BP {self.bp}" if self.bp else "", f"P {self.pulse}" if self.pulse else "",
            self.temp, self.weight, self.height, f"BMI {self.bmi}" if self.bmi else "",
        ]  # fmt: skip
        return " · ".join(p for p in parts if p)


def _tenths(number: str, factor: str = "1", offset: str = "0") -> int:
    value = (Decimal(number) * Decimal(factor) + Decimal(offset)) * 10
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _parse_one(key: str, text: str) -> dict[str, int]:
    """One typed value as stored numbers; a message (ValidationError) if unreadable."""
    text = text.strip().lower()
    if key == "bp":
        if m := _BP.match(text):
            return {"systolic": int(m[1]), "diastolic": int(m[2])}
        raise ValidationError.one(key, "Blood pressure as systolic/diastolic: 120/80.")
    if key == "pulse":
        if text.isascii() and text.isdigit() and len(text) <= 3:
            return {"pulse": int(text)}
        raise ValidationError.one(key, "Pulse in beats a minute: 72.")
    if key == "temp":
        if m := _TEMP.match(text):
            celsius = m[2] == "c" or (m[2] is None and Decimal(m[1]) < 50)
            f = _tenths(m[1], "1.8", "32") if celsius else _tenths(m[1])
            return {"temp_tenths_f": f}
        raise ValidationError.one(key, "Temperature: 98.6 (F) or 37 C.")
    if key == "weight":
        if m := _WEIGHT.match(text):
            return {"weight_tenths_lb": _tenths(m[1], "2.20462" if m[2] == "kg" else "1")}
        raise ValidationError.one(key, "Weight: 150 (lb) or 68 kg.")
    if (m := _HEIGHT_FT.match(text)) and Decimal(m[2] or "0") < 12:
        return {"height_tenths_in": _tenths(m[1], "12") + _tenths(m[2] or "0")}
    if m := _HEIGHT_IN.match(text):
        return {"height_tenths_in": _tenths(m[1], "0.393701" if m[2] == "cm" else "1")}
    raise ValidationError.one(key, "Height: 65 (inches), 5'5\" or 165 cm.")


def _show(column: str, value: int) -> str:
    """A stored value as the desk reads it: 98.6 F, 150 lb, 65.5 in."""
    unit = {"temp_tenths_f": "F", "weight_tenths_lb": "lb", "height_tenths_in": "in"}.get(column)
    if unit is None:
        return str(value)
    whole, tenth = divmod(value, 10)
    return f"{whole}{f'.{tenth}' if tenth or unit == 'F' else ''} {unit}"


def parse_vitals(values: dict) -> tuple[dict[str, int], dict[str, str]]:
    """The typed vitals as stored numbers, and a message for each field outside the usual
    range (empty when all are usual). Refuses (ValidationError, every field at once)
    what cannot be read, what no patient can have, a diastolic not below the systolic,
    and a form with nothing in it."""
    v = texts(values, VITAL_FIELDS, "bp")
    errors: dict[str, str] = {}
    unusual: dict[str, str] = {}
    out: dict[str, int] = {}
    for key in VITAL_FIELDS:
        if not v[key].strip():
            continue
        try:
            parsed = _parse_one(key, v[key])
        except ValidationError as exc:
            errors.update(exc.errors)
            continue
        for column, value in parsed.items():
            low_no, low, high, high_no = LIMITS[column]
            if not low_no <= value <= high_no:
                errors[key] = f"{LABELS[key]} {v[key].strip()} is not possible: check it."
            elif not low <= value <= high:
                unusual[key] = (
                    f"{LABELS[key]} {_show(column, value)} is outside "
                    f"{_show(column, low)}-{_show(column, high)}: confirm it is right."
                )
        out.update(parsed)
    if "systolic" in out and "bp" not in errors and out["diastolic"] >= out["systolic"]:
        errors["bp"] = "The diastolic (second) number must be below the systolic."
    if not errors and not out:
        errors["bp"] = "Type at least one value."
    if errors:
        raise ValidationError(errors)
    return out, unusual


def bmi_text(weight_tenths_lb: int | None, height_tenths_in: int | None) -> str:
    """BMI = 703 x pounds / inches squared, to one decimal ("" without both)."""
    if not weight_tenths_lb or not height_tenths_in:
        return ""
    h2 = height_tenths_in * height_tenths_in
    tenths = (70300 * weight_tenths_lb * 2 + h2) // (2 * h2)
    return f"{tenths // 10}.{tenths % 10}"


def vitals_row(s: VitalSigns) -> VitalsRow:
    def shown(column: str) -> str:
        value = getattr(s, column)
        return _show(column, value) if value is not None else ""

    bp = f"{s.systolic}/{s.diastolic}" if s.systolic is not None else ""
    return VitalsRow(
        s.id, f"{clock.utc_to_local(s.taken_at):%m/%d/%Y %H:%M}", bp, shown("pulse"),
        shown("temp_tenths_f"), shown("weight_tenths_lb"), shown("height_tenths_in"),
        bmi_text(s.weight_tenths_lb, s.height_tenths_in), s.out_of_range, s.taken_by.short_name,
    )  # fmt: skip


@writer("clinical.write", changes=())
def record_vitals(
    actor: StaffMember, patient_id: int, values: dict, confirmed_out_of_range: bool = False
) -> VitalsRow:
    """One set of vitals taken now. Values outside the usual range are refused with
    OutOfRange (each named beside its field) unless *confirmed_out_of_range*; then they
    are kept and the set names them."""
    parsed, unusual = parse_vitals(values)
    if unusual and confirmed_out_of_range is not True:
        raise OutOfRange(unusual)
    patient = require_access(actor, patient_id, "vitals recorded")
    confirmed = ", ".join(LABELS[k].lower() for k in unusual)
    s = VitalSigns.create(patient=patient, taken_at=clock.now_utc(), taken_by=actor,
                          out_of_range=confirmed, **parsed)  # fmt: skip
    audit(actor, "vitals.record", patient_id=patient.id, entity="vital_signs", entity_id=s.id,
          detail=f"confirmed out of range: {confirmed}" if confirmed else "")  # fmt: skip
    return vitals_row(s)
