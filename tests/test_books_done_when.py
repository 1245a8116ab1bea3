"""Issue 13's "Done when", as one walk at 80x24 by keys alone on the demo clinic, on the
last day of November: the office manager orders gloves from the low-stock list, receives
part of the order, matches and pays the vendor's bill, counts the cash drawer, prints a
day sheet and a P&L whose figures tie to the ledger, deposits the day's takings, and the
next morning closes the month, which locks it."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader

from moa_tui.cli import make_app
from moa_tui.db.database import db, write_transaction
from moa_tui.db.models import (
    Bill,
    ClinicSettings,
    Deposit,
    DrawerCount,
    Patient,
    PurchaseOrderLine,
    SupplyItem,
)
from moa_tui.screens.books.bill_view import BillScreen
from moa_tui.screens.books.day_sheet import DaySheetScreen
from moa_tui.screens.books.deposits import DepositScreen
from moa_tui.screens.books.hub import BooksScreen
from moa_tui.screens.books.month_end import MonthEndScreen
from moa_tui.screens.books.payables import BillsScreen
from moa_tui.screens.books.statements import StatementsScreen
from moa_tui.screens.supplies.orders import OrderScreen, PurchaseOrdersScreen
from moa_tui.services import clock
from moa_tui.services.books import accounts as acct
from moa_tui.services.books.drawer import count_drawer
from moa_tui.services.books.ledger import account_balance, account_balances, lock_date, post_journal
from moa_tui.services.errors import ValidationError
from moa_tui.services.frontdesk.payments import collect_payment
from moa_tui.services.security.staff import find_staff
from moa_tui.services.validate import format_money
from moa_tui.widgets.dialogs import ConfirmDialog, PickDialog
from moa_tui.widgets.export import ExportDialog
from moa_tui.widgets.form import FormDialog

from .books_invariants import assert_books_tie, assert_payables_tie
from .ui_helpers import settle, static_text, table_rows

SIZE = (80, 24)
GLOVES = "Exam gloves nitrile M"
LAST_DAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _the_months_last_day(demo_db, frozen_clock):
    frozen_clock.freeze("2026-11-30T16:00:00")


async def keys(pilot, *pressed: str) -> None:
    for key in pressed:
        await pilot.press(key)
        await settle(pilot)


async def cursor_to(pilot, app, predicate) -> None:
    """Walk the table's cursor to the first row whose cells satisfy *predicate*, by keys."""
    table = app.screen.focused
    rows = table_rows(app, type(table))
    target = next(i for i, row in enumerate(rows) if predicate(row))
    while table.cursor_row != target:
        await keys(pilot, "down" if table.cursor_row < target else "up")


def _pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


def _pl_from_ledger(start: dt.date, end: dt.date) -> dict[str, int]:
    """Each revenue and expense account's movement over start..end, on its section's side
    (revenue credit-positive, expenses debit-positive), read from the ledger itself."""
    with db.connection_context():
        after = account_balances(end)
        before = account_balances(start - dt.timedelta(days=1))
        from moa_tui.db.models import Account

        kinds = dict(Account.select(Account.code, Account.type).tuples())
    out = {}
    for code, kind in kinds.items():
        moved = after.get(code, 0) - before.get(code, 0)
        if kind in ("revenue", "expense") and moved:
            out[code] = -moved if kind == "revenue" else moved
    return out


