"""Purchase orders (issue 13 item 3): the list (newest first) and one order, where the
manager edits a draft's lines and sends it and the desk receives what came (in part: the
rest stays back-ordered). The vendor's bill for it is entered in Books, Bills."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from ...services.supplies.purchasing import (
    OrderDetail,
    OrderLineRow,
    OrderRow,
    OrdersMade,
    end_order,
    order_detail,
    order_list,
    orders_from_low_stock,
    send_order,
    set_order_line,
)
from ...services.supplies.receiving import receive_order
from ...services.validate import format_money
from ...services.wording import plural
from ...ui import changes
from ...ui.text import plain
from ...widgets.dialogs import ConfirmDialog
from ...widgets.export import ExportDialog
from ...widgets.form import FieldSpec, FormDialog
from ...widgets.paged_table import Column, PagedTable
from ..base import RecordView

PAGE = 100


class PurchaseOrdersScreen(RecordView):
    """Orders newest first; Enter opens one; a shows all or only open ones."""

    VIEW_TITLE = "Purchase orders"
    TOPICS = frozenset({changes.STOCK})
    COLUMNS = (
        Column("Order", 8),
        Column("Vendor", 24, share=2),
        Column("Status", 9),
        Column("Ordered", 10),
        Column("Total", 11),
    )
    ACTION_PERMISSIONS = {"order_low": "payables.write"}
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="orders.pop_screen"),
        Binding("l", "order_low", "Order low stock", id="orders.order_low"),
        Binding("a", "toggle_open", "All/open", id="orders.toggle_open"),
    ]

    def __init__(self, open_only: bool = True) -> None:
        super().__init__()
        self.open_only = open_only
        self.rows: dict[str, OrderRow] = {}
        self.next_after: int | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="orders-summary", classes="toolbar")
        yield PagedTable(id="orders-table")

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.set_columns(self.COLUMNS)
        table.focus()
        super().on_mount()

    def resumed(self) -> None:
        self.reload()  # a receipt or a bill made on the order changes its line here

    def reload(self) -> None:
        self.call_service(order_list, self.open_only, None, PAGE, then=self._first, group="page")

    def _cells(self, r: OrderRow) -> tuple:
        day = f"{r.ordered_on:%m/%d/%Y}" if r.ordered_on else ""
        return (r.number, plain(r.vendor), r.status_label, day,
                format_money(r.total_cents).rjust(11))  # fmt: skip

    def _first(self, page) -> None:
        rows, _next = page
        shown = "open (a: all)" if self.open_only else "all (a: open only)"
        self.query_one("#orders-summary", Static).update(
            plain(f"{plural(len(rows), 'order')} · {shown} · l: order low stock · Enter: open")
        )
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
        self.query_one(PagedTable).add_page(
            [self._cells(r) for r in rows], keys, self.next_after is not None
        )

    def on_paged_table_need_more(self, event: PagedTable.NeedMore) -> None:
        if self.next_after is not None:
            self.call_service(order_list, self.open_only, self.next_after, PAGE,
                              then=self._append, group="page")  # fmt: skip

    def action_order_low(self) -> None:
        """Draft orders for the low items (purchasing.orders_from_low_stock)."""
        question = (
            "Draft purchase orders for every low item, at its reorder quantity, "
            "to its preferred vendor?"
        )
        self.app.push_screen(
            ConfirmDialog(question, "make the drafts"),
            lambda yes: (
                yes and self.call_service(orders_from_low_stock, then=self._ordered, group="write")
            ),
        )

    def _ordered(self, made: OrdersMade) -> None:
        text = f"{plural(made.items, 'item')} put on {plural(len(made.orders), 'draft order')}"
        if made.without_vendor:
            text += f"; no preferred vendor: {', '.join(made.without_vendor)}"
        self.say(text + ".", "ok" if made.items else "warning")
        self.reload()

    def action_toggle_open(self) -> None:
        self.open_only = not self.open_only
        self.reload()

    def on_data_table_row_selected(self, event) -> None:
        event.stop()
        row = self.rows.get(self.query_one(PagedTable).selected_key() or "")
        if row is not None:
            self.app.push_screen(OrderScreen(row.id))


class OrderScreen(RecordView):
    """One order's lines: ordered, received, back-ordered, billed."""

    VIEW_TITLE = "Purchase order"
    COLUMNS = (
        Column("Item", 24, share=2),
        Column("Ordered", 7),
        Column("Price", 9),
        Column("Recd", 5),
        Column("Back", 5),
        Column("Billed", 6),
        Column("Amount", 10),
    )
    ACTION_PERMISSIONS = {
        "edit_line": "payables.write",
        "send": "payables.write",
        "receive": "stock.write",
        "end": "payables.write",
    }
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back", id="order.pop_screen"),
        Binding("e", "edit_line", "Qty/price", id="order.edit_line"),
        Binding("s", "send", "Send", id="order.send"),
        Binding("r", "receive", "Receive", id="order.receive"),
        Binding("x", "end", "Cancel/close", id="order.end"),
    ]

    def __init__(self, order_id: int) -> None:
        super().__init__()
        self.order_id = order_id
        self.detail: OrderDetail | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("Loading…", id="order-summary", classes="toolbar")
        yield PagedTable(id="order-table")

    def on_mount(self) -> None:
        table = self.query_one(PagedTable)
        table.set_columns(self.COLUMNS)
        table.focus()
        super().on_mount()

    def reload(self) -> None:
        self.call_service(order_detail, self.order_id, then=self._show)

    def _show(self, detail: OrderDetail) -> None:
        self.detail = detail
        o = detail.order
        self.set_title(o.number)
        what = {
            "draft": "e: quantity/price · s: send",
            "sent": "r: receive what came · x: cancel",
            "partial": "r: receive more · x: close (give up the rest)",
        }.get(o.status, "")
        self.query_one("#order-summary", Static).update(
            plain(f"{o.vendor} · {o.status_label} · {format_money(o.total_cents)} · {what}")
        )
        keys = [str(x.id) for x in detail.lines]
        table = self.query_one(PagedTable)
        table.set_rows([self._cells(x) for x in detail.lines], keys, keep=table.selected_key())

    def _cells(self, x: OrderLineRow) -> tuple:
        return (
            plain(x.name), str(x.quantity).rjust(7), format_money(x.unit_cents).rjust(9),
            str(x.received_qty).rjust(5), str(x.back_ordered or "").rjust(5),
            str(x.billed_qty or "").rjust(6), format_money(x.amount_cents).rjust(10),
        )  # fmt: skip

    def _line(self) -> OrderLineRow | None:
        key = self.query_one(PagedTable).selected_key()
        lines = self.detail.lines if self.detail else ()
        return next((x for x in lines if str(x.id) == key), None)

    def _after(self, result) -> None:
        if result is not None:
            self.reload()

    def action_edit_line(self) -> None:
        line, detail = self._line(), self.detail
        if line is None or detail is None:
            return

        def submit(actor, values):
            return set_order_line(actor, detail.order.id, line.item_id, values["quantity"],
                                  values["price"], detail.order.version)  # fmt: skip

        self.app.push_screen(FormDialog(f"{line.name} on {detail.order.number}", [
            FieldSpec("quantity", "Quantity", str(line.quantity), max_length=9),
            FieldSpec("price", "Unit price", format_money(line.unit_cents), max_length=14),
        ], submit, hint="Quantity 0 takes it off · Enter: next / save · Esc: cancel"),
            self._after)  # fmt: skip

    def action_send(self) -> None:
        if self.detail is None:
            return
        number = self.detail.order.number

        def save(actor, path, overwrite):
            return send_order(actor, self.order_id, path, overwrite)

        def sent(path) -> None:
            if path is not None:
                self.say(f"{number} sent: {path} and its text file.", "ok")
                self.reload()

        self.app.push_screen(ExportDialog(f"Send {number} (PDF and text)", number, save), sent)

    def action_receive(self) -> None:
        detail = self.detail
        if detail is None:
            return
        specs = [
            FieldSpec(
                f"q{x.id}", x.name[:22], "", placeholder=f"{x.back_ordered} to come", max_length=9
            )  # fmt: skip
            for x in detail.lines
        ]
        specs += [
            FieldSpec("received_on", "Received on", "t", max_length=20),
            FieldSpec("over_reason", "More than ordered? Why", "", max_length=200),
        ]

        def submit(actor, values):
            typed = {x.id: values[f"q{x.id}"] or "0" for x in detail.lines}
            return receive_order(actor, detail.order.id, typed, values["received_on"],
                                 values["over_reason"], version=detail.order.version)  # fmt: skip

        def done(result) -> None:
            if result is not None:
                self.say(f"Received {plural(result.units, 'unit')} into stock.", "ok")
                self.reload()

        self.app.push_screen(FormDialog(f"Receive {detail.order.number}", specs, submit,
                                        hint="Units that came, each line (blank: none) · "
                                        "Esc: cancel"), done)  # fmt: skip

    def action_end(self) -> None:
        detail = self.detail
        if detail is None:
            return

        def submit(actor, values):
            return end_order(actor, detail.order.id, values["reason"])

        verb = "Close" if detail.order.status == "partial" else "Cancel"
        self.app.push_screen(FormDialog(f"{verb} {detail.order.number}", [
            FieldSpec("reason", "Reason", "", max_length=200)], submit), self._after)  # fmt: skip
