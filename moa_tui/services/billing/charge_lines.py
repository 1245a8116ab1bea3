"""A service line as typed, read and checked in one place: the code from the practice's
list, up to 4 modifiers, units, the fee (the fee schedule's for the claim's payer unless
typed), up to 4 pointers at the claim's diagnoses, dates and place of service, the
rendering provider. Every bad field is reported at once, beside its field."""

from __future__ import annotations

import re

from ...db.models import Claim, PlaceOfService, ProcedureCode, Provider
from .. import clock
from ..errors import ValidationError
from ..validate import clean_text, format_money, parse_date, parse_money, parse_quantity
from ..wording import plural
from .codes import procedure_fee
from .scrubber import MODIFIER

MAX_POINTERS = 4
MAX_MODIFIERS = 4
DEFAULT_POS = "11"  # office
UNITS_MAX = 999

LINE_FIELDS = ("code", "modifiers", "units", "fee", "pointers", "date", "date_to", "pos",
               "provider_id")  # fmt: skip


def parse_line(c: Claim, data: dict, n_diagnoses: int) -> dict:
    """The line's fields from what was typed; every field's refusal at once."""
    errors: dict[str, str] = {}
    values: dict = {}

    def field(name, parse):
        try:
            values[name] = parse()
        except ValidationError as exc:
            errors.update(exc.errors)

    def code():
        text = clean_text("code", data.get("code"), max_len=8, required=True, label="Code")
        proc = ProcedureCode.get_or_none(ProcedureCode.code == text.upper())
        if proc is None:
            raise ValidationError.one("code", f"{text.upper()} is not in the practice's code list.")
        return proc

    def modifiers():
        text = clean_text("modifiers", data.get("modifiers"), max_len=20, label="Modifiers")
        mods = [m for m in re.split(r"[,\s]+", text.upper()) if m]
        if len(mods) > MAX_MODIFIERS:
            raise ValidationError.one(
                "modifiers", f"A line takes at most {MAX_MODIFIERS} modifiers."
            )
        for m in mods:
            if not MODIFIER.match(m):
                raise ValidationError.one(
                    "modifiers", f"Modifier {m} is not two letters or digits."
                )
        return " ".join(mods)

    def units():
        return parse_quantity("units", str(data.get("units") or "1").strip() or "1")

    def pointers():
        text = clean_text("pointers", data.get("pointers"), max_len=20, label="Pointers")
        parts = [p for p in re.split(r"[,\s]+", text) if p]
        if not parts:
            if n_diagnoses == 0:
                raise ValidationError.one(
                    "pointers", "Add a diagnosis first: a line points at one."
                )
            return ",".join(str(n) for n in range(1, min(n_diagnoses, MAX_POINTERS) + 1))
        if len(parts) > MAX_POINTERS:
            raise ValidationError.one(
                "pointers", f"A line points at {MAX_POINTERS} diagnoses at most."
            )
        found = []
        for p in parts:
            if not (p.isascii() and p.isdigit() and len(p) <= 2):
                raise ValidationError.one("pointers", "Pointers are diagnosis numbers, e.g. 1,2.")
            n = int(p)
            if not 1 <= n <= n_diagnoses:
                raise ValidationError.one(
                    "pointers",
                    f"Pointer {n} is past the last diagnosis (the claim has "
                    f"{plural(n_diagnoses, 'diagnosis', 'diagnoses')}).",
                )
            if n in found:
                raise ValidationError.one("pointers", f"Pointer {n} is given twice.")
            found.append(n)
        return ",".join(map(str, found))

    def day(name, label, default):
        text = clean_text(name, data.get(name), max_len=20, label=label)
        if not text:
            return default
        return parse_date(name, text, today=clock.today(), label=label)

    def pos():
        text = (
            clean_text("pos", data.get("pos"), max_len=2, label="Place of service") or DEFAULT_POS
        )
        if PlaceOfService.get_or_none(PlaceOfService.code == text) is None:
            raise ValidationError.one("pos", f"{text} is not a place-of-service code.")
        return text

    def provider():
        pid = data.get("provider_id") or c.provider_id
        if isinstance(pid, bool) or not isinstance(pid, int):
            raise ValidationError.one("provider_id", "Choose the rendering provider from the list.")
        found = Provider.get_or_none(Provider.id == pid)
        if found is None:
            raise ValidationError.one("provider_id", "Choose the rendering provider from the list.")
        return found.id

    field("code", code)
    field("modifiers", modifiers)
    field("units", units)
    field("pointers", pointers)
    field("date", lambda: day("date", "Date", c.service_date))
    field("pos", pos)
    field("provider_id", provider)
    if "units" in values and values["units"] > UNITS_MAX:
        errors["units"] = f"Units: at most {UNITS_MAX}."
    if "date" in values:
        field("date_to", lambda: day("date_to", "To", values["date"]))
        if "date_to" in values and values["date_to"] < values["date"]:
            errors["date_to"] = "The last day of service is before the first."
        if values["date"] > clock.today():
            errors["date"] = "The date of service is in the future."
    fee_text = str(data.get("fee") or "").strip()
    if fee_text:
        field("fee", lambda: parse_money("fee", fee_text, label="Fee"))
    elif "code" in values:
        fee = procedure_fee(values["code"], c.payer_id)
        if fee is None:
            errors["fee"] = f"{values['code'].code} has no fee in the fee schedule: type the fee."
        else:
            values["fee"] = fee
    if errors:
        raise ValidationError(errors)
    if values["fee"] <= 0:
        raise ValidationError.one("fee", "The fee must be more than zero.")
    charge = values["fee"] * values["units"]
    if charge > 100_000_000:
        raise ValidationError.one("units", f"The line would charge {format_money(charge)}.")
    values["charge"] = charge
    return values


def line_columns(values: dict, diagnoses: list[str]) -> dict:
    pointed = [diagnoses[int(p) - 1] for p in values["pointers"].split(",")]
    mods = values["modifiers"].split()
    return dict(
        procedure_code=values["code"].code,
        modifier=mods[0] if mods else "",
        modifiers=values["modifiers"],
        diagnosis_codes=",".join(pointed)[:40],
        units=values["units"],
        fee_cents=values["fee"],
        charge_cents=values["charge"],
        pointers=values["pointers"],
        service_from=values["date"],
        service_to=values["date_to"],
        place_of_service=values["pos"],
        rendering_provider=values["provider_id"],
    )