async def test_the_office_manager_walks_issue_13_done_when(demo_db, tmp_path):
    ClinicSettings.update(export_dir=str(tmp_path)).execute()
    gloves = SupplyItem.get(SupplyItem.name == GLOVES)
    SupplyItem.update(on_hand=1).where(SupplyItem.id == gloves.id).execute()
    # The desk took money today: cash and a check.
    desk = find_staff("desk")
    with db.connection_context():
        patient = Patient.select().where(~Patient.restricted).order_by(Patient.id).first()
    collect_payment(desk, patient.id, "60.00", "cash", "", None, "Payment")
    collect_payment(desk, patient.id, "35.00", "check", "2210", None, "Payment")

    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # 1. Gloves from the low-stock list onto the preferred vendor's order; send it.
        await keys(pilot, "f6", "o")
        assert isinstance(app.screen, PurchaseOrdersScreen)
        await keys(pilot, "l")
        assert isinstance(app.screen, ConfirmDialog)
        await keys(pilot, "y")
        await cursor_to(pilot, app, lambda row: row[1] == "Northwind Medical Supply")
        await keys(pilot, "enter")
        assert isinstance(app.screen, OrderScreen)
        order = app.screen.detail
        (line,) = [x for x in order.lines if x.name == GLOVES]
        await keys(pilot, "s")
        assert isinstance(app.screen, ExportDialog)
        await keys(pilot, "enter")
        assert "sent" in static_text(app, "#message"), static_text(app, "#message")

        # 2. Part of the gloves came (6 of them): the rest stays back-ordered.
        await keys(pilot, "r")
        assert isinstance(app.screen, FormDialog)
        for _ in range(order.lines.index(line)):
            await keys(pilot, "enter")
        await keys(pilot, "6", "ctrl+s")
        assert isinstance(app.screen, OrderScreen), app.screen
        assert PurchaseOrderLine.get_by_id(line.id).received_qty == 6

        # 3. The vendor's bill from the order: it matches; approve it and pay it.
        await keys(pilot, "escape", "escape", "f11")
        assert isinstance(app.screen, BooksScreen), app.screen
        await keys(pilot, "b")
        assert isinstance(app.screen, BillsScreen), app.screen
        await keys(pilot, "o")
        assert isinstance(app.screen, PickDialog)
        await keys(pilot, "enter")
        assert isinstance(app.screen, FormDialog)
        await keys(pilot, *"NW-7001", "ctrl+s")
        assert isinstance(app.screen, BillScreen)
        assert "Matches order" in static_text(app, "#bill-match")
        await keys(pilot, "a", "p")
        assert isinstance(app.screen, FormDialog)
        await keys(pilot, "enter", "enter", *"3111", "ctrl+s")
        assert isinstance(app.screen, BillScreen)
        bill = Bill.get(Bill.number == "NW-7001")
        assert bill.status == "approved" and bill.paid_cents + bill.discount_cents == (
            bill.total_cents
        )

        # 4. Count the cash drawer: $2.00 short in cash, the check there.
        await keys(pilot, "escape", "escape", "d")
        assert isinstance(app.screen, DaySheetScreen), app.screen
        rows = table_rows(app, "#day-sheet-table")
        expected = next(r for r in rows if r[1] == "Cash expected")[3]
        cents = int("".join(ch for ch in expected if ch.isdigit())) - 200
        await keys(pilot, "n")
        assert isinstance(app.screen, FormDialog)
        await keys(pilot, "enter", *f"{cents / 100:.2f}", "enter", "1", "enter", *"35.00")
        await keys(pilot, "ctrl+s")
        assert isinstance(app.screen, DaySheetScreen), static_text(app, "#dialog-message")
        assert "short $2.00" in static_text(app, "#message")
        with db.connection_context():
            assert DrawerCount.select().where(DrawerCount.day == LAST_DAY).count() == 1

        # 5. Print the day sheet: its totals tie to the ledger.
        sheet = app.screen.sheet
        assert sheet.ties_ledger, [t for t in sheet.ties if not t.ties]
        assert sheet.by_method["cash"] >= 60_00 and sheet.by_method["check"] >= 35_00
        await keys(pilot, "f")
        assert isinstance(app.screen, ExportDialog)
        await keys(pilot, "enter")
        text = _pdf_text(tmp_path / "day-sheet-2026-11-30.pdf")
        assert "ties to the ledger" in text and "short $2.00" in text
        with db.connection_context():  # the day's cash in the books: taken, less the shortage
            before = account_balance(acct.CASH, LAST_DAY - dt.timedelta(days=1))
            cash_today = account_balance(acct.CASH) - before
        assert cash_today == sheet.by_method["cash"] - 200

        # 6. Deposit the day's takings (all that waits, as picked to begin with).
        await keys(pilot, "escape", "e")
        assert isinstance(app.screen, DepositScreen), app.screen
        waiting = list(app.screen.waiting)
        await keys(pilot, "x")
        assert isinstance(app.screen, FormDialog)
        await keys(pilot, "enter", *"BR-1130", "enter")
        assert isinstance(app.screen, DepositScreen), static_text(app, "#dialog-message")
        with db.connection_context():
            deposit = Deposit.get()
        assert deposit.total_cents == sum(w.cents for w in waiting) - 200
        await keys(pilot, "f", "enter")
        slip = _pdf_text(tmp_path / f"deposit-{deposit.id}.pdf")
        assert "Check 2210" in slip and format_money(deposit.total_cents) in slip

        # 7. Print the month's P&L: each account's figure is the ledger's.
        await keys(pilot, "escape", "s")
        assert isinstance(app.screen, StatementsScreen), app.screen
        await keys(pilot, "l")
        assert "Profit and loss: 11/01/2026 - 11/30/2026" in static_text(app, "#statement-head")
        shown = {r[0]: r[2] for r in table_rows(app, "#statement-table") if r[0].strip().isdigit()}
        ledger = _pl_from_ledger(dt.date(2026, 11, 1), LAST_DAY)
        assert shown == {code: format_money(cents) for code, cents in ledger.items()}
        assert acct.CASH_OVER_SHORT in shown and acct.PURCHASE_DISCOUNTS in shown
        net = sum(c if code[0] == "4" else -c for code, c in ledger.items())
        await keys(pilot, "f")
        assert isinstance(app.screen, ExportDialog)
        await keys(pilot, "enter")
        text = _pdf_text(tmp_path / "profit-and-loss-2026-11-30.pdf")
        assert "Net income" in text and format_money(net) in text

        # 8. The next morning, close November: the books lock through its last day.
        clock.freeze("2026-12-01T08:30:00")
        await keys(pilot, "escape", "m")
        assert isinstance(app.screen, MonthEndScreen), app.screen
        assert "Month ending 11/30/2026: open" in static_text(app, "#month-end-head")
        labels = {r[0]: r[1].strip() for r in table_rows(app, "#month-end-table")}
        assert labels["Unmatched bills"] == "0"
        await keys(pilot, "x")
        assert "Month ending 11/30/2026: closed" in static_text(app, "#month-end-head")
    with db.connection_context():
        assert lock_date() == LAST_DAY
    manager = find_staff("manager")
    with (
        db.connection_context(),
        write_transaction(),
        pytest.raises(ValidationError, match="closed through 11/30/2026"),
    ):
        post_journal(on=LAST_DAY, memo="Late", source="manual", source_id=None,
                     lines=[(acct.RENT, 100), (acct.BANK, -100)], staff=manager)  # fmt: skip
    with pytest.raises(ValidationError, match="closed through"):
        count_drawer(desk, "11/30/2026", "1.00")  # a recount of a closed day
    collect_payment(desk, patient.id, "5.00", "cash", "", None, "Payment")  # December's
    assert_books_tie()
    assert_payables_tie()
