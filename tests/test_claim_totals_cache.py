"""The claims totals line is computed once per change of the claims (issue 10) and never
shows a stale figure: a status change, a write-off or a claim added outside the services
all show at once."""

from __future__ import annotations

from moa_tui.db.models import Claim
from moa_tui.services.billing import claim_totals as claims_service
from moa_tui.services.billing.claim_totals import claim_totals
from moa_tui.services.billing.claims import (
    ClaimFilter,
    change_claim_status,
    write_off_balance,
)
from moa_tui.services.security.staff import find_staff


def _scan(f: ClaimFilter) -> tuple[int, int, int]:
    rows = [c for c in Claim.select() if not f.status or c.status == f.status]
    total = sum(c.total_cents for c in rows)
    return len(rows), total, total - sum(c.paid_cents + c.adjusted_cents for c in rows)


def _totals(actor, f: ClaimFilter) -> tuple[int, int, int]:
    t = claim_totals(actor, f)
    return t.count, t.total_cents, t.balance_cents


def test_a_filter_seen_before_is_not_summed_again(desk, monkeypatch):
    sums = []
    real = claims_service._sum_claims
    monkeypatch.setattr(claims_service, "_sum_claims", lambda f: sums.append(f) or real(f))
    walk = claims_service._sum_by_status_and_payer
    monkeypatch.setattr(
        claims_service, "_sum_by_status_and_payer", lambda: sums.append("all") or walk()
    )
    filters = [ClaimFilter(status="paid"), ClaimFilter(status="denied"), ClaimFilter()]
    first = [_totals(desk, f) for f in filters]
    assert len(sums) == 3
    again = [_totals(desk, f) for f in filters]
    assert again == first and len(sums) == 3
    # The sort does not change what is summed.
    _totals(desk, ClaimFilter(status="paid", sort="amount"))
    assert len(sums) == 3
    claims_service._totals.clear()  # a change of day or database: summed again
    _totals(desk, ClaimFilter(status="paid"))
    assert len(sums) == 4


def test_a_status_change_shows_in_the_totals_at_once(desk):
    manager = find_staff("billing")
    before = _totals(desk, ClaimFilter(status="denied"))
    assert before == _scan(ClaimFilter(status="denied"))
    claim = Claim.select().where(Claim.status == "submitted").first()
    change_claim_status(manager, claim.id, claim.version, "denied", "Payer denied it")

    after = _totals(desk, ClaimFilter(status="denied"))

    assert after == _scan(ClaimFilter(status="denied"))
    assert after[0] == before[0] + 1


def test_a_write_off_shows_in_the_balance_at_once(desk):
    manager = find_staff("billing")
    claim = Claim.select().where(Claim.status == "denied", Claim.paid_cents == 0).first()
    before = _totals(desk, ClaimFilter())
    write_off_balance(manager, claim.id, claim.version, "Timely filing")

    after = _totals(desk, ClaimFilter())

    assert after == _scan(ClaimFilter())
    assert after[2] == before[2] - claim.total_cents


def test_a_claim_added_outside_the_services_shows(desk):
    before = _totals(desk, ClaimFilter())
    c = Claim.select().first()
    Claim.create(
        patient=c.patient_id,
        payer=c.payer_id,
        provider=c.provider_id,
        service_date=c.service_date,
        status="draft",
        total_cents=12345,
    )

    after = _totals(desk, ClaimFilter())

    assert after == _scan(ClaimFilter())
    assert after[:2] == (before[0] + 1, before[1] + 12345)


def _scan_any(f: ClaimFilter) -> tuple[int, int, int]:
    """Status, payer and 90+ (service more than 90 days ago) by a plain Python scan."""
    import datetime as dt

    from moa_tui.services import clock

    cutoff = clock.today() - dt.timedelta(days=91)
    rows = [
        c
        for c in Claim.select()
        if (not f.status or c.status == f.status)
        and (not f.payer_id or c.payer_id == f.payer_id)
        and (f.age != "90+" or (c.service_date is not None and c.service_date <= cutoff))
    ]
    total = sum(c.total_cents for c in rows)
    return len(rows), total, total - sum(c.paid_cents + c.adjusted_cents for c in rows)


def test_one_walk_answers_every_status_payer_and_90_plus_filter_as_a_scan(desk, monkeypatch):
    """Without a status the whole amounts index is read: that one grouped walk keeps the
    totals of every status, payer and 90+ filter, each equal to a scan of the claims, and
    the keys pressed next sum nothing."""
    manager = find_staff("billing")
    claim = Claim.select().where(Claim.status == "submitted").first()
    change_claim_status(manager, claim.id, claim.version, "denied", "Payer denied it")
    statuses = sorted({c.status for c in Claim.select(Claim.status)})
    payers = sorted({c.payer_id for c in Claim.select(Claim.payer)})
    assert len(statuses) >= 3 and len(payers) >= 2
    filters = [
        ClaimFilter(status=s, payer_id=p, age=a)
        for s in [None, *statuses]
        for p in [None, *payers]
        for a in (None, "90+")
    ]
    claims_service._totals.clear()
    sums = []
    real = claims_service._sum_claims
    monkeypatch.setattr(claims_service, "_sum_claims", lambda f: sums.append(f) or real(f))
    first = _totals(desk, ClaimFilter())  # the area's first totals line: the one walk
    assert first == _scan_any(ClaimFilter())
    for f in filters:
        assert _totals(desk, f) == _scan_any(f), f
    assert sums == []  # every one of them was kept from the walk
