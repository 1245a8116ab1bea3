"""Receiving against a purchase order (issue 13 item 3): what arrived, line by line, in
part or in whole (what did not come stays back-ordered). Each received line goes into
stock through stock_in at the ordered price, crediting GRNI (received, not yet billed), in
the receipt's own transaction: the order's quantities, the stock, its value and the
ledger move together or not at all. More than was ordered is refused unless the person
receiving says why (the over-receipt reason, kept on the line and in the audit trail)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ...db.models import PurchaseOrder, PurchaseOrderLine, Receipt, ReceiptLine, StaffMember
from .. import clock
from ..books import accounts as acct
from ..core import audit, get_or_refuse, writer
from ..errors import Conflict, ValidationError
from ..validate import check_date, clean_text, parse_date, parse_quantity
from .purchasing import OPEN, TOPICS, OrderDetail, order_detail_of
from .valuation import stock_in


@dataclass(frozen=True)
class ReceiptResult:
    receipt_id: int
    units: int
    order: OrderDetail


def _day(value) -> dt.date:
    if isinstance(value, dt.date):
        return check_date("received_on", value, label="Received on")
    return parse_date("received_on", str(value or "t"), today=clock.today(), label="Received on")


@writer("stock.write", changes=TOPICS)
def receive_order(
    actor: StaffMember,
    order_id: int,
    quantities: dict[int, str],
    received_on: str | dt.date = "t",
    over_reason: str = "",
    note: str = "",
    version: int | None = None,
    lots: dict[int, tuple[str, dt.date | None]] | None = None,
) -> ReceiptResult:
    """Receive *quantities* ({order line id: units}) of a sent order on *received_on*
    (optionally with {line id: (lot number, expiry)}). Refuses a line not on the order,
    an order not sent or already received, closed or cancelled, no units at all, and
    more units than are still to come unless *over_reason* says why."""
    order = get_or_refuse(PurchaseOrder, order_id, "purchase order")
    number = f"PO-{order.id:05d}"
    if version is not None and order.version != version:
        raise Conflict(f"Order {number} was changed by someone else; it has been reloaded.")
    if order.status not in OPEN:
        raise ValidationError.one(
            "order", f"Order {number} is {order.status}; nothing is expected on it."
        )
    day = _day(received_on)
    why = clean_text("over_reason", over_reason, max_len=200, label="Reason")
    note = clean_text("note", note, max_len=200, label="Note")
    if not isinstance(quantities, dict) or not quantities:
        raise ValidationError.one("quantities", "Type how many of each item came.")
    lines = {x.id: x for x in PurchaseOrderLine.select().where(PurchaseOrderLine.order == order.id)}
    wanted: list[tuple[PurchaseOrderLine, int]] = []
    errors: dict[str, str] = {}
    for line_id, typed in quantities.items():
        line = lines.get(line_id)
        if line is None:
            raise ValidationError.one("quantities", f"That line is not on order {number}.")
        try:
            qty = parse_quantity(f"qty{line_id}", typed, allow_zero=True)
        except ValidationError as exc:
            errors.update(exc.errors)
            continue
        left = line.quantity - line.received_qty
        if qty > left and not why:
            name = line.item.name
            errors[f"qty{line_id}"] = (
                f"{name}: {qty} is {qty - max(0, left)} more than the {max(0, left)} still to "
                "come; to receive more than was ordered, give the reason."
            )
        if qty:
            wanted.append((line, qty))
    if errors:
        raise ValidationError(errors)
    if not wanted:
        raise ValidationError.one("quantities", "No units were typed; nothing to receive.")
    receipt = Receipt.create(order=order, received_on=day, note=note, staff=actor,
                             at=clock.now_utc())  # fmt: skip
    units = 0
    for line, qty in wanted:
        lot_number, expiry = (lots or {}).get(line.id, (None, None))
        over = why if qty > line.quantity - line.received_qty else ""
        row = ReceiptLine.create(receipt=receipt, line=line, quantity=qty,
                                 unit_cents=line.unit_cents, over_reason=over)  # fmt: skip
        movement = stock_in(
            line.item_id, qty, line.unit_cents, lot_number=lot_number or None,
            expiry=expiry, location_id=None, staff=actor, source="po_receipt",
            source_id=receipt.id, credit_account=acct.GRNI, on=day,
            reason=f"Received on {number}",
        )  # fmt: skip
        ReceiptLine.update(movement_id=movement).where(ReceiptLine.id == row.id).execute()
        PurchaseOrderLine.update(received_qty=PurchaseOrderLine.received_qty + qty).where(
            PurchaseOrderLine.id == line.id
        ).execute()
        units += qty
        if over:
            audit(actor, "purchasing.over_receipt", entity="purchase_order", entity_id=order.id,
                  detail=f"{line.item.sku} {qty} (ordered {line.quantity}): {over}")  # fmt: skip
    short = (
        PurchaseOrderLine.select()
        .where((PurchaseOrderLine.order == order.id)
               & (PurchaseOrderLine.received_qty < PurchaseOrderLine.quantity))
        .exists()
    )  # fmt: skip
    PurchaseOrder.update(status="partial" if short else "received",
                         version=PurchaseOrder.version + 1).where(
        PurchaseOrder.id == order.id).execute()  # fmt: skip
    audit(actor, "purchasing.receive", entity="purchase_order", entity_id=order.id,
          detail=f"receipt {receipt.id}: {units} units")  # fmt: skip
    return ReceiptResult(receipt.id, units, order_detail_of(PurchaseOrder.get_by_id(order.id)))
