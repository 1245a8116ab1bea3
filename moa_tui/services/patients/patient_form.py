"""The registration form: its fields, in form order, and how a typed form is cleaned
(every problem reported at once, beside its field)."""

from __future__ import annotations

from .. import clock
from ..errors import ValidationError
from ..validate import (
    clean_name,
    clean_text,
    parse_dob,
    parse_email,
    parse_phone,
    parse_state,
    parse_zip,
)

SEXES = {"F": "Female", "M": "Male", "X": "Non-binary", "U": "Unknown"}
# The fields a registration form edits, in form order.
FORM_FIELDS = (
    "last_name",
    "first_name",
    "dob",
    "sex",
    "phone_mobile",
    "phone_home",
    "email",
    "address1",
    "city",
    "state",
    "zip",
    "preferred_name",
    "phone_work",
    "preferred_phone",
    "language",
    "emergency_name",
    "emergency_relation",
    "emergency_phone",
    "guarantor_name",
    "guarantor_relation",
    "guarantor_phone",
)
PHONE_FIELDS = ("phone_mobile", "phone_home", "phone_work", "emergency_phone", "guarantor_phone")
PREFERRED_PHONES = ("mobile", "home", "work")


def name_key(name: str) -> str:
    return name.casefold()


def clean_patient(data: dict[str, str]) -> dict:
    """Check every field of a registration form; all problems are reported at once."""
    today = clock.today()
    checks = {
        "last_name": lambda v: clean_name("last_name", v, "Last name"),
        "first_name": lambda v: clean_name("first_name", v, "First name"),
        "dob": lambda v: parse_dob("dob", v, today=today),
        "sex": _parse_sex,
        "phone_mobile": lambda v: parse_phone("phone_mobile", v, label="Mobile phone"),
        "phone_home": lambda v: parse_phone("phone_home", v, label="Home phone"),
        "email": lambda v: parse_email("email", v),
        "address1": lambda v: clean_text("address1", v, max_len=120, label="Address"),
        "city": lambda v: clean_text("city", v, max_len=60, label="City"),
        "state": lambda v: parse_state("state", v),
        "zip": lambda v: parse_zip("zip", v),
        "preferred_name": lambda v: clean_text(
            "preferred_name", v, max_len=60, label="Preferred name"
        ),
        "phone_work": lambda v: parse_phone("phone_work", v, label="Work phone"),
        "preferred_phone": _parse_preferred_phone,
        "language": lambda v: clean_text("language", v, max_len=40, label="Language"),
        "emergency_name": lambda v: clean_text(
            "emergency_name", v, max_len=80, label="Emergency contact"
        ),
        "emergency_relation": lambda v: clean_text(
            "emergency_relation", v, max_len=30, label="Relationship"
        ),
        "emergency_phone": lambda v: parse_phone("emergency_phone", v, label="Emergency phone"),
        "guarantor_name": lambda v: clean_text(
            "guarantor_name", v, max_len=80, label="Responsible party"
        ),
        "guarantor_relation": lambda v: clean_text(
            "guarantor_relation", v, max_len=30, label="Relationship"
        ),
        "guarantor_phone": lambda v: parse_phone("guarantor_phone", v, label="Their phone"),
    }
    clean, errors = {}, {}
    for name, check in checks.items():
        try:
            clean[name] = check(data.get(name, ""))
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    clean["last_key"] = name_key(clean["last_name"])
    clean["first_key"] = name_key(clean["first_name"])
    return clean


def _parse_preferred_phone(value: str | None) -> str:
    text = (value or "mobile").strip().lower() or "mobile"
    if text not in PREFERRED_PHONES:
        raise ValidationError.one("preferred_phone", "mobile, home or work.")
    return text


def _parse_sex(value: str | None) -> str:
    text = (value or "U").strip().upper()[:1] or "U"
    if text not in SEXES:
        raise ValidationError.one("sex", "Sex is F, M, X or U (unknown).")
    return text
