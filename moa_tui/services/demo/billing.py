"""The demo clinic bills (issue 11 item 11): its claims of the last months are made the way
a biller makes them, through the billing services: diagnoses and service lines entered on
a draft claim (the checks and line parser of charges.add_diagnosis and charges.save_line:
the fee schedule's fee, place of service 11, pointers), scrubbed (scrubber.scrub_claim:
none is held, the demo's data is complete), sent in 837P batches (create_batches) on the
day after the service,
and answered by the demo payer's 835s (remittance.post_remittance, about three weeks
later): paid, partially paid with a patient share, or denied; some patients paid their
share (posting.post_patient_payment). The youngest claims wait as drafts, ready or
submitted; checked-out visits of the last days wait to be coded (the unbilled worklist).

Each step runs at the clinic time it happened (the clock is set for it and put back), so
ages, worklists and A/R aging look like a real office's. Inside the demo's build
transaction (each service's own transaction nests in it)."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from contextlib import contextmanager

from ...db.models import Claim, ClaimDiagnosis, ClaimLine, Coverage, Patient, Payer
from .. import clock
from ..billing import posting, remittance, scrubber
from ..billing.charge_lines import line_columns, parse_line
from ..billing.charges import check_diagnosis
from ..billing.claims import change_claim_status
from ..billing.x12.demo835 import outcome
from ..billing.x12.export import create_batches
from ..billing.x12.read835 import ClaimPayment, Remit, Service
from ..billing.x12.read835 import _balance as balance
from ..billing.x12.write835 import RemitClaim
from .data import HCPCS, ICD10

# (oldest age in days, what claims of that age have come to): the young ones are still
# in the office or with the payer; the older ones were answered.
PLAN = (
    (7, ("draft", "draft", "ready", "ready", "submitted")),
    (30, ("submitted", "accepted", "answered", "answered")),
    (150, ("answered",)),
)
REMIT_DAYS = 21  # the payer answers three weeks after the claim was sent


@contextmanager
def _at(day: dt.date, hour: int = 16):
    """Run the enclosed steps at *day* *hour*:00 clinic time; the clock is put back after."""
    saved = clock._frozen
    clock.freeze(dt.datetime.combine(day, dt.time(hour)))
    try:
        yield
    finally:
        clock._frozen = saved


def _draft(rng, today, insured, providers, biller) -> tuple[Claim, str]:
    """A coded draft claim of a random insured patient: 1-2 diagnoses, 1-3 lines."""
    coverage = rng.choice(insured)
    # A service while the coverage was in force (the scrubber would hold it otherwise).
    since = coverage.effective or today - dt.timedelta(days=150)
    age = rng.randint(1, max(1, min(150, (today - since).days)))
    plan = next(p for limit, p in PLAN if age <= limit)
    target = rng.choice(plan)
    day = today - dt.timedelta(days=age)
    with _at(day):
        c = Claim.create(
            patient=coverage.patient_id, payer=coverage.payer_id, coverage=coverage.id,
            provider=rng.choice(providers).id, service_date=day, status="draft",
            total_cents=0, created_at=clock.now_utc(), status_changed_at=clock.now_utc(),
        )  # fmt: skip
        # What charges.add_diagnosis and charges.save_line check and store, without a
        # charge sheet read back after each (the demo makes hundreds): the same code check,
        # the same line parser (fee from the fee schedule, place of service, pointers).
        codes = [check_diagnosis(code).code for code in rng.sample(ICD10, rng.randint(1, 2))]
        ClaimDiagnosis.insert_many(
            [{"claim": c.id, "position": n, "code": code} for n, code in enumerate(codes, 1)]
        ).execute()
        rows = []
        for n in range(1, rng.randint(1, 3) + 1):
            code, _fee = rng.choice(HCPCS)
            units = "2" if code.startswith("J") and rng.random() < 0.3 else "1"
            values = parse_line(c, {"code": code, "units": units}, len(codes))
            rows.append({"claim": c.id, "line_no": n, **line_columns(values, codes)})
        ClaimLine.insert_many(rows).execute()
        Claim.update(total_cents=sum(r["charge_cents"] for r in rows)).where(
            Claim.id == c.id
        ).execute()
    return c, target


def _remit_claims(claims: list[Claim], start: int) -> list[RemitClaim]:
    """The demo payer's answers (demo835.outcome: paid, a patient share, or denied)."""
    ids = [c.id for c in claims]
    lines: dict[int, list[ClaimLine]] = defaultdict(list)
    for ln in ClaimLine.select().where(ClaimLine.claim << ids).order_by(ClaimLine.line_no):
        lines[ln.claim_id].append(ln)
    people = {p.id: p for p in Patient.select().where(Patient.id << [c.patient_id for c in claims])}
    members = dict(Coverage.select(Coverage.id, Coverage.member_id)
                   .where(Coverage.id << [c.coverage_id for c in claims]).tuples())  # fmt: skip
    out = []
    for n, c in enumerate(claims, start=start):
        p = people[c.patient_id]
        out.append(RemitClaim(str(c.id), "4" if n % 5 == 3 else "1", p.last_name, p.first_name,
                              members[c.coverage_id], tuple(outcome(n, ln) for ln in lines[c.id]),
                              payer_claim_no=f"DEMO{c.id:08d}"))  # fmt: skip
    return out


