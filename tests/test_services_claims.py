"""The claims worklist: filters, sorting, keyset paging, totals and status changes."""

from __future__ import annotations

import datetime as dt

import pytest

from moa_tui.db.models import AuditEvent, Claim, ClaimStatusChange, Payer
from moa_tui.services import clock
from moa_tui.services.billing.claim_totals import claim_totals
from moa_tui.services.billing.claims import (
    AGE_BUCKETS,
    ClaimFilter,
    change_claim_status,
    claims_page,
    open_claim,
)
from moa_tui.services.errors import Conflict, ValidationError
from moa_tui.services.security.staff import find_staff

TODAY = dt.date(2026, 11, 18)


def _all_claims() -> list[Claim]:
    return list(Claim.select())


def _matches(c: Claim, f: ClaimFilter) -> bool:
    """The filter, restated independently of the service."""
    if f.status and c.status != f.status:
        return False
    if f.payer_id and c.payer_id != f.payer_id:
        return False
    if f.age:
        low, high = AGE_BUCKETS[f.age]
        age = (TODAY - c.service_date).days
        if age < low or (high is not None and age > high):
            return False
    return True


def _expected(f: ClaimFilter) -> list[Claim]:
    return [c for c in _all_claims() if _matches(c, f)]


def _walk(actor, f: ClaimFilter, limit: int) -> list[int]:
    ids, after, pages = [], None, 0
    while True:
        page = claims_page(actor, f, after=after, limit=limit)
        assert len(page.rows) <= limit
        ids.extend(r.id for r in page.rows)
        pages += 1
        assert pages < 1000, "paging does not end"
        if page.next_after is None:
            return ids
        assert len(page.rows) == limit
        after = page.next_after


def _claim_state(claim_id: int) -> dict:
    return Claim.select().where(Claim.id == claim_id).dicts().get()


def _counts() -> tuple[int, int]:
    return ClaimStatusChange.select().count(), AuditEvent.select().where(
        AuditEvent.outcome == "ok"
    ).count()


# --- filters -------------------------------------------------------------------------


def test_no_filter_shows_every_claim(desk):
    page = claims_page(desk, ClaimFilter(), limit=1000)
    assert len(page.rows) == Claim.select().count() == 60
    assert page.next_after is None


@pytest.mark.parametrize("status", ["submitted", "accepted", "denied", "paid", "ready"])
def test_filter_by_status(desk, status):
    f = ClaimFilter(status=status)
    rows = claims_page(desk, f, limit=1000).rows
    assert rows
    assert {r.status for r in rows} == {status}
    assert {r.id for r in rows} == {c.id for c in _expected(f)}


def test_filter_by_status_with_no_claims(desk):
    f = ClaimFilter(status="void")
    assert claims_page(desk, f).rows == []
    assert claim_totals(desk, f).count == 0


def test_filter_by_payer(desk):
    for payer in Payer.select():
        f = ClaimFilter(payer_id=payer.id)
        rows = claims_page(desk, f, limit=1000).rows
        assert rows, payer.name
        assert {r.payer for r in rows} == {payer.name}
        assert {r.id for r in rows} == {c.id for c in _expected(f)}


@pytest.mark.parametrize("bucket", list(AGE_BUCKETS))
def test_filter_by_age_bucket(desk, bucket):
    low, high = AGE_BUCKETS[bucket]
    f = ClaimFilter(age=bucket)
    rows = claims_page(desk, f, limit=1000).rows
    assert rows
    for r in rows:
        assert r.age_days == (TODAY - r.service_date).days
        assert r.age_days >= low, (bucket, r.age_days)
        if high is not None:
            assert r.age_days <= high, (bucket, r.age_days)
    assert {r.id for r in rows} == {c.id for c in _expected(f)}


def test_age_buckets_partition_the_worklist(desk):
    seen = []
    for bucket in AGE_BUCKETS:
        seen.extend(r.id for r in claims_page(desk, ClaimFilter(age=bucket), limit=1000).rows)
    assert sorted(seen) == sorted(c.id for c in _all_claims())


@pytest.mark.parametrize("age", [0, 30, 31, 60, 61, 90, 91])
def test_age_bucket_edges(desk, age):
    claim = Claim.select().order_by(Claim.id).first()
    Claim.update(service_date=TODAY - dt.timedelta(days=age)).where(Claim.id == claim.id).execute()
    holding = [
        b
        for b in AGE_BUCKETS
        if claim.id in {r.id for r in claims_page(desk, ClaimFilter(age=b), limit=1000).rows}
    ]
    assert len(holding) == 1
    low, high = AGE_BUCKETS[holding[0]]
    assert low <= age and (high is None or age <= high)


