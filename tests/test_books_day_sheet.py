"""The day's money at the desk (issue 13 item 5): the day sheet's totals tie to the
ledger's postings of the day, the cash drawer's count posts its difference to over and
short (a recount reverses the count before; closed books refuse it), and a deposit moves
the payments picked to the bank, each payment once. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from peewee import IntegrityError, fn

from moa_tui.db.database import db
from moa_tui.db.models import (
    AccountEntry,
    Appointment,
    AuditEvent,
    Claim,
    ClaimPosting,
    DepositItem,
    DrawerCount,
    JournalEntry,
    Patient,
    SupplyItem,
)
from moa_tui.services import clock
from moa_tui.services.billing import posting
from moa_tui.services.billing.x12.export import create_batches
from moa_tui.services.books import accounts as acct
from moa_tui.services.books.bills import bill_from_order
from moa_tui.services.books.day_sheet import books_day_sheet as day_sheet
from moa_tui.services.books.deposits import deposit_slip, make_deposit, undeposited
from moa_tui.services.books.drawer import count_drawer
from moa_tui.services.books.ledger import account_balance, set_lock_date
from moa_tui.services.books.month_end import drawer_differences, month_end_checklist
from moa_tui.services.books.report_files import (
    day_sheet_layout,
    deposit_slip_layout,
    export_statement,
)
from moa_tui.services.books.vendors import save_vendor, set_vendor_item
from moa_tui.services.errors import ServiceError, ValidationError
from moa_tui.services.frontdesk.payments import collect_payment
from moa_tui.services.security.staff import find_staff
from moa_tui.services.supplies.purchasing import order_detail, orders_from_low_stock, send_order
from moa_tui.services.supplies.receiving import receive_order

from .books_invariants import assert_books_tie
from .conftest import FROZEN_NOW


@pytest.fixture(autouse=True)
def _clock_stopped_again(demo_db, frozen_clock):
    frozen_clock.freeze(FROZEN_NOW)


def balance(code: str, through: dt.date | None = None) -> int:
    with db.connection_context():
        return account_balance(code, through)


def _patients(n: int) -> list[Patient]:
    with db.connection_context():
        return list(Patient.select().where(~Patient.restricted).order_by(Patient.id).limit(n))


def _todays_visit() -> Appointment:
    start = dt.datetime.combine(clock.today(), dt.time())
    with db.connection_context():
        return (
            Appointment.select()
            .join(Patient)
            .where(
                ~Patient.restricted
                & (Appointment.starts_at >= start)
                & (Appointment.starts_at < start + dt.timedelta(days=1))
                & Appointment.id.not_in(
                    AccountEntry.select(AccountEntry.appointment).where(
                        AccountEntry.appointment.is_null(False)
                    )
                )
            )  # fmt: skip
            .order_by(Appointment.id)
            .first()
        )


def _sent_claim(min_balance: int = 5000) -> Claim:
    with db.connection_context():
        return (
            Claim.select()
            .join(Patient, on=(Claim.patient == Patient.id))
            .where(Claim.status.in_(("submitted", "accepted")) & ~Patient.restricted
                   & (Claim.total_cents - Claim.paid_cents - Claim.adjusted_cents >= min_balance))
            .order_by(Claim.id)
            .first()
        )  # fmt: skip


def _figures(sheet) -> dict[str, int]:
    return {t.label: t.ledger_cents for t in sheet.ties}


def test_the_day_sheet_ties_to_the_ledger_through_a_busy_day(demo_db):
    manager, desk, biller = find_staff("manager"), find_staff("desk"), find_staff("billing")
    before = day_sheet(manager)
    assert before.day == clock.today()
    # The demo's own day ties already (its events posted as they happened).
    assert before.ties_ledger, [t for t in before.ties if not t.ties]

    a, b = _patients(2)
    visit = _todays_visit()
    collect_payment(desk, a.id, "20.00", "cash", "", None, "Payment")
    collect_payment(desk, b.id, "50.00", "check", "1234", None, "Payment")
    collect_payment(desk, a.id, "15.00", "card", "AP77", None, "Payment")
    collect_payment(desk, visit.patient_id, "25.00", "cash", "", visit.id, "Co-pay")
    c = _sent_claim()
    money = posting.post_eob(biller, c.id, c.version, [(None, "30.00", [("CO", "45", "5.00")])],
                             "EOB991")  # fmt: skip
    money = posting.write_off(biller, c.id, money.version, "2.00", "Small balance")
    money = posting.refund_payer(biller, c.id, money.version, "4.00", "Overpaid")
    with db.connection_context():
        ready = Claim.select().where(Claim.status == "ready").count()
    if ready:
        create_batches(biller)

    sheet = day_sheet(manager)
    assert sheet.ties_ledger, [t for t in sheet.ties if not t.ties]
    grew = {k: v - _figures(before)[k] for k, v in _figures(sheet).items()}
    assert grew["Cash payments"] == 20_00 + 25_00
    assert grew["Check and card payments"] == 50_00 + 15_00 + 30_00  # the EOB's check
    assert grew["Contractual adjustments"] == 5_00
    assert grew["Write-offs"] == 2_00
    assert grew["Refunds to payers"] == 4_00
    assert grew["Charges"] >= 25_00  # the co-pay (and the claims billed, if any)
    assert sheet.by_method["cash"] - before.by_method.get("cash", 0) == 45_00
    assert sheet.drawer.expected_cash_cents - before.drawer.expected_cash_cents == 45_00
    # The desk's check is in the drawer; the payer's check came by mail to billing.
    assert sheet.drawer.expected_checks_count - before.drawer.expected_checks_count == 1
    labels = {x.label for x in sheet.lines}
    assert {"Co-pays at check-in: Cash", "Patient payments: Check", "Payer payments: Check",
            "Contractual adjustments", "Write-offs", "Refunds to payers"} <= labels  # fmt: skip
    # The totals against the ledger's own accounts for the day.
    day = clock.today()
    yesterday = day - dt.timedelta(days=1)
    assert balance(acct.BAD_DEBT) - balance(acct.BAD_DEBT, yesterday) == _figures(sheet)[
        "Write-offs"]  # fmt: skip
    layout = day_sheet_layout(sheet)
    assert "ties to the ledger" in layout.subtitle
    assert ("", "Co-pays at check-in: Cash", "1", "$25.00") in layout.rows or any(
        r[1] == "Co-pays at check-in: Cash" for r in layout.rows
    )
    assert_books_tie()


def test_a_day_sheet_that_does_not_tie_says_so(demo_db):
    manager = find_staff("manager")
    a = _patients(1)[0]
    collect_payment(find_staff("desk"), a.id, "20.00", "cash", "", None, "Payment")
    with db.connection_context():  # an entry lost: the ledger no longer holds the payment
        entry = JournalEntry.select().order_by(JournalEntry.id.desc()).first()
        from moa_tui.db.models import AccountMonth, JournalLine

        JournalLine.delete().where(JournalLine.entry == entry.id).execute()
        AccountMonth.delete().execute()
        entry.delete_instance()
    sheet = day_sheet(manager)
    assert not sheet.ties_ledger
    off = [t for t in sheet.ties if not t.ties]
    assert [t.label for t in off] == ["Cash payments"]
    assert off[0].sheet_cents - off[0].ledger_cents == 20_00
    assert "DOES NOT tie" in day_sheet_layout(sheet).subtitle


def test_the_drawer_count_posts_its_difference_and_a_recount_replaces_it(demo_db):
    manager, desk = find_staff("manager"), find_staff("desk")
    a = _patients(1)[0]
    collect_payment(desk, a.id, "40.00", "cash", "", None, "Payment")
    collect_payment(desk, a.id, "12.50", "check", "501", None, "Payment")
    expected = day_sheet(manager).drawer
    short_by = 3_00
    over_short = balance(acct.CASH_OVER_SHORT)
    cash = balance(acct.CASH)
    counted = expected.expected_cash_cents - short_by
    drawer = count_drawer(desk, "t", f"{counted / 100:.2f}",
                          str(expected.expected_checks_count),
                          f"{expected.expected_checks_cents / 100:.2f}")  # fmt: skip
    assert drawer.cash_difference == -short_by and drawer.checks_difference == 0
    assert balance(acct.CASH_OVER_SHORT) - over_short == short_by
    assert balance(acct.CASH) - cash == -short_by
    with db.connection_context():
        first = DrawerCount.get_by_id(drawer.count_id)
        entry = JournalEntry.get_by_id(first.entry_id)
        assert entry.source == "drawer" and entry.entry_date == clock.today()
        assert (
            AuditEvent.select()
            .where((AuditEvent.action == "books.drawer_count") & (AuditEvent.entity_id == first.id))
            .exists()
        )
    # Recounted: $1 over. The first count's entry is reversed, not edited.
    drawer = count_drawer(manager, "t", f"{(expected.expected_cash_cents + 100) / 100:.2f}",
                          str(expected.expected_checks_count),
                          f"{expected.expected_checks_cents / 100:.2f}", "found $4")  # fmt: skip
    assert drawer.cash_difference == 100 and drawer.recounts == 1
    assert balance(acct.CASH_OVER_SHORT) - over_short == -100
    assert balance(acct.CASH) - cash == 100
    with db.connection_context():
        second = DrawerCount.get_by_id(drawer.count_id)
        assert second.replaces_id == first.id
        assert JournalEntry.select().where(JournalEntry.reverses == first.entry_id).exists()
        assert JournalEntry.get_by_id(first.entry_id).memo == entry.memo
    sheet = day_sheet(manager)
    assert sheet.drawer.counted and sheet.drawer.cash_difference == 100
    assert any("over $1.00" in r[1] for r in day_sheet_layout(sheet).rows)
    assert_books_tie()


def test_a_count_is_refused_in_closed_books_and_for_bad_input(demo_db):
    manager, desk = find_staff("manager"), find_staff("desk")
    yesterday = clock.today() - dt.timedelta(days=1)
    with db.connection_context():
        counts = DrawerCount.select().count()
    for args, field in (
        (("t+1", "10"), "day"),
        (("t", "-5"), "cash"),
        (("t", "10", "2", "0"), "checks"),
        (("t", "10", "0", "30"), "checks_count"),
        (("t", "ten"), "cash"),
    ):
        with pytest.raises(ValidationError) as refused:
            count_drawer(desk, *args)
        assert field in refused.value.errors, (args, refused.value.errors)
    set_lock_date(manager, yesterday)
    with pytest.raises(ValidationError, match="closed through"):
        count_drawer(desk, f"{yesterday:%m/%d/%Y}", "10.00")
    with db.connection_context():
        assert DrawerCount.select().count() == counts
    with pytest.raises(ServiceError):
        count_drawer(find_staff("billing"), "t", "10.00")  # not the desk's or the manager's


def test_a_deposit_moves_the_picked_payments_to_the_bank_once(demo_db, tmp_path):
    manager, desk = find_staff("manager"), find_staff("desk")
    a, b = _patients(2)
    collect_payment(desk, a.id, "40.00", "cash", "", None, "Payment")
    collect_payment(desk, b.id, "65.00", "check", "7001", None, "Payment")
    collect_payment(desk, b.id, "10.00", "check", "7002", None, "Payment")
    collect_payment(desk, a.id, "9.00", "card", "AP1", None, "Payment")
    today = clock.today()
    waiting = [w for w in undeposited(manager).rows if w.day == today]
    assert {w.reference for w in waiting if w.method == "check"} >= {"7001", "7002"}
    # The drawer was counted $2 short: the bank gets the cash counted.
    drawer = day_sheet(manager).drawer
    count_drawer(desk, "t", f"{(drawer.expected_cash_cents - 200) / 100:.2f}",
                 str(drawer.expected_checks_count),
                 f"{drawer.expected_checks_cents / 100:.2f}")  # fmt: skip
    bank, undep = balance(acct.BANK), balance(acct.UNDEPOSITED)
    keys = [w.key for w in waiting]
    deposit_id = make_deposit(manager, "t", "BR-2231", keys)
    slip = deposit_slip(manager, deposit_id)
    cash = sum(w.cents for w in waiting if w.method == "cash") - 200
    checks = sum(w.cents for w in waiting if w.method in ("check", ""))
    cards = sum(w.cents for w in waiting if w.method == "card")
    assert (slip.cash_cents, slip.checks_cents, slip.cards_cents) == (cash, checks, cards)
    assert slip.total_cents == cash + checks + cards
    assert balance(acct.BANK) - bank == slip.total_cents
    assert undep - balance(acct.UNDEPOSITED) == checks + cards
    # Today's cash in the drawer: taken, counted short, deposited: nothing left.
    yesterday = today - dt.timedelta(days=1)
    assert balance(acct.CASH) - balance(acct.CASH, yesterday) == 0
    layout = deposit_slip_layout(slip)
    assert ("Check 7001", "Patient", "$65.00") in layout.rows
    assert layout.rows[-1] == ("Total deposit", "", f"${slip.total_cents / 100:,.2f}")
    # Once only: the same payments again are refused, nothing written.
    assert not [w for w in undeposited(manager).rows if w.key in keys]
    with pytest.raises(ValidationError, match="deposited already"):
        make_deposit(manager, "t", "BR-2232", keys[:1])
    with db.connection_context():
        items = DepositItem.select().count()
        with pytest.raises(IntegrityError), db.atomic():
            DepositItem.create(deposit=deposit_id, kind="desk", source_id=int(
                keys[0].split(":")[1]), method="cash", cents=1)  # fmt: skip
        assert DepositItem.select().count() == items
    # The day's drawer went to the bank: it is not recounted.
    with pytest.raises(ValidationError, match="not recounted"):
        count_drawer(desk, "t", "1.00")
    # The slip as files.
    pdf = export_statement(manager, "deposit_slip", "pdf", tmp_path / "slip.pdf",
                           deposit_id=deposit_id)  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF")
    csv = export_statement(manager, "deposit_slip", "csv", tmp_path / "slip.csv",
                           deposit_id=deposit_id).read_text()  # fmt: skip
    assert "Check 7001" in csv and "BR-2231" in csv
    assert_books_tie()


def test_a_deposit_is_refused_whole(demo_db):
    manager = find_staff("manager")
    a = _patients(1)[0]
    collect_payment(find_staff("desk"), a.id, "5.00", "check", "88", None, "Payment")
    key = [w.key for w in undeposited(manager).rows if w.reference == "88"]
    for args, field in (
        (("t", "", key), "bank_reference"),
        (("t+1", "B", key), "day"),
        (("t-400", "B", key), "day"),
        (("t", "B", ["desk:999999999"]), "payments"),
        (("t", "B", "desk:1"), "payments"),
        (("t", "B", []), "payments"),
    ):
        with pytest.raises(ValidationError) as refused:
            make_deposit(manager, *args)
        assert field in refused.value.errors, (args, refused.value.errors)
    set_lock_date(manager, clock.today() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="closed through"):
        make_deposit(manager, "t-1", "B", key)
    with db.connection_context():
        assert not DepositItem.select().exists()
    with pytest.raises(ServiceError):
        make_deposit(find_staff("desk"), "t", "B", key)  # the manager's


def test_the_day_sheet_as_files(demo_db, tmp_path):
    manager = find_staff("manager")
    pdf = export_statement(manager, "day_sheet", "pdf", tmp_path / "day.pdf", day=clock.today())
    assert pdf.read_bytes().startswith(b"%PDF")
    text = export_statement(manager, "day_sheet", "csv", tmp_path / "day.csv",
                            day=clock.today()).read_text()  # fmt: skip
    assert "Day sheet" in text and "Ledger" in text and "Cash expected" in text


def test_month_end_lists_what_waits_and_each_clears(demo_db, tmp_path):

    manager, desk = find_staff("manager"), find_staff("desk")
    today = clock.today()

    def items() -> dict[str, object]:
        return {i.label: i for i in month_end_checklist(manager, today).items}

    before = items()
    assert [i.target for i in before.values()] == [
        "unbilled", "claims", "bills", "bills", "day_sheet", "deposits", "statements",
    ]  # fmt: skip
    # A bill from an order that does not match it: not approved, and unmatched.
    with db.connection_context():
        item = SupplyItem.get(SupplyItem.name == "Exam gloves nitrile M")
        SupplyItem.update(on_hand=2, reorder_point=5, reorder_qty=10).where(
            SupplyItem.id == item.id
        ).execute()
    vendor = save_vendor(manager, dict(name="Acme Medical Supply", terms="net 30"))
    set_vendor_item(manager, vendor.id, item.id, "8.50", preferred=True)
    (order_id,) = orders_from_low_stock(manager, [item.id]).orders
    send_order(manager, order_id, str(tmp_path / "po"))
    (line,) = order_detail(manager, order_id).lines
    receive_order(manager, order_id, {line.id: "6"})
    bill_from_order(manager, order_id, dict(number="A-1", bill_date="t"), {line.id: ("10", "8.50")})
    after = items()
    assert after["Bills not approved"].count == before["Bills not approved"].count + 1
    assert after["Unmatched bills"].count == before["Unmatched bills"].count + 1
    # Cash taken and not counted: today is a drawer difference until a count balances it.
    a = _patients(1)[0]
    collect_payment(desk, a.id, "30.00", "cash", "", None, "Payment")
    drawer = items()["Drawer differences"]
    assert drawer.count >= 1 and drawer.day is not None
    with db.connection_context():
        assert today in drawer_differences(today)
    sheet = day_sheet(manager).drawer
    checks = f"{sheet.expected_checks_cents / 100:.2f}"
    count_drawer(desk, "t", f"{sheet.expected_cash_cents / 100:.2f}",
                 str(sheet.expected_checks_count), checks)  # fmt: skip
    with db.connection_context():
        assert today not in drawer_differences(today)
    assert items()["Drawer differences"].count == drawer.count - 1
    # Undeposited: the payments waiting, until deposited.
    waiting = items()["Undeposited payments"].count
    assert waiting >= 1
    make_deposit(manager, "t", "BR-9")
    assert items()["Undeposited payments"].count == 0


def test_a_payment_taken_back_nets_on_the_day_sheet_and_in_the_deposit(demo_db):
    manager, biller = find_staff("manager"), find_staff("billing")
    before = day_sheet(manager)
    c = _sent_claim(2_000)
    posting.post_patient_payment(biller, c.id, "20.00", "check", "6021")
    with db.connection_context():
        paid = ClaimPosting.get((ClaimPosting.claim == c.id) & (ClaimPosting.reference == "6021"))
    posting.reverse_posting(biller, paid.id, "Check bounced")
    sheet = day_sheet(manager)
    assert sheet.ties_ledger, [t for t in sheet.ties if not t.ties]
    assert sheet.by_method.get("check", 0) == before.by_method.get("check", 0)
    assert sheet.drawer.expected_checks_count == before.drawer.expected_checks_count
    waiting = [w for w in undeposited(manager).rows if w.reference == "6021"]
    assert sorted(w.cents for w in waiting) == [-20_00, 20_00]
    undep = balance(acct.UNDEPOSITED)
    # Alone, the taken-back check comes to nothing to deposit; with its payment, it nets.
    with pytest.raises(ValidationError, match="comes to nothing"):
        make_deposit(manager, "t", "BR-1", [w.key for w in waiting if w.cents < 0])
    a = _patients(1)[0]
    collect_payment(find_staff("desk"), a.id, "7.00", "check", "6022", None, "Payment")
    keys = [w.key for w in undeposited(manager).rows if w.reference in ("6021", "6022")]
    deposit_id = make_deposit(manager, "t", "BR-2", keys)
    slip = deposit_slip(manager, deposit_id)
    assert (slip.checks_count, slip.checks_cents, slip.total_cents) == (1, 7_00, 7_00)
    assert balance(acct.UNDEPOSITED) == undep  # the $7 check in and out, the pair nets
    assert_books_tie()


def test_every_day_of_the_demo_ties(demo_db):
    """The demo's months of charges, desk payments, 835s and EOBs, day by day."""
    manager = find_staff("manager")
    with db.connection_context():
        first = JournalEntry.select(fn.MIN(JournalEntry.entry_date)).scalar()
    day, busy, seen = first, 0, set()
    while day <= clock.today():
        sheet = day_sheet(manager, day)
        assert sheet.ties_ledger, (day, [t for t in sheet.ties if not t.ties])
        busy += bool(sheet.lines)
        seen |= {x.label for x in sheet.lines}
        day += dt.timedelta(days=1)
    assert busy > 20
    assert {"Billed to payers (entries)", "Payer payments: EFT", "Contractual adjustments",
            "Patient payments: Cash"} <= seen, seen  # fmt: skip


def test_the_waiting_list_says_when_more_wait_and_the_count_is_whole(demo_db):
    from moa_tui.services.books.deposits import waiting_count, waiting_payments

    with db.connection_context():
        whole = waiting_payments(limit=100_000)
        short = waiting_payments(limit=1)
        today = clock.today()
        assert not whole.more and len(whole.rows) > 2
        assert short.more and 1 <= len(short.rows) <= 2  # the oldest of each kind
        assert {w.key for w in short.rows} <= {w.key for w in whole.rows}
        assert waiting_count(today) == len(whole.rows)
        yesterday = today - dt.timedelta(days=1)
        assert waiting_count(yesterday) == len([w for w in whole.rows if w.day <= yesterday])
