"""Payers' authorizations (issue 12 item 6): the payer (from one of the patient's
coverages), the authorization number, the visits allowed, the dates it is good for, the
referral it belongs to (optional) and the visit types it covers (none listed: every type
that needs an authorization).

Visits used are counted, never stored: the patient's covered visits inside the dates that
were checked in (arrived or further). A visit counts when it is checked in, not when it is
booked, because a booked visit may still be cancelled, moved or missed, and the payer
counts the visits that took place. Booked visits still to come are counted apart
("booked"), so a booking that would go past the visits allowed is warned about
(authorization_problem, asked by the booking flow through
services/scheduling/authorization_check.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from ...db.models import (
    Appointment,
    AppointmentType,
    AuthorizationType,
    Coverage,
    PayerAuthorization,
    Referral,
    StaffMember,
)
from .. import clock
from ..core import audit, get_or_refuse, writer
from ..errors import Conflict, ValidationError
from ..patients.privacy import require_access
from ..scheduling.statuses import FLOW
from ..validate import clean_text, is_whole_number, parse_date, parse_quantity
from ..wording import date_text, plural
from .referrals import changed_by

AUTH_FIELDS = (
    "coverage", "number", "visits_allowed", "starts_on", "expires_on", "referral", "types",
    "notes",
)  # fmt: skip
ALL_TYPES = "all"  # the types field: every visit type that needs an authorization


@dataclass(frozen=True)
class AuthorizationRow:
    id: int
    patient_id: int
    payer: str
    coverage_id: int | None
    number: str
    visits_allowed: int
    visits_used: int  # checked in
    visits_booked: int  # booked, not yet checked in
    starts_on: dt.date
    expires_on: dt.date
    referral_id: int | None
    types: str  # "all" or "Physical therapy, Consult"
    notes: str
    state: str  # Active, Expired, Used up, Not yet
    version: int

    @property
    def left(self) -> int:
        return max(self.visits_allowed - self.visits_used - self.visits_booked, 0)

    def values(self) -> dict[str, str]:
        return {
            "coverage": str(self.coverage_id or ""), "number": self.number,
            "visits_allowed": str(self.visits_allowed), "starts_on": date_text(self.starts_on),
            "expires_on": date_text(self.expires_on), "referral": str(self.referral_id or ""),
            "types": self.types, "notes": self.notes,
        }  # fmt: skip


def covered_type_ids(auth: PayerAuthorization) -> list[int]:
    """The visit types *auth* covers: its own list, or every type needing one."""
    own = [t.appt_type_id for t in AuthorizationType.select().where(
        AuthorizationType.authorization == auth.id)]  # fmt: skip
    if own:
        return own
    return [t.id for t in AppointmentType.select(AppointmentType.id).where(
        AppointmentType.needs_authorization == True)]  # noqa: E712  # fmt: skip


def visits_counted(auth: PayerAuthorization, type_ids: list[int]) -> tuple[int, int]:
    """(used, booked): the patient's visits of *type_ids* inside the authorization's
    dates, checked in (used) or booked and not yet checked in."""
    if not type_ids:
        return 0, 0
    first = dt.datetime.combine(auth.starts_on, dt.time())
    after = dt.datetime.combine(auth.expires_on + dt.timedelta(days=1), dt.time())
    counts = dict(
        Appointment.select(Appointment.status, fn.COUNT(Appointment.id))
        .where(
            (Appointment.patient == auth.patient_id)
            & Appointment.appt_type.in_(type_ids)
            & (Appointment.starts_at >= first)
            & (Appointment.starts_at < after)
            & Appointment.status.in_(("booked", *FLOW))
        )
        .group_by(Appointment.status)
        .tuples()
    )
    booked = counts.pop("booked", 0)
    return sum(counts.values()), booked


def _state(auth: PayerAuthorization, used: int, booked: int, today: dt.date) -> str:
    if auth.expires_on < today:
        return "Expired"
    if auth.starts_on > today:
        return "Not yet"
    if used >= auth.visits_allowed:
        return "Used up"
    if used + booked >= auth.visits_allowed:
        return "All booked"
    return "Active"


def _type_names(auth: PayerAuthorization) -> str:
    names = [
        t.appt_type.name
        for t in AuthorizationType.select(AuthorizationType, AppointmentType)
        .join(AppointmentType)
        .where(AuthorizationType.authorization == auth.id)
        .order_by(AppointmentType.name)
    ]
    return ", ".join(names) or ALL_TYPES


def _row(auth: PayerAuthorization) -> AuthorizationRow:
    used, booked = visits_counted(auth, covered_type_ids(auth))
    return AuthorizationRow(
        auth.id, auth.patient_id, auth.payer.name, auth.coverage_id, auth.number,
        auth.visits_allowed, used, booked, auth.starts_on, auth.expires_on, auth.referral_id,
        _type_names(auth), auth.notes, _state(auth, used, booked, clock.today()), auth.version,
    )  # fmt: skip


def parse_type_list(field: str, text: str) -> list[AppointmentType]:
    """'all' (or blank) -> [] (every type that needs an authorization); otherwise visit
    types by name, with commas; a start of a name that names only one type will do."""
    raw = clean_text(field, text, max_len=300, label="Visit types")
    if not raw or raw.lower() in (ALL_TYPES, "*"):
        return []
    types = list(AppointmentType.select().order_by(AppointmentType.name))
    found: list[AppointmentType] = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        key = part.casefold()
        exact = [t for t in types if t.name.casefold() == key]
        match = exact or [t for t in types if t.name.casefold().startswith(key)]
        if not match:
            raise ValidationError.one(field, f"No visit type is called {part}.")
        if len(match) > 1:
            names = ", ".join(t.name for t in match)
            raise ValidationError.one(field, f"{part} could be {names}; type more of the name.")
        if match[0] not in found:
            found.append(match[0])
    return found


def _choice(model, field: str, text: str, patient_id: int, what: str):
    """One of the patient's own coverages or referrals, by the form's id (blank: None)."""
    text = text.strip()
    if not text:
        return None
    found = model.get_or_none(model.id == int(text)) if is_whole_number(text, 18) else None
    if found is None or found.patient_id != patient_id:
        raise ValidationError.one(field, f"Choose one of the patient's {what}.")
    return found


def check_authorization(values: dict, patient_id: int) -> dict:
    """The authorization's fields as typed, checked: errors by field, all at once."""
    if not isinstance(values, dict):
        raise ValidationError.one("number", "Nothing to save.")
    v = {k: values.get(k) for k in AUTH_FIELDS}
    v = {k: (x if isinstance(x, str) else "" if x is None else str(x)) for k, x in v.items()}
    today = clock.today()
    checks = {
        "coverage": lambda t: _choice(Coverage, "coverage", t, patient_id, "insurance plans"),
        "number": lambda t: clean_text("number", t, max_len=40, required=True,
                                       label="Authorization number"),
        "visits_allowed": lambda t: parse_quantity("visits_allowed", t),
        "starts_on": lambda t: parse_date("starts_on", t or "t", today=today, label="From"),
        "expires_on": lambda t: parse_date("expires_on", t, today=today, label="Expires"),
        "referral": lambda t: _choice(Referral, "referral", t, patient_id, "referrals"),
        "types": lambda t: parse_type_list("types", t),
        "notes": lambda t: clean_text("notes", t, max_len=500, label="Notes"),
    }  # fmt: skip
    out: dict = {}
    errors: dict[str, str] = {}
    for key, check in checks.items():
        try:
            out[key] = check(v[key])
        except ValidationError as exc:
            errors[key] = next(iter(exc.errors.values()))
    if "coverage" in out and out["coverage"] is None:
        errors["coverage"] = "Choose the insurance plan that gave the authorization."
    if "visits_allowed" in errors:
        errors["visits_allowed"] = errors["visits_allowed"].replace("Quantity", "Visits")
    if out.get("starts_on") and out.get("expires_on") and out["expires_on"] < out["starts_on"]:
        errors["expires_on"] = "It cannot expire before it starts."
    if errors:
        raise ValidationError(errors)
    return out


