"""The stock dialogs several supplies screens open: receive (cost, lot, expiry, where),
move a lot to another location, use from a lot, count lots, the near-expiry days."""

from __future__ import annotations

from ...services.errors import ValidationError
from ...services.supplies.counts import record_count
from ...services.supplies.inventory import receive_stock, stock_page
from ...services.supplies.lots import LocationRow, LotRow, set_near_expiry_days
from ...services.supplies.usage import transfer_stock, use_at_visit, use_supplies
from ...services.supplies.valuation import DEFAULT_LOCATION
from ...services.validate import format_money
from ...services.wording import date_text, quantity
from ...widgets.form import FieldSpec, FormDialog

DIGITS = r"[0-9,]*"


def lot_label(row: LotRow) -> str:
    """ "L12345 exp 12/31/2027 · Exam 1" (a lot without a number: "no lot")."""
    lot = row.lot_number or "no lot"
    expiry = f" exp {date_text(row.expiry)}" if row.expiry else ""
    return f"{lot}{expiry} · {row.location}"


def _places(places: list[LocationRow], but: int | None = None) -> list[tuple[str, str]]:
    return [(p.name, str(p.id)) for p in places if p.active and p.id != but]


def _default(places: list[LocationRow]) -> str:
    """Where a delivery goes unless told: the supply room (valuation.DEFAULT_LOCATION)."""
    active = [p for p in places if p.active]
    room = next((p for p in active if p.name == DEFAULT_LOCATION), active[0] if active else None)
    return str(room.id) if room else ""


def receive_dialog(item_id: int, name: str, last_cost_cents: int, places) -> FormDialog:
    """A delivery received by hand: its value is credited to "received, not yet billed"
    (GRNI) until the vendor's bill clears it."""
    options = _places(places)

    def submit(actor, v):
        return receive_stock(
            actor,
            item_id,
            v["quantity"],
            v["reason"],
            unit_cost=v["cost"],
            lot_number=v["lot"],
            expiry=v["expiry"],
            location_id=int(v["location"]),
        )

    cost = format_money(last_cost_cents).lstrip("$") if last_cost_cents else ""
    return FormDialog(
        f"Receive {name}",
        [
            FieldSpec("quantity", "Quantity in", placeholder="whole number", max_length=9),
            FieldSpec("cost", "Unit cost $", cost, placeholder="e.g. 12.50", max_length=12),
            FieldSpec("lot", "Lot number", placeholder="blank: none", max_length=30),
            FieldSpec("expiry", "Expires", placeholder="12/31/2027; blank: none", max_length=10),
            FieldSpec("location", "Put in", _default(places), options=options),
            FieldSpec("reason", "Reason", "Delivery received", max_length=200),
        ],
        submit,
        hint="Valued at cost, credited to received-not-yet-billed · Ctrl+S save · Esc cancel",
    )


def move_dialog(row: LotRow, unit: str, places) -> FormDialog:
    """Move units of one lot to another location (no change in value)."""
    options = _places(places, but=row.location_id)

    def submit(actor, v):
        return transfer_stock(actor, row.id, v["quantity"], int(v["location"]), v["reason"])

    return FormDialog(
        f"Move {row.item}, {lot_label(row)} ({quantity(row.on_hand, unit)})",
        [
            FieldSpec("quantity", "Quantity", str(row.on_hand), max_length=9, restrict=DIGITS),
            FieldSpec("location", "Move to", options[0][1] if options else "", options=options),
            FieldSpec("reason", "Reason", max_length=150),
        ],
        submit,
    )


def use_dialog(row: LotRow, unit: str) -> FormDialog:
    """Use units from one lot by hand (expired lots are refused by the service)."""

    def submit(actor, v):
        return use_supplies(actor, row.item_id, v["quantity"], v["reason"], lot_id=row.id)

    return FormDialog(
        f"Use {row.item}, {lot_label(row)} ({quantity(row.on_hand, unit)})",
        [
            FieldSpec(
                "quantity",
                "Quantity out",
                placeholder="whole number",
                max_length=9,
                restrict=DIGITS,
            ),
            FieldSpec("reason", "Reason", "Used in clinic", max_length=200),
        ],
        submit,
    )


def discard_dialog(row: LotRow) -> FormDialog:
    """Count an expired (or damaged) lot out: counted 0, posted as an adjustment."""

    def submit(actor, v):
        return record_count(actor, {row.id: "0"}, v["reason"])

    return FormDialog(
        f"Discard {row.item}, {lot_label(row)}: all {row.on_hand}",
        [FieldSpec("reason", "Reason", "Expired, discarded", max_length=200)],
        submit,
        hint="Counted out to 0, posted as an adjustment · Enter: discard · Esc cancel",
    )


def days_dialog(days: int) -> FormDialog:
    def submit(actor, v):
        return set_near_expiry_days(actor, v["days"])

    return FormDialog(
        "Near-expiry worklist",
        [FieldSpec("days", "Days ahead", str(days), max_length=3, restrict=r"[0-9]*")],
        submit,
    )


def visit_supplies_dialog(appointment_id: int) -> FormDialog:
    """The check-out's "supplies used" step: an item (part of its name, or its SKU) and
    how many; taken first expiring first, its cost to supplies expense."""

    def submit(actor, v):
        item_id = _one_item(actor, v["item"])
        return use_at_visit(actor, appointment_id, item_id, v["quantity"])

    return FormDialog(
        "Supplies used at this visit",
        [
            FieldSpec("item", "Item", placeholder="name or SKU", max_length=80),
            FieldSpec("quantity", "Quantity", "1", max_length=9, restrict=DIGITS),
        ],
        submit,
        hint="First expiring first out · Enter: next / save · Esc cancel",
    )


def _one_item(actor, typed: str) -> int:
    """The one item *typed* names: its SKU, or the only name containing it."""
    if not typed.strip():
        raise ValidationError.one("item", "Type part of the item's name or its SKU.")
    rows = stock_page(actor, search=typed, limit=20).rows
    exact = [r for r in rows if typed.strip().lower() in (r.sku.lower(), r.name.lower())]
    if len(exact) == 1 or len(rows) == 1:
        return (exact or rows)[0].id
    if not rows:
        raise ValidationError.one("item", "No item has that name or SKU.")
    raise ValidationError.one(
        "item", f"{len(rows)}{'+' if len(rows) == 20 else ''} items match: type more."
    )
