"""Vendors and contractors (issue 13 item 2): who the practice buys from, on what payment
terms, and the supply items each sells at their last price (one preferred vendor an item,
whom the purchase orders built from the low-stock list go to)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from ...db.models import StaffMember, SupplyItem, Vendor, VendorItem
from ..core import audit, get_or_refuse, reader, writer
from ..errors import Conflict, ValidationError
from ..validate import check_limit, clean_text, parse_money, parse_phone

# code: (label, days until due, early-payment discount percent, discount window days)
TERMS = {
    "net30": ("Net 30", 30, 0, 0),
    "net15": ("Net 15", 15, 0, 0),
    "2/10net30": ("2/10 Net 30", 30, 2, 10),
    "receipt": ("Due on receipt", 0, 0, 0),
}
VENDOR_FIELDS = ("name", "address", "phone", "tax_id", "terms", "contractor")
# What each kind of writer changes for other terminals' screens.
PAYABLES_TOPICS = ("payables",)


def terms_label(code: str) -> str:
    return TERMS.get(code, (code,))[0]


def due_date(bill_date: dt.date, terms: str) -> dt.date:
    """When a bill dated *bill_date* on *terms* is due."""
    return bill_date + dt.timedelta(days=TERMS[terms][1])


def discount_for(terms: str, bill_date: dt.date, paid_on: dt.date, open_cents: int) -> int:
    """The early-payment discount a payment made on *paid_on* may take on *open_cents*
    (2/10 Net 30: 2% if paid within 10 days of the bill's date; rounded half up)."""
    _label, _days, percent, window = TERMS.get(terms, ("", 0, 0, 0))
    if not percent or paid_on > bill_date + dt.timedelta(days=window) or open_cents <= 0:
        return 0
    return (open_cents * percent + 50) // 100


def parse_terms(field: str, value: str | None) -> str:
    """'Net 30', 'net30', '2/10 net 30', 'due on receipt', 'receipt' -> the terms code."""
    text = "".join((value or "").lower().split())
    if not text:
        return "net30"
    for code, (label, *_rest) in TERMS.items():
        if text in (code, "".join(label.lower().split())):
            return code
    choices = ", ".join(label for label, *_r in TERMS.values())
    raise ValidationError.one(field, f"Terms are one of {choices}.")


@dataclass(frozen=True)
class VendorRow:
    id: int
    version: int
    name: str
    address: str
    phone: str
    tax_id: str
    terms: str  # code
    contractor: bool
    active: bool

    @property
    def terms_label(self) -> str:
        return terms_label(self.terms)


def vendor_row(v: Vendor) -> VendorRow:
    return VendorRow(
        v.id, v.version, v.name, v.address, v.phone, v.tax_id, v.terms, v.contractor, v.active
    )


def check_vendor(values: dict) -> dict:
    """The vendor's fields cleaned, or every bad one named at once."""
    errors: dict[str, str] = {}
    out: dict = {}
    checks = {
        "name": lambda v: clean_text("name", v, max_len=80, required=True, label="Name"),
        "address": lambda v: clean_text("address", v, max_len=200, label="Address"),
        "phone": lambda v: parse_phone("phone", v) if (v or "").strip() else "",
        "tax_id": lambda v: clean_text("tax_id", v, max_len=20, label="Tax id"),
        "terms": lambda v: parse_terms("terms", v),
    }
    for name, check in checks.items():
        try:
            out[name] = check(str(values.get(name) or ""))
        except ValidationError as exc:
            errors.update(exc.errors)
    out["contractor"] = bool(values.get("contractor"))
    if errors:
        raise ValidationError(errors)
    return out


@writer("payables.write", changes=PAYABLES_TOPICS)
def save_vendor(
    actor: StaffMember, values: dict, vendor_id: int | None = None, version: int | None = None
) -> VendorRow:
    """Add a vendor (no *vendor_id*) or change one (its *version* as read: a stale edit is
    refused). Refuses a name another vendor has."""
    v = check_vendor(values)
    same = Vendor.get_or_none(fn.LOWER(Vendor.name) == v["name"].lower())
    if same is not None and same.id != vendor_id:
        raise ValidationError.one("name", f"There is already a vendor named {same.name}.")
    if vendor_id is None:
        vendor = Vendor.create(**v)
        audit(actor, "payables.vendor.add", entity="vendor", entity_id=vendor.id, detail=v["name"])
        return vendor_row(vendor)
    vendor = get_or_refuse(Vendor, vendor_id, "vendor")
    if version is not None and vendor.version != version:
        raise Conflict(f"{vendor.name} was changed by someone else; it has been reloaded.")
    Vendor.update(**v, version=Vendor.version + 1).where(Vendor.id == vendor.id).execute()
    audit(actor, "payables.vendor.edit", entity="vendor", entity_id=vendor.id, detail=v["name"])
    return vendor_row(Vendor.get_by_id(vendor.id))


@writer("payables.write", changes=PAYABLES_TOPICS)
def set_vendor_active(actor: StaffMember, vendor_id: int, active: bool) -> VendorRow:
    """Deactivate a vendor (kept with its bills; no new bills or orders) or bring it back."""
    vendor = get_or_refuse(Vendor, vendor_id, "vendor")
    Vendor.update(active=bool(active), version=Vendor.version + 1).where(
        Vendor.id == vendor.id
    ).execute()
    audit(actor, "payables.vendor.active", entity="vendor", entity_id=vendor.id,
          detail=f"{vendor.name}: {'active' if active else 'inactive'}")  # fmt: skip
    return vendor_row(Vendor.get_by_id(vendor.id))


@reader("payables.read")
def vendor_list(
    actor: StaffMember, include_inactive: bool = False, limit: int = 500
) -> list[VendorRow]:
    """Vendors by name (a practice buys from tens, not thousands)."""
    check_limit(limit)
    query = Vendor.select()
    if not include_inactive:
        query = query.where(Vendor.active == True)  # noqa: E712
    return [vendor_row(v) for v in query.order_by(Vendor.name, Vendor.id).limit(limit)]


@reader("payables.read")
def vendor_detail(actor: StaffMember, vendor_id: int) -> VendorRow:
    return vendor_row(get_or_refuse(Vendor, vendor_id, "vendor"))


@dataclass(frozen=True)
class VendorItemRow:
    item_id: int
    sku: str
    name: str
    unit: str
    last_price_cents: int
    preferred: bool


@writer("payables.write", changes=PAYABLES_TOPICS)
def set_vendor_item(
    actor: StaffMember, vendor_id: int, item_id: int, price: str, preferred: bool = True
) -> VendorItemRow:
    """Record that *vendor_id* sells *item_id* at *price* (its last price); *preferred*
    makes it the item's preferred vendor (another vendor stops being so)."""
    vendor = get_or_refuse(Vendor, vendor_id, "vendor")
    item = get_or_refuse(SupplyItem, item_id, "supply item")
    cents = parse_money("price", price, label="Price")
    set_last_price(vendor.id, item.id, cents, preferred=bool(preferred))
    audit(actor, "payables.vendor.item", entity="vendor", entity_id=vendor.id,
          detail=f"{item.sku} at {cents} cents{' (preferred)' if preferred else ''}")  # fmt: skip
    return VendorItemRow(item.id, item.sku, item.name, item.unit, cents, bool(preferred))


def set_last_price(vendor_id: int, item_id: int, cents: int, *, preferred: bool | None = None):
    """Inside the caller's write transaction: the vendor's last price for the item, and
    (if *preferred* is True) the vendor as the item's one preferred vendor."""
    row = VendorItem.get_or_none((VendorItem.vendor == vendor_id) & (VendorItem.item == item_id))
    if preferred:
        VendorItem.update(preferred=False).where(
            (VendorItem.item == item_id) & (VendorItem.vendor != vendor_id)
        ).execute()
    if row is None:
        VendorItem.create(vendor=vendor_id, item=item_id, last_price_cents=cents,
                          preferred=bool(preferred))  # fmt: skip
        return
    changes = {"last_price_cents": cents}
    if preferred is not None:
        changes["preferred"] = preferred
    VendorItem.update(**changes).where(VendorItem.id == row.id).execute()


@reader("payables.read")
def vendor_items(actor: StaffMember, vendor_id: int) -> list[VendorItemRow]:
    vendor = get_or_refuse(Vendor, vendor_id, "vendor")
    rows = (
        VendorItem.select(VendorItem, SupplyItem)
        .join(SupplyItem)
        .where(VendorItem.vendor == vendor.id)
        .order_by(SupplyItem.name)
    )
    return [
        VendorItemRow(
            r.item.id, r.item.sku, r.item.name, r.item.unit, r.last_price_cents, r.preferred
        )  # fmt: skip
        for r in rows
    ]