def _remit(rc: list[RemitClaim], payer: Payer, check_no: str, day: dt.date) -> Remit:
    """The demo payer's 835 as read (what parse_remittance gives for its text: the demo
    skips the X12 round trip, pyx12 would take a third of a second a file; the demo-835
    command and tests/test_x12_remittance.py walk it), checked by the payer's sums."""
    claims = [
        ClaimPayment(
            claim_ref=r.claim_ref,
            status=r.status,
            charge_cents=r.charge_cents,
            paid_cents=r.paid_cents,
            patient_cents=r.patient_cents,
            payer_claim_no=r.payer_claim_no,
            patient_last=r.patient_last,
            patient_first=r.patient_first,
            member_id=r.member_id,
            service_date=r.lines[0].service_date if r.lines else None,
            adjustments=list(r.claim_adjustments),
            services=[
                Service(
                    ln.code,
                    ln.charge_cents,
                    ln.paid_cents,
                    ln.units,
                    ln.service_date,
                    list(ln.adjustments),
                    list(ln.remarks),
                )
                for ln in r.lines
            ],
        )  # fmt: skip
        for r in rc
    ]
    remit = Remit(paid_cents=sum(c.paid_cents for c in claims), check_no=check_no,
                  payer_name=payer.name, payment_date=day, claims=claims)  # fmt: skip
    balance(remit)
    return remit


def _answer(claims: list[Claim], day: dt.date, biller, start: int) -> None:
    """Post the payer's 835s for *claims* (one a payer) on *day*, as the biller does."""
    by_payer: dict[int, list[Claim]] = defaultdict(list)
    for c in claims:
        by_payer[c.payer_id].append(c)
    with _at(day, 10):
        for payer_id, mine in sorted(by_payer.items()):
            payer = Payer.get_by_id(payer_id)
            check_no = f"DEMO{day:%Y%m%d}{payer_id:03d}"
            remit = _remit(_remit_claims(mine, start), payer, check_no, day)
            sha = hashlib.sha256(f"demo {check_no}".encode()).hexdigest()
            remittance.post_remittance(biller, remit, f"{check_no}.835", sha)
            start += len(mine)


def build_billing(rng, today, count, providers, payers, biller) -> None:
    """*count* claims over the last 150 days, each made through the billing services."""
    insured = list(Coverage.select().where(Coverage.priority == 1).order_by(Coverage.id))
    if not insured or count <= 0:
        return
    made = [_draft(rng, today, insured, providers, biller) for _ in range(count)]
    # Scrub and send what is past draft, a week of services at a time, the day after.
    by_week: dict[int, list[Claim]] = defaultdict(list)
    for c, target in made:
        if target != "draft":
            by_week[(today - c.service_date).days // 7].append((c, target))
    start = 0
    for week in sorted(by_week, reverse=True):  # the oldest first
        items = by_week[week]
        sent_on = min(today, max(c.service_date for c, _t in items) + dt.timedelta(days=1))
        with _at(sent_on, 17):
            for c, _t in items:
                if _t != "ready":
                    scrubber.scrub_claim(biller, c.id)
            create_batches(biller)
        for c, t in items:
            if t == "accepted":
                with _at(min(today, sent_on + dt.timedelta(days=2)), 9):
                    c = Claim.get_by_id(c.id)
                    change_claim_status(biller, c.id, c.version, "accepted",
                                        "The payer acknowledged the claim (277CA).")  # fmt: skip
        answered = [Claim.get_by_id(c.id) for c, t in items if t == "answered"]
        answered = [c for c in answered if c.status == "submitted"]  # sent (not held)
        answer_on = sent_on + dt.timedelta(days=REMIT_DAYS)
        if answered and answer_on <= today:
            _answer(answered, answer_on, biller, start)
            start += len(answered)
    # Scrubbed after the last batch went: these wait in the ready-to-send worklist.
    with _at(today, 9):
        for c, t in made:
            if t == "ready":
                scrubber.scrub_claim(biller, c.id)
    _patients_pay(rng, today, biller)


def _patients_pay(rng, today, biller) -> None:
    """About half the patients left a share paid it at the desk a week or two later."""
    for c in Claim.select().where(Claim.status == "partial").order_by(Claim.id):
        if rng.random() < 0.5:
            continue
        owed = c.total_cents - c.paid_cents - c.adjusted_cents
        day = min(today, clock.utc_to_local(c.status_changed_at).date()
                  + dt.timedelta(days=rng.randint(5, 15)))  # fmt: skip
        if owed > 0:
            with _at(day, 11):
                posting.post_patient_payment(biller, c.id, f"{owed // 100}.{owed % 100:02d}",
                                             "cash")  # fmt: skip
