"""The charts' figures (issue 13 item 5): collections by week for a year, read from the
ledger, equal the payments posted (payers' and patients'), week by week, a week with
nothing taken being $0; an item's stock used by month for 12 months, by the clinic's
calendar, a month with nothing used being 0. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from moa_tui.db.database import db
from moa_tui.db.models import AccountEntry, ClaimPosting, SupplyItem
from moa_tui.services import clock
from moa_tui.services.billing import posting
from moa_tui.services.books.charts import collections_by_week, weekly_collections
from moa_tui.services.buckets import month_starts, week_starts
from moa_tui.services.errors import ValidationError
from moa_tui.services.frontdesk.payments import collect_payment
from moa_tui.services.security.security import PermissionDenied
from moa_tui.services.security.staff import find_staff
from moa_tui.services.supplies.inventory import adjust_stock, receive_stock, use_stock
from moa_tui.services.supplies.usage_chart import monthly_use, usage_by_month

from .conftest import FROZEN_NOW
from .test_books_postings import sent_claim

TODAY = dt.date(2026, 11, 18)  # FROZEN_NOW's date, a Wednesday


@pytest.fixture(autouse=True)
def _clock_stopped_again(demo_db, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


@pytest.fixture
def manager(demo_db):
    return find_staff("manager")


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def posted_by_week(first: dt.date) -> tuple[dict, dict]:
    """Payers' and patients' payments as the billing and front-desk rows hold them (not
    the ledger), summed by the clinic-calendar week they were taken in."""
    payer: dict[dt.date, int] = defaultdict(int)
    patient: dict[dt.date, int] = defaultdict(int)
    since = clock.local_to_utc(dt.datetime.combine(first, dt.time()))
    with db.connection_context():
        for at, cents in (
            ClaimPosting.select(ClaimPosting.at, ClaimPosting.cents)
            .where((ClaimPosting.kind == "payer_payment") & (ClaimPosting.at >= since))
            .tuples()
        ):
            payer[monday(clock.utc_to_local(at).date())] += cents
        # A patient's payment on a claim is in their account too: counted once, there.
        for at, cents in (
            AccountEntry.select(AccountEntry.at, AccountEntry.cents)
            .where((AccountEntry.kind == "payment") & (AccountEntry.at >= since))
            .tuples()
        ):
            patient[monday(clock.utc_to_local(at).date())] -= cents
    return payer, patient


def test_buckets_are_whole_weeks_and_months():
    weeks = week_starts(TODAY, 52)
    assert len(weeks) == 52 and weeks[-1] == dt.date(2026, 11, 16)
    assert all(w.weekday() == 0 for w in weeks)
    assert all(b - a == dt.timedelta(days=7) for a, b in zip(weeks, weeks[1:], strict=False))
    assert month_starts(TODAY, 12)[0] == dt.date(2025, 12, 1)
    assert month_starts(dt.date(2026, 1, 31), 2) == [dt.date(2025, 12, 1), dt.date(2026, 1, 1)]


def test_weekly_collections_equal_the_payments_posted(manager):
    report = collections_by_week(manager)
    weeks = report.weeks
    assert len(weeks) == 52 and weeks[-1].start == monday(TODAY)
    assert weeks[0].start == monday(TODAY) - dt.timedelta(weeks=51)
    payer, patient = posted_by_week(weeks[0].start)
    assert sum(payer.values()) > 0 and sum(patient.values()) > 0  # the demo's payments
    for w in weeks:
        assert (w.payer_cents, w.patient_cents) == (payer.get(w.start, 0),
                                                    patient.get(w.start, 0)), w.start  # fmt: skip
    assert report.total_cents == sum(payer.values()) + sum(patient.values())
    # The demo's payments begin in July: the weeks before are there, with $0.
    assert weeks[0].total_cents == 0 and report.worst.total_cents == 0
    assert report.best.total_cents == max(w.total_cents for w in weeks) > 0


def test_a_payment_lands_in_its_week_and_a_refund_is_not_a_collection(manager):
    desk, biller = find_staff("desk"), find_staff("billing")
    c = sent_claim(3000)
    clock.freeze("2026-03-04T11:00:00")  # a Wednesday: the week of 03/02
    collect_payment(desk, c.patient_id, "20.00", "cash", "", None, "Payment")
    clock.freeze("2026-03-08T23:30:00")  # Sunday night in New York, Monday in UTC
    money = posting.post_eob(biller, c.id, c.version, [(None, "12.34", [])], "CHK77")
    clock.freeze("2026-03-10T10:00:00")
    posting.refund_payer(biller, c.id, money.version, "2.00", "Overpaid")
    clock.freeze(FROZEN_NOW)
    report = collections_by_week(manager, dt.date(2026, 3, 31), 5)
    assert [w.start for w in report.weeks] == [dt.date(2026, 3, d) for d in (2, 9, 16, 23, 30)]
    assert (report.weeks[0].payer_cents, report.weeks[0].patient_cents) == (1234, 2000)
    assert [w.total_cents for w in report.weeks[1:]] == [0, 0, 0, 0]
    assert report.best.start == dt.date(2026, 3, 2) and report.worst.start == dt.date(2026, 3, 9)


def test_collections_refusals(manager):
    with pytest.raises(PermissionDenied):
        collections_by_week(find_staff("desk"))
    with pytest.raises(ValidationError, match="Weeks"):
        collections_by_week(manager, None, 0)
    with pytest.raises(ValidationError, match="not a time"):
        collections_by_week(manager, dt.datetime(2026, 11, 1, 9, 0))
    with pytest.raises(ValidationError, match="between"):
        collections_by_week(manager, dt.date(1850, 1, 1))


def test_stock_used_by_month_on_the_clinics_calendar(manager):
    desk = find_staff("desk")
    with db.connection_context():
        item = SupplyItem.get(SupplyItem.name == "Exam gloves nitrile M")
    receive_stock(desk, item.id, 40, "Delivery", "8.50")
    for when, qty in (
        ("2026-01-15T10:00:00", 2),
        ("2026-01-31T23:30:00", 3),  # still January here; February in UTC
        ("2026-02-01T08:00:00", 4),
        ("2026-11-02T09:00:00", 1),
        ("2025-11-20T09:00:00", 9),  # 13 months back: before the chart
    ):
        clock.freeze(when)
        use_stock(desk, item.id, qty, "Used in clinic")
    clock.freeze(FROZEN_NOW)
    adjust_stock(desk, item.id, 5, "Counted")  # a count is not a use
    usage = usage_by_month(desk, item.id)
    months = {m.month: m.units for m in usage.months}
    assert list(months) == month_starts(TODAY, 12)
    assert months[dt.date(2026, 1, 1)] == 5 and months[dt.date(2026, 2, 1)] == 4
    assert months[dt.date(2026, 11, 1)] == 1
    assert sum(months.values()) == usage.total == 10
    assert months[dt.date(2025, 12, 1)] == 0 and months[dt.date(2026, 6, 1)] == 0
    assert usage.busiest.month == dt.date(2026, 1, 1) and usage.on_hand == 5
    assert [m.units for m in usage_by_month(desk, item.id, dt.date(2025, 11, 30), 1).months] == [9]


def test_usage_refusals(manager):
    with db.connection_context():
        item_id = SupplyItem.select(SupplyItem.id).scalar()
    with pytest.raises(PermissionDenied):
        usage_by_month(find_staff("billing"), item_id)
    with pytest.raises(ValidationError, match="Months"):
        usage_by_month(manager, item_id, None, 61)
    from moa_tui.services.errors import NotFound

    with pytest.raises(NotFound):
        usage_by_month(manager, 10**9)


@pytest.mark.sqlite_only
def test_the_charts_queries_read_only_the_year_they_show(manager, monkeypatch):
    """Not every payment entry ever posted (ten years of them, in a practice's books): the
    lines of the drawer, undeposited funds and bank in the year, by their index; and an
    item's use in the year, not all its movements."""
    seen = []
    execute = db.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        if sql.startswith("SELECT") and "CASE" in sql:
            seen.append((sql, params))
        return execute(sql, params, *args, **kwargs)

    monkeypatch.setattr(db, "execute_sql", spy)
    with db.connection_context():
        weekly_collections(TODAY)
        monthly_use(SupplyItem.get(SupplyItem.name == "Exam gloves nitrile M"), TODAY)
        weekly, monthly = (
            " / ".join(row[3] for row in execute("EXPLAIN QUERY PLAN " + sql, params))
            for sql, params in seen
        )
    assert "journalline_account_id_entry_date_id" in weekly, weekly
    assert "journalentry_source" not in weekly, weekly
    # An item's use: its "use" movements of the year, summed from the index alone.
    assert "COVERING INDEX stock_movement_item_id_kind_at_quantity" in monthly, monthly
