"""The demo clinic's back office: claims of the last months and the supply stock."""

from __future__ import annotations

import datetime as dt
import random

from ...db.models import StaffMember, SupplyItem
from .. import clock
from ..books import accounts
from ..supplies.inventory import receive_stock
from ..supplies.lots import add_location
from .billing import build_billing
from .data import SUPPLIES


def build_claims(rng, today, count, providers, payers, patient_ids, desk):
    """*count* claims over the last 150 days, made through the billing services by the
    demo's biller (services/demo/billing.py): coded, scrubbed, sent, answered."""
    biller = StaffMember.get(StaffMember.username == "billing")
    build_billing(rng, today, count, providers, payers, biller)


# Where the demo keeps supplies; what needs a lot and expiry date, and where it lives.
LOCATIONS = ("Exam 1", "Exam 2", "Lab fridge")
_EXPIRING = (
    "prep pads",
    "Syringe",
    "Needle",
    "dipsticks",
    "test strips",
    "Lancets",
    "sanitizer",
    "wipes",
    "Specimen",
)
_FRIDGE = ("dipsticks", "test strips")
_SOON = (-6, 25, 40, 55)  # days to expiry of the first dated items' first lots


def build_supplies(rng, desk):
    """The supply list with an opening count, made through the stock services: each item
    received at a unit cost (the opening balance, credited to owner's equity), some in two
    lots or at an exam room; dated supplies have lots with expiry dates, a few near expiry
    and one expired. About one item in five needs reordering. The costs and lots draw on
    their own random numbers, so the rest of the demo is the same as before."""
    places = {name: add_location(desk, name).id for name in LOCATIONS}
    lots = random.Random(13)
    today = clock.today()
    dated_seen = 0
    for n, (name, unit) in enumerate(SUPPLIES, start=1):
        reorder = rng.choice((2, 4, 5, 10, 20))
        # About one item in five is at or below its reorder point.
        on_hand = (
            rng.randint(0, reorder) if rng.random() < 0.2 else rng.randint(reorder + 1, reorder * 5)
        )
        cost = f"{lots.randint(3, 60)}.{lots.choice(('00', '25', '50', '95'))}"
        item = SupplyItem.create(
            sku=f"SUP-{n:04d}",
            name=name,
            unit=unit,
            reorder_point=reorder,
            reorder_qty=reorder * 3,
            last_cost_cents=int(cost.replace(".", "")),  # the catalog price, if none is held
        )
        dated = any(word in name for word in _EXPIRING)
        parts = [on_hand // 2, on_hand - on_hand // 2] if on_hand >= 4 and dated else [on_hand]
        for k, part in enumerate(p for p in parts if p):
            where = None
            if any(word in name for word in _FRIDGE):
                where = places["Lab fridge"]
            elif k == 1:
                where = places[lots.choice(("Exam 1", "Exam 2"))]
            expiry = None
            if dated:
                # The first dated items' first lots: one expired, three near expiry.
                days = _SOON[dated_seen] if k == 0 and dated_seen < len(_SOON) else 0
                expiry = today + dt.timedelta(days=days or lots.randint(120, 700))
            dated_seen += k == 0 and dated
            receive_stock(
                desk,
                item.id,
                part,
                "Opening count",
                unit_cost=cost,
                lot_number=f"L{lots.randint(10000, 99999)}" if dated else "",
                expiry=expiry,
                location_id=where,
                credit_account=accounts.EQUITY,
            )
