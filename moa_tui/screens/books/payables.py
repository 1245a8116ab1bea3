"""Accounts payable screens (issue 13 item 2): vendors (with terms and the items each
sells), and the bills: open ones by due date, all, or "due this week"; a new bill, or the
bill for a purchase order, entered as the vendor's invoice reads."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.books.bills import BillRow, bill_from_order, bill_list, bills_due, create_bill
from ...services.books.vendors import (
    VendorRow,
    save_vendor,
    set_vendor_item,
    vendor_list,
)
from ...services.errors import ValidationError
from ...services.supplies.inventory import stock_page
from ...services.supplies.purchasing import order_detail, orders_to_bill
from ...services.validate import format_money
from ...services.wording import plural
from ...ui.text import plain
from ...widgets.dialogs import PickDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import RecordView
from .bill_view import BillScreen

MODES = {"open": "open bills", "due": "due this week", "all": "all bills"}


class VendorsScreen(RecordView):
    VIEW_TITLE = "Vendors"
    COLUMNS = (Column("Vendor", 26, share=2), Column("Terms", 14), Column("Phone", 12),
               Column("Kind", 10))  # fmt: skip
    ACTION_PERMISSIONS = {"edit": "payables.write", "item": "payables.write"}
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="vendors.pop_screen"),
        Binding("n", "edit(True)", "New", id="vendors.new"),
        Binding("e", "edit(False)", "Edit", id="vendors.edit"),
        Binding("i", "item", "Item price", id="vendors.item"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, VendorRow] = {}

    def compose_body(self) -> ComposeResult:
        yield Static("n: new vendor · e: edit · i: an item it sells, its price, preferred",
                     id="vendors-summary", classes="toolbar")  # fmt: skip
        yield PagedTable(id="vendors-table")

    def on_mount(self) -> None:
        self.query_one(PagedTable).set_columns(self.COLUMNS)
        self.query_one(PagedTable).focus()
        super().on_mount()

    def reload(self) -> None:
        self.call_service(vendor_list, then=self._show)

    def _show(self, rows: list[VendorRow]) -> None:
        self.rows = {str(r.id): r for r in rows}
        table = self.query_one(PagedTable)
        table.set_rows([(plain(r.name), r.terms_label, r.phone,
                         "Contractor" if r.contractor else "Vendor") for r in rows],
                       list(self.rows), keep=table.selected_key())  # fmt: skip

    def _selected(self) -> VendorRow | None:
        return self.rows.get(self.query_one(PagedTable).selected_key() or "")

    def action_edit(self, new: bool) -> None:
        row = None if new else self._selected()
        if not new and row is None:
            return

        def submit(actor, values):
            values = {**values, "contractor": values["contractor"].strip().lower() in ("y", "yes")}
            return save_vendor(actor, values, row.id if row else None, row.version if row else None)

        self.app.push_screen(FormDialog("New vendor" if new else f"Edit {row.name}", [
            FieldSpec("name", "Name", row.name if row else "", max_length=80),
            FieldSpec("address", "Address", row.address if row else "", max_length=200),
            FieldSpec("phone", "Phone", row.phone if row else "", max_length=25),
            FieldSpec("tax_id", "Tax id", row.tax_id if row else "", max_length=20),
            FieldSpec("terms", "Terms", row.terms_label if row else "Net 30", max_length=16),
            FieldSpec("contractor", "Contractor? y/n", "y" if row and row.contractor else "n",
                      max_length=3),
        ], submit, hint="Terms: Net 30, Net 15, 2/10 Net 30, due on receipt · Esc: cancel"),
            lambda r: r is not None and self.reload())  # fmt: skip

    def action_item(self) -> None:
        row = self._selected()
        if row is None:
            return

        def submit(actor, values):
            sku = values["sku"].strip()
            page = stock_page(actor, search=sku, limit=5)
            item = next((i for i in page.rows if i.sku.lower() == sku.lower()), None)
            if item is None:
                raise ValidationError.one("sku", f"No supply item has the SKU {sku!r}.")
            preferred = values["preferred"].strip().lower() in ("y", "yes")
            return set_vendor_item(actor, row.id, item.id, values["price"], preferred)

        def done(result) -> None:
            if result is not None:
                star = " (preferred vendor)" if result.preferred else ""
                self.say(f"{result.name} from {row.name} at "
                         f"{format_money(result.last_price_cents)}{star}.", "ok")  # fmt: skip

        self.app.push_screen(FormDialog(f"An item {row.name} sells", [
            FieldSpec("sku", "Item SKU", "", max_length=20),
            FieldSpec("price", "Price a unit", "", max_length=14),
            FieldSpec("preferred", "Preferred vendor? y/n", "y", max_length=3),
        ], submit), done)  # fmt: skip


class BillsScreen(RecordView):
    """Bills by due date: open ones, those due this week, or all; Enter opens one."""

    VIEW_TITLE = "Bills"
    COLUMNS = (
        Column("Due", 10),
        Column("Vendor", 20, share=2),
        Column("Bill no.", 10, share=1),
        Column("State", 9),
        Column("Total", 11),
        Column("Open", 11),
    )
    ACTION_PERMISSIONS = {"new": "payables.write", "from_order": "payables.write"}
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="bills.pop_screen"),
        Binding("n", "new", "New bill", id="bills.new"),
        Binding("o", "from_order", "From order", id="bills.from_order"),
        Binding("m", "mode", "Open/due/all", id="bills.mode"),
    ]

    def __init__(self, mode: str = "open") -> None:
        super().__init__()
        self.mode = mode
        self.rows: dict[str, BillRow] = {}
        self.next_after = None

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="bills-summary", classes="toolbar")
        yield PagedTable(id="bills-table")

    def on_mount(self) -> None:
        self.query_one(PagedTable).set_columns(self.COLUMNS)
        self.query_one(PagedTable).focus()
        super().on_mount()

    def resumed(self) -> None:
        self.reload()  # a bill approved or paid in its own view

    def reload(self) -> None:
        self.set_title(MODES[self.mode])
        if self.mode == "due":
            self.call_service(bills_due, then=lambda rows: self._first((rows, None)), group="page")
        else:
            self.call_service(bill_list, self.mode == "open", then=self._first, group="page")

    def _cells(self, r: BillRow) -> tuple:
        return (f"{r.due_date:%m/%d/%Y}", plain(r.vendor), plain(r.number), r.state,
                format_money(r.total_cents).rjust(11),
                format_money(r.open_cents).rjust(11))  # fmt: skip

    def _first(self, page) -> None:
        rows, _ = page
        total = sum(r.open_cents for r in rows if r.status == "approved")
        self.query_one("#bills-summary", Static).update(plain(
            f"{plural(len(rows), 'bill')} · {format_money(total)} open · m: open/due/all · "
            "Enter: open"))  # fmt: skip
        table = self.query_one(PagedTable)
        keep = table.selected_key()
        table.reset()
        self.rows = {}
        self._append(page)
        table.move_to_key(keep)

    def _append(self, page) -> None:
        rows, self.next_after = page
        keys = [str(r.id) for r in rows]
        self.rows.update(zip(keys, rows, strict=True))
        self.query_one(PagedTable).add_page([self._cells(r) for r in rows], keys,
                                            self.next_after is not None)  # fmt: skip

    def on_paged_table_need_more(self, event: PagedTable.NeedMore) -> None:
        if self.next_after is not None and self.mode != "due":
            self.call_service(bill_list, self.mode == "open", self.next_after,
                              then=self._append, group="page")  # fmt: skip

    def action_mode(self) -> None:
        order = list(MODES)
        self.mode = order[(order.index(self.mode) + 1) % len(order)]
        self.reload()

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        row = self.rows.get(self.query_one(PagedTable).selected_key() or "")
        if row is not None:
            self.app.push_screen(BillScreen(row.id))

    def _open(self, detail) -> None:
        if detail is not None:
            self.app.push_screen(BillScreen(detail.bill.id))

    def action_new(self) -> None:
        self.call_service(vendor_list, then=self._pick_vendor)

    def _pick_vendor(self, vendors: list[VendorRow]) -> None:
        if not vendors:
            self.say("No vendors yet: add one in Vendors first.", "warning")
            return
        rows = [(str(v.id), (v.name, v.terms_label)) for v in vendors]
        self.app.push_screen(PickDialog("Bill from which vendor?", [("Vendor", 30), ("Terms", 14)],
                                        rows), self._bill_form)  # fmt: skip

    def _bill_form(self, key: str | None) -> None:
        if key is None:
            return

        def submit(actor, values):
            head = {k: values[k] for k in ("number", "bill_date", "memo")}
            line = {k: values[k] for k in ("account", "description", "amount")}
            return create_bill(actor, int(key), head, [line])

        self.app.push_screen(FormDialog("New bill", [
            FieldSpec("number", "Vendor's bill no.", "", max_length=30),
            FieldSpec("bill_date", "Bill date", "t", max_length=20),
            FieldSpec("account", "Account", "6600", max_length=16),
            FieldSpec("description", "Description", "", max_length=120),
            FieldSpec("amount", "Amount", "", max_length=14),
            FieldSpec("memo", "Memo", "", max_length=200),
        ], submit, hint="Account 2010: stock received by hand · Due date from the vendor's "
                        "terms"), self._open)  # fmt: skip

    def action_from_order(self) -> None:
        self.call_service(orders_to_bill, then=self._pick_order)

    def _pick_order(self, orders) -> None:
        if not orders:
            self.say("No order has received units waiting for a bill.", "warning")
            return
        rows = [(str(o.id), (o.number, o.vendor, o.status_label)) for o in orders]
        self.app.push_screen(PickDialog("Bill for which order?", [("Order", 8), ("Vendor", 26),
                                        ("Status", 9)], rows), self._order_picked)  # fmt: skip

    def _order_picked(self, key: str | None) -> None:
        if key is not None:
            self.call_service(order_detail, int(key), then=self._order_bill_form)

    def _order_bill_form(self, detail) -> None:
        specs = [FieldSpec("number", "Vendor's bill no.", "", max_length=30),
                 FieldSpec("bill_date", "Bill date", "t", max_length=20)]  # fmt: skip
        for x in detail.lines:
            unbilled = max(0, x.received_qty - x.billed_qty)
            specs.append(FieldSpec(f"q{x.id}", f"{x.name[:18]} qty", str(unbilled), max_length=9))
            specs.append(FieldSpec(f"p{x.id}", f"{x.name[:18]} price",
                                   format_money(x.unit_cents), max_length=14))  # fmt: skip

        def submit(actor, values):
            lines = {x.id: (values[f"q{x.id}"] or "0", values[f"p{x.id}"]) for x in detail.lines}
            head = {"number": values["number"], "bill_date": values["bill_date"]}
            return bill_from_order(actor, detail.order.id, head, lines)

        self.app.push_screen(FormDialog(f"Bill for {detail.order.number}", specs, submit,
                                        hint="Type it as the vendor's bill reads · Esc: cancel"),
                             self._open)  # fmt: skip


class DueBillsScreen(BillsScreen):
    """The "due this week" worklist: bills due within seven days, overdue, or whose
    early-payment discount ends this week."""

    VIEW_TITLE = "Due this week"

    def __init__(self) -> None:
        super().__init__("due")
