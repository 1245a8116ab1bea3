"""The claim scrubber: what a machine can catch before a claim leaves the office.

A claim becomes "ready" only when every rule passes; otherwise it is "held" with every
reason, in the desk's words. Fixing the data and scrubbing again clears them. An X12
validator checks none of this (it passes a wrong NPI check digit, a made-up ICD code, a
total unequal to its lines and a pointer past the last diagnosis).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from peewee import fn

from ...db.models import (
    Claim,
    ClaimDiagnosis,
    ClaimHold,
    ClaimLine,
    ClaimStatusChange,
    ClinicSettings,
    CodeSet,
    Coverage,
    DiagnosisCode,
    Patient,
    Payer,
    PlaceOfService,
    ProcedureCode,
    Provider,
    StaffMember,
)
from .. import clock
from ..core import audit, get_or_refuse, writer
from ..errors import ValidationError
from ..patients.privacy import require_access
from ..validate import format_money
from ..wording import plural
from .codes import billable_children, fiscal_year

SCRUBBABLE = ("draft", "held", "ready")
RELATIONS = ("self", "spouse", "child", "other")
# Adjudicated by the primary payer: a secondary claim can carry what it paid.
ADJUDICATED = ("paid", "partial", "denied", "closed")
MODIFIER = re.compile(r"^[0-9A-Z]{2}$")


def npi_valid(npi: str) -> bool:
    """Ten digits whose last is the Luhn check digit over "80840" and the first nine."""
    if not (isinstance(npi, str) and len(npi) == 10 and npi.isascii() and npi.isdigit()):
        return False
    total = 0
    for i, ch in enumerate(reversed("80840" + npi[:9])):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return (10 - total % 10) % 10 == int(npi[9])


def parse_pointers(text: str) -> list[int]:
    """'1,2' or '1 2 11' -> [1, 2, 11] (what is stored); empty for nothing."""
    return [int(p) for p in re.split(r"[,\s]+", text.strip()) if p.isdigit()]


@dataclass(frozen=True)
class Problem:
    rule: str
    message: str


@dataclass(frozen=True)
class ScrubResult:
    claim_id: int
    version: int
    status: str  # ready or held
    problems: list[Problem]


def _address_missing(address1: str, city: str, state: str, zip_code: str) -> list[str]:
    parts = (("street", address1), ("city", city), ("state", state), ("ZIP", zip_code))
    return [name for name, value in parts if not (value or "").strip()]


def find_problems(c: Claim, today: dt.date) -> list[Problem]:
    """Every rule the claim breaks, in the order a biller would fix them."""
    out: list[Problem] = []

    def add(rule: str, message: str) -> None:
        out.append(Problem(rule, message[:300]))

    patient: Patient = c.patient
    payer: Payer = c.payer
    lines = list(c.lines.order_by(ClaimLine.line_no))
    diagnoses = list(c.diagnoses.order_by(ClaimDiagnosis.position))
    dos = c.service_date

    # The date of service.
    if dos > today:
        add("dos_future", f"The date of service {dos:%m/%d/%Y} is in the future.")
    elif (today - dos).days > payer.filing_limit_days:
        add(
            "timely_filing",
            f"{payer.name} accepts claims up to {payer.filing_limit_days} days after the "
            f"service; {dos:%m/%d/%Y} was {(today - dos).days} days ago.",
        )

    # Diagnoses: billable ICD-10-CM codes, valid on the date of service.
    if not diagnoses:
        add("no_diagnosis", "The claim has no diagnosis.")
    codes = {
        d.code: d
        for d in DiagnosisCode.select().where(DiagnosisCode.code.in_([d.code for d in diagnoses]))
    }
    held = CodeSet.get_or_none(CodeSet.kind == "icd10cm")
    year = fiscal_year(dos)
    for dx in diagnoses:
        known = codes.get(dx.code)
        if known is None:
            add("icd_unknown", f"Diagnosis {dx.position} ({dx.code}) is not an ICD-10-CM code.")
        elif not known.billable:
            more = billable_children(dx.code)
            hint = f" such as {', '.join(more)}" if more else ""
            add(
                "icd_not_billable",
                f"Diagnosis {dx.position} ({dx.code}) is a category, not a billable code: "
                f"choose a more specific one{hint}.",
            )
        elif (
            held and held.code_year and known.last_year < held.code_year and year > known.last_year
        ):
            add(
                "icd_expired",
                f"Diagnosis {dx.position} ({dx.code}) was retired after the {known.last_year} "
                f"code year; it is not valid on {dos:%m/%d/%Y}.",
            )
        elif (
            held
            and held.first_year
            and known.first_year > held.first_year
            and year < known.first_year
        ):
            add(
                "icd_too_new",
                f"Diagnosis {dx.position} ({dx.code}) starts with the {known.first_year} code "
                f"year; it is not valid on {dos:%m/%d/%Y}.",
            )

    # Lines: known codes, pointers at diagnoses, modifiers, place of service, provider.
    if not lines:
        add("no_lines", "The claim has no service lines.")
    places = {p.code for p in PlaceOfService.select(PlaceOfService.code)}
    procedures = {
        p.code
        for p in ProcedureCode.select(ProcedureCode.code).where(
            ProcedureCode.code.in_([ln.procedure_code for ln in lines])
        )
    }
    rendering_ids = set()
    for ln in lines:
        name = f"Line {ln.line_no} ({ln.procedure_code})"
        if ln.procedure_code not in procedures:
            add("procedure_unknown", f"{name}: the code is not in the practice's code list.")
        pointers = parse_pointers(ln.pointers)
        if not pointers:
            add("no_pointer", f"{name} points at no diagnosis.")
        for p in pointers:
            if not 1 <= p <= len(diagnoses):
                add(
                    "pointer",
                    f"{name} points at diagnosis {p}, but the claim has "
                    f"{plural(len(diagnoses), 'diagnosis', 'diagnoses')}.",
                )
        for m in ln.modifiers.split():
            if not MODIFIER.match(m):
                add("modifier", f"{name}: modifier {m!r} is not two letters or digits.")
        if ln.place_of_service not in places:
            add(
                "pos",
                f"{name}: place of service {ln.place_of_service or '(none)'} is not a valid "
                "place-of-service code.",
            )
        if ln.units < 1 or ln.charge_cents <= 0:
            add("line_amount", f"{name} needs at least one unit and a charge above zero.")
        day = ln.service_from or dos
        if day > today:
            add("dos_future", f"{name}: the service date {day:%m/%d/%Y} is in the future.")
        rendering_ids.add(ln.rendering_provider_id or c.provider_id)

    # Money: the total is the sum of the lines.
    lines_total = sum(ln.charge_cents for ln in lines)
    if lines_total != c.total_cents:
        add(
            "total",
            f"The claim total {format_money(c.total_cents)} is not the sum of its lines "
            f"({format_money(lines_total)}).",
        )

    # Who bills and who rendered: NPIs with a good check digit.
    clinic = ClinicSettings.select().first()
    if clinic is None or not clinic.npi:
        add("billing_npi", "The practice has no NPI on file.")
    elif not npi_valid(clinic.npi):
        add("billing_npi", f"The practice's NPI {clinic.npi} fails the check digit.")
    if clinic is None or not (clinic.tax_id or "").strip():
        add("tax_id", "The practice has no tax id (EIN) on file.")
    if clinic is None or not (clinic.address or "").strip():
        add("billing_address", "The practice's address is missing.")
    for provider in Provider.select().where(Provider.id.in_(list(rendering_ids))):
        if not provider.npi:
            add("rendering_npi", f"{provider.short_name} has no NPI on file.")
        elif not npi_valid(provider.npi):
            add(
                "rendering_npi",
                f"{provider.short_name}'s NPI {provider.npi} fails the check digit.",
            )

    # The patient, the subscriber and the payer.
    missing = _address_missing(patient.address1, patient.city, patient.state, patient.zip)
    if missing:
        add("patient_address", f"The patient's address lacks the {', '.join(missing)}.")
    if not payer.payer_code.strip():
        add("payer_id", f"{payer.name} has no payer id.")
    missing = _address_missing(payer.address1, payer.city, payer.state, payer.zip)
    if missing:
        add("payer_address", f"{payer.name}'s address lacks the {', '.join(missing)}.")
    coverage = (
        Coverage.get_or_none(Coverage.id == c.coverage_id)
        if c.coverage_id
        else Coverage.get_or_none(
            (Coverage.patient == c.patient_id) & (Coverage.payer == c.payer_id)
        )
    )
    if coverage is None:
        add("subscriber", f"The patient has no coverage on file with {payer.name}.")
    else:
        if not coverage.member_id.strip():
            add("subscriber", "The coverage has no member id.")
        if coverage.subscriber_relation not in RELATIONS:
            add("relationship", "The patient's relationship to the subscriber is missing.")
        elif coverage.subscriber_relation != "self":
            if not coverage.subscriber_name.strip():
                add(
                    "subscriber",
                    "The subscriber's name is missing (the patient is not the subscriber).",
                )
            if coverage.subscriber_dob is None:
                add("subscriber", "The subscriber's date of birth is missing.")
        if (coverage.effective and dos < coverage.effective) or (
            coverage.ends and dos > coverage.ends
        ):
            add(
                "coverage_dates",
                f"The coverage with {payer.name} was not in force on {dos:%m/%d/%Y}.",
            )
        if coverage.priority >= 2:
            primary = c.primary_claim
            if primary is None:
                add("secondary", "A secondary claim needs the primary payer's claim linked to it.")
            elif primary.status not in ADJUDICATED:
                add(
                    "secondary",
                    f"The primary claim {primary.id} has no payment or denial posted yet; a "
                    "secondary claim carries the primary's payment and adjustments.",
                )
    return out


def _set_holds(c: Claim, problems: list[Problem]) -> None:
    ClaimHold.delete().where(ClaimHold.claim == c.id).execute()
    now = clock.now_utc()
    for p in problems:
        ClaimHold.create(claim=c, rule=p.rule, message=p.message, at=now)


@writer("claims.write")
def scrub_claim(actor: StaffMember, claim_id: int) -> ScrubResult:
    """Check a draft, held or ready claim against every rule: ready if all pass, held with
    every reason if not (the reasons replace the last scrub's). Refuses a claim already
    sent or settled."""
    c = get_or_refuse(Claim, claim_id, "claim")
    require_access(actor, c.patient_id, f"claim {c.id} scrubbed")
    if c.status not in SCRUBBABLE:
        raise ValidationError.one(
            "status", f"Claim {c.id} is {c.status}; only draft, held or ready claims are scrubbed."
        )
    # The total is re-derived from the lines here too (a claim imported or built elsewhere
    # may disagree); a mismatch is shown, never silently fixed.
    problems = find_problems(c, clock.today())
    status = "held" if problems else "ready"
    _set_holds(c, problems)
    if status != c.status:
        note = (
            f"Scrubbed: {plural(len(problems), 'problem')}" if problems else "Scrubbed: no problems"
        )
        ClaimStatusChange.create(
            claim=c, from_status=c.status, to_status=status, note=note, staff=actor,
            at=clock.now_utc(),
        )  # fmt: skip
        Claim.update(
            status=status, status_changed_at=clock.now_utc(), version=Claim.version + 1
        ).where(Claim.id == c.id).execute()
    audit(
        actor,
        "claim.scrub",
        patient_id=c.patient_id,
        entity="claim",
        entity_id=c.id,
        detail=f"{status}: " + "; ".join(p.rule for p in problems),
    )
    fresh = Claim.get_by_id(c.id)
    return ScrubResult(c.id, fresh.version, status, problems)


@writer("claims.read", changes=())  # a writer only to record a restricted record's reading
def claim_holds(actor: StaffMember, claim_id: int) -> list[Problem]:
    """Why the last scrub held the claim (empty if it passed or was never scrubbed)."""
    c = get_or_refuse(Claim, claim_id, "claim")
    require_access(actor, c.patient_id, f"claim {c.id} hold reasons")
    return [
        Problem(h.rule, h.message)
        for h in ClaimHold.select().where(ClaimHold.claim == c.id).order_by(ClaimHold.id)
    ]


def line_sum(claim_id: int) -> int:
    return (
        ClaimLine.select(fn.COALESCE(fn.SUM(ClaimLine.charge_cents), 0))
        .where(ClaimLine.claim == claim_id)
        .scalar()
    )
