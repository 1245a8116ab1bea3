"""The manager's walk (issue 13 "Done when", the purchasing part), by keys at 80x24 on the
demo clinic: order gloves from the low-stock list, send the order, receive part of it,
enter the vendor's bill against it (it matches), approve it and pay it."""

from __future__ import annotations

from pypdf import PdfReader

from moa_tui.cli import make_app
from moa_tui.db.models import Bill, ClinicSettings, PurchaseOrderLine, SupplyItem
from moa_tui.screens.books.bill_view import BillScreen
from moa_tui.screens.books.payables import BillsScreen
from moa_tui.screens.supplies.orders import OrderScreen, PurchaseOrdersScreen
from moa_tui.services.security.staff import find_staff
from moa_tui.widgets.dialogs import ConfirmDialog, PickDialog
from moa_tui.widgets.export import ExportDialog
from moa_tui.widgets.form import FormDialog

from .books_invariants import assert_payables_tie
from .ui_helpers import move_to_row, settle, static_text

SIZE = (80, 24)
GLOVES = "Exam gloves nitrile M"


async def keys(pilot, *pressed: str) -> None:
    for key in pressed:
        await pilot.press(key)
        await settle(pilot)


async def test_the_manager_orders_receives_matches_and_pays(demo_db, tmp_path):
    ClinicSettings.update(export_dir=str(tmp_path)).execute()
    gloves = SupplyItem.get(SupplyItem.name == GLOVES)
    SupplyItem.update(on_hand=1).where(SupplyItem.id == gloves.id).execute()
    app = make_app(demo_db, actor=find_staff("manager"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await keys(pilot, "f6", "o")
        assert isinstance(app.screen, PurchaseOrdersScreen)
        await keys(pilot, "l")
        assert isinstance(app.screen, ConfirmDialog)
        await keys(pilot, "y")
        assert "put on 2 draft orders" in static_text(app, "#message"), static_text(app, "#message")
        move_to_row(app, lambda row: row[1] == "Northwind Medical Supply")
        await keys(pilot, "enter")
        assert isinstance(app.screen, OrderScreen)
        order = app.screen.detail
        (line,) = [x for x in order.lines if x.name == GLOVES]
        assert order.order.status == "draft" and line.quantity == gloves.reorder_qty

        await keys(pilot, "s")
        assert isinstance(app.screen, ExportDialog)
        await keys(pilot, "enter")  # the order's number as the file name
        assert isinstance(app.screen, OrderScreen)
        assert "sent" in static_text(app, "#message"), static_text(app, "#message")
        pdf = PdfReader(str(tmp_path / f"{order.order.number}.pdf"))
        assert GLOVES in pdf.pages[0].extract_text()

        # Part of the gloves came: the rest stays back-ordered.
        await keys(pilot, "r")
        assert isinstance(app.screen, FormDialog)
        for _ in range(order.lines.index(line)):
            await keys(pilot, "enter")  # past the lines that did not come
        await keys(pilot, "6", "ctrl+s")
        assert isinstance(app.screen, OrderScreen), app.screen
        assert PurchaseOrderLine.get_by_id(line.id).received_qty == 6
        assert "Part recd" in static_text(app, "#order-summary")

        # The vendor's bill, in Books: Bills, from the order; it matches; approve, pay.
        await keys(pilot, "escape", "escape")
        await keys(pilot, "f11", "b")
        assert isinstance(app.screen, BillsScreen), app.screen
        await keys(pilot, "o")
        assert isinstance(app.screen, PickDialog)
        await keys(pilot, "enter")
        assert isinstance(app.screen, FormDialog)
        await keys(pilot, *"NW-5531", "ctrl+s")
        assert isinstance(app.screen, BillScreen)
        bill = Bill.get(Bill.number == "NW-5531")
        assert bill.total_cents == 6 * line.unit_cents
        assert "Matches order" in static_text(app, "#bill-match")
        await keys(pilot, "a")
        assert Bill.get_by_id(bill.id).status == "approved"
        await keys(pilot, "p")
        assert isinstance(app.screen, FormDialog)
        await keys(pilot, "enter", "enter", *"3107", "ctrl+s")  # check no. 3107; amount as shown
        assert isinstance(app.screen, BillScreen)
        paid = Bill.get_by_id(bill.id)
        # Northwind's terms are 2/10 Net 30: paid the day of the bill, the 2% is taken.
        assert paid.paid_cents + paid.discount_cents == paid.total_cents
        assert paid.discount_cents == (paid.total_cents * 2 + 50) // 100
        assert "Paid" in static_text(app, "#bill-summary")
    assert_payables_tie()
