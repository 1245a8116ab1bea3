"""Purchase orders (issue 13 item 3): built from the low-stock list (each item's reorder
quantity, to its preferred vendor, at the last price), edited while a draft, sent (a PDF
and a text file through the one safe export path), received (receiving.py), closed with
what was not delivered given up, or cancelled before anything came.

Statuses: draft -> sent -> partial (some received, the rest back-ordered) -> received;
closed (a partial order whose back-order was given up) or cancelled (nothing received)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

from peewee import JOIN, fn

from ...db.models import (
    ClinicSettings,
    PurchaseOrder,
    PurchaseOrderLine,
    StaffMember,
    SupplyItem,
    Vendor,
    VendorItem,
)
from .. import clock
from ..billing.statements import statements_pdf
from ..core import audit, get_or_refuse, reader, writer
from ..errors import Conflict, ValidationError
from ..files import save_export
from ..validate import check_limit, clean_text, format_money, parse_money, parse_quantity

STATUS_LABELS = {
    "draft": "Draft", "sent": "Sent", "partial": "Part recd", "received": "Received",
    "closed": "Closed", "cancelled": "Cancelled",
}  # fmt: skip
OPEN = ("sent", "partial")  # orders still expecting deliveries
TOPICS = ("stock", "payables")


@dataclass(frozen=True)
class OrderLineRow:
    id: int
    item_id: int
    sku: str
    name: str
    unit: str
    quantity: int
    unit_cents: int
    received_qty: int
    billed_qty: int

    @property
    def amount_cents(self) -> int:
        return self.quantity * self.unit_cents

    @property
    def back_ordered(self) -> int:
        return max(0, self.quantity - self.received_qty)


@dataclass(frozen=True)
class OrderRow:
    id: int
    version: int
    vendor_id: int
    vendor: str
    status: str
    ordered_on: dt.date | None
    total_cents: int

    @property
    def number(self) -> str:
        return f"PO-{self.id:05d}"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class OrderDetail:
    order: OrderRow
    lines: tuple[OrderLineRow, ...]
    memo: str


def _lines(order_id: int) -> tuple[OrderLineRow, ...]:
    rows = (
        PurchaseOrderLine.select(PurchaseOrderLine, SupplyItem)
        .join(SupplyItem)
        .where(PurchaseOrderLine.order == order_id)
        .order_by(SupplyItem.name, PurchaseOrderLine.id)
    )
    return tuple(
        OrderLineRow(
            x.id,
            x.item.id,
            x.item.sku,
            x.item.name,
            x.item.unit,
            x.quantity,
            x.unit_cents,
            x.received_qty,
            x.billed_qty,
        )  # fmt: skip
        for x in rows
    )


def order_detail_of(order: PurchaseOrder) -> OrderDetail:
    lines = _lines(order.id)
    row = OrderRow(order.id, order.version, order.vendor_id, order.vendor.name, order.status,
                   order.ordered_on, sum(x.amount_cents for x in lines))  # fmt: skip
    return OrderDetail(row, lines, order.memo)


def _draft(order_id: int, version: int | None = None) -> PurchaseOrder:
    order = get_or_refuse(PurchaseOrder, order_id, "purchase order")
    if version is not None and order.version != version:
        raise Conflict(
            f"Order PO-{order.id:05d} was changed by someone else; it has been reloaded."
        )
    if order.status != "draft":
        raise ValidationError.one(
            "order", f"Order PO-{order.id:05d} was sent; it can no longer be edited."
        )
    return order


@dataclass(frozen=True)
class OrdersMade:
    orders: tuple[int, ...]  # the draft orders made or added to
    items: int  # the items put on them
    without_vendor: tuple[str, ...]  # low items with no preferred vendor (not ordered)


@writer("payables.write", changes=TOPICS)
def orders_from_low_stock(actor: StaffMember, item_ids: list[int] | None = None) -> OrdersMade:
    """Draft orders for the items at or below their reorder point (or only *item_ids*
    among them): one draft a preferred vendor (an open draft is added to), each item at its
    reorder quantity and the vendor's last price. Items already on an order not yet fully
    received are left out; items without a preferred vendor are named, not ordered."""
    query = (
        SupplyItem.select(
            SupplyItem, VendorItem.vendor.alias("pref_vendor"),
            VendorItem.last_price_cents.alias("price"),
        )
        .join(VendorItem, JOIN.LEFT_OUTER,
              on=(VendorItem.item == SupplyItem.id) & (VendorItem.preferred == True))  # noqa: E712
        .where(SupplyItem.on_hand <= SupplyItem.reorder_point)
        .order_by(SupplyItem.name)
    )  # fmt: skip
    if item_ids is not None:
        if not isinstance(item_ids, list | tuple) or not all(
            isinstance(i, int) and not isinstance(i, bool) for i in item_ids
        ):
            raise ValidationError.one("items", "Pick the items to order from the list.")
        query = query.where(SupplyItem.id.in_([i for i in item_ids if 0 < i < 2**63]))
    on_order = {
        item_id
        for (item_id,) in PurchaseOrderLine.select(PurchaseOrderLine.item)
        .join(PurchaseOrder)
        .where(
            (PurchaseOrder.status.in_(("draft",) + OPEN))
            & (PurchaseOrderLine.received_qty < PurchaseOrderLine.quantity)
        )
        .tuples()
    }
    drafts: dict[int, PurchaseOrder] = {}
    without, count = [], 0
    for item in query.objects():
        if item.id in on_order:
            continue
        vendor_id = item.pref_vendor
        if vendor_id is None:
            without.append(item.name)
            continue
        if vendor_id not in drafts:
            drafts[vendor_id] = PurchaseOrder.get_or_none(
                (PurchaseOrder.vendor == vendor_id) & (PurchaseOrder.status == "draft")
            ) or PurchaseOrder.create(vendor=vendor_id, created_by=actor)
        PurchaseOrderLine.create(order=drafts[vendor_id], item=item.id,
                                 quantity=max(1, item.reorder_qty),
                                 unit_cents=item.price or 0)  # fmt: skip
        count += 1
    for order in drafts.values():
        PurchaseOrder.update(version=PurchaseOrder.version + 1).where(
            PurchaseOrder.id == order.id
        ).execute()
        audit(actor, "purchasing.order.draft", entity="purchase_order", entity_id=order.id,
              detail="from the low-stock list")  # fmt: skip
    return OrdersMade(tuple(o.id for o in drafts.values()), count, tuple(without))


@writer("payables.write", changes=TOPICS)
def new_order(actor: StaffMember, vendor_id: int) -> OrderDetail:
    """An empty draft order to *vendor_id*."""
    vendor = get_or_refuse(Vendor, vendor_id, "vendor")
    if not vendor.active:
        raise ValidationError.one("vendor", f"{vendor.name} is inactive; activate it first.")
    order = PurchaseOrder.create(vendor=vendor, created_by=actor)
    audit(actor, "purchasing.order.draft", entity="purchase_order", entity_id=order.id)
    return order_detail_of(order)


@writer("payables.write", changes=TOPICS)
def set_order_line(
    actor: StaffMember, order_id: int, item_id: int, quantity: str, price: str,
    version: int | None = None,
) -> OrderDetail:  # fmt: skip
    """Put *item_id* on a draft order at *quantity* and *price* a unit (quantity 0 takes
    it off)."""
    order = _draft(order_id, version)
    item = get_or_refuse(SupplyItem, item_id, "supply item")
    qty = parse_quantity("quantity", quantity, allow_zero=True)
    cents = parse_money("price", str(price or ""), label="Price", maximum=10_000_000)
    line = PurchaseOrderLine.get_or_none(
        (PurchaseOrderLine.order == order.id) & (PurchaseOrderLine.item == item.id)
    )
    if qty == 0:
        if line is not None:
            line.delete_instance()
    elif line is None:
        PurchaseOrderLine.create(order=order, item=item, quantity=qty, unit_cents=cents)
    else:
        PurchaseOrderLine.update(quantity=qty, unit_cents=cents).where(
            PurchaseOrderLine.id == line.id
        ).execute()
    PurchaseOrder.update(version=PurchaseOrder.version + 1).where(
        PurchaseOrder.id == order.id
    ).execute()
    audit(actor, "purchasing.order.line", entity="purchase_order", entity_id=order.id,
          detail=f"{item.sku} x{qty} at {cents} cents")  # fmt: skip
    return order_detail_of(PurchaseOrder.get_by_id(order.id))


@reader("stock.read")
def order_detail(actor: StaffMember, order_id: int) -> OrderDetail:
    return order_detail_of(get_or_refuse(PurchaseOrder, order_id, "purchase order"))


@reader("stock.read")
def order_list(
    actor: StaffMember, open_only: bool = False, after: int | None = None, limit: int = 100
) -> tuple[list[OrderRow], int | None]:
    """Orders newest first (drafts and orders awaiting deliveries only, when *open_only*),
    a keyset page at a time: (rows, the id to pass as *after* for the next page)."""
    check_limit(limit)
    query = PurchaseOrder.select(PurchaseOrder, Vendor).join(Vendor)
    if open_only:
        query = query.where(PurchaseOrder.status.in_(("draft",) + OPEN))
    if after is not None:
        query = query.where(PurchaseOrder.id < after)
    found = list(query.order_by(PurchaseOrder.id.desc()).limit(limit + 1))
    ids = [o.id for o in found[:limit]]
    amount = fn.SUM(PurchaseOrderLine.quantity * PurchaseOrderLine.unit_cents)
    totals = dict(
        PurchaseOrderLine.select(PurchaseOrderLine.order, amount)
        .where(PurchaseOrderLine.order.in_(ids))
        .group_by(PurchaseOrderLine.order)
        .tuples()
    )
    rows = [
        OrderRow(
            o.id,
            o.version,
            o.vendor_id,
            o.vendor.name,
            o.status,
            o.ordered_on,
            totals.get(o.id) or 0,
        )  # fmt: skip
        for o in found[:limit]
    ]
    return rows, (rows[-1].id if len(found) > limit else None)


def order_text(detail: OrderDetail, clinic: str, vendor_address: str = "") -> str:
    """The order as the vendor reads it (the text file, and the PDF's page); *clinic* may
    be several lines (name, address: where to ship)."""
    o = detail.order
    to = f"To: {o.vendor}" + (f", {vendor_address}" if vendor_address else "")
    out = [clinic, "", f"PURCHASE ORDER {o.number}", to,
           f"Date: {(o.ordered_on or clock.today()):%m/%d/%Y}", ""]  # fmt: skip
    out.append(f"{'Item':<12} {'Description':<30} {'Qty':>6} {'Unit price':>11} {'Amount':>12}")
    for x in detail.lines:
        out.append(
            f"{x.sku[:12]:<12} {x.name[:30]:<30} {x.quantity:>6} "
            f"{format_money(x.unit_cents):>11} {format_money(x.amount_cents):>12}"
        )
    out += ["", f"{'Total':<51} {format_money(o.total_cents):>22}"]
    if detail.memo:
        out += ["", detail.memo]
    return "\n".join(out) + "\n"


@reader("payables.read")
def order_to_send(actor: StaffMember, order_id: int) -> tuple[OrderDetail, str]:
    """The order and its text, for send_order (a draft with at least one line)."""
    order = _draft(order_id)
    detail = order_detail_of(order)
    if not detail.lines:
        raise ValidationError.one("order", f"Order {detail.order.number} has no items.")
    settings = ClinicSettings.select().first()
    clinic = "\n".join(x for x in (getattr(settings, "name", "") or "Clinic",
                                    getattr(settings, "address", "")) if x)  # fmt: skip
    sent = replace(detail, order=replace(detail.order, ordered_on=clock.today()))
    return sent, order_text(sent, clinic, order.vendor.address)


@writer("payables.write", changes=TOPICS)
def mark_order_sent(actor: StaffMember, order_id: int, version: int, file_name: str) -> OrderDetail:
    """Record that the order went out (written to *file_name*)."""
    order = _draft(order_id, version)
    PurchaseOrder.update(status="sent", ordered_on=clock.today(),
                         version=PurchaseOrder.version + 1).where(
        PurchaseOrder.id == order.id).execute()  # fmt: skip
    audit(actor, "purchasing.order.send", entity="purchase_order", entity_id=order.id,
          detail=file_name[:500])  # fmt: skip
    return order_detail_of(PurchaseOrder.get_by_id(order.id))


def send_order(actor: StaffMember, order_id: int, path: str, overwrite: bool = False) -> Path:
    """Write the order as PDF (*path*, ".pdf" added) and text beside it through the safe
    export path, then mark it sent. Nothing is marked when a file cannot be written."""
    detail, text = order_to_send(actor, order_id)
    raw = str(path or "").strip()
    if not raw:
        raise ValidationError.one("path", "File name is required.")
    pdf_path = raw if raw.lower().endswith(".pdf") else raw + ".pdf"
    what = f"purchase order {detail.order.number}"
    written = save_export(actor, pdf_path, statements_pdf([text]), action="purchasing.order.pdf",
                          detail=what, overwrite=overwrite, entity="purchase_order",
                          entity_id=order_id)  # fmt: skip
    save_export(actor, str(Path(written).with_suffix(".txt")), text.encode("utf-8"),
                action="purchasing.order.txt", detail=what, overwrite=True,
                entity="purchase_order", entity_id=order_id)  # fmt: skip
    mark_order_sent(actor, order_id, detail.order.version, str(written))
    return written


@writer("payables.write", changes=TOPICS)
def end_order(actor: StaffMember, order_id: int, reason: str) -> OrderDetail:
    """Cancel an order nothing was received on, or close a partly received one (what was
    not delivered is no longer expected). A reason is required."""
    order = get_or_refuse(PurchaseOrder, order_id, "purchase order")
    why = clean_text("reason", reason, max_len=200, required=True, label="Reason")
    if order.status in ("received", "closed", "cancelled"):
        raise ValidationError.one("order", f"Order PO-{order.id:05d} is {order.status} already.")
    status = "closed" if order.status == "partial" else "cancelled"
    PurchaseOrder.update(status=status, memo=order.memo or why,
                         version=PurchaseOrder.version + 1).where(
        PurchaseOrder.id == order.id).execute()  # fmt: skip
    audit(actor, f"purchasing.order.{status}", entity="purchase_order", entity_id=order.id,
          detail=why)  # fmt: skip
    return order_detail_of(PurchaseOrder.get_by_id(order.id))


@reader("payables.read")
def orders_to_bill(actor: StaffMember, limit: int = 200) -> list[OrderRow]:
    """Orders with units received and not yet billed, oldest first (what a vendor's bill
    is entered against)."""
    check_limit(limit)
    ids = [
        order_id
        for (order_id,) in PurchaseOrderLine.select(PurchaseOrderLine.order)
        .where(PurchaseOrderLine.received_qty > PurchaseOrderLine.billed_qty)
        .distinct()
        .tuples()
    ]
    query = (
        PurchaseOrder.select(PurchaseOrder, Vendor)
        .join(Vendor)
        .where(PurchaseOrder.id.in_(ids))
        .order_by(PurchaseOrder.id)
        .limit(limit)
    )
    return [order_detail_of(o).order for o in query]
