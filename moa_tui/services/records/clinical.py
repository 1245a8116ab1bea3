"""Allergies, medications and problems on a patient's chart (issue 12 item 8). Nothing is
deleted: an allergy entered in error is retired with why, a medication stopped, a problem
resolved. "No known allergies" is a statement of its own, not an empty list."""

from __future__ import annotations

import dataclasses
import datetime as dt

from ...db.models import Allergy, DiagnosisCode, Medication, Problem, StaffMember
from .. import clock
from ..billing.codes import DiagnosisHit, find_diagnoses, normal_icd
from ..core import audit, get_or_refuse, reader, writer
from ..errors import Conflict, ValidationError
from ..patients.privacy import require_access
from ..validate import clean_text
from .common import Checks, day_text, past_day, texts

ALLERGY_FIELDS = ("substance", "reaction", "severity", "noted_on")
MEDICATION_FIELDS = ("name", "dose", "how_taken", "prescriber", "started_on")
STOP_FIELDS = ("stopped_on", "why")
PROBLEM_FIELDS = ("code", "onset_on")


@dataclasses.dataclass(frozen=True)
class AllergyRow:
    id: int
    no_known: bool
    substance: str
    reaction: str
    severity: str
    noted_on: str
    noted_by: str
    version: int

    def line(self) -> str:
        if self.no_known:
            return f"No known allergies (noted {self.noted_on} by {self.noted_by})"
        reaction = f": {self.reaction}" if self.reaction else ""
        return f"{self.substance}{reaction} ({self.severity})"


@dataclasses.dataclass(frozen=True)
class MedicationRow:
    id: int
    name: str
    dose: str
    how_taken: str
    prescriber: str
    started_on: str
    stopped_on: str
    stop_why: str
    version: int

    def line(self) -> str:
        return " ".join(p for p in (self.name, self.dose, self.how_taken) if p)


@dataclasses.dataclass(frozen=True)
class ProblemRow:
    id: int
    code: str
    description: str
    onset_on: str
    resolved_on: str
    version: int

    def line(self) -> str:
        return f"{self.code} {self.description}"


def allergy_row(a: Allergy) -> AllergyRow:
    return AllergyRow(
        a.id,
        a.no_known,
        a.substance,
        a.reaction,
        a.severity,
        day_text(a.noted_on),
        a.noted_by.short_name,
        a.version,
    )


def medication_row(m: Medication) -> MedicationRow:
    return MedicationRow(
        m.id,
        m.name,
        m.dose,
        m.how_taken,
        m.prescriber,
        day_text(m.started_on),
        day_text(m.stopped_on),
        m.stop_why,
        m.version,
    )


def problem_row(p: Problem) -> ProblemRow:
    return ProblemRow(
        p.id, p.code, p.description, day_text(p.onset_on), day_text(p.resolved_on), p.version
    )


def active_allergies(patient_id: int) -> list[Allergy]:
    """The patient's allergies in force (the "no known allergies" row among them), most
    severe first."""
    rows = Allergy.select().where((Allergy.patient == patient_id) & Allergy.retired_at.is_null())
    order = {s: i for i, s in enumerate(("severe", "moderate", "mild", "unknown"))}
    return sorted(rows, key=lambda a: (order.get(a.severity, 9), a.substance.casefold(), a.id))


def _when(at: dt.datetime | None) -> str:
    return f"{clock.utc_to_local(at):%m/%d/%Y %H:%M}" if at else "just now"


# --- allergies -------------------------------------------------------------------------


@writer("clinical.write", changes=())
def add_allergy(actor: StaffMember, patient_id: int, values: dict) -> AllergyRow:
    """An allergy: substance (required), reaction, severity (mild, moderate, severe or
    unknown), the day it was noted (today when empty). Ends a "no known allergies"
    statement; refuses the same substance twice."""
    v = texts(values, ALLERGY_FIELDS, "substance")
    checks = Checks()
    substance = checks.text("substance", v["substance"], 80, "Substance", required=True)
    reaction = checks.text("reaction", v["reaction"], 120, "Reaction")
    severity = (v["severity"] or "unknown").strip().lower()
    if severity not in Allergy.SEVERITIES:
        checks.errors["severity"] = "Severity: mild, moderate, severe or unknown."
    noted = checks.day("noted_on", v["noted_on"], "Noted on")
    checks.done()
    patient = require_access(actor, patient_id, "allergy added")
    active = active_allergies(patient.id)
    if any(not a.no_known and a.substance.casefold() == substance.casefold() for a in active):
        raise ValidationError.one("substance", f"{substance} is on the list already.")
    now = clock.now_utc()
    for a in active:
        if a.no_known:
            _retire(a, actor, now, "an allergy was recorded")
    a = Allergy.create(
        patient=patient,
        substance=substance,
        reaction=reaction,
        severity=severity,
        noted_on=noted or clock.today(),
        noted_by=actor,
    )
    audit(
        actor,
        "allergy.add",
        patient_id=patient.id,
        entity="allergy",
        entity_id=a.id,
        detail=f"{substance} ({severity})",
    )
    return allergy_row(a)