def test_filters_combine(desk):
    rows = claims_page(desk, ClaimFilter(), limit=1000).rows
    sample = rows[0]
    payer_id = Claim.get_by_id(sample.id).payer_id
    f = ClaimFilter(status=sample.status, payer_id=payer_id, age="90+")
    got = claims_page(desk, f, limit=1000).rows
    assert {r.id for r in got} == {c.id for c in _expected(f)}
    assert all(r.status == sample.status and r.age_days > 90 for r in got)


# --- sorting -------------------------------------------------------------------------


def test_sort_by_age_oldest_first(desk):
    rows = claims_page(desk, ClaimFilter(sort="age"), limit=1000).rows
    keys = [(r.service_date, r.id) for r in rows]
    assert keys == sorted(keys)
    ages = [r.age_days for r in rows]
    assert ages == sorted(ages, reverse=True)
    assert ages[0] > ages[-1]


def test_sort_by_amount_largest_first(desk):
    rows = claims_page(desk, ClaimFilter(sort="amount"), limit=1000).rows
    keys = [(r.total_cents, r.id) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert rows[0].total_cents > rows[-1].total_cents


# --- keyset paging -------------------------------------------------------------------


@pytest.mark.parametrize("sort", ["age", "amount"])
@pytest.mark.parametrize(
    "f",
    [
        ClaimFilter(),
        ClaimFilter(status="paid"),
        ClaimFilter(age="31-60"),
        ClaimFilter(payer_id=1),
        ClaimFilter(status="submitted", age="0-30"),
    ],
    ids=["all", "paid", "31-60", "payer1", "submitted-0-30"],
)
@pytest.mark.parametrize("limit", [1, 4, 7])
def test_keyset_paging_visits_every_claim_once(desk, f, sort, limit):
    f = ClaimFilter(status=f.status, payer_id=f.payer_id, age=f.age, sort=sort)
    ids = _walk(desk, f, limit)
    assert len(ids) == len(set(ids))
    assert len(ids) == claim_totals(desk, f).count
    assert set(ids) == {c.id for c in _expected(f)}
    # Same order as one big page.
    assert ids == [r.id for r in claims_page(desk, f, limit=1000).rows]


def test_keyset_paging_with_ties(desk):
    # Give many claims the same amount and date, so ties must be broken by id.
    first_ids = [c.id for c in Claim.select().order_by(Claim.id).limit(20)]
    Claim.update(total_cents=5000, service_date=TODAY - dt.timedelta(days=45)).where(
        Claim.id.in_(first_ids)
    ).execute()
    for sort in ("age", "amount"):
        ids = _walk(desk, ClaimFilter(sort=sort), 3)
        assert sorted(ids) == sorted(c.id for c in _all_claims()), sort


def test_exact_page_has_no_next(desk):
    total = claim_totals(desk, ClaimFilter()).count
    page = claims_page(desk, ClaimFilter(), limit=total)
    assert len(page.rows) == total and page.next_after is None
    page = claims_page(desk, ClaimFilter(), limit=total - 1)
    assert len(page.rows) == total - 1 and page.next_after is not None


# --- totals --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "f",
    [ClaimFilter(), ClaimFilter(status="paid"), ClaimFilter(status="denied", age="90+")]
    + [ClaimFilter(age=b) for b in AGE_BUCKETS],
)
def test_claim_totals(desk, f):
    expected = _expected(f)
    totals = claim_totals(desk, f)
    assert totals.count == len(expected) > 0
    assert totals.total_cents == sum(c.total_cents for c in expected)
    assert totals.balance_cents == sum(
        c.total_cents - c.paid_cents - c.adjusted_cents for c in expected
    )
    rows = claims_page(desk, f, limit=1000).rows
    assert sum(r.total_cents for r in rows) == totals.total_cents
    assert sum(r.balance_cents for r in rows) == totals.balance_cents


def test_paid_claims_have_no_balance(desk):
    totals = claim_totals(desk, ClaimFilter(status="paid"))
    assert totals.total_cents > 0
    assert totals.balance_cents == 0


def test_totals_of_nothing_are_zero(desk):
    totals = claim_totals(desk, ClaimFilter(status="void"))
    assert (totals.count, totals.total_cents, totals.balance_cents) == (0, 0, 0)


# --- change_claim_status -------------------------------------------------------------


def _submitted() -> Claim:
    return Claim.select().where(Claim.status == "submitted").order_by(Claim.id).first()


