"""Claims for the X12 tests, made straight in the database of the small demo clinic: ready
primary claims with coverage, diagnoses and lines, and a secondary claim after a primary."""

from __future__ import annotations

import datetime as dt

from moa_tui.db.models import (
    Claim,
    ClaimDiagnosis,
    ClaimLine,
    ClaimPosting,
    Coverage,
    Patient,
    Payer,
    Provider,
)

DIAGNOSES = ("M54.50", "I10", "E11.9", "J06.9", "R51.9", "Z00.00", "M25.561", "R05.9",
             "K21.9", "F41.1", "E78.5", "N39.0")  # fmt: skip


def payer(name: str, code: str) -> Payer:
    p, _ = Payer.get_or_create(name=name, defaults={"payer_code": code})
    p.payer_code, p.address1, p.city, p.state, p.zip = code, "1 Payer Rd", "Albany", "NY", "12207"
    p.save()
    return p


def patient(last="O'Brien", first="Mary-Kate") -> Patient:
    p = Patient.select().order_by(Patient.id).first()
    p.last_name, p.first_name = last, first
    p.address1, p.city, p.state, p.zip = "1 Main St", "Springfield", "NY", "12345"
    p.save()
    return p


def ready_claim(
    pt: Patient,
    py: Payer,
    *,
    diagnoses=DIAGNOSES[:2],
    lines=(("99213", "25", 10000),),
    status="ready",
    priority=1,
    primary: Claim | None = None,
    relation="self",
    day=dt.date(2026, 11, 10),
) -> Claim:
    cov = Coverage.create(
        patient=pt, payer=py, priority=priority, member_id=f"M{pt.id}{py.id}",
        subscriber_relation=relation,
        subscriber_name="" if relation == "self" else "Sean O'Brien",
    )  # fmt: skip
    provider = Provider.select().where(Provider.npi != "").first() or Provider.select().first()
    c = Claim.create(
        patient=pt, payer=py, provider=provider, coverage=cov, primary_claim=primary,
        service_date=day, status=status, total_cents=sum(fee for *_x, fee in lines),
    )  # fmt: skip
    for n, code in enumerate(diagnoses, start=1):
        ClaimDiagnosis.create(claim=c, position=n, code=code)
    for n, (code, mods, fee) in enumerate(lines, start=1):
        ClaimLine.create(
            claim=c, line_no=n, procedure_code=code, modifiers=mods, units=1, charge_cents=fee,
            fee_cents=fee, pointers=",".join(str(i) for i in range(1, min(4, len(diagnoses)) + 1)),
            service_from=day, place_of_service="11",
        )  # fmt: skip
    return c


def post_primary(c: Claim, staff, paid: int, adjustments) -> None:
    """What the primary payer did, per line: paid, then (group, reason, cents) each."""
    line = c.lines.order_by(ClaimLine.line_no).first()
    ClaimPosting.create(claim=c, line=line, kind="payer_payment", cents=paid, staff=staff)
    for group, reason, cents in adjustments:
        ClaimPosting.create(claim=c, line=line, kind="adjustment", cents=cents, group_code=group,
                            reason_code=reason, staff=staff)  # fmt: skip
