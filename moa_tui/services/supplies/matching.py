"""The three-way match (issue 13 item 3): a vendor's bill against its purchase order and
the receipts. Each billed line must be for units received and not yet billed, at the
ordered price within the tolerance (a percent of the ordered price or a number of cents a
unit, whichever allows more). A mismatch names the line and by how much; a bill that does
not match cannot be approved for payment unless the manager overrides it with a reason."""

from __future__ import annotations

from dataclasses import dataclass

from ...db.models import Bill, BillLine, PayablesSettings, PurchaseOrderLine, StaffMember
from ..core import audit, reader, writer
from ..errors import Conflict, ValidationError
from ..validate import format_money, parse_money

MAX_PERCENT = 50


@dataclass(frozen=True)
class Tolerance:
    percent: int
    cents: int
    version: int

    def allows(self, ordered_cents: int, difference: int) -> bool:
        return abs(difference) <= max(self.cents, ordered_cents * self.percent / 100)

    @property
    def text(self) -> str:
        return f"{self.percent}% or {format_money(self.cents)} a unit"


def tolerance() -> Tolerance:
    """The setting as stored (the defaults, 2% or $1.00 a unit, until the manager sets it);
    inside the caller's transaction."""
    row = PayablesSettings.select().order_by(PayablesSettings.id).first()
    if row is None:
        return Tolerance(2, 100, 0)
    return Tolerance(row.tolerance_percent, row.tolerance_cents, row.version)


@reader("payables.read")
def match_tolerance(actor: StaffMember) -> Tolerance:
    return tolerance()


@writer("payables.write", changes=("payables",))
def set_match_tolerance(
    actor: StaffMember, percent: str, cents: str, version: int | None = None
) -> Tolerance:
    """Set how far a billed price may be from the ordered one: *percent* (0-50, whole)
    and *cents* ("$0.25") a unit; a price within either matches."""
    text = str(percent or "").strip().rstrip("%").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 2 and int(text) <= MAX_PERCENT):
        raise ValidationError.one("percent", f"Percent is a whole number from 0 to {MAX_PERCENT}.")
    amount = parse_money("cents", str(cents or ""), label="Cents a unit", maximum=100_000)
    row = PayablesSettings.select().order_by(PayablesSettings.id).first()
    if row is None:
        PayablesSettings.create(tolerance_percent=int(text), tolerance_cents=amount)
    else:
        if version is not None and row.version != version:
            raise Conflict("The tolerance was changed by someone else; it has been reloaded.")
        PayablesSettings.update(
            tolerance_percent=int(text), tolerance_cents=amount,
            version=PayablesSettings.version + 1,
        ).where(PayablesSettings.id == row.id).execute()  # fmt: skip
    audit(actor, "payables.tolerance", detail=f"{text}% or {amount} cents")
    return tolerance()


def bill_mismatches(bill: Bill) -> list[str]:
    """Why *bill* does not match its order and receipts, one sentence a line (empty: it
    matches). Inside the caller's transaction."""
    allowed = tolerance()
    found = []
    lines = BillLine.select().where(BillLine.bill == bill.id).order_by(BillLine.id)
    for n, line in enumerate(lines, 1):
        if line.po_line_id is None:
            continue
        po_line = PurchaseOrderLine.get_or_none(PurchaseOrderLine.id == line.po_line_id)
        if po_line is None or po_line.order_id != bill.purchase_order_id:
            found.append(f"line {n} ({line.description}) is not on order {bill.purchase_order_id}")
            continue
        unbilled = po_line.received_qty - po_line.billed_qty
        if line.quantity > unbilled:
            found.append(
                f"line {n} ({line.description}) bills {line.quantity}, but {unbilled} "
                f"received {'are' if unbilled != 1 else 'is'} not yet billed "
                f"({line.quantity - unbilled} more than received)"
            )
        diff = line.unit_cents - po_line.unit_cents
        if not allowed.allows(po_line.unit_cents, diff):
            pct = f", {abs(diff) * 100 / po_line.unit_cents:.1f}%" if po_line.unit_cents else ""
            found.append(
                f"line {n} ({line.description}) is {format_money(line.unit_cents)} a unit, "
                f"ordered at {format_money(po_line.unit_cents)} "
                f"({'+' if diff > 0 else '-'}{format_money(abs(diff))}{pct}; "
                f"tolerance {allowed.text})"
            )
    return found
