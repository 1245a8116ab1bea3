"""`moa-tui --demo billing demo-835 FILE`: the demo payer answers the demo's submitted
claims with an 835, so a new user can walk the whole cycle: most claims paid less the
contractual adjustment, some leaving a patient share (coinsurance, deductible) and some
denied, with remark codes. Only in the demo clinic."""

from __future__ import annotations

import os
from pathlib import Path

from peewee import fn

from ....db.models import Claim, ClaimLine, ClinicSettings, Coverage, Patient, Payer, StaffMember
from ... import clock
from ...core import reader
from ...errors import ServiceError
from ...files import save_export
from .write835 import RemitClaim, RemitLine, render_835

MAX_CLAIMS = 200


def outcome(n: int, line: ClaimLine) -> RemitLine:
    """The demo payer's answer for a line of the *n*th claim: it allows 80 % of the charge
    and pays all of that, or 80 % of it (20 % coinsurance), or denies the claim."""
    charge = line.charge_cents
    allowed = charge * 80 // 100
    contractual = ("CO", "45", charge - allowed)
    if n % 5 == 3:
        return RemitLine(line.procedure_code, charge, 0, line.units, line.service_from,
                         (("CO", "50", charge),), ("N115",))  # fmt: skip
    if n % 5 in (1, 4):
        share = allowed * 20 // 100
        adjustments = (contractual, ("PR", "2", share))
        return RemitLine(line.procedure_code, charge, allowed - share, line.units,
                         line.service_from, adjustments, ("N130",))  # fmt: skip
    return RemitLine(line.procedure_code, charge, allowed, line.units, line.service_from,
                     (contractual,))  # fmt: skip


@reader("claims.read")
def demo_remittance_text(actor: StaffMember) -> tuple[str, int]:
    """The 835 text and its number of claims: the payer with the most submitted claims
    answering up to MAX_CLAIMS of them. Refuses outside the demo clinic."""
    settings = ClinicSettings.select().first()
    if settings is None or not settings.is_demo:
        raise ServiceError("A made-up remittance is only for the demo clinic (--demo).")
    sent = Claim.status << ("submitted", "accepted")
    top = (
        Claim.select(Claim.payer, fn.COUNT(Claim.id).alias("n"))
        .where(sent)
        .group_by(Claim.payer)
        .order_by(fn.COUNT(Claim.id).desc(), Claim.payer)
        .first()
    )
    if top is None:
        raise ServiceError("The demo has no submitted claims to answer; export some first.")
    payer = Payer.get_by_id(top.payer_id)
    claims = []
    query = Claim.select().where(sent, Claim.payer == payer.id).order_by(Claim.id)
    for n, c in enumerate(query.limit(MAX_CLAIMS)):
        lines = tuple(outcome(n, ln) for ln in c.lines.order_by(ClaimLine.line_no))
        if not lines or sum(ln.charge_cents for ln in lines) != c.total_cents:
            continue
        p = Patient.get_by_id(c.patient_id)
        cov = Coverage.get_or_none(Coverage.patient == p.id, Coverage.payer == payer.id)
        denied = n % 5 == 3
        claims.append(RemitClaim(str(c.id), "4" if denied else "1", p.last_name, p.first_name,
                                 cov.member_id if cov else p.mrn, lines,
                                 payer_claim_no=f"DEMO{c.id:08d}"))  # fmt: skip
    if not claims:
        raise ServiceError("The demo's submitted claims have no lines to answer.")
    now = clock.now_local().datetime.replace(tzinfo=None)
    text = render_835(
        claims, payer_name=payer.name, payer_id=payer.payer_code or "DEMO",
        payee_name=settings.name, payee_npi=settings.npi or "1234567893",
        check_no=f"DEMO{now:%Y%m%d%H%M%S}", paid_on=now.date(), interchange_no=1, at=now,
    )  # fmt: skip
    return text, len(claims)


def write_demo_remittance(actor: StaffMember, path: str | os.PathLike) -> tuple[Path, int]:
    """Write the demo's 835 to *path* by the safe export path; (where, claims)."""
    text, count = demo_remittance_text(actor)
    written = save_export(actor, path, text.encode("ascii"), action="remittance.demo",
                          detail=f"demo 835 answering {count} claim(s)")  # fmt: skip
    return written, count
