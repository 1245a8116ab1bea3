"""A claim as the 837P needs it, read from the database: subscriber and patient, payer,
diagnoses, lines with modifiers and pointers, the rendering provider, and for a secondary
claim what the primary payer paid and adjusted (its postings). A claim that lacks what a
payer must have is named with the reason (the scrubber should have held it)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ....db.models import (
    Claim,
    ClaimDiagnosis,
    ClaimLine,
    ClaimPosting,
    ClinicSettings,
    Coverage,
    Patient,
    Payer,
    Provider,
    RemittanceClaim,
)
from ... import clock
from .claim837 import Adjustment, BillingProvider, ClaimData, Line, Person, PriorPayer

PRIOR_KINDS = ("payer_payment", "adjustment", "patient_share")


class NotBillable(ValueError):
    """This claim cannot go out as it is; the message says why, for the desk."""


def billing_provider() -> BillingProvider:
    """The practice as the billing provider; refuses when a payer could not pay it."""
    s = ClinicSettings.select().first()
    if s is None:
        raise NotBillable("The practice's settings are missing.")
    missing = [
        what
        for what, value in (
            ("NPI", s.npi),
            ("tax id", s.tax_id),
            ("address", s.address),
            ("phone number", s.phone),
        )  # fmt: skip
        if not (value or "").strip()
    ]
    if missing:
        raise NotBillable(f"The practice's {', '.join(missing)} must be set before claims go out.")
    # "100 Example Way, Springfield, NY 12345": street, city, then state and ZIP.
    parts = [p.strip() for p in s.address.split(",")]
    match = re.fullmatch(r"([A-Za-z]{2})\s+(\d{5}(?:-?\d{4})?)", parts[-1]) if parts else None
    if len(parts) < 3 or match is None:
        raise NotBillable(
            "The practice's address must read 'street, city, ST 12345' for electronic claims."
        )
    return BillingProvider(
        name=s.name,
        npi=s.npi,
        tax_id=s.tax_id,
        address1=", ".join(parts[:-2]),
        city=parts[-2],
        state=match.group(1).upper(),
        zip=match.group(2).replace("-", ""),
        phone=s.phone,
    )


def filing_indicator(payer: Payer) -> str:
    """SBR09: Medicare Part B, Medicaid, or commercial insurance."""
    words = payer.name.lower()
    return "MB" if "medicare" in words else "MC" if "medicaid" in words else "CI"


def _split_name(text: str) -> tuple[str, str]:
    """'Doe, John' or 'John Doe' -> ('Doe', 'John')."""
    if "," in text:
        last, first = text.split(",", 1)
        return last.strip(), first.strip()
    words = text.split()
    return (words[-1], " ".join(words[:-1])) if len(words) > 1 else (text.strip(), "")


@dataclass
class Preload:
    """What claim_data reads for many claims at once (a batch is a few queries, not a
    few per claim): lines and diagnoses by claim, coverages, providers."""

    lines: dict[int, list[ClaimLine]] = field(default_factory=dict)
    diagnoses: dict[int, list[str]] = field(default_factory=dict)
    coverages: dict[int, Coverage] = field(default_factory=dict)  # by id
    by_patient_payer: dict[tuple[int, int], Coverage] = field(default_factory=dict)
    providers: dict[int, Provider] = field(default_factory=dict)


def preload(claims: list[Claim]) -> Preload:
    """The lines, diagnoses, coverages and providers of *claims*, in a few queries."""
    out = Preload(providers={p.id: p for p in Provider.select()})
    ids = [c.id for c in claims]
    patients = sorted({c.patient_id for c in claims})
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for ln in ClaimLine.select().where(ClaimLine.claim << chunk).order_by(ClaimLine.line_no):
            out.lines.setdefault(ln.claim_id, []).append(ln)
        rows = ClaimDiagnosis.select().where(ClaimDiagnosis.claim << chunk)
        for d in rows.order_by(ClaimDiagnosis.position):
            out.diagnoses.setdefault(d.claim_id, []).append(d.code)
    for start in range(0, len(patients), 500):
        rows = Coverage.select().where(Coverage.patient << patients[start : start + 500])
        for cov in rows.order_by(Coverage.priority.desc(), Coverage.id.desc()):
            out.coverages[cov.id] = cov
            out.by_patient_payer[(cov.patient_id, cov.payer_id)] = cov  # lowest priority wins
    return out


def _coverage(c: Claim, pre: Preload | None = None) -> Coverage | None:
    if pre is not None:
        if c.coverage_id:
            return pre.coverages.get(c.coverage_id)
        return pre.by_patient_payer.get((c.patient_id, c.payer_id))
    if c.coverage_id:
        return Coverage.get_or_none(Coverage.id == c.coverage_id)
    return (
        Coverage.select()
        .where(Coverage.patient == c.patient_id, Coverage.payer == c.payer_id)
        .order_by(Coverage.priority)
        .first()
    )


def _people(c: Claim, patient: Patient, cov: Coverage | None) -> tuple[Person, Person, str]:
    if cov is None or not cov.member_id.strip():
        raise NotBillable(f"Claim {c.id}: the patient's member id with {c.payer.name} is missing.")
    me = Person(patient.last_name, patient.first_name, cov.member_id, patient.dob, patient.sex,
                patient.address1, patient.city, patient.state, patient.zip)  # fmt: skip
    relation = cov.subscriber_relation if cov.subscriber_relation in (
        "self", "spouse", "child", "other") else "other"  # fmt: skip
    if relation == "self" or not cov.subscriber_name.strip():
        return me, me, "self"
    last, first = _split_name(cov.subscriber_name)
    subscriber = Person(last, first, cov.member_id, cov.subscriber_dob, "U")
    return subscriber, me, relation


def _diagnoses(c: Claim, lines: list[ClaimLine], pre: Preload | None = None) -> list[str]:
    if pre is not None:
        codes = list(pre.diagnoses.get(c.id, ()))
    else:
        rows = ClaimDiagnosis.select().where(ClaimDiagnosis.claim == c.id)
        codes = [d.code for d in rows.order_by(ClaimDiagnosis.position)]
    if not codes:  # claims coded before diagnoses had their own rows
        for line in lines:
            for code in filter(None, (x.strip() for x in line.diagnosis_codes.split(","))):
                if code not in codes:
                    codes.append(code)
    return codes


def _pointers(line: ClaimLine, codes: list[str]) -> tuple[int, ...]:
    found = [int(p) for p in re.split(r"[,\s]+", line.pointers.strip()) if p.isdigit()]
    if not found:
        found = [codes.index(x.strip()) + 1 for x in line.diagnosis_codes.split(",")
                 if x.strip() in codes]  # fmt: skip
    return tuple(found[:4]) or (1,)


def _prior(c: Claim) -> tuple[PriorPayer, dict[int, tuple[int, tuple[Adjustment, ...]]]]:
    """What the primary claim's payer did: its payment, adjustments per line number and
    on the claim as a whole."""
    primary = c.primary_claim
    cov = _coverage(primary)
    subscriber, _patient, relation = _people(primary, primary.patient, cov)
    postings = list(
        ClaimPosting.select()
        .where(ClaimPosting.claim == primary.id, ClaimPosting.kind << PRIOR_KINDS)
        .order_by(ClaimPosting.id)
    )
    if not postings and not (primary.paid_cents or primary.adjusted_cents):
        raise NotBillable(
            f"Claim {c.id}: the primary claim {primary.id} has no payment or adjustment posted yet."
        )
    if not postings:  # sums recorded before postings had rows: the claim's totals alone
        adjudicated = clock.utc_to_local(primary.status_changed_at).date()
        adjustments = (
            (Adjustment("CO", "45", primary.adjusted_cents),) if primary.adjusted_cents else ()
        )
        prior = PriorPayer(primary.payer.name, primary.payer.payer_code, subscriber, relation,
                           primary.paid_cents, adjudicated, cov.group_id if cov else "",
                           filing_indicator(primary.payer), adjustments)  # fmt: skip
        return prior, {}
    line_nos = {ln.id: ln.line_no for ln in primary.lines}
    per_line: dict[int, list] = {}
    claim_level: list[Adjustment] = []
    paid = 0
    for p in postings:
        no = line_nos.get(p.line_id)
        if p.kind == "payer_payment":
            paid += p.cents
            if no is not None:
                per_line.setdefault(no, [0, []])[0] += p.cents
        elif no is not None:
            per_line.setdefault(no, [0, []])[1].append(
                Adjustment(p.group_code, p.reason_code, p.cents)
            )
        else:
            claim_level.append(Adjustment(p.group_code, p.reason_code, p.cents))
    adjudicated = clock.utc_to_local(max(p.at for p in postings)).date()
    prior = PriorPayer(
        payer_name=primary.payer.name,
        payer_id=primary.payer.payer_code,
        subscriber=subscriber,
        relation=relation,
        paid_cents=paid,
        adjudicated=adjudicated,
        group_id=cov.group_id if cov else "",
        filing_indicator=filing_indicator(primary.payer),
        adjustments=tuple(claim_level),
    )
    return prior, {no: (v[0], tuple(v[1])) for no, v in per_line.items()}


def claim_data(c: Claim, pre: Preload | None = None) -> ClaimData:
    """*c* as the 837P needs it (with *pre*: read from it, see preload); raises
    NotBillable with the reason."""
    if not c.payer.payer_code.strip():
        raise NotBillable(f"Claim {c.id}: {c.payer.name} has no payer id.")
    if pre is not None:
        lines = pre.lines.get(c.id, [])
    else:
        lines = list(c.lines.order_by(ClaimLine.line_no))
    if not lines:
        raise NotBillable(f"Claim {c.id} has no service lines.")
    codes = _diagnoses(c, lines, pre)
    if not codes:
        raise NotBillable(f"Claim {c.id} has no diagnosis.")
    cov = _coverage(c, pre)
    subscriber, patient, relation = _people(c, c.patient, cov)
    secondary = c.primary_claim_id is not None or (cov is not None and cov.priority > 1)
    prior, prior_lines = (None, {})
    if secondary:
        if c.primary_claim_id is None:
            raise NotBillable(f"Claim {c.id} is for a secondary payer but names no primary claim.")
        prior, prior_lines = _prior(c)
    out_lines = []
    for ln in lines:
        mods = tuple(m for m in re.split(r"[,\s]+", ln.modifiers or ln.modifier or "") if m)
        paid, adjustments = prior_lines.get(ln.line_no, (None, ()))
        out_lines.append(
            Line(
                ln.line_no,
                ln.procedure_code,
                ln.charge_cents,
                ln.units,
                mods[:4],
                _pointers(ln, codes),
                ln.service_from,
                paid if prior else None,
                adjustments,
            )  # fmt: skip
        )
    if pre is not None:
        provider = pre.providers.get(lines[0].rendering_provider_id or c.provider_id)
    else:
        provider = lines[0].rendering_provider or c.provider
    rendering = None
    if provider is not None and provider.npi:
        last, first = _split_name(provider.full_name.split(",")[0].removeprefix("Dr. "))
        rendering = (last, first, provider.npi)
    return ClaimData(
        claim_id=c.id,
        total_cents=c.total_cents,
        service_date=c.service_date,
        payer_name=c.payer.name,
        payer_id=c.payer.payer_code,
        subscriber=subscriber,
        patient=patient,
        relation=relation,
        diagnoses=tuple(codes[:12]),
        lines=tuple(out_lines),
        place_of_service=lines[0].place_of_service or "11",
        responsibility="S" if secondary else "P",
        filing_indicator=filing_indicator(c.payer),
        group_id=cov.group_id if cov else "",
        rendering=rendering,
        prior=prior,
        frequency=c.frequency or "1",
        original_ref=_original_ref(c),
    )


def _original_ref(c: Claim) -> str:
    """REF*F8 of a corrected (7) or void (8) claim: the payer's claim control number from
    the 835 that answered the original (CLP07), else our original claim id, which is what the
    payer got in CLM01 when it sent no number of its own."""
    if c.frequency not in ("7", "8") or c.replaces_id is None:
        return ""
    row = (
        RemittanceClaim.select(RemittanceClaim.payer_claim_no)
        .where(RemittanceClaim.claim == c.replaces_id, RemittanceClaim.payer_claim_no != "")
        .order_by(RemittanceClaim.id.desc())
        .first()
    )
    return row.payer_claim_no if row is not None else str(c.replaces_id)