@writer("clinical.write", changes=())
def set_no_known_allergies(actor: StaffMember, patient_id: int) -> AllergyRow:
    """Record that the patient has no known allergies (asked today). Refused while an
    allergy is on the list: retire it first if it was entered in error."""
    patient = require_access(actor, patient_id, "no known allergies")
    active = active_allergies(patient.id)
    if any(not a.no_known for a in active):
        raise Conflict("Allergies are on the list: retire those entered in error first.")
    if active:
        noted = f"{active[0].noted_on:%m/%d/%Y}"
        raise Conflict(f"The chart says no known allergies already (noted {noted}).")
    a = Allergy.create(patient=patient, no_known=True, noted_on=clock.today(), noted_by=actor)
    audit(actor, "allergy.none_known", patient_id=patient.id, entity="allergy", entity_id=a.id)
    return allergy_row(a)


def _retire(a: Allergy, actor: StaffMember, now: dt.datetime, why: str) -> None:
    Allergy.update(
        retired_at=now, retired_by=actor, retired_why=why, version=Allergy.version + 1
    ).where(Allergy.id == a.id).execute()


@writer("clinical.write", changes=())
def retire_allergy(actor: StaffMember, allergy_id: int, version: int, why: str) -> AllergyRow:
    """Take an allergy (or the "no known allergies" statement) off the list, with why
    (entered in error, no longer allergic); the row stays, retired."""
    why = clean_text(
        "why", why if isinstance(why, str) else "", max_len=120, required=True, label="Why"
    )
    a = get_or_refuse(Allergy, allergy_id, "allergy")
    require_access(actor, a.patient_id, "allergy retired")
    if a.retired_at is not None:
        raise Conflict(
            f"{a.retired_by.short_name if a.retired_by else 'Someone'} took it off "
            f"the list at {_when(a.retired_at)}."
        )
    if a.version != version:
        raise Conflict("This allergy was changed meanwhile; it was reloaded.")
    _retire(a, actor, clock.now_utc(), why)
    audit(
        actor,
        "allergy.retire",
        patient_id=a.patient_id,
        entity="allergy",
        entity_id=a.id,
        detail=why,
    )
    return allergy_row(Allergy.get_by_id(a.id))


# --- medications -----------------------------------------------------------------------


@writer("clinical.write", changes=())
def add_medication(actor: StaffMember, patient_id: int, values: dict) -> MedicationRow:
    """A medication the patient takes: name (required), dose, how taken, prescriber and
    the day it was started (none after today). Refuses one already active."""
    v = texts(values, MEDICATION_FIELDS, "name")
    checks = Checks()
    name = checks.text("name", v["name"], 80, "Medication", required=True)
    dose = checks.text("dose", v["dose"], 40, "Dose")
    how = checks.text("how_taken", v["how_taken"], 80, "How taken")
    prescriber = checks.text("prescriber", v["prescriber"], 80, "Prescriber")
    started = checks.day("started_on", v["started_on"], "Started")
    checks.done()
    patient = require_access(actor, patient_id, "medication added")
    same = Medication.select().where(
        (Medication.patient == patient.id)
        & Medication.stopped_on.is_null()
        & (Medication.name == name)
        & (Medication.dose == dose)
    )
    if same.exists():
        what = f"{name} {dose}".strip()
        raise ValidationError.one("name", f"{what} is on the list already.")
    m = Medication.create(
        patient=patient,
        name=name,
        dose=dose,
        how_taken=how,
        prescriber=prescriber,
        started_on=started,
        entered_by=actor,
        entered_at=clock.now_utc(),
    )
    audit(
        actor,
        "medication.add",
        patient_id=patient.id,
        entity="medication",
        entity_id=m.id,
        detail=f"{name} {dose}".strip(),
    )
    return medication_row(m)


