"""The claims totals line is read from the claim tally that triggers keep (migration 0026),
and never shows a stale figure: a status change, a write-off, a claim added, moved or
deleted outside the services all show at once, on both backends; every filter equals a
plain scan of the claims."""

from __future__ import annotations

import datetime as dt
import importlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moa_tui.db.database import db, write_transaction
from moa_tui.db.models import Claim, ClaimTally
from moa_tui.services import clock
from moa_tui.services.billing.claim_totals import claim_totals
from moa_tui.services.billing.claims import (
    ClaimFilter,
    change_claim_status,
    write_off_balance,
)
from moa_tui.services.security.staff import find_staff

STATUSES = [s for s in Claim.STATUSES]


def _scan(f: ClaimFilter) -> tuple[int, int, int]:
    """Status, payer and age filters by a plain Python scan of every claim."""
    today = clock.today()
    rows = []
    for c in Claim.select():
        if f.status and c.status != f.status or f.payer_id and c.payer_id != f.payer_id:
            continue
        if f.age:
            low, high = {"0-30": (0, 30), "31-60": (31, 60), "61-90": (61, 90), "90+": (91, None)}[
                f.age
            ]
            age = (today - c.service_date).days
            if age < low or (high is not None and age > high):
                continue
        rows.append(c)
    total = sum(c.total_cents for c in rows)
    return len(rows), total, total - sum(c.paid_cents + c.adjusted_cents for c in rows)


def _totals(actor, f: ClaimFilter) -> tuple[int, int, int]:
    t = claim_totals(actor, f)
    return t.count, t.total_cents, t.balance_cents


def _every_filter() -> list[ClaimFilter]:
    statuses = sorted({c.status for c in Claim.select(Claim.status)})
    payers = sorted({c.payer_id for c in Claim.select(Claim.payer)})
    return [
        ClaimFilter(status=s, payer_id=p, age=a)
        for s in [None, *statuses]
        for p in [None, *payers]
        for a in (None, "0-30", "31-60", "61-90", "90+")
    ]


def test_every_filter_equals_a_scan(desk):
    filters = _every_filter()
    assert len(filters) > 50
    for f in filters:
        assert _totals(desk, f) == _scan(f), f


def test_a_status_change_shows_in_the_totals_at_once(desk):
    manager = find_staff("billing")
    before = _totals(desk, ClaimFilter(status="denied"))
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


def test_claims_added_moved_and_deleted_outside_the_services_show(desk):
    before = _totals(desk, ClaimFilter())
    c = Claim.select().order_by(Claim.id).first()
    with db.connection_context():
        new = Claim.create(
            patient=c.patient_id,
            payer=c.payer_id,
            provider=c.provider_id,
            service_date=c.service_date,
            status="draft",
            total_cents=12345,
        )
    assert _totals(desk, ClaimFilter()) == (before[0] + 1, before[1] + 12345, before[2] + 12345)
    with db.connection_context():
        other = Claim.select().where(Claim.payer != c.payer_id).first().payer_id
        Claim.update(
            payer=other, service_date=c.service_date - dt.timedelta(days=200), paid_cents=45
        ).where(Claim.id == new.id).execute()
    for f in _every_filter():
        assert _totals(desk, f) == _scan(f), f
    with db.connection_context():
        Claim.delete().where(Claim.id == new.id).execute()
    assert _totals(desk, ClaimFilter()) == before


def test_the_migration_fills_the_tally_the_triggers_keep(desk):
    """Migration 0026's fill, from the claims there are, gives the rows the triggers kept."""
    kept = _tally()
    assert kept
    fill = importlib.import_module("moa_tui.db.migrations.0026_claim_tally").fill
    with db.connection_context(), write_transaction():
        ClaimTally.delete().execute()
        fill(db.obj)
    assert _tally() == kept


def _tally() -> dict[tuple, tuple]:
    with db.connection_context():
        return {
            (t.status, t.payer_id, t.month): (t.claims, t.total_cents, t.settled_cents)
            for t in ClaimTally.select()
            if t.claims  # a key all of whose claims left it keeps a zero row
        }


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["status", "payer", "date", "money", "delete", "insert"]),
            st.integers(0, 10_000),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_any_sequence_of_claim_changes_keeps_the_tally_equal_to_the_claims(desk, steps):
    with db.connection_context():
        ids = [c.id for c in Claim.select(Claim.id).order_by(Claim.id)]
        payers = sorted({c.payer_id for c in Claim.select(Claim.payer)})
        with write_transaction():
            for kind, n in steps:
                claim = Claim.get_by_id(ids[n % len(ids)]) if ids else None
                if claim is None and kind != "insert":
                    continue
                where = Claim.id == (claim.id if claim else 0)
                if kind == "status":
                    Claim.update(status=STATUSES[n % len(STATUSES)]).where(where).execute()
                elif kind == "payer":
                    Claim.update(payer=payers[n % len(payers)]).where(where).execute()
                elif kind == "date":
                    day = claim.service_date - dt.timedelta(days=n % 400)
                    Claim.update(service_date=day).where(where).execute()
                elif kind == "money":
                    Claim.update(total_cents=n, paid_cents=n // 3, adjusted_cents=n // 7).where(
                        where
                    ).execute()
                elif kind == "delete" and claim.lines.count() == 0:
                    ids.remove(claim.id)
                    Claim.delete().where(where).execute()
                elif kind == "insert":
                    first = Claim.select().order_by(Claim.id).first()
                    ids.append(
                        Claim.create(
                            patient=first.patient_id,
                            payer=payers[n % len(payers)],
                            provider=first.provider_id,
                            service_date=first.service_date - dt.timedelta(days=n % 90),
                            total_cents=n,
                        ).id
                    )
        scanned: dict[tuple, list[int]] = {}
        for c in Claim.select():
            acc = scanned.setdefault((c.status, c.payer_id, f"{c.service_date:%Y-%m}"), [0, 0, 0])
            acc[0] += 1
            acc[1] += c.total_cents
            acc[2] += c.paid_cents + c.adjusted_cents
    assert _tally() == {k: tuple(v) for k, v in scanned.items()}
