"""The demo clinic's vendors (issue 13 item 2), made through the payables services by the
office manager: a supply house preferred for most supplies (2/10 Net 30), a second one
for the rest, the landlord and the cleaning contractor. No bills: the demo's books start
empty (the ledger's tests count on it); the manager enters them."""

from __future__ import annotations

import datetime as dt

from ...db.models import StaffMember, SupplyItem
from ..books.vendors import save_vendor, set_vendor_item
from ..validate import format_money

VENDORS = (
    # name, address, phone, terms, contractor
    ("Northwind Medical Supply", "40 Harbor Rd, Springfield, NY 12345", "2125550141",
     "2/10 Net 30", False),
    ("Lakeside Office & Lab", "7 Mill St, Springfield, NY 12345", "2125550142", "Net 30", False),
    ("Springfield Properties", "1 Center Sq, Springfield, NY 12345", "2125550143",
     "Due on receipt", False),
    ("Brightway Cleaning", "88 Elm Ave, Springfield, NY 12345", "2125550144", "Net 15", True),
)  # fmt: skip


def build_vendors(today: dt.date) -> None:
    manager = StaffMember.get(StaffMember.username == "manager")
    made = [
        save_vendor(manager, dict(name=n, address=a, phone=p, terms=t, contractor=c))
        for n, a, p, t, c in VENDORS
    ]
    supply, office = made[0].id, made[1].id
    for n, item in enumerate(SupplyItem.select().order_by(SupplyItem.id)):
        # The catalog price where the stock keeps one (supplies-depth), else a round figure.
        cents = getattr(item, "last_cost_cents", 0) or 500 + 125 * (n % 12)
        set_vendor_item(manager, office if n % 5 == 4 else supply, item.id,
                        format_money(cents), preferred=True)  # fmt: skip