@writer("clinical.write", changes=())
def stop_medication(
    actor: StaffMember, medication_id: int, version: int, values: dict
) -> MedicationRow:
    """The patient stopped taking it: the day (today when empty; not before it was
    started, nor after today) and why. The row stays, stopped."""
    v = texts(values, STOP_FIELDS, "stopped_on")
    checks = Checks()
    stopped = checks.day("stopped_on", v["stopped_on"], "Stopped")
    why = checks.text("why", v["why"], 120, "Why")
    checks.done()
    m = get_or_refuse(Medication, medication_id, "medication")
    require_access(actor, m.patient_id, "medication stopped")
    if m.stopped_on is not None:
        who = m.stopped_by.short_name if m.stopped_by else "Someone"
        raise Conflict(f"{who} recorded it stopped on {m.stopped_on:%m/%d/%Y}.")
    if m.version != version:
        raise Conflict("This medication was changed meanwhile; it was reloaded.")
    stopped = stopped or clock.today()
    if m.started_on and stopped < m.started_on:
        raise ValidationError.one("stopped_on", f"It was started on {m.started_on:%m/%d/%Y}.")
    Medication.update(
        stopped_on=stopped, stop_why=why, stopped_by=actor, version=Medication.version + 1
    ).where(Medication.id == m.id).execute()
    audit(
        actor,
        "medication.stop",
        patient_id=m.patient_id,
        entity="medication",
        entity_id=m.id,
        detail=why,
    )
    return medication_row(Medication.get_by_id(m.id))


# --- problems --------------------------------------------------------------------------


@reader("clinical.read")
def search_problem_codes(actor: StaffMember, text: str) -> list[DiagnosisHit]:
    """ICD-10-CM codes from the billing code table for a problem: a code or its start
    (E11.9, e119) or a few words (type 2 diabetes)."""
    return find_diagnoses(text if isinstance(text, str) else "", limit=20)


@writer("clinical.write", changes=())
def add_problem(actor: StaffMember, patient_id: int, values: dict) -> ProblemRow:
    """A problem coded from the ICD-10-CM table (the code must be in it), with its onset
    (none after today). Refuses a code already on the active list."""
    v = texts(values, PROBLEM_FIELDS, "code")
    checks = Checks()
    code_text = checks.text("code", v["code"], 8, "Code", required=True)
    onset = checks.day("onset_on", v["onset_on"], "Onset")
    checks.done()
    code = DiagnosisCode.get_or_none(DiagnosisCode.code == normal_icd(code_text))
    if code is None:
        raise ValidationError.one("code", f"{code_text} is not in the ICD-10-CM code table.")
    patient = require_access(actor, patient_id, "problem added")
    if (
        Problem.select()
        .where(
            (Problem.patient == patient.id)
            & (Problem.code == code.code)
            & Problem.resolved_on.is_null()
        )
        .exists()
    ):
        raise ValidationError.one("code", f"{code.code} is on the problem list already.")
    p = Problem.create(
        patient=patient,
        code=code.code,
        description=code.description,
        onset_on=onset,
        entered_by=actor,
        entered_at=clock.now_utc(),
    )
    audit(
        actor,
        "problem.add",
        patient_id=patient.id,
        entity="problem",
        entity_id=p.id,
        detail=code.code,
    )
    return problem_row(p)


@writer("clinical.write", changes=())
def resolve_problem(
    actor: StaffMember, problem_id: int, version: int, resolved_on: str
) -> ProblemRow:
    """The problem is resolved (the day: today when empty; not before its onset)."""
    day = past_day("resolved_on", resolved_on if isinstance(resolved_on, str) else "", "Resolved")
    p = get_or_refuse(Problem, problem_id, "problem")
    require_access(actor, p.patient_id, "problem resolved")
    if p.resolved_on is not None:
        who = p.resolved_by.short_name if p.resolved_by else "Someone"
        raise Conflict(f"{who} recorded it resolved on {p.resolved_on:%m/%d/%Y}.")
    if p.version != version:
        raise Conflict("This problem was changed meanwhile; it was reloaded.")
    day = day or clock.today()
    if p.onset_on and day < p.onset_on:
        raise ValidationError.one("resolved_on", f"Its onset was {p.onset_on:%m/%d/%Y}.")
    Problem.update(resolved_on=day, resolved_by=actor, version=Problem.version + 1).where(
        Problem.id == p.id
    ).execute()
    audit(actor, "problem.resolve", patient_id=p.patient_id, entity="problem", entity_id=p.id)
    return problem_row(Problem.get_by_id(p.id))
