"""Patient lookup, the chart summary, registration and edits."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from peewee import fn

from ...db.database import db, on_postgresql
from ...db.models import (
    Appointment,
    AppointmentType,
    ClinicSettings,
    Coverage,
    Patient,
    Payer,
    Provider,
    StaffMember,
)
from .. import clock
from ..core import audit, get_or_refuse, reader, writer
from ..errors import Conflict, ServiceError, ValidationError
from ..scheduling.schedule import STATUS_LABELS
from ..validate import (
    check_limit,
    clean_text,
    format_money,
    format_phone,
    parse_dob,
)

# The registration form's fields and how a typed form is cleaned; importable here too.
from .patient_form import (  # noqa: F401
    FORM_FIELDS,
    PHONE_FIELDS,
    PREFERRED_PHONES,
    SEXES,
    clean_patient,
    name_key,
)
from .privacy import ReasonRequired, grant_access, require_access  # noqa: F401 (re-exported)

SEARCH_LIMIT = 50


@dataclass(frozen=True)
class PatientHit:
    id: int
    mrn: str
    name: str
    dob: dt.date
    sex: str
    phone: str
    restricted: bool = False


@dataclass(frozen=True)
class CoverageInfo:
    priority: int
    payer: str
    member_id: str
    group_id: str
    copay: str


@dataclass(frozen=True)
class UpcomingVisit:
    starts_at: dt.datetime
    provider: str
    appt_type: str
    status: str


@dataclass
class PatientChart:
    id: int
    version: int
    mrn: str
    values: dict[str, str]  # FORM_FIELDS as the form shows them
    dob: dt.date
    restricted: bool = False
    balance_cents: int = 0  # what the patient owes (from the account's postings)
    coverages: list[CoverageInfo] = field(default_factory=list)
    upcoming: list[UpcomingVisit] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.values['last_name']}, {self.values['first_name']}"

    def age(self, today: dt.date) -> int:
        years = today.year - self.dob.year
        return years - ((today.month, today.day) < (self.dob.month, self.dob.day))


def _prefix(column, text: str):
    # An index range instead of LIKE, so it is a range scan on SQLite and PostgreSQL alike.
    return (column >= text) & (column < text + "\uffff")


# Only what a hit shows: no model is built per row (a search runs on every keystroke).
HIT_COLUMNS = (
    Patient.id,
    Patient.mrn,
    Patient.last_name,
    Patient.first_name,
    Patient.dob,
    Patient.sex,
    Patient.phone_mobile,
    Patient.phone_home,
    Patient.restricted,
)


@reader("patient.read")
def search_patients(actor: StaffMember, text: str, limit: int = SEARCH_LIMIT) -> list[PatientHit]:
    """Find patients by "last first" prefixes ("smi jo", "smith, john"), a date of birth,
    a 10-digit phone number or an MRN. At most *limit* hits, in name order."""
    check_limit(limit)
    text = (text or "").strip()
    if not text:
        return []
    digits = re.sub(r"[\s().+\-]", "", text)
    if digits.isdigit() and len(digits) in (10, 11):
        kind, values = "phone", (digits[-10:],)
    elif digits.isdigit() and len(digits) <= 8 and "/" not in text and "-" not in text:
        kind, values = "mrn", (digits,)
    elif re.search(r"\d", text):
        try:
            kind, values = "dob", (parse_dob("q", text, today=clock.today()),)
        except ValidationError:
            return []
    else:
        parts = [p for p in re.split(r"[\s,]+", name_key(text)) if p]
        if not parts:  # only commas: nothing to look for
            return []
        kind, values = "last", (parts[0],)
        if len(parts) > 1:
            kind, values = "last_first", (parts[0], " ".join(parts[1:]))
    sql, params = _search_sql(type(db.obj), kind)
    given = dict(zip(MARKS[kind], values, strict=True))
    given.update({m + "\uffff": v + "\uffff" for m, v in given.items() if isinstance(v, str)})
    given[LIMIT_MARK] = limit
    cursor = db.execute_sql(sql, [given.get(p, p) for p in params])
    # SQLite keeps a date as ISO text (PostgreSQL's driver gives it typed): the ISO parser
    # is a tenth of the field's general one, which tries format after format.
    return [
        _hit_of(pid, mrn, last, first, _date(dob), sex, mobile, home, bool(restricted))
        for pid, mrn, last, first, dob, sex, mobile, home, restricted in cursor.fetchall()
    ]


# Stand-ins for each kind of search's values while its SQL is composed: each is put back
# by equality in the parameters peewee made (a prefix's upper bound: its stand-in + U+FFFF).
_TEXT, _MORE = "\x00a value\x00", "\x00another value\x00"
MARKS = {
    "phone": (_TEXT,),
    "mrn": (_TEXT,),
    "dob": (dt.date(1, 1, 2),),
    "last": (_TEXT,),
    "last_first": (_TEXT, _MORE),
}
LIMIT_MARK = 987_654_321


def search_query(kind: str, *values, limit: int = SEARCH_LIMIT):
    """The search's SELECT for one kind of term: "phone", "mrn", "dob", "last" or
    "last_first" (values: the last and the first names' prefixes)."""
    # SQLite: `merged_into + 0`, so the merged-into index can never be chosen for this
    # filter (SQLite would walk its 99% of NULLs and sort them, issue 10); each kind of
    # search walks its own index instead (name: last_key, first_key, dob, in the order
    # shown; tests/test_query_plans.py pins the plans). PostgreSQL: the plain column,
    # whose statistics say it is nearly all NULL; an expression's IS NULL it guesses at
    # 0.5%, and then fetched every "smi..." (4,683 of 250,000) to sort them: 15 ms, not 0.4.
    merged = Patient.merged_into if on_postgresql() else Patient.merged_into + 0
    query = Patient.select(*HIT_COLUMNS).where(merged.is_null())
    if kind == "phone":
        query = query.where((Patient.phone_mobile == values[0]) | (Patient.phone_home == values[0]))
    elif kind == "mrn":
        query = query.where(Patient.mrn == values[0])
    elif kind == "dob":
        query = query.where(Patient.dob == values[0])
    else:
        query = query.where(_prefix(Patient.last_key, values[0]))
        if kind == "last_first":
            query = query.where(_prefix(Patient.first_key, values[1]))
    return query.order_by(Patient.last_key, Patient.first_key, Patient.dob).limit(limit)


@functools.cache
def _search_sql(backend: type, kind: str) -> tuple[str, tuple]:
    """The search's SQL for one kind of term as *backend* spells it, with its parameters
    as stand-ins, composed once (as core._staff_by_id_sql): peewee composing it anew and
    converting every column of every row was two thirds of a search (issue 10: 1.1 ms
    against 0.23 ms for the same SQL raw, at 250,000 patients)."""
    sql, params = search_query(kind, *MARKS[kind], limit=LIMIT_MARK).sql()
    return sql, tuple(params)


def _date(value) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _hit_of(pid, mrn, last, first, dob, sex, mobile, home, restricted) -> PatientHit:
    """A hit from HIT_COLUMNS' values, in that order."""
    name = f"{last}, {first}"
    return PatientHit(pid, mrn, name, dob, sex, format_phone(mobile or home), restricted)


def _hit(p) -> PatientHit:
    return _hit_of(*(getattr(p, column.name) for column in HIT_COLUMNS))


def _chart(p: Patient) -> PatientChart:
    values = {name: str(getattr(p, name) or "") for name in FORM_FIELDS}
    values["dob"] = f"{p.dob:%m/%d/%Y}"
    for name in PHONE_FIELDS:
        values[name] = format_phone(getattr(p, name))
    chart = PatientChart(
        id=p.id, version=p.version, mrn=p.mrn, values=values, dob=p.dob, restricted=p.restricted
    )
    from ..frontdesk.frontdesk import balance_of  # that module builds on this one

    chart.balance_cents = balance_of(p.id)
    today = clock.today()
    coverages = (
        Coverage.select(Coverage, Payer)
        .join(Payer)
        .where((Coverage.patient == p.id) & ((Coverage.ends.is_null()) | (Coverage.ends >= today)))
        .order_by(Coverage.priority)
    )
    chart.coverages = [
        CoverageInfo(c.priority, c.payer.name, c.member_id, c.group_id, format_money(c.copay_cents))
        for c in coverages
    ]
    visits = (
        Appointment.select(Appointment, Provider, AppointmentType)
        .join_from(Appointment, Provider)
        .join_from(Appointment, AppointmentType)
        .where(
            (Appointment.patient == p.id)
            & (Appointment.starts_at >= dt.datetime.combine(today, dt.time.min))
        )
        .order_by(Appointment.starts_at)
        .limit(10)
    )
    chart.upcoming = [
        UpcomingVisit(a.starts_at, a.provider.short_name, a.appt_type.name, STATUS_LABELS[a.status])
        for a in visits
    ]
    return chart


class PossibleDuplicates(ServiceError):
    """The new patient looks like someone already registered; ``matches`` says who."""

    def __init__(self, matches: list[PatientHit]):
        names = "; ".join(f"{m.name} {m.dob:%m/%d/%Y} MRN {m.mrn}" for m in matches[:3])
        super().__init__(f"This may be a patient already registered: {names}.")
        self.matches = matches


@writer("patient.read")
def open_patient(actor: StaffMember, patient_id: int, reason: str | None = None) -> PatientChart:
    """The chart summary: demographics, active coverage, next visits. Every opening is
    recorded in the audit trail. A restricted record opens only with a stated reason,
    and that opening is flagged as emergency access in the audit report."""
    p = get_or_refuse(Patient, patient_id, "patient")
    if p.restricted and reason is None:
        # Without a reason now: only with one stated earlier in this session. (A reason
        # given but blank is refused below, beside the field, as a blank reason.)
        require_access(actor, p, "chart summary")
    elif p.restricted:
        reason = clean_text("reason", reason, max_len=300, required=True, label="Reason")
        audit(
            actor,
            "patient.open",
            patient_id=p.id,
            entity="patient",
            entity_id=p.id,
            detail=f"emergency access: {reason}",
            outcome="emergency",
        )
        # The rest of this session's services (insurance, history, check-in) then work
        # for this patient without asking again; each read is still audited.
        grant_access(actor, p.id)
    else:
        audit(actor, "patient.open", patient_id=p.id, entity="patient", entity_id=p.id)
    return _chart(p)


@writer("patient.restrict")
def set_patient_restricted(
    actor: StaffMember, patient_id: int, version: int, restricted: bool
) -> PatientChart:
    """Mark a record restricted (a staff member's own chart, a public figure...) or lift
    it. Refuses a stale version."""
    p = require_access(actor, patient_id, "restriction changed")
    _check_version(p, version)
    p.restricted = restricted
    p.version += 1
    p.updated_by = actor
    p.updated_at = clock.now_utc()
    p.save()
    audit(
        actor,
        "patient.restrict" if restricted else "patient.unrestrict",
        patient_id=p.id,
        entity="patient",
        entity_id=p.id,
    )
    if restricted:
        # The manager restricting it has the chart open: it stays readable to them now.
        grant_access(actor, p.id)
    return _chart(p)


def _check_version(p: Patient, version: int) -> None:
    if p.version != version:
        who = p.updated_by.short_name if p.updated_by else "another user"
        at = clock.utc_to_local(p.updated_at)
        raise Conflict(
            f"{p.first_name} {p.last_name} was changed by {who} at {at:%H:%M} on "
            f"{at:%m/%d/%Y}. Your edits were not saved; the record has been reloaded."
        )


@reader("patient.read")
def clinic_state(actor: StaffMember) -> str:
    """The state a new registration starts with (shown and saved as a real value): the
    clinic's own, from the "..., Springfield, NY 12345" of its address; "" without one."""
    address = (ClinicSettings.select(ClinicSettings.address).scalar() or "").strip()
    found = re.search(r"\b([A-Z]{2})\s+\d{5}(?:-\d{4})?$", address)
    return found.group(1) if found else ""


def _next_mrn() -> str:
    # Numerically: as text, "999999" would sort after "1000000".
    top = Patient.select(fn.MAX(Patient.mrn.cast("INTEGER"))).scalar()
    return str(int(top) + 1 if top else 100001)


@writer("patient.write")
def create_patient(
    actor: StaffMember, data: dict[str, str], allow_duplicate: bool = False
) -> PatientChart:
    """Register a new patient. Refuses bad fields (all named at once), and a likely
    duplicate (same birth date and a similar name, or the same phone) unless the user has
    seen the matches and says it is a different person; writes nothing then."""
    clean = clean_patient(data)
    if not allow_duplicate:
        from .registration import find_duplicates

        matches = find_duplicates(clean)
        if matches:
            raise PossibleDuplicates([_hit(m) for m in matches])
    p = Patient.create(mrn=_next_mrn(), updated_by=actor, updated_at=clock.now_utc(), **clean)
    audit(actor, "patient.create", patient_id=p.id, entity="patient", entity_id=p.id)
    return _chart(p)


@writer("patient.write")
def update_patient(
    actor: StaffMember, patient_id: int, version: int, data: dict[str, str]
) -> PatientChart:
    """Save edits to demographics. Refuses the edit if someone else saved the patient
    since it was opened (nothing is silently overwritten)."""
    clean = clean_patient(data)
    p = require_access(actor, patient_id, "demographics edited")
    _check_version(p, version)
    changed = sorted(k for k in FORM_FIELDS if getattr(p, k) != clean[k])
    for key, value in clean.items():
        setattr(p, key, value)
    p.version += 1
    p.updated_by = actor
    p.updated_at = clock.now_utc()
    p.save()
    audit(
        actor,
        "patient.update",
        patient_id=p.id,
        entity="patient",
        entity_id=p.id,
        detail="changed: " + ", ".join(changed),
    )
    return _chart(p)