def test_change_claim_status_writes_history_and_audit(desk):
    claim = _submitted()
    changes, audits = _counts()
    clock.freeze("2026-11-18T11:05:00")

    detail = change_claim_status(desk, claim.id, claim.version, "denied", "  CO-16 missing info ")

    assert _counts() == (changes + 1, audits + 1)
    stored = Claim.get_by_id(claim.id)
    assert stored.status == "denied"
    assert stored.version == claim.version + 1
    assert stored.status_changed_at == clock.now_utc() == dt.datetime(2026, 11, 18, 16, 5)
    change = ClaimStatusChange.select().order_by(ClaimStatusChange.id.desc()).get()
    assert change.claim_id == claim.id
    assert (change.from_status, change.to_status) == ("submitted", "denied")
    assert change.note == "CO-16 missing info"
    assert change.staff_id == desk.id
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert event.action == "claim.status"
    assert event.patient_id == claim.patient_id
    assert (event.entity, event.entity_id, event.staff_id) == ("claim", claim.id, desk.id)
    assert "submitted -> denied" in event.detail
    assert detail.row.status == "denied"
    assert detail.row.version == claim.version + 1
    assert detail.history[0].to_status == "denied"
    assert detail.history[0].staff == "M. Deskworth"


def _assert_refused(claim: Claim, before: dict, counts: tuple[int, int]) -> None:
    assert _claim_state(claim.id) == before
    assert _counts() == counts


@pytest.mark.parametrize("note", ["", "   ", None])
def test_change_claim_status_requires_a_note(desk, note):
    claim = _submitted()
    before, counts = _claim_state(claim.id), _counts()
    with pytest.raises(ValidationError) as err:
        change_claim_status(desk, claim.id, claim.version, "denied", note)
    assert list(err.value.errors) == ["note"]
    assert "required" in err.value.errors["note"]
    _assert_refused(claim, before, counts)


def test_change_claim_status_refuses_control_characters_in_note(desk):
    claim = _submitted()
    before, counts = _claim_state(claim.id), _counts()
    with pytest.raises(ValidationError) as err:
        change_claim_status(desk, claim.id, claim.version, "denied", "ok\x1b[2J")
    assert list(err.value.errors) == ["note"]
    _assert_refused(claim, before, counts)


def test_change_claim_status_refuses_same_status(desk):
    claim = _submitted()
    before, counts = _claim_state(claim.id), _counts()
    with pytest.raises(ValidationError) as err:
        change_claim_status(desk, claim.id, claim.version, "submitted", "again")
    assert list(err.value.errors) == ["status"]
    assert "already" in err.value.errors["status"]
    _assert_refused(claim, before, counts)


@pytest.mark.parametrize("status", ["", "lost", "Paid"])
def test_change_claim_status_refuses_unknown_status(desk, status):
    claim = _submitted()
    before, counts = _claim_state(claim.id), _counts()
    with pytest.raises(ValidationError) as err:
        change_claim_status(desk, claim.id, claim.version, status, "because")
    assert list(err.value.errors) == ["status"]
    _assert_refused(claim, before, counts)


def test_change_claim_status_refuses_stale_version(desk):
    desk2 = find_staff("desk2")
    claim = _submitted()
    clock.freeze("2026-11-18T10:42:00")
    change_claim_status(desk2, claim.id, claim.version, "accepted", "277CA accepted")
    before, counts = _claim_state(claim.id), _counts()

    with pytest.raises(Conflict) as err:
        change_claim_status(desk, claim.id, claim.version, "denied", "payer denied")

    assert "R. Frontley" in str(err.value)
    assert "10:42" in str(err.value)
    _assert_refused(claim, before, counts)
    assert before["status"] == "accepted"


def test_open_claim_is_audited_and_lists_lines(desk):
    claim = _submitted()
    audits = AuditEvent.select().where(AuditEvent.outcome == "ok").count()
    detail = open_claim(desk, claim.id)
    assert detail.row.id == claim.id
    assert sum(ln.charge_cents for ln in detail.lines) == claim.total_cents
    assert [ln.line_no for ln in detail.lines] == list(range(1, len(detail.lines) + 1))
    assert AuditEvent.select().where(AuditEvent.outcome == "ok").count() == audits + 1
    event = AuditEvent.select().order_by(AuditEvent.id.desc()).get()
    assert (event.action, event.patient_id) == ("claim.open", claim.patient_id)


def test_one_list_of_payers_for_coverage_and_claims(desk):
    """The coverage form and the claims filter read the same list, as PayerInfo rows."""
    from moa_tui.services.billing import claims, payers
    from moa_tui.services.patients import registration

    names = [p.name for p in Payer.select().order_by(Payer.name)]
    rows = payers.list_payers(desk)
    assert [p.name for p in rows] == names
    assert all(isinstance(p, payers.PayerInfo) for p in rows)
    assert claims.list_payers is payers.list_payers
    assert not hasattr(registration, "list_payers")
    billing = find_staff("billing")
    assert [p.id for p in payers.list_payers(billing)] == [p.id for p in rows]