@writer("patient.write")
def save_authorization(
    actor: StaffMember,
    patient_id: int,
    authorization_id: int | None,
    version: int | None,
    values: dict,
) -> AuthorizationRow:
    """A new authorization for the patient (*authorization_id* None) or a change to one at
    *version* (a stale edit is refused, naming who changed it)."""
    patient = require_access(actor, patient_id, "authorizations")
    v = check_authorization(values, patient.id)
    now = clock.now_utc()
    fields = dict(
        payer=v["coverage"].payer_id, coverage=v["coverage"], number=v["number"],
        visits_allowed=v["visits_allowed"], starts_on=v["starts_on"],
        expires_on=v["expires_on"], referral=v["referral"], notes=v["notes"],
        updated_by=actor, updated_at=now,
    )  # fmt: skip
    if authorization_id is None:
        auth = PayerAuthorization.create(patient=patient, created_by=actor, created_at=now,
                                         **fields)  # fmt: skip
        action = "authorization.create"
    else:
        auth = get_or_refuse(PayerAuthorization, authorization_id, "authorization")
        if auth.patient_id != patient.id:
            raise ValidationError.one("number", "That authorization is another patient's.")
        n = (
            PayerAuthorization.update(version=PayerAuthorization.version + 1, **fields)
            .where((PayerAuthorization.id == auth.id) & (PayerAuthorization.version == version))
            .execute()
        )
        if n != 1:
            raise Conflict(changed_by(auth))
        AuthorizationType.delete().where(AuthorizationType.authorization == auth.id).execute()
        action = "authorization.update"
    for kind in v["types"]:
        AuthorizationType.create(authorization=auth.id, appt_type=kind)
    audit(actor, action, patient_id=patient.id, entity="payer_authorization",
          entity_id=auth.id, detail=f"{v['number']}: {v['visits_allowed']} visits")  # fmt: skip
    return _row(PayerAuthorization.get_by_id(auth.id))


