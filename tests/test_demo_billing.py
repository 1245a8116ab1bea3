"""The demo clinic bills (issue 11 item 11): its claims were made through the billing
services, so they are complete (scrubbing one holds nothing), their money adds up, every
stage of the cycle has claims, and checked-out visits wait to be coded."""

from __future__ import annotations

from peewee import fn

from moa_tui.db.models import (
    Claim,
    ClaimDiagnosis,
    ClaimPosting,
    ClaimStatusChange,
    Remittance,
    X12Batch,
)
from moa_tui.services.billing import aging, scrubber
from moa_tui.services.billing.unbilled import unbilled_count
from moa_tui.services.security.staff import find_staff


def test_demo_claims_are_complete_and_scrub_clean(demo_db):
    biller = find_staff("billing")
    assert Claim.select().count() == 60
    for c in Claim.select():
        lines = list(c.lines)
        assert lines and c.total_cents == sum(ln.charge_cents for ln in lines)
        assert all(ln.place_of_service == "11" and ln.pointers for ln in lines)
        assert ClaimDiagnosis.select().where(ClaimDiagnosis.claim == c.id).exists()
        assert c.coverage_id is not None
    assert not Claim.select().where(Claim.status == "held").exists()
    drafts = list(Claim.select().where(Claim.status.in_(("draft", "ready"))))
    assert drafts
    for c in drafts:  # what a biller does next: scrub, and nothing is missing
        result = scrubber.scrub_claim(biller, c.id)
        assert result.status == "ready", result.problems


def test_demo_has_every_stage_and_its_money_adds_up(demo_db, desk):
    statuses = {s for (s,) in Claim.select(Claim.status).distinct().tuples()}
    assert {"draft", "ready", "submitted", "paid", "partial", "denied"} <= statuses
    assert X12Batch.select().exists() and Remittance.select().exists()
    for c in Claim.select().where(Claim.status.in_(("paid", "partial", "denied"))):
        paid = (ClaimPosting.select(fn.SUM(ClaimPosting.cents))
                .where(ClaimPosting.claim == c.id,
                       ClaimPosting.kind.in_(("payer_payment", "patient_payment"))).scalar()
                or 0)  # fmt: skip
        adjusted = (ClaimPosting.select(fn.SUM(ClaimPosting.cents))
                    .where(ClaimPosting.claim == c.id, ClaimPosting.kind == "adjustment")
                    .scalar() or 0)  # fmt: skip
        assert (c.paid_cents, c.adjusted_cents) == (paid, adjusted)
        if c.status == "paid":
            assert c.total_cents == c.paid_cents + c.adjusted_cents
        # Sent and answered after the service, in that order.
        changes = list(ClaimStatusChange.select().where(ClaimStatusChange.claim == c.id)
                       .order_by(ClaimStatusChange.id))  # fmt: skip
        assert [ch.to_status for ch in changes][:2] == ["ready", "submitted"]
        assert changes[0].at.date() >= c.service_date
    # Checked-out visits wait to be coded.
    assert unbilled_count(find_staff("billing")) > 0
    # A/R aging adds up on the demo as built.
    by_payer = aging.ar_aging(find_staff("billing"), "payer")
    assert by_payer.total > 0 and sum(by_payer.totals) == by_payer.total
    for c in Claim.select().where(Claim.status == "denied"):
        denial = ClaimPosting.get(ClaimPosting.claim == c.id, ClaimPosting.kind == "denial")
        assert (denial.group_code, denial.reason_code) == ("CO", "50")