@writer("patient.read", changes=())  # a writer: a restricted record's read is audited
def patient_authorizations(actor: StaffMember, patient_id: int) -> list[AuthorizationRow]:
    """The patient's authorizations, the latest to expire first, with visits counted."""
    patient = require_access(actor, patient_id, "authorizations")
    rows = (
        PayerAuthorization.select()
        .where(PayerAuthorization.patient == patient.id)
        .order_by(PayerAuthorization.expires_on.desc(), PayerAuthorization.id.desc())
    )
    return [_row(a) for a in rows]


def _has_coverage(patient_id: int, day: dt.date) -> bool:
    return (
        Coverage.select()
        .where(
            (Coverage.patient == patient_id)
            & (Coverage.effective.is_null() | (Coverage.effective <= day))
            & (Coverage.ends.is_null() | (Coverage.ends >= day))
        )
        .exists()
    )


def authorization_problem(patient_id: int, kind: AppointmentType, day: dt.date) -> str:
    """What is wrong with the authorization for a visit of *kind* on *day*, in a sentence
    for the desk, or "" when nothing is: the type needs none, the patient has no insurance
    on that day (self-pay: no payer to ask), or an authorization covers the visit with a
    visit left (counting visits already booked)."""
    if not kind.needs_authorization or not _has_coverage(patient_id, day):
        return ""
    auths = list(
        PayerAuthorization.select()
        .where(PayerAuthorization.patient == patient_id)
        .order_by(PayerAuthorization.expires_on.desc())
    )
    covering = [a for a in auths if kind.id in covered_type_ids(a)]
    if not covering:
        return f"No authorization on file for a {kind.name} visit."
    current = [a for a in covering if a.starts_on <= day <= a.expires_on]
    for a in current:
        used, booked = visits_counted(a, covered_type_ids(a))
        if used + booked < a.visits_allowed:
            return ""
    if current:
        a = current[0]
        used, booked = visits_counted(a, covered_type_ids(a))
        return (
            f"Authorization {a.number} is used up: {plural(a.visits_allowed, 'visit')} allowed, "
            f"{used} used, {booked} booked."
        )
    past = [a for a in covering if a.expires_on < day]
    if past:
        return f"Authorization {past[0].number} expired on {date_text(past[0].expires_on)}."
    a = min(covering, key=lambda x: x.starts_on)
    return f"Authorization {a.number} starts on {date_text(a.starts_on)}, after this visit."
